//! The one error of a capture file that cannot be read: where, and why.

use std::fmt;

/// Why reading a capture file stopped.
///
/// ```
/// use lake_examples::capture::{Capture, ContainerErrorKind};
///
/// let err = Capture::open(b"GIF89a..").unwrap_err();
/// assert!(matches!(err.kind, ContainerErrorKind::UnknownFormat { magic: 0x4749_4638 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerErrorKind {
    /// The first bytes are neither a classic pcap magic number nor a pcapng section header.
    UnknownFormat {
        /// The first four bytes, big-endian.
        magic: u32,
    },
    /// The file ends inside a header: `needed` bytes from the header's start, `available` left.
    TruncatedHeader {
        /// What was being read.
        what: &'static str,
        /// Bytes the header needs.
        needed: u64,
        /// Bytes left in the file.
        available: u64,
    },
    /// The file ends inside a record's captured bytes.
    TruncatedRecord {
        /// Captured bytes the record declares.
        captured: u64,
        /// Bytes left in the file after the record header.
        available: u64,
    },
    /// A record declares more captured bytes than any capture tool writes.
    CaptureTooLong {
        /// Captured length in the record.
        captured: u64,
        /// The limit ([`MAX_CAPTURED`](super::MAX_CAPTURED)).
        limit: u64,
    },
    /// A pcapng block length below 12 or not a multiple of 4.
    BadBlockLength {
        /// The length field.
        len: u64,
    },
    /// A pcapng block runs past the end of the file.
    BlockPastEnd {
        /// The block's length field.
        len: u64,
        /// Bytes left in the file from the block's start.
        available: u64,
    },
    /// The trailing length of a pcapng block differs from the leading one.
    BlockLengthMismatch {
        /// The leading length.
        leading: u64,
        /// The trailing length.
        trailing: u64,
    },
    /// A pcapng section header whose byte-order magic is not 0x1a2b3c4d in either order.
    BadByteOrderMagic {
        /// The four bytes, big-endian.
        magic: u32,
    },
    /// A pcapng packet block names an interface no Interface Description Block declared.
    UnknownInterface {
        /// The interface index.
        interface: u32,
        /// Interfaces declared so far in the section.
        declared: u32,
    },
    /// A pcapng section declares more interfaces than the reader keeps.
    TooManyInterfaces {
        /// The limit ([`MAX_INTERFACES`](super::MAX_INTERFACES)).
        limit: u32,
    },
    /// A pcapng file whose first block is not a section header.
    NoSectionHeader,
}

/// A capture file that cannot be read on: the byte offset of the header or record at fault,
/// the 1-based number of the record being read (packets before it were read fine; 1 when the
/// file header itself is broken) and what was wrong.
///
/// ```
/// use lake_examples::capture::{Capture, ContainerErrorKind};
///
/// let err = Capture::open(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).unwrap_err();
/// assert_eq!((err.offset, err.record), (0, 1));
/// assert!(matches!(err.kind, ContainerErrorKind::TruncatedHeader { needed: 24, .. }));
/// assert!(err.to_string().starts_with("offset 0, record 1: "));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainerError {
    /// Byte offset in the file of the header or block that could not be read.
    pub offset: u64,
    /// 1-based number of the record being read.
    pub record: u64,
    /// What was wrong.
    pub kind: ContainerErrorKind,
}

impl fmt::Display for ContainerErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::UnknownFormat { magic } => {
                write!(f, "not a pcap or pcapng file (first bytes {magic:#010x})")
            }
            Self::TruncatedHeader {
                what,
                needed,
                available,
            } => write!(
                f,
                "file ends inside the {what}: it needs {needed} bytes, {available} left"
            ),
            Self::TruncatedRecord {
                captured,
                available,
            } => write!(
                f,
                "file ends inside the record: captured length {captured}, {available} bytes left"
            ),
            Self::CaptureTooLong { captured, limit } => write!(
                f,
                "captured length {captured} exceeds the limit of {limit} bytes"
            ),
            Self::BadBlockLength { len } => {
                write!(f, "block length {len} is below 12 or not a multiple of 4")
            }
            Self::BlockPastEnd { len, available } => write!(
                f,
                "block length {len} runs past the end of the file ({available} bytes left)"
            ),
            Self::BlockLengthMismatch { leading, trailing } => write!(
                f,
                "block length {leading} differs from the trailing length {trailing}"
            ),
            Self::BadByteOrderMagic { magic } => {
                write!(
                    f,
                    "section header byte-order magic {magic:#010x} is not 0x1a2b3c4d"
                )
            }
            Self::UnknownInterface {
                interface,
                declared,
            } => write!(
                f,
                "packet of interface {interface}, but the section declares {declared}"
            ),
            Self::TooManyInterfaces { limit } => {
                write!(f, "more than {limit} interfaces in one section")
            }
            Self::NoSectionHeader => write!(f, "pcapng file does not start with a section header"),
        }
    }
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "offset {}, record {}: {}",
            self.offset, self.record, self.kind
        )
    }
}

impl std::error::Error for ContainerError {}
