//! The caps of one wholesaler in one computation, packed into bytes: a national computation
//! holds ≈12 million customer caps, which as one row each would take about a minute to write,
//! while packed per (computation, wholesaler) they are written in about a second and read back
//! whole for a download. Format 2 (written now): a version byte, then per customer in ascending
//! id order the id's distance from the previous one (the first: the id), its baseline and its cap,
//! all as LEB128 varints — about 3 bytes a customer. Format 1 (read only, for computations
//! stored before): the id as 4 bytes little-endian instead of the distance.

use super::{PackError, put_varint, take_varint};

/// One customer's part of a computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedCap {
    /// The customer.
    pub customer_id: i32,
    /// `h_c`: its baseline purchases of the group.
    pub baseline: u64,
    /// Its cap.
    pub cap: u64,
}

/// Ids as 4 bytes each (read only).
const FORMAT_FIXED_IDS: u8 = 1;
/// Ids as varint distances.
const FORMAT_ID_STEPS: u8 = 2;

/// Packs `caps` (format 2); unpacking gives them in ascending customer id order.
pub fn pack(caps: &[PackedCap]) -> Vec<u8> {
    let sorted;
    let caps = if caps.is_sorted_by_key(|c| c.customer_id) {
        caps
    } else {
        sorted = {
            let mut copy = caps.to_vec();
            copy.sort_unstable_by_key(|c| c.customer_id);
            copy
        };
        &sorted
    };
    let mut bytes = Vec::with_capacity(1 + caps.len() * 4);
    bytes.push(FORMAT_ID_STEPS);
    let mut previous = 0i64;
    for c in caps {
        let id = i64::from(c.customer_id);
        put_varint(&mut bytes, u64::try_from(id - previous).unwrap_or(0));
        put_varint(&mut bytes, c.baseline);
        put_varint(&mut bytes, c.cap);
        previous = id;
    }
    bytes
}

/// Unpacks what [`pack`] wrote, in either format.
pub fn unpack(bytes: &[u8]) -> Result<Vec<PackedCap>, PackError> {
    let corrupt = || PackError::Caps;
    let (&format, mut rest) = bytes.split_first().ok_or_else(corrupt)?;
    if format != FORMAT_FIXED_IDS && format != FORMAT_ID_STEPS {
        return Err(corrupt());
    }
    let mut caps = Vec::with_capacity(rest.len() / 3);
    let mut id = 0i64;
    while !rest.is_empty() {
        let after = if format == FORMAT_ID_STEPS {
            let (step, after) = take_varint(rest).ok_or_else(corrupt)?;
            id += i64::try_from(step).map_err(|_| corrupt())?;
            after
        } else {
            let (fixed, after) = rest.split_first_chunk::<4>().ok_or_else(corrupt)?;
            id = i64::from(i32::from_le_bytes(*fixed));
            after
        };
        let (baseline, after) = take_varint(after).ok_or_else(corrupt)?;
        let (cap, after) = take_varint(after).ok_or_else(corrupt)?;
        caps.push(PackedCap {
            customer_id: i32::try_from(id).map_err(|_| corrupt())?,
            baseline,
            cap,
        });
        rest = after;
    }
    Ok(caps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(customer_id: i32, baseline: u64, cap: u64) -> PackedCap {
        PackedCap {
            customer_id,
            baseline,
            cap,
        }
    }

    #[test]
    fn packed_caps_read_back_exactly_in_id_order_including_large_and_zero_values()
    -> anyhow::Result<()> {
        let caps = vec![
            cap(1, 0, 0),
            cap(i32::MAX, u64::MAX, 127),
            cap(300, 128, 16_384),
        ];
        let bytes = pack(&caps);
        assert_eq!(bytes[0], FORMAT_ID_STEPS);
        assert_eq!(
            unpack(&bytes)?,
            [caps[0], caps[2], caps[1]],
            "read back in ascending customer id order"
        );
        assert!(unpack(&bytes[..bytes.len() - 1]).is_err());
        assert!(unpack(&[]).is_err());
        assert!(unpack(&[9, 1, 1, 1]).is_err(), "an unknown format byte");
        assert_eq!(unpack(&pack(&[]))?, []);
        Ok(())
    }

    #[test]
    fn neighbouring_customers_take_three_bytes_each() {
        let caps: Vec<PackedCap> = (0..1000).map(|i| cap(250_000 + i * 3, 40, 30)).collect();
        // The first id takes 3 bytes; every later one is a one-byte step, then baseline and cap.
        assert_eq!(pack(&caps).len(), 1 + (3 + 2) + 999 * 3);
    }

    #[test]
    fn caps_stored_in_format_1_still_read() -> anyhow::Result<()> {
        let mut bytes = vec![FORMAT_FIXED_IDS];
        for (id, baseline, capped) in [(300i32, 128u64, 16_384u64), (7, 0, 0)] {
            bytes.extend_from_slice(&id.to_le_bytes());
            put_varint(&mut bytes, baseline);
            put_varint(&mut bytes, capped);
        }
        assert_eq!(unpack(&bytes)?, [cap(300, 128, 16_384), cap(7, 0, 0)]);
        Ok(())
    }
}
