//! Building packets in a lake: zeroed bytes, then the shape fields stamped.

use zerocopy::FromBytes;

use super::{Error, ErrorKind, Extent, Packet, ViewMut, WithPayload};
use crate::Lake;

impl Lake {
    /// Allocates a zeroed `P` with a `payload_len`-byte payload in the lake and stamps its
    /// length, header-length and constant fields. Set the other fields, fill the payload, then
    /// call [`ViewMut::finish`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Alloc`] when the lake is out of room; `Overflow` / `LengthField` when
    /// `payload_len` cannot be expressed by `P`'s length field.
    ///
    /// ```
    /// #[lake::packet]
    /// #[repr(C)]
    /// pub struct Tlv {
    ///     #[lake(value = 7)]
    ///     pub kind: u8,
    ///     #[lake(length(payload, max = 200))]
    ///     pub len: u8,
    /// }
    ///
    /// let lake = lake::Lake::new();
    /// let tlv = lake.packet::<Tlv>(5)?;
    /// assert_eq!(tlv.as_bytes(), &[7, 5, 0, 0, 0, 0, 0]);
    /// assert!(lake.packet::<Tlv>(201).is_err());
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn packet<P: Packet>(&self, payload_len: usize) -> Result<ViewMut<'_, P>, Error> {
        self.packet_with_options(0, payload_len)
    }

    /// Like [`packet`](Lake::packet), with `options_len` zeroed option bytes between the fixed
    /// header and the payload (for `#[lake(header_len(..))]` packets such as IPv4 and TCP).
    ///
    /// # Errors
    ///
    /// As [`packet`](Lake::packet), and `HeaderLen` when the header-length field cannot
    /// express `size_of::<P>() + options_len`.
    ///
    /// ```
    /// use lake::be::U16;
    ///
    /// #[lake::packet]
    /// #[repr(C)]
    /// pub struct Opt {
    ///     #[lake(header_len(scale = 4))]
    ///     pub words: u8,
    ///     pub pad: [u8; 3],
    /// }
    ///
    /// let lake = lake::Lake::new();
    /// let opt = lake.packet_with_options::<Opt>(4, 2)?.finish()?;
    /// assert_eq!((opt.words(), opt.options().len(), opt.payload().len()), (2, 4, 2));
    /// assert!(lake.packet_with_options::<Opt>(3, 0).is_err()); // 7 bytes: not a multiple of 4
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn packet_with_options<P: Packet>(
        &self,
        options_len: usize,
        payload_len: usize,
    ) -> Result<ViewMut<'_, P>, Error> {
        let total = packet_len::<P>(options_len, payload_len)?;
        let bytes = self
            .try_alloc_slice_zeroed::<u8>(total)
            .map_err(|e| Error::new(P::NAME, ErrorKind::Alloc(e)))?;
        stamp(bytes, options_len, payload_len)
    }
}

/// Bytes of a `P` with `options_len` option bytes and a `payload_len`-byte payload.
///
/// The first half of building a packet, shared by every place a packet is built (a [`Lake`],
/// a byte arena's `Buffer`): size it, get that many zeroed bytes, then [`stamp`] them.
pub(crate) fn packet_len<P: Packet>(
    options_len: usize,
    payload_len: usize,
) -> Result<usize, Error> {
    let overflow = || {
        Error::new(
            P::NAME,
            ErrorKind::Overflow {
                field: "payload_len",
                needed: usize::MAX as u64,
            },
        )
    };
    let tail_len = options_len.checked_add(payload_len).ok_or_else(overflow)?;
    P::FIXED_LEN.checked_add(tail_len).ok_or_else(overflow)
}

/// Stamps the length, header-length and constant fields of a `P` into `bytes`, which are
/// zeroed and exactly [`packet_len`]`::<P>(options_len, payload_len)` long.
pub(crate) fn stamp<P: Packet>(
    bytes: &mut [u8],
    options_len: usize,
    payload_len: usize,
) -> Result<ViewMut<'_, P>, Error> {
    let total = bytes.len();
    let tail_len = total - P::FIXED_LEN;
    let packet = WithPayload::<P>::mut_from_bytes_with_elems(bytes, tail_len).map_err(|_| {
        Error::new(
            P::NAME,
            ErrorKind::Truncated {
                needed: total,
                available: total,
            },
        )
    })?;
    packet.header.stamp(Extent {
        header_len: P::FIXED_LEN + options_len,
        payload_len,
    })?;
    Ok(ViewMut::from_parts(packet, options_len))
}
