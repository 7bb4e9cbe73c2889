//! The one error type of every packet parser: which packet, where, and what was wrong.

use core::fmt;

use crate::error::AllocError;

/// Why a packet could not be parsed or built.
///
/// `packet` names the header type (its `Packet::NAME`), `offset` is the byte position of that
/// header in the outermost buffer (0 unless a caller layered it with [`Error::at`]), and `kind`
/// says what was wrong.
///
/// ```
/// use lake::wire::{Error, ErrorKind};
///
/// let err = Error::new("Ipv4Header", ErrorKind::Truncated { needed: 20, available: 3 });
/// assert_eq!(err.to_string(), "Ipv4Header: truncated: need 20 bytes, buffer has 3");
/// assert_eq!(err.at(14).offset, 14);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// Name of the packet type that rejected the bytes.
    pub packet: &'static str,
    /// Byte offset of that packet's header in the outermost buffer.
    pub offset: usize,
    /// What was wrong.
    pub kind: ErrorKind,
}

/// What was wrong with the bytes, or with a packet being built.
///
/// ```
/// use lake::wire::ErrorKind;
///
/// let kind = ErrorKind::Value { field: "version", value: 6, expected: 4 };
/// assert!(matches!(kind, ErrorKind::Value { value: 6, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The buffer ends before the header (or the length it declares) does.
    Truncated {
        /// Bytes the packet needs.
        needed: usize,
        /// Bytes the buffer has from the start of the packet.
        available: usize,
    },
    /// A `#[lake(length(..))]` field holds a value outside the range the buffer and the
    /// attribute allow.
    LengthField {
        /// Name of the length field.
        field: &'static str,
        /// Value found (or, when building, the value that would be stamped).
        value: u64,
        /// Smallest acceptable value.
        min: u64,
        /// Largest acceptable value.
        max: u64,
    },
    /// A `#[lake(value = ..)]` field does not hold its constant.
    Value {
        /// Name of the field or bit sub-field.
        field: &'static str,
        /// Value found.
        value: u64,
        /// Value required.
        expected: u64,
    },
    /// A `#[lake(check = ..)]` function rejected the header.
    Check {
        /// The reason the check gave.
        reason: &'static str,
    },
    /// Building a packet: a length does not fit its field (or overflows `usize`).
    Overflow {
        /// Name of the field that cannot hold the value.
        field: &'static str,
        /// The value that does not fit.
        needed: u64,
    },
    /// A `#[lake(header_len(..))]` field declares a header shorter than the fixed header, or
    /// (when building) a length its field cannot express.
    HeaderLen {
        /// Name of the header-length field or bit sub-field.
        field: &'static str,
        /// Header length in bytes the field declares (or that was asked for).
        value: u64,
        /// Smallest valid header length (the fixed header size).
        min: u64,
    },
    /// Building a packet: the lake could not provide the bytes.
    Alloc(AllocError),
}

impl Error {
    /// An error for packet `packet` at offset 0.
    ///
    /// ```
    /// use lake::wire::{Error, ErrorKind};
    /// let e = Error::new("Udp", ErrorKind::Check { reason: "bad port" });
    /// assert_eq!(e.offset, 0);
    /// ```
    #[inline]
    pub const fn new(packet: &'static str, kind: ErrorKind) -> Self {
        Error {
            packet,
            offset: 0,
            kind,
        }
    }

    /// Moves the error `offset` bytes further into the buffer, for layered parsing: a parser of
    /// an inner header reports offset 0, and the caller adds where that header started.
    ///
    /// ```
    /// use lake::wire::{Error, ErrorKind};
    /// let inner = Error::new("UdpHeader", ErrorKind::Truncated { needed: 8, available: 2 });
    /// let outer = inner.at(20).at(14);
    /// assert_eq!(outer.offset, 34);
    /// assert_eq!(outer.to_string(), "UdpHeader at byte 34: truncated: need 8 bytes, buffer has 2");
    /// ```
    #[inline]
    #[must_use]
    pub const fn at(mut self, offset: usize) -> Self {
        self.offset = self.offset.saturating_add(offset);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.offset == 0 {
            write!(f, "{}: ", self.packet)?;
        } else {
            write!(f, "{} at byte {}: ", self.packet, self.offset)?;
        }
        fmt::Display::fmt(&self.kind, f)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ErrorKind::Truncated { needed, available } => {
                write!(f, "truncated: need {needed} bytes, buffer has {available}")
            }
            ErrorKind::LengthField {
                field,
                value,
                min,
                max,
            } => {
                write!(f, "length field `{field}` = {value} outside {min}..={max}")
            }
            ErrorKind::Value {
                field,
                value,
                expected,
            } => {
                write!(f, "field `{field}` = {value}, expected {expected}")
            }
            ErrorKind::Check { reason } => write!(f, "check failed: {reason}"),
            ErrorKind::Overflow { field, needed } => {
                write!(f, "field `{field}` cannot hold {needed}")
            }
            ErrorKind::HeaderLen { field, value, min } => write!(
                f,
                "header length from `{field}` is {value} bytes; it must be at least {min} and \
                 expressible by the field"
            ),
            ErrorKind::Alloc(e) => write!(f, "cannot allocate: {e}"),
        }
    }
}

impl core::error::Error for Error {}
