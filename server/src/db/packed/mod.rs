//! Columns that hold many values packed into bytes, and their codecs: `caps` (a wholesaler's
//! customer caps in one computation, `allocation_results.caps`) and `purchases` (a wholesaler's
//! purchases of one product in one month, `purchase_packs.purchases`). Both write LEB128 varints
//! behind a format byte; a value that does not read is a [`PackError`].

pub mod caps;
pub mod purchases;

pub use caps::PackedCap;
pub use purchases::Purchase;

/// Stored bytes that do not read as their format says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// A `purchase_packs.purchases` value.
    #[error("Stored purchases are not readable (format 1)")]
    Purchases,
    /// An `allocation_results.caps` value.
    #[error("Stored caps are not readable")]
    Caps,
}

/// Appends `value` as a LEB128 varint (7 bits a byte, low first).
fn put_varint(bytes: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        bytes.push(u8::try_from(value & 0x7F).unwrap_or(0) | 0x80);
        value >>= 7;
    }
    bytes.push(u8::try_from(value).unwrap_or(0));
}

/// Reads one LEB128 varint off the front of `bytes`.
fn take_varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}
