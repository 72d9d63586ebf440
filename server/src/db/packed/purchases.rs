//! One wholesaler's purchases of one product in one month, packed into bytes: the national set is
//! ≈12 million (customer, quantity) pairs a month in ≈18,000 (product, wholesaler) packs, so an
//! upload writes a few hundred rows instead of millions and a plan reads one row per wholesaler.
//! Format 1: a version byte, then per customer in ascending id order the id's distance from the
//! previous one (the first: the id) and the quantity, both as LEB128 varints.

use super::{PackError, put_varint, take_varint};

/// One customer's purchases in a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purchase {
    /// The wholesaler's customer.
    pub customer_id: i32,
    /// Sales packages in the month.
    pub quantity: u64,
}

const FORMAT: u8 = 1;

/// Packs `purchases`, which must be in strictly ascending customer order (as [`merge`] and
/// [`unpack`] give them).
pub fn pack(purchases: &[Purchase]) -> Vec<u8> {
    debug_assert!(
        purchases
            .windows(2)
            .all(|w| w[0].customer_id < w[1].customer_id)
    );
    let mut bytes = Vec::with_capacity(1 + purchases.len() * 4);
    bytes.push(FORMAT);
    let mut previous = 0i64;
    for p in purchases {
        let id = i64::from(p.customer_id);
        put_varint(&mut bytes, u64::try_from(id - previous).unwrap_or(0));
        put_varint(&mut bytes, p.quantity);
        previous = id;
    }
    bytes
}

/// Unpacks what [`pack`] wrote.
pub fn unpack(bytes: &[u8]) -> Result<Vec<Purchase>, PackError> {
    let corrupt = || PackError::Purchases;
    let (&format, mut rest) = bytes.split_first().ok_or_else(corrupt)?;
    if format != FORMAT {
        return Err(corrupt());
    }
    let mut purchases = Vec::with_capacity(rest.len() / 3);
    let mut id = 0i64;
    while !rest.is_empty() {
        let (step, after) = take_varint(rest).ok_or_else(corrupt)?;
        let (quantity, after) = take_varint(after).ok_or_else(corrupt)?;
        id += i64::try_from(step).map_err(|_| corrupt())?;
        purchases.push(Purchase {
            customer_id: i32::try_from(id).map_err(|_| corrupt())?,
            quantity,
        });
        rest = after;
    }
    Ok(purchases)
}

/// `stored` with `new` laid over it: a customer in `new` takes its quantity from there (a later
/// upload replaces the value at its key), every other customer keeps its own. Both in ascending
/// customer order; so is the result.
pub fn merge(stored: &[Purchase], new: &[Purchase]) -> Vec<Purchase> {
    let mut merged = Vec::with_capacity(stored.len().max(new.len()));
    let (mut old, mut new) = (stored.iter().peekable(), new.iter().peekable());
    loop {
        let next = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => old.next(),
            (None, Some(_)) => new.next(),
            (Some(o), Some(n)) => match o.customer_id.cmp(&n.customer_id) {
                std::cmp::Ordering::Less => old.next(),
                std::cmp::Ordering::Greater => new.next(),
                std::cmp::Ordering::Equal => {
                    old.next();
                    new.next()
                }
            },
        };
        merged.extend(next.copied());
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(customer_id: i32, quantity: u64) -> Purchase {
        Purchase {
            customer_id,
            quantity,
        }
    }

    #[test]
    fn a_pack_reads_back_exactly_including_large_ids_and_quantities() -> anyhow::Result<()> {
        let purchases = vec![p(1, 0), p(2, 127), p(300, 128), p(i32::MAX, u64::MAX)];
        let bytes = pack(&purchases);
        assert_eq!(unpack(&bytes)?, purchases);
        assert!(unpack(&bytes[..bytes.len() - 1]).is_err());
        assert!(unpack(&[2, 1, 1]).is_err(), "an unknown format is refused");
        assert_eq!(unpack(&pack(&[]))?, []);
        Ok(())
    }

    #[test]
    fn a_merge_replaces_at_the_new_keys_and_keeps_the_rest() {
        let stored = [p(1, 10), p(3, 30), p(5, 50)];
        let new = [p(2, 2), p(3, 0), p(6, 6)];
        assert_eq!(
            merge(&stored, &new),
            [p(1, 10), p(2, 2), p(3, 0), p(5, 50), p(6, 6)]
        );
        assert_eq!(merge(&[], &new), new);
        assert_eq!(merge(&stored, &[]), stored);
    }

    proptest! {
        #[test]
        fn merging_equals_a_map_overwritten_by_the_new_rows(
            stored in proptest::collection::btree_map(1i32..500, 0u64..1_000_000, 0..60),
            new in proptest::collection::btree_map(1i32..500, 0u64..1_000_000, 0..60),
        ) {
            let as_vec = |m: &std::collections::BTreeMap<i32, u64>| {
                m.iter().map(|(c, q)| p(*c, *q)).collect::<Vec<_>>()
            };
            let mut expected = stored.clone();
            expected.extend(new.iter().map(|(c, q)| (*c, *q)));
            let merged = merge(&as_vec(&stored), &as_vec(&new));
            prop_assert_eq!(&merged, &as_vec(&expected));
            prop_assert_eq!(unpack(&pack(&merged)).expect("readable"), merged);
        }
    }
}
