//! The `Packet` contract and the header-plus-payload layout every view points at.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::Error;

/// A header followed by the rest of a packet: the type a [`View`](super::View) points at.
///
/// `payload` is a slice tail, so its length is pointer metadata: no length field, however
/// wrong, can make a view reach past the bytes it was made from. For a header with options
/// (a variable header length), `payload` here holds the options followed by the payload;
/// the views split them.
///
/// ```
/// use lake::wire::WithPayload;
/// use zerocopy::FromBytes;
///
/// let bytes = [1u8, 2, 3, 4, 5];
/// let p = WithPayload::<[u8; 2]>::ref_from_bytes(&bytes[..]).unwrap();
/// assert_eq!(p.header, [1, 2]);
/// assert_eq!(&p.payload, &[3, 4, 5]);
/// ```
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Debug)]
#[repr(C)]
pub struct WithPayload<H> {
    /// The fixed-size header.
    pub header: H,
    /// Everything after the fixed header: options (if any), then the payload.
    pub payload: [u8],
}

/// Where a packet's header ends and its payload ends, both counted from the packet start.
///
/// ```
/// use lake::wire::Extent;
/// let e = Extent { header_len: 20, payload_len: 8 };
/// assert_eq!(e.total_len(), Some(28));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Extent {
    /// Header bytes, options included: at least `size_of::<P>()`.
    pub header_len: usize,
    /// Payload bytes after the header.
    pub payload_len: usize,
}

impl Extent {
    /// `header_len + payload_len`, or `None` if that overflows.
    ///
    /// ```
    /// use lake::wire::Extent;
    /// assert_eq!(Extent { header_len: usize::MAX, payload_len: 1 }.total_len(), None);
    /// ```
    #[inline]
    pub const fn total_len(self) -> Option<usize> {
        self.header_len.checked_add(self.payload_len)
    }
}

/// A fixed-layout packet header that views can be made of.
///
/// Usually implemented by `#[lake::packet]`. The trait is **safe to implement by hand**: the
/// views never trust it for memory safety. Whatever [`extent`](Packet::extent) returns, the
/// view re-checks it against the buffer and makes every cast with zerocopy's size-checked
/// conversions, so a wrong implementation yields wrong field values or an error, never an
/// out-of-bounds read.
///
/// The zerocopy bounds say the struct *is* its wire bytes: every bit pattern is valid, there is
/// no padding, and its alignment is 1 (so it can sit at any offset in a frame).
///
/// ```
/// use lake::wire::{self, Extent, Packet, View};
/// use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
///
/// #[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
/// #[repr(C)]
/// struct Tag { kind: u8, len: u8 }
///
/// impl Packet for Tag {
///     const NAME: &'static str = "Tag";
///     fn extent(&self, available: usize) -> Result<Extent, wire::Error> {
///         Ok(Extent { header_len: 2, payload_len: usize::from(self.len) })
///     }
/// }
///
/// let (tag, rest) = View::<Tag>::parse(&[7, 1, 0xaa, 0xbb]).unwrap();
/// assert_eq!((tag.kind, tag.payload()), (7, &[0xaa][..]));
/// assert_eq!(rest, &[0xbb]);
/// ```
pub trait Packet: FromBytes + IntoBytes + KnownLayout + Immutable + Unaligned + Sized {
    /// The name used in [`Error::packet`].
    const NAME: &'static str;

    /// The size of the fixed header: `size_of::<Self>()`.
    const FIXED_LEN: usize = core::mem::size_of::<Self>();

    /// Validates the header and says how long the header and its payload are, given that the
    /// buffer has `available` bytes from the start of this header (at least `FIXED_LEN`).
    ///
    /// The default takes the fixed header and the whole rest of the buffer as payload.
    #[inline]
    fn extent(&self, available: usize) -> Result<Extent, Error> {
        Ok(Extent {
            header_len: Self::FIXED_LEN,
            payload_len: available.saturating_sub(Self::FIXED_LEN),
        })
    }

    /// Writes the fields derived from the packet's shape (length, header length, constant
    /// values) so that `extent` accepts it. Called by `Lake::packet` and `ViewMut::finish`.
    ///
    /// The default writes nothing.
    #[inline]
    fn stamp(&mut self, extent: Extent) -> Result<(), Error> {
        let _ = extent;
        Ok(())
    }
}
