//! `ViewMut`: a packet being edited or built in place.

use core::fmt;
use core::ops::{Deref, DerefMut};

use zerocopy::{FromBytes, IntoBytes};

use super::locate::{locate, truncated};
use super::{Error, Extent, Packet, View, WithPayload};

/// A mutable view of one packet: header setters (through `DerefMut` to `P`), options and
/// payload bytes, in a caller's buffer or a lake.
///
/// Setters can make the length or header-length fields disagree with the real sizes; that is
/// never unsafe (the sizes are slice metadata, not the fields), and [`finish`](ViewMut::finish)
/// writes them back consistently. The length field itself has no generated setter.
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
/// let lake = lake::Lake::new();
/// let mut udp = Udp::new_in(&lake, 3)?;
/// udp.set_dst_port(53);
/// udp.payload_mut().copy_from_slice(b"abc");
/// let done = udp.finish()?;
/// assert_eq!(done.length(), 11);
/// let (again, _) = Udp::parse(done.as_bytes())?;
/// assert_eq!((again.dst_port(), again.payload()), (53, &b"abc"[..]));
/// # Ok::<(), lake::wire::Error>(())
/// ```
pub struct ViewMut<'a, P: Packet> {
    packet: &'a mut WithPayload<P>,
    /// Invariant: `options_len <= packet.payload.len()` (set only by the constructors).
    options_len: usize,
}

impl<'a, P: Packet> ViewMut<'a, P> {
    /// Parses one `P` at the start of `buf` for editing; returns the view and the bytes after
    /// the packet. Checks exactly what [`View::parse`] checks.
    ///
    /// # Errors
    ///
    /// As [`View::parse`].
    ///
    /// ```
    /// #[lake::packet]
    /// #[repr(C)]
    /// pub struct Pair { pub a: u8, pub b: u8 }
    ///
    /// let mut buf = [1, 2, 3];
    /// let (mut pair, rest) = lake::wire::ViewMut::<Pair>::parse_mut(&mut buf)?;
    /// assert!(rest.is_empty()); // no length field: the payload is the rest of the buffer
    /// pair.set_b(20);
    /// pair.payload_mut()[0] = 30;
    /// assert_eq!(buf, [1, 20, 30]);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn parse_mut(buf: &'a mut [u8]) -> Result<(Self, &'a mut [u8]), Error> {
        let span = locate::<P>(buf)?;
        let available = buf.len();
        let (packet, rest) = WithPayload::<P>::mut_from_prefix_with_elems(buf, span.tail_len)
            .map_err(|_| truncated::<P>(P::FIXED_LEN.saturating_add(span.tail_len), available))?;
        Ok((ViewMut::from_parts(packet, span.options_len), rest))
    }

    /// Builds a view; `options_len` is clamped so the invariant holds whatever the caller says.
    pub(crate) fn from_parts(packet: &'a mut WithPayload<P>, options_len: usize) -> Self {
        let options_len = options_len.min(packet.payload.len());
        ViewMut {
            packet,
            options_len,
        }
    }

    /// Header options (see [`View::options`]).
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// opt.options_mut().copy_from_slice(&[1, 2, 3, 4]);
    /// opt.payload_mut().copy_from_slice(&[5, 6]);
    /// assert_eq!((opt.options(), opt.payload()), (&[1, 2, 3, 4][..], &[5, 6][..]));
    /// assert_eq!(opt.as_bytes(), &[2, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn options(&self) -> &[u8] {
        self.packet.payload.split_at(self.options_len).0
    }

    /// Header options, writable.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// opt.options_mut()[0] = 0x94;
    /// assert_eq!(opt.options(), &[0x94, 0, 0, 0]);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn options_mut(&mut self) -> &mut [u8] {
        self.packet.payload.split_at_mut(self.options_len).0
    }

    /// The payload (see [`View::payload`]).
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// assert_eq!(opt.payload(), &[0, 0]);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn payload(&self) -> &[u8] {
        self.packet.payload.split_at(self.options_len).1
    }

    /// The payload, writable.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// opt.payload_mut().fill(0xff);
    /// assert_eq!(opt.payload(), &[0xff, 0xff]);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.packet.payload.split_at_mut(self.options_len).1
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
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// assert_eq!(opt.header_len(), 8);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn header_len(&self) -> usize {
        P::FIXED_LEN + self.options_len
    }

    /// The packet's bytes as they are now (length fields possibly not yet stamped).
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// opt.set_words(0); // not stamped yet: as_bytes shows what is there
    /// assert_eq!(opt.as_bytes()[0], 0);
    /// assert_eq!(opt.finish()?.as_bytes()[0], 2);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.packet.as_bytes()
    }

    /// A read-only view for the duration of the borrow, without re-stamping.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// let view = opt.as_view();
    /// assert_eq!((view.words(), view.payload().len()), (2, 2));
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn as_view(&self) -> View<'_, P> {
        View::from_parts(self.packet, self.options_len)
    }

    /// The real sizes of this packet.
    ///
    /// ```
    /// # #[lake::packet]
    /// # #[repr(C)]
    /// # pub struct Opt {
    /// #     #[lake(header_len(scale = 4))]
    /// #     pub words: u8,
    /// #     pub kind: [u8; 3],
    /// # }
    /// let lake = lake::Lake::new();
    /// let mut opt = lake.packet_with_options::<Opt>(4, 2)?;
    /// assert_eq!(opt.extent(), lake::wire::Extent { header_len: 8, payload_len: 2 });
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    #[inline]
    pub fn extent(&self) -> Extent {
        Extent {
            header_len: self.header_len(),
            payload_len: self.payload().len(),
        }
    }

    /// Writes the length, header-length and constant fields from the real sizes and turns the
    /// view read-only for the rest of the buffer's lifetime.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](super::ErrorKind::Overflow) (or `LengthField` / `HeaderLen`)
    /// when a size cannot be expressed by its field, e.g. 70 000 bytes behind a `U16` length.
    ///
    /// ```
    /// #[lake::packet]
    /// #[repr(C)]
    /// pub struct Short {
    ///     #[lake(length(total))]
    ///     pub len: u8,
    /// }
    ///
    /// let lake = lake::Lake::new();
    /// assert_eq!(Short::new_in(&lake, 254)?.finish()?.len(), 255);
    /// let err = Short::new_in(&lake, 255).unwrap_err(); // 256 does not fit in a u8
    /// assert_eq!(err.kind, lake::wire::ErrorKind::Overflow { field: "len", needed: 256 });
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn finish(self) -> Result<View<'a, P>, Error> {
        let extent = self.extent();
        let ViewMut {
            packet,
            options_len,
        } = self;
        packet.header.stamp(extent)?;
        Ok(View::from_parts(packet, options_len))
    }
}

impl<P: Packet> Deref for ViewMut<'_, P> {
    type Target = P;
    #[inline]
    fn deref(&self) -> &P {
        &self.packet.header
    }
}

impl<P: Packet> DerefMut for ViewMut<'_, P> {
    #[inline]
    fn deref_mut(&mut self) -> &mut P {
        &mut self.packet.header
    }
}

impl<P: Packet> fmt::Debug for ViewMut<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_view(), f)
    }
}
