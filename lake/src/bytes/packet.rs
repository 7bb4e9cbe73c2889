//! Packets built in arena memory: `#[lake::packet]` headers stamped straight into a
//! [`Buffer`], then frozen, with no copy between the header build and the `Bytes`.
//!
//! The building is `wire::build`'s, the same code behind `Lake::packet`: size the packet,
//! append that many zeroed bytes, stamp the shape fields.

use super::Buffer;
use crate::wire::build::{packet_len, stamp};
use crate::wire::{Error, ErrorKind, Extent, Packet, ViewMut};
use crate::AllocError;

impl Buffer {
    /// Appends a zeroed `P` with a `payload_len`-byte payload to the buffer and stamps its
    /// length, header-length and constant fields, like `Lake::packet`. Set the other fields,
    /// fill the payload, [`finish`](ViewMut::finish), then [`freeze`](Buffer::freeze): the
    /// `Bytes` is the arena memory the header was built in.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Alloc`]: `CapacityExceeded` when the packet does not fit in the room left
    /// (without `auto_spill`; with it the buffer spills instead, and `OutOfMemory` if the heap
    /// refuses); `Overflow` / `LengthField`
    /// when `payload_len` cannot be expressed by `P`'s length field.
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
    /// let arena = lake::bytes::FixedArena::builder(256, 4).build().unwrap();
    /// let mut buf = arena.allocate();
    /// let mut tlv = buf.packet::<Tlv>(3)?;
    /// tlv.payload_mut().copy_from_slice(b"abc");
    /// tlv.finish()?;
    /// let addr = buf.as_slice().as_ptr();
    /// let bytes = buf.freeze();
    /// assert_eq!(&bytes[..], &[7, 3, b'a', b'b', b'c']);
    /// assert_eq!(bytes.as_ptr(), addr); // built in place, frozen without a copy
    /// let mut full = arena.allocate();
    /// bytes::BufMut::put_bytes(&mut full, 0, 250);
    /// assert!(full.packet::<Tlv>(10).is_err()); // 12 bytes, 6 left
    /// let mut buf = arena.allocate();
    /// assert!(buf.packet::<Tlv>(201).is_err()); // the length field's max is 200
    /// assert!(buf.is_empty()); // a failed build leaves the buffer as it was
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn packet<P: Packet>(&mut self, payload_len: usize) -> Result<ViewMut<'_, P>, Error> {
        self.packet_with_options(0, payload_len)
    }

    /// Like [`packet`](Buffer::packet), with `options_len` zeroed option bytes between the
    /// fixed header and the payload (for `#[lake(header_len(..))]` packets).
    ///
    /// # Errors
    ///
    /// As [`packet`](Buffer::packet), and `HeaderLen` when the header-length field cannot
    /// express `size_of::<P>() + options_len`.
    ///
    /// ```
    /// #[lake::packet]
    /// #[repr(C)]
    /// pub struct Opt {
    ///     #[lake(header_len(scale = 4))]
    ///     pub words: u8,
    ///     pub pad: [u8; 3],
    /// }
    ///
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build().unwrap();
    /// let mut buf = arena.allocate();
    /// let opt = buf.packet_with_options::<Opt>(4, 2)?.finish()?;
    /// assert_eq!((opt.words(), opt.options().len(), opt.payload().len()), (2, 4, 2));
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn packet_with_options<P: Packet>(
        &mut self,
        options_len: usize,
        payload_len: usize,
    ) -> Result<ViewMut<'_, P>, Error> {
        let total = packet_len::<P>(options_len, payload_len)?;
        let room = self.room_in_place();
        if total > room && self.may_grow() {
            // Validate the lengths against `P`'s fields on a scratch header before growing:
            // a `payload_len` the length field cannot express must not allocate (and zero)
            // the whole packet first.
            P::new_zeroed().stamp(Extent {
                header_len: P::FIXED_LEN + options_len,
                payload_len,
            })?;
        }
        if total > room {
            // Grow fallibly here: an absurd `payload_len` is an error, not an abort.
            let err = if !self.may_grow() {
                Some(AllocError::CapacityExceeded {
                    requested: total,
                    remaining: room,
                })
            } else if !self.try_spill(total) {
                Some(AllocError::OutOfMemory { requested: total })
            } else {
                None
            };
            if let Some(e) = err {
                return Err(Error::new(P::NAME, ErrorKind::Alloc(e)));
            }
        }
        let start = self.len();
        // Stamp once to validate; on error take the appended bytes back, so a failed build
        // leaves the buffer as it was. (The view cannot be returned from this first borrow
        // and the buffer truncated on the error path in one expression, so a successful
        // build stamps its bytes a second time, writing the same values.)
        if let Err(e) = stamp::<P>(self.extend_zeroed(total), options_len, payload_len) {
            self.truncate(start);
            return Err(e);
        }
        stamp(&mut self.as_mut_slice()[start..], options_len, payload_len)
    }
}
