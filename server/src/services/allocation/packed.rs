//! The caps of one wholesaler in one computation, packed into bytes: a national computation
//! holds ≈12 million customer caps, which as one row each would take about a minute to write,
//! while packed per (computation, wholesaler) they are written in about a second and read back
//! whole for a download. Format 1: a version byte, then per customer (in customer id order)
//! its id as 4 bytes little-endian, its baseline and its cap as LEB128 varints.

use crate::services::ServiceError;

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

const FORMAT: u8 = 1;

/// Packs `caps` in the order given.
pub fn pack(caps: &[PackedCap]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(1 + caps.len() * 8);
    bytes.push(FORMAT);
    for c in caps {
        bytes.extend_from_slice(&c.customer_id.to_le_bytes());
        put_varint(&mut bytes, c.baseline);
        put_varint(&mut bytes, c.cap);
    }
    bytes
}

/// Unpacks what [`pack`] wrote.
pub fn unpack(bytes: &[u8]) -> Result<Vec<PackedCap>, ServiceError> {
    let corrupt = || ServiceError::Internal("Stored caps are not readable (format 1)".into());
    let (&format, mut rest) = bytes.split_first().ok_or_else(corrupt)?;
    if format != FORMAT {
        return Err(corrupt());
    }
    let mut caps = Vec::with_capacity(rest.len() / 7);
    while !rest.is_empty() {
        let (id, after) = rest.split_first_chunk::<4>().ok_or_else(corrupt)?;
        let (baseline, after) = take_varint(after).ok_or_else(corrupt)?;
        let (cap, after) = take_varint(after).ok_or_else(corrupt)?;
        caps.push(PackedCap {
            customer_id: i32::from_le_bytes(*id),
            baseline,
            cap,
        });
        rest = after;
    }
    Ok(caps)
}

/// Appends `value` as a LEB128 varint (7 bits a byte, low first).
pub(super) fn put_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push(u8::try_from(value & 0x7F).unwrap_or(0) | 0x80);
        value >>= 7;
    }
    bytes.push(u8::try_from(value).unwrap_or(0));
}

/// Reads one LEB128 varint off the front of `bytes`.
pub(super) fn take_varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_caps_read_back_exactly_including_large_and_zero_values() -> anyhow::Result<()> {
        let caps = vec![
            PackedCap {
                customer_id: 1,
                baseline: 0,
                cap: 0,
            },
            PackedCap {
                customer_id: i32::MAX,
                baseline: u64::MAX,
                cap: 127,
            },
            PackedCap {
                customer_id: 300,
                baseline: 128,
                cap: 16_384,
            },
        ];
        let bytes = pack(&caps);
        assert_eq!(unpack(&bytes)?, caps);
        assert!(unpack(&bytes[..bytes.len() - 1]).is_err());
        assert!(unpack(&[]).is_err());
        assert_eq!(unpack(&pack(&[]))?, []);
        Ok(())
    }
}
