//! [`Batch`]: many messages in one arena buffer, frozen behind one `Bytes` owner.

use alloc::vec::Vec;

use bytes::buf::UninitSlice;
use bytes::{BufMut, Bytes};

use super::Buffer;

/// Many messages written one after another into one arena [`Buffer`], then frozen together:
/// one `Bytes::from_owner` for the whole batch and one `Bytes::slice` (a reference-count
/// increment, no allocation) per message. Each message's `Bytes` keeps the block alive; the
/// block goes back to the arena when the last of them drops.
///
/// Freezing each message separately costs one `from_owner` (a small heap allocation) per
/// message; a batch pays it once.
///
/// ```
/// use bytes::BufMut;
/// use lake::bytes::{Batch, FixedArena};
///
/// let arena = FixedArena::builder(4096, 4).build()?;
/// let mut batch = Batch::new(arena.allocate());
/// for i in 0..3u8 {
///     batch.put_slice(b"msg ");
///     batch.put_u8(b'0' + i);
///     batch.finish_message();
/// }
/// let messages = batch.freeze();
/// assert_eq!(messages.len(), 3);
/// assert_eq!(&messages[2][..], b"msg 2");
/// assert_eq!(arena.stats().live_bytes, 4096); // one block for all three
/// drop(messages);
/// assert_eq!(arena.stats().live_bytes, 0);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Debug)]
pub struct Batch {
    buffer: Buffer,
    /// End offset of every finished message, ascending.
    ends: Vec<usize>,
}

impl Batch {
    /// A batch writing into `buffer` (bytes already in it are the start of the first message).
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let batch = lake::bytes::Batch::new(arena.allocate());
    /// assert_eq!(batch.messages(), 0);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn new(buffer: Buffer) -> Batch {
        Batch {
            buffer,
            ends: Vec::new(),
        }
    }

    /// Ends the current message: the bytes written since the previous `finish_message` (or
    /// the start) are one message.
    ///
    /// ```
    /// use bytes::BufMut;
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let mut batch = lake::bytes::Batch::new(arena.allocate());
    /// batch.put_slice(b"a");
    /// batch.finish_message();
    /// batch.finish_message(); // an empty message
    /// assert_eq!(batch.freeze().iter().map(|m| m.len()).collect::<Vec<_>>(), [1, 0]);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn finish_message(&mut self) {
        self.ends.push(self.buffer.len());
    }

    /// Finished messages so far.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let mut batch = lake::bytes::Batch::new(arena.allocate());
    /// batch.finish_message();
    /// assert_eq!(batch.messages(), 1);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn messages(&self) -> usize {
        self.ends.len()
    }

    /// The buffer being written (to build a packet in place with [`Buffer::packet`], say).
    ///
    /// Shortening it (`clear`) takes finished messages' bytes with it: at
    /// [`freeze`](Batch::freeze), a message is cut at the buffer's length (possibly empty).
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let mut batch = lake::bytes::Batch::new(arena.allocate());
    /// batch.buffer_mut().extend_zeroed(4);
    /// batch.finish_message();
    /// assert_eq!(&batch.freeze()[0][..], [0; 4]);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn buffer_mut(&mut self) -> &mut Buffer {
        &mut self.buffer
    }

    /// Freezes the batch: one `Bytes` per finished message, in order. Bytes written after the
    /// last `finish_message` are not part of any message.
    ///
    /// ```
    /// use bytes::BufMut;
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let mut batch = lake::bytes::Batch::new(arena.allocate());
    /// batch.put_slice(b"kept");
    /// batch.finish_message();
    /// batch.put_slice(b"unfinished");
    /// assert_eq!(batch.freeze(), [bytes::Bytes::from_static(b"kept")]);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn freeze(self) -> Vec<Bytes> {
        let mut out = Vec::with_capacity(self.ends.len());
        self.freeze_into(&mut out);
        out
    }

    /// Like [`freeze`](Batch::freeze), appending the messages to `out` (reuse one `Vec`).
    ///
    /// ```
    /// use bytes::BufMut;
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let mut out = Vec::new();
    /// let mut batch = lake::bytes::Batch::new(arena.allocate());
    /// batch.put_slice(b"x");
    /// batch.finish_message();
    /// batch.freeze_into(&mut out);
    /// assert_eq!(out.len(), 1);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn freeze_into<E: Extend<Bytes>>(self, out: &mut E) {
        let Batch { buffer, ends } = self;
        let all = buffer.freeze();
        let mut start = 0;
        out.extend(ends.into_iter().map(|end| {
            // `buffer_mut` lets the caller shorten the buffer after messages were finished:
            // keep every range inside the bytes and the ends ascending (a message whose bytes
            // were cleared comes out empty), so `slice` cannot panic.
            let end = end.clamp(start, all.len());
            let message = all.slice(start..end);
            start = end;
            message
        }));
    }
}

// SAFETY: forwarded to the buffer, whose `BufMut` implementation upholds the contract.
unsafe impl BufMut for Batch {
    #[inline]
    fn remaining_mut(&self) -> usize {
        self.buffer.remaining_mut()
    }

    #[inline]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: forwarded; the caller initialised `cnt` bytes of the buffer's chunk.
        unsafe { self.buffer.advance_mut(cnt) }
    }

    #[inline]
    fn chunk_mut(&mut self) -> &mut UninitSlice {
        self.buffer.chunk_mut()
    }

    #[inline]
    fn put_slice(&mut self, src: &[u8]) {
        self.buffer.put_slice(src);
    }
}
