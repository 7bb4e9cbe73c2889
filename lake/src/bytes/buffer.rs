//! [`Buffer`]: a block of arena memory being written, and its `freeze` into `bytes::Bytes`.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::ptr::NonNull;

use bytes::buf::UninitSlice;
use bytes::{BufMut, Bytes};

use super::{Backing, Block};

/// A writable buffer in a byte arena's memory; [`freeze`](Buffer::freeze) turns it into
/// `bytes::Bytes` without a copy.
///
/// A buffer owns one block of its arena. The block goes back to the arena when the buffer is
/// dropped, or, once frozen, when the last `Bytes` sharing it (clones and slices included) is
/// dropped, on whichever thread that happens. A buffer keeps its arena alive.
///
/// Writing goes through [`bytes::BufMut`]. Only bytes written are ever readable
/// ([`as_slice`](Buffer::as_slice) is `..len()`); the rest of the block is reachable only as
/// `BufMut::chunk_mut`'s write-only `UninitSlice`.
///
/// **Capacity.** Without `auto_spill` (the default) a buffer never grows: `remaining_mut()` is
/// the room left in the block and, per the `BufMut` contract, `put_slice` and the other `put_*`
/// functions panic when it is too small (check `remaining_mut()` first). With the builder's
/// `auto_spill()`, a write past the block's capacity moves the contents to a heap `Vec` and gives
/// the block back to the arena at once; [`is_spilled`](Buffer::is_spilled) tells.
///
/// ```
/// use bytes::BufMut;
/// use lake::bytes::FixedArena;
///
/// let arena = FixedArena::builder(64, 4).build()?;
/// let mut buf = arena.allocate();
/// buf.put_slice(b"hello ");
/// buf.put_u16(0x7721);
/// assert_eq!(buf.as_slice(), b"hello w!");
/// assert_eq!((buf.len(), buf.capacity(), buf.remaining_mut()), (8, 64, 56));
/// let bytes = buf.freeze(); // no copy: the Bytes points into the arena
/// let tail = bytes.slice(6..);
/// drop(bytes);
/// assert_eq!(&tail[..], b"w!");
/// assert_eq!(arena.stats().live_bytes, 64); // the slice still holds the block
/// drop(tail);
/// assert_eq!(arena.stats().live_bytes, 0);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
pub struct Buffer {
    store: Store,
}

enum Store {
    /// In the arena: `len <= init <= cap`; bytes `..init` of the block are initialised.
    Arena {
        ptr: NonNull<u8>,
        len: usize,
        init: usize,
        cap: usize,
        token: usize,
        auto_spill: bool,
        home: Arc<dyn Backing>,
    },
    /// Moved to the heap by `auto_spill`.
    Heap(Vec<u8>),
}

// SAFETY: a buffer owns its block exclusively (the arena hands each block to one buffer until
// it is released), and `home` is `Send + Sync`; so moving the buffer to another thread, and
// releasing the block from there, is like moving a `Vec<u8>`.
unsafe impl Send for Buffer {}
// SAFETY: `&Buffer` only reads the initialised bytes of the block it owns.
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A buffer over `block` of `home`, `initialized` of whose first bytes are initialised.
    ///
    /// # Safety
    ///
    /// `block.ptr` is valid for reads and writes of `block.capacity` bytes, and no other code
    /// uses those bytes until `home.release(block)` is called (which the buffer does exactly
    /// once, on drop or spill). `initialized <= block.capacity` bytes at its start are
    /// initialised.
    #[inline]
    pub(crate) unsafe fn from_block(
        home: Arc<dyn Backing>,
        block: Block,
        initialized: usize,
        auto_spill: bool,
    ) -> Buffer {
        debug_assert!(initialized <= block.capacity);
        Buffer {
            store: Store::Arena {
                ptr: block.ptr,
                len: 0,
                init: initialized,
                cap: block.capacity,
                token: block.token,
                auto_spill,
                home,
            },
        }
    }

    /// Bytes written.
    ///
    /// ```
    /// # let arena = lake::bytes::FixedArena::builder(8, 1).build()?;
    /// let mut buf = arena.allocate();
    /// bytes::BufMut::put_u8(&mut buf, 1);
    /// assert_eq!(buf.len(), 1);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        match &self.store {
            Store::Arena { len, .. } => *len,
            Store::Heap(v) => v.len(),
        }
    }

    /// Whether nothing was written yet.
    ///
    /// ```
    /// # let arena = lake::bytes::FixedArena::builder(8, 1).build()?;
    /// assert!(arena.allocate().is_empty());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the buffer can hold without growing: its block's size (or, once spilled, the heap
    /// allocation's).
    ///
    /// ```
    /// # let arena = lake::bytes::BuddyArena::builder(1024, 64).build()?;
    /// assert_eq!(arena.allocate(100).capacity(), 128); // buddy blocks are powers of two
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        match &self.store {
            Store::Arena { cap, .. } => *cap,
            Store::Heap(v) => v.capacity(),
        }
    }

    /// Whether the buffer outgrew its block and moved to the heap (`auto_spill`).
    ///
    /// ```
    /// use bytes::BufMut;
    /// let arena = lake::bytes::FixedArena::builder(4, 1).auto_spill().build()?;
    /// let mut buf = arena.allocate();
    /// buf.put_slice(b"abcdef");
    /// assert!(buf.is_spilled());
    /// assert_eq!(arena.stats().live_bytes, 0); // the block went back at once
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn is_spilled(&self) -> bool {
        matches!(self.store, Store::Heap(_))
    }

    /// The bytes written.
    ///
    /// ```
    /// # let arena = lake::bytes::FixedArena::builder(8, 1).build()?;
    /// let mut buf = arena.allocate();
    /// bytes::BufMut::put_slice(&mut buf, b"ab");
    /// assert_eq!(buf.as_slice(), b"ab");
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        match &self.store {
            // SAFETY: the block is ours (`from_block`), and `..len` is initialised.
            Store::Arena { ptr, len, .. } => unsafe {
                core::slice::from_raw_parts(ptr.as_ptr(), *len)
            },
            Store::Heap(v) => v,
        }
    }

    /// The bytes written, mutably.
    ///
    /// ```
    /// # let arena = lake::bytes::FixedArena::builder(8, 1).build()?;
    /// let mut buf = arena.allocate();
    /// bytes::BufMut::put_slice(&mut buf, b"ab");
    /// buf.as_mut_slice()[0] = b'x';
    /// assert_eq!(buf.as_slice(), b"xb");
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        match &mut self.store {
            // SAFETY: the block is ours exclusively (`from_block`; `&mut self`), `..len` is
            // initialised.
            Store::Arena { ptr, len, .. } => unsafe {
                core::slice::from_raw_parts_mut(ptr.as_ptr(), *len)
            },
            Store::Heap(v) => v,
        }
    }

    /// Forgets the bytes written (`len` becomes 0); the capacity stays.
    ///
    /// ```
    /// # let arena = lake::bytes::FixedArena::builder(8, 1).build()?;
    /// let mut buf = arena.allocate();
    /// bytes::BufMut::put_slice(&mut buf, b"ab");
    /// buf.clear();
    /// assert!(buf.is_empty());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        match &mut self.store {
            Store::Arena { len, .. } => *len = 0,
            Store::Heap(v) => v.clear(),
        }
    }

    /// Shortens the written bytes to `len` (no effect if already shorter).
    pub(crate) fn truncate(&mut self, new_len: usize) {
        match &mut self.store {
            Store::Arena { len, .. } => *len = new_len.min(*len),
            Store::Heap(v) => v.truncate(new_len),
        }
    }

    /// Appends `n` zero bytes and returns them, mutably: room for a header to be filled in
    /// place. Under `InitPolicy::Zero` the block is zero already and nothing is written.
    ///
    /// # Panics
    ///
    /// Like `BufMut::put_bytes`, if `n` exceeds `remaining_mut()`. With `auto_spill` the
    /// buffer spills to the heap instead, which panics if the length overflows or the heap
    /// refuses the allocation; [`packet`](Buffer::packet) grows fallibly instead (a typed
    /// error) and suits a length that comes from outside.
    ///
    /// ```
    /// # let arena = lake::bytes::FixedArena::builder(8, 1).build()?;
    /// let mut buf = arena.allocate();
    /// buf.extend_zeroed(3)[1] = 9;
    /// assert_eq!(buf.as_slice(), [0, 9, 0]);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn extend_zeroed(&mut self, n: usize) -> &mut [u8] {
        let start = self.len();
        self.reserve_exact_or_panic(n);
        match &mut self.store {
            Store::Arena { ptr, len, init, .. } => {
                let end = start + n; // `<= cap` (checked by `reserve_exact_or_panic`)
                if end > *init {
                    // SAFETY: `init..end` is inside our block.
                    unsafe { ptr.add(*init).write_bytes(0, end - *init) };
                    *init = end;
                }
                *len = end;
                // SAFETY: `start..end` is inside our block and initialised.
                unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr().add(start), n) }
            }
            Store::Heap(v) => {
                v.resize(start + n, 0);
                &mut v[start..]
            }
        }
    }

    /// Makes room for `n` more bytes (spilling if allowed and needed); panics like `BufMut`'s
    /// `put_*` if there is not enough room.
    fn reserve_exact_or_panic(&mut self, n: usize) {
        let room = self.room();
        if n > room {
            if self.auto_spill() {
                self.spill(n);
            } else {
                panic!(
                    "buffer overflow: {n} bytes do not fit in the {room} bytes left in this \
                     arena buffer (build the arena with auto_spill() to let it move to the heap)"
                );
            }
        }
    }

    /// Room left in the current block / allocation without growing.
    #[inline]
    fn room(&self) -> usize {
        match &self.store {
            Store::Arena { len, cap, .. } => cap - len,
            Store::Heap(v) => v.capacity() - v.len(),
        }
    }

    #[inline]
    fn auto_spill(&self) -> bool {
        match &self.store {
            Store::Arena { auto_spill, .. } => *auto_spill,
            Store::Heap(_) => true,
        }
    }

    /// Moves the contents to a heap `Vec` with room for `more` bytes, and gives the block back
    /// (or, already spilled, grows the `Vec`). Panics if the heap cannot provide the room.
    #[cold]
    fn spill(&mut self, more: usize) {
        if !self.try_spill(more) {
            panic!("cannot grow the spilled buffer by {more} bytes: the heap refused");
        }
    }

    /// [`spill`](Self::spill) that reports failure (the length overflows, or the heap refuses)
    /// instead of panicking; the buffer is unchanged then.
    #[cold]
    pub(crate) fn try_spill(&mut self, more: usize) -> bool {
        if let Store::Heap(v) = &mut self.store {
            return v.try_reserve(more).is_ok();
        }
        let Some(needed) = self.len().checked_add(more) else {
            return false;
        };
        let mut v = Vec::new();
        // Twice the block if possible (later writes rarely grow it again), else what fits.
        if v.try_reserve_exact(needed.max(self.capacity().saturating_mul(2)))
            .is_err()
            && v.try_reserve_exact(needed).is_err()
        {
            return false;
        }
        v.extend_from_slice(self.as_slice());
        let old = core::mem::replace(&mut self.store, Store::Heap(v));
        if let Store::Arena {
            ptr,
            cap,
            token,
            home,
            ..
        } = old
        {
            home.counters().spilled();
            // SAFETY: the block is ours and nothing points into it any more (the contents
            // were copied out above and `self.store` no longer refers to it).
            unsafe {
                home.release(Block {
                    ptr,
                    capacity: cap,
                    token,
                })
            };
        }
        true
    }

    /// Room left without growing (the block's, or the spilled `Vec`'s spare capacity).
    #[inline]
    pub(crate) fn room_in_place(&self) -> usize {
        self.room()
    }

    /// Whether the buffer may spill (or, spilled, grow).
    #[inline]
    pub(crate) fn may_grow(&self) -> bool {
        self.auto_spill()
    }

    /// Turns the buffer into `bytes::Bytes` without copying: the `Bytes` (and every clone and
    /// slice of it) point into the arena block, which goes back to the arena when the last of
    /// them drops, on any thread. A spilled buffer becomes a heap `Bytes` (no copy either).
    ///
    /// ```
    /// use bytes::BufMut;
    /// let arena = lake::bytes::FixedArena::builder(32, 1).build()?;
    /// let mut buf = arena.allocate();
    /// buf.put_slice(b"frozen");
    /// let a = buf.freeze();
    /// let b = a.clone();
    /// std::thread::spawn(move || assert_eq!(&b[..], b"frozen")).join().unwrap();
    /// assert!(arena.try_allocate().is_err()); // `a` still holds the only slot
    /// drop(a);
    /// assert!(arena.try_allocate().is_ok());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn freeze(mut self) -> Bytes {
        match &mut self.store {
            Store::Heap(v) => Bytes::from(core::mem::take(v)),
            Store::Arena { .. } => Bytes::from_owner(self),
        }
    }
}

impl AsRef<[u8]> for Buffer {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsMut<[u8]> for Buffer {
    #[inline]
    fn as_mut(&mut self) -> &mut [u8] {
        self.as_mut_slice()
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Store::Arena {
            ptr,
            cap,
            token,
            home,
            ..
        } = &self.store
        {
            // SAFETY: the block is ours (`from_block`), released exactly once: here, and the
            // buffer is gone afterwards (a spill replaced `store`, so it does not get here).
            unsafe {
                home.release(Block {
                    ptr: *ptr,
                    capacity: *cap,
                    token: *token,
                })
            };
        }
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .field("spilled", &self.is_spilled())
            .finish_non_exhaustive()
    }
}

// SAFETY: `remaining_mut` is the room in the block (or, with `auto_spill`, the most a `Vec`
// could take); `chunk_mut` returns the block's bytes `len..cap` (inside our block, exclusively
// ours), non-empty whenever `remaining_mut` is positive; `advance_mut(cnt)` requires the caller
// to have initialised `cnt` bytes of the chunk, so `..len` stays initialised.
unsafe impl BufMut for Buffer {
    #[inline]
    fn remaining_mut(&self) -> usize {
        if self.auto_spill() {
            isize::MAX as usize - self.len()
        } else {
            self.room()
        }
    }

    #[inline]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        match &mut self.store {
            Store::Arena { len, init, cap, .. } => {
                assert!(
                    cnt <= *cap - *len,
                    "advance_mut({cnt}) past the {} bytes left in the buffer",
                    *cap - *len
                );
                *len += cnt;
                if *len > *init {
                    *init = *len;
                }
            }
            // SAFETY: forwarded; the caller initialised `cnt` bytes of our chunk, which is the
            // `Vec`'s spare capacity.
            Store::Heap(v) => unsafe { v.advance_mut(cnt) },
        }
    }

    #[inline]
    fn chunk_mut(&mut self) -> &mut UninitSlice {
        if self.room() == 0 && self.auto_spill() {
            self.spill(64);
        }
        match &mut self.store {
            Store::Arena { ptr, len, cap, .. } => {
                // SAFETY: `len..cap` is inside our block; `UninitSlice` never reads it.
                unsafe { UninitSlice::from_raw_parts_mut(ptr.as_ptr().add(*len), *cap - *len) }
            }
            Store::Heap(v) => v.chunk_mut(),
        }
    }

    #[inline]
    fn put_slice(&mut self, src: &[u8]) {
        self.reserve_exact_or_panic(src.len());
        match &mut self.store {
            Store::Arena { ptr, len, init, .. } => {
                // SAFETY: `len + src.len() <= cap` (just checked); the block is ours and `src`
                // cannot overlap it (we hold it exclusively, `src` is a shared borrow).
                unsafe {
                    core::ptr::copy_nonoverlapping(src.as_ptr(), ptr.as_ptr().add(*len), src.len())
                };
                *len += src.len();
                if *len > *init {
                    *init = *len;
                }
            }
            Store::Heap(v) => v.extend_from_slice(src),
        }
    }
}
