//! `View`: a validated, read-only, zero-copy look at one packet in a byte buffer.

use core::fmt;
use core::ops::Deref;

use zerocopy::{FromBytes, IntoBytes};

use super::locate::{locate, truncated};
use super::{Error, Packet, WithPayload};

/// A packet header `P`, its options and its payload, borrowed from a buffer.
///
/// Made by [`View::parse`] (or the generated `P::parse`), which checks the buffer length and
/// every rule of `P` (length field, constant values, custom check) once; afterwards the
/// accessors are plain loads. `View` derefs to `P`, so the getters `#[lake::packet]` generates
/// are methods of the view. It is `Copy` and costs three words.
///
/// ```
/// use lake::be::U16;
///
/// #[lake::packet]
/// #[repr(C)]
/// pub struct Udp {
///     pub src_port: U16,
///     pub dst_port: U16,
///     #[lake(length(total, min = 8))]
///     pub length: U16,
///     pub checksum: U16,
/// }
///
/// let frame = [0, 53, 0x30, 0x39, 0, 10, 0, 0, b'h', b'i', 0xff];
/// let (udp, rest) = Udp::parse(&frame)?;
/// assert_eq!((udp.src_port(), udp.dst_port(), udp.length()), (53, 12345, 10));
/// assert_eq!(udp.payload(), b"hi");
/// assert_eq!(rest, &[0xff]);
/// assert_eq!(udp.as_bytes(), &frame[..10]);
/// # Ok::<(), lake::wire::Error>(())
/// ```
pub struct View<'a, P: Packet> {
    packet: &'a WithPayload<P>,
    /// Invariant: `options_len <= packet.payload.len()` (set only by the constructors).
    options_len: usize,
}

impl<'a, P: Packet> View<'a, P> {
    /// Parses one `P` at the start of `buf`; returns the view and the bytes after the packet.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Truncated`](super::ErrorKind::Truncated) when `buf` is shorter than the
    /// header or than the length it declares, and whatever `P`'s rules reject.
    ///
    /// ```
    /// #[lake::packet]
    /// #[repr(C)]
    /// pub struct Pair { pub a: u8, pub b: u8 }
    ///
    /// let err = lake::wire::View::<Pair>::parse(&[1]).unwrap_err();
    /// assert_eq!(err.to_string(), "Pair: truncated: need 2 bytes, buffer has 1");
    /// ```
    pub fn parse(buf: &'a [u8]) -> Result<(Self, &'a [u8]), Error> {
        let span = locate::<P>(buf)?;
        let (packet, rest) = WithPayload::<P>::ref_from_prefix_with_elems(buf, span.tail_len)
            .map_err(|_| truncated::<P>(P::FIXED_LEN.saturating_add(span.tail_len), buf.len()))?;
        Ok((View::from_parts(packet, span.options_len), rest))
    }

    /// Builds a view; `options_len` is clamped so the invariant holds whatever the caller says.
    pub(crate) fn from_parts(packet: &'a WithPayload<P>, options_len: usize) -> Self {
        let options_len = options_len.min(packet.payload.len());
        View {
            packet,
            options_len,
        }
    }

    /// The fixed header (the same `P` the view derefs to, with the buffer's lifetime).
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let buf = [2, 7, 7, 7, 0xaa, 0xbb, 0xcc, 0xdd, 1, 2];
    /// let (opt, _) = Opt::parse(&buf)?;
    /// let header: &Opt = opt.header(); // outlives `opt`, borrows `buf`
    /// assert_eq!(header.kind(), &[7, 7, 7]);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn header(&self) -> &'a P {
        &self.packet.header
    }

    /// Header options: the bytes between the fixed header and the payload when the header
    /// length is variable (`#[lake(header_len(..))]`); empty otherwise.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// // `words` = 2: an 8-byte header, 4 of them options.
    /// let (opt, _) = Opt::parse(&[2, 7, 7, 7, 0xaa, 0xbb, 0xcc, 0xdd, 1, 2])?;
    /// assert_eq!(opt.options(), &[0xaa, 0xbb, 0xcc, 0xdd]);
    /// assert_eq!(opt.payload(), &[1, 2]);
    /// assert_eq!(opt.header_len(), 8);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn options(&self) -> &'a [u8] {
        self.packet.payload.split_at(self.options_len).0
    }

    /// The payload: the bytes after the header (options included in the header), up to the
    /// packet's length field if it has one.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let (opt, _) = Opt::parse(&[1, 0, 0, 0, 9])?;
    /// assert_eq!((opt.options(), opt.payload()), (&[][..], &[9][..]));
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn payload(&self) -> &'a [u8] {
        self.packet.payload.split_at(self.options_len).1
    }

    /// Header length in bytes, options included.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// assert_eq!(Opt::parse(&[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])?.0.header_len(), 12);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn header_len(&self) -> usize {
        P::FIXED_LEN + self.options_len
    }

    /// The whole packet: header, options and payload, as they are in the buffer.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let buf = [1, 0, 0, 0, 9];
    /// assert_eq!(Opt::parse(&buf)?.0.as_bytes(), &buf);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.packet.as_bytes()
    }
}

impl<P: Packet> Clone for View<'_, P> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: Packet> Copy for View<'_, P> {}

impl<P: Packet> Deref for View<'_, P> {
    type Target = P;
    #[inline]
    fn deref(&self) -> &P {
        &self.packet.header
    }
}

/// Shows the packet name, the header bytes and the option and payload lengths (`P` need not be
/// `Debug`; its bytes are its value).
impl<P: Packet> fmt::Debug for View<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(P::NAME)
            .field("header", &self.packet.header.as_bytes())
            .field("options_len", &self.options_len)
            .field("payload_len", &self.payload().len())
            .finish()
    }
}
