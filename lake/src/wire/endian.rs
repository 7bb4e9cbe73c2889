//! Wire integers with the byte order fixed: `lake::be::U16` is zerocopy's
//! `U16<BigEndian>`, so packet structs name the order once, in the field type.

/// Big-endian (network order) integers: the byte order of IP, TCP and UDP headers.
///
/// Each type is its bytes (alignment 1, no padding); `get()` and `set()` convert to and from
/// the native integer.
///
/// ```
/// use lake::be::U16;
///
/// let mut port = U16::new(0x1234);
/// assert_eq!(port.get(), 0x1234);
/// assert_eq!(zerocopy::IntoBytes::as_bytes(&port), &[0x12, 0x34]);
/// port.set(80);
/// assert_eq!(port.get(), 80);
/// ```
pub mod be {
    pub use zerocopy::byteorder::big_endian::{I16, I32, I64, U16, U32, U64};
}

/// Little-endian integers, for formats such as pcap headers written on x86 hosts.
///
/// ```
/// use lake::le::U32;
///
/// let magic = U32::new(0xa1b2_c3d4);
/// assert_eq!(zerocopy::IntoBytes::as_bytes(&magic), &[0xd4, 0xc3, 0xb2, 0xa1]);
/// ```
pub mod le {
    pub use zerocopy::byteorder::little_endian::{I16, I32, I64, U16, U32, U64};
}
