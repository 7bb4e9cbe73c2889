//! Rewinds on `&mut Lake`: snapshots, the mark stack, and the raw `reset_to`.
//!
//! Every rewind goes through [`Lake::rewind_to`], which checks the target's key (see
//! `math::keys`) so that a stale or foreign snapshot is an error, pops the keys made after the
//! target (making later snapshots, marks and droplets stale), and moves the cursor back, keeping
//! later chunks for reuse.

use core::sync::atomic::Ordering::Relaxed;

use crate::error::{AllocError, RewindError};
use crate::math::keys::{Key, Spot};

use super::Lake;

/// How a checkpoint knows it is still in reach, and which keys a rewind to it pops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Snapshots and marks: a key of their own, checked on use; a rewind pops the keys above it
    /// and keeps it, so the snapshot can be used again.
    Key(Key),
    /// Scopes and sandboxes: their borrow of the lake guarantees they are in reach, so they only
    /// record the key-stack depth at their start; a rewind pops back to it. (No key of
    /// their own, so a loop of scopes does not grow the key stack.)
    Len(usize),
}

/// Where the cursor was when a snapshot, mark, scope or sandbox started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    lake: usize,
    anchor: Anchor,
    /// Chunk the cursor was in, or `None` when the lake had no chunk yet.
    chunk: Option<usize>,
    /// Start address of that chunk (`CHUNK_ALIGN` for none): the fast path's same-chunk test.
    chunk_start: usize,
    /// Cursor address.
    pos: usize,
    /// Bytes used in the chunks before `chunk`.
    used_before: usize,
}

impl Checkpoint {
    /// The key of a snapshot or mark (a scope's checkpoint has none: an unused key).
    fn key(&self) -> Key {
        match self.anchor {
            Anchor::Key(key) => key,
            Anchor::Len(_) => Key {
                slot: usize::MAX,
                generation: 0,
                depth: usize::MAX,
            },
        }
    }

    fn is_valid(&self, keys: &crate::math::keys::KeyStack) -> bool {
        match self.anchor {
            Anchor::Key(key) => keys.is_valid(key),
            Anchor::Len(len) => len <= keys.depth(),
        }
    }
}

/// A point a lake can be rewound to with [`Lake::rewind`]: everything allocated after it is
/// discarded, everything before it stays.
///
/// A snapshot is a key, not a borrow: it is checked when used. Rewinding to a snapshot of
/// another lake, or to one the lake has since been reset or rewound past, is an error
/// ([`RewindError`]), never a jump to memory that now belongs to someone else.
///
/// ```
/// let mut lake = lake::Lake::new();
/// let keep = lake.droplet::<4>();
/// let before = lake.snapshot();
/// let scratch = lake.droplet::<4>();
/// lake.rewind(&before).unwrap();
/// assert!(keep.is_valid(&lake));      // made before the snapshot
/// assert!(!scratch.is_valid(&lake));  // made after it: discarded
/// lake.rewind(&before).unwrap();      // a snapshot can be rewound to again
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot(Checkpoint);

impl Lake {
    /// Records the cursor with a key: for a snapshot (`shared`), the newest key if it is a
    /// snapshot's at the same place, else a new one; for a mark, a private key (released when
    /// the mark is popped).
    fn checkpoint(&self, shared: bool) -> Result<Checkpoint, AllocError> {
        let mut list = self.chunks.borrow_mut();
        let key = if shared {
            let spot = Spot {
                // "No chunk yet" is 0, chunk `i` is `i + 1`.
                chunk: if list.chunks.is_empty() {
                    0
                } else {
                    list.current + 1
                },
                pos: self.cursor(),
            };
            list.keys.push_at(spot)
        } else {
            list.keys.push()
        }
        .ok_or(AllocError::OutOfMemory {
            requested: core::mem::size_of::<Key>(),
        })?;
        Ok(self.checkpoint_from(&list, Anchor::Key(key)))
    }

    /// Records the cursor for a scope or sandbox (no key; see [`Anchor::Len`]).
    #[inline]
    pub(crate) fn scope_checkpoint(&self) -> Checkpoint {
        let list = self.chunks.borrow();
        self.checkpoint_from(&list, Anchor::Len(list.keys.depth()))
    }

    #[inline]
    fn checkpoint_from(&self, list: &super::ChunkList, anchor: Anchor) -> Checkpoint {
        Checkpoint {
            lake: self.id,
            anchor,
            chunk: (!list.chunks.is_empty()).then_some(list.current),
            chunk_start: self.start.get(),
            pos: self.cursor(),
            used_before: list.used_before,
        }
    }

    /// Moves the cursor back to `target`, discarding everything allocated after it (and
    /// dropping the values registered with [`Lake::alloc_dropping`] after it).
    ///
    /// The common case ([`Lake::rewind_fast`]) is just a store of the cursor (a scope loop pays
    /// no more than that); everything else takes [`Lake::rewind_slow`].
    ///
    /// # Safety
    ///
    /// Nothing allocated after `target` is used after this call (its memory is handed out
    /// again): the safe callers hold `&mut Lake`, a scope's end holds the scope's exclusive
    /// borrow, and `reset_to` makes it its caller's contract. Stale and foreign targets are
    /// checked here, not assumed away.
    #[inline]
    pub(crate) unsafe fn rewind_to(&self, target: &Checkpoint) -> Result<(), RewindError> {
        // SAFETY: this function's contract, forwarded.
        if unsafe { self.rewind_fast(target) } {
            return Ok(());
        }
        // SAFETY: this function's contract, forwarded.
        unsafe { self.rewind_slow(target) }
    }

    /// The common case of [`Lake::rewind_to`], done if it applies: the cursor is still in the
    /// target's chunk, no snapshot, mark or droplet was made since, and nothing is to be
    /// zeroed. Then it moves the cursor back (one store) and returns `true`; otherwise it
    /// changes nothing and returns `false`, leaving the rewind to [`Lake::rewind_slow`].
    ///
    /// Always inlined: it is a handful of loads and compares, and a call would cost as much
    /// again in a scope loop.
    ///
    /// # Safety
    ///
    /// As for [`Lake::rewind_to`].
    #[inline(always)]
    pub(crate) unsafe fn rewind_fast(&self, target: &Checkpoint) -> bool {
        if !self.in_target_chunk(target) {
            return false;
        }
        // A mutably borrowed list (never the case between the lake's own methods) is left to
        // the slow path, so no panic path is inlined here.
        let Ok(list) = self.chunks.try_borrow() else {
            return false;
        };
        let keys = &list.keys;
        // Nothing to pop: the target's key is the newest one (its own key stays), or for a
        // scope the stack has the depth it had. With the same chunk start, the target's chunk
        // is the current one (chunks are freed only by reset, which pops every key).
        let nothing_to_pop = match target.anchor {
            Anchor::Key(key) => keys.is_top(key),
            Anchor::Len(len) => len == keys.depth(),
        };
        drop(list);
        if nothing_to_pop {
            // SAFETY: the target's chunk is the current one and its position lies in it; the
            // bytes above it were handed out after the target, which the caller no longer uses.
            unsafe { self.set_cursor(target.pos) };
        }
        nothing_to_pop
    }

    /// [`Lake::rewind_fast`] for the start of a scope or sandbox (an [`Anchor::Len`]
    /// checkpoint; for any other it returns `false`). Ending a scope inlines this one: without
    /// the key case it is small enough for the inliner to take a scope guard's drop glue whole.
    ///
    /// # Safety
    ///
    /// As for [`Lake::rewind_to`].
    #[inline(always)]
    pub(crate) unsafe fn rewind_scope_fast(&self, target: &Checkpoint) -> bool {
        let Anchor::Len(len) = target.anchor else {
            return false;
        };
        if !self.in_target_chunk(target) {
            return false;
        }
        // As in `rewind_fast`: the stack has the depth it had, so nothing was made since.
        let Ok(list) = self.chunks.try_borrow() else {
            return false;
        };
        let nothing_to_pop = len == list.keys.depth();
        drop(list);
        if nothing_to_pop {
            // SAFETY: as in `rewind_fast`.
            unsafe { self.set_cursor(target.pos) };
        }
        nothing_to_pop
    }

    /// Whether `target` is this lake's, the cursor is in its chunk (the same chunk start), and
    /// a rewind has nothing to zero: the preconditions of the fast rewinds. (Values registered
    /// with [`Lake::alloc_dropping`] since the target need no test: each pushed a key, so the
    /// fast rewinds' key test already sends the rewind to the slow path.)
    #[inline(always)]
    fn in_target_chunk(&self, target: &Checkpoint) -> bool {
        target.lake == self.id
            && target.chunk_start == self.start.get()
            && !self.config.zero_on_reset
    }

    /// Moves the cursor to `pos` in the current chunk, keeping its provenance.
    ///
    /// # Safety
    ///
    /// `pos` lies in the current chunk (`start <= pos <= end`), and nothing uses the bytes
    /// between `pos` and the cursor any more.
    #[inline(always)]
    unsafe fn set_cursor(&self, pos: usize) {
        let cursor = self.pos.load(Relaxed);
        self.pos.store(cursor.with_addr(pos), Relaxed);
    }

    /// The general rewind: checks, drops the values registered since the target, pops keys
    /// and marks, crosses chunks, zeroes.
    ///
    /// # Safety
    ///
    /// As for [`Lake::rewind_to`].
    #[inline(never)]
    unsafe fn rewind_slow(&self, target: &Checkpoint) -> Result<(), RewindError> {
        if target.lake != self.id {
            return Err(RewindError::ForeignLake);
        }
        // The keys from this slot up are popped; so are the drop-list entries that pushed them.
        let cut = match target.anchor {
            Anchor::Key(key) => key.depth + 1,
            Anchor::Len(len) => len,
        };
        if self.drops.has_from(cut) {
            // Checked before any destructor runs, so a stale target changes nothing.
            if !self.is_in_reach(target) {
                return Err(RewindError::Stale);
            }
            let mut rewound = Ok(());
            // SAFETY: the values registered after the target lie in memory handed out after
            // it, which the caller no longer uses, and `rewind_memory` has the same contract as
            // this function (the `rewind_to` contract, forwarded).
            unsafe {
                self.drops
                    .drain_from(cut, || rewound = self.rewind_memory(target))
            };
            return rewound;
        }
        // SAFETY: this function's contract, forwarded.
        unsafe { self.rewind_memory(target) }
    }

    /// Whether a rewind to `target` (this lake's) would succeed: its key is valid and its
    /// chunk is at or before the current one.
    fn is_in_reach(&self, target: &Checkpoint) -> bool {
        let list = self.chunks.borrow();
        target.chunk.is_none_or(|chunk| chunk <= list.current) && target.is_valid(&list.keys)
    }

    /// The memory part of [`Lake::rewind_slow`].
    ///
    /// # Safety
    ///
    /// As for [`Lake::rewind_to`].
    unsafe fn rewind_memory(&self, target: &Checkpoint) -> Result<(), RewindError> {
        let used_here = self.cursor() - self.start.get();
        let zero = self.config.zero_on_reset;
        let mut guard = self.chunks.borrow_mut();
        let list = &mut *guard;
        // A valid key means the target's chunk is at or before the current one: the cursor only
        // leaves a chunk forwards, and going back past the target would have popped its key.
        let in_reach = target.chunk.is_none_or(|chunk| chunk <= list.current);
        let popped = match target.anchor {
            Anchor::Key(key) => in_reach && list.keys.pop_above(key),
            Anchor::Len(len) => {
                list.keys.truncate(len);
                in_reach
            }
        };
        if !popped {
            return Err(RewindError::Stale);
        }
        // Marks made after the target are gone with it (marks are in key order).
        while list.marks.last().is_some_and(|m| !m.is_valid(&list.keys)) {
            list.marks.pop();
        }
        if list.chunks.is_empty() {
            return Ok(()); // nothing was ever allocated
        }
        let (chunk, pos, used_before) = match target.chunk {
            Some(chunk) => (chunk, target.pos, target.used_before),
            // Taken before the first chunk: back to the start of the first chunk.
            None => (0, list.chunks[0].start().as_ptr().addr(), 0),
        };
        let current = list.current;
        if chunk == current {
            drop(guard);
            // Zeroes the given-back bytes when the lake zeroes on reset.
            // SAFETY: the cursor carries the current chunk's provenance; `pos` was a cursor
            // position in this chunk (the target's, with a valid key), so it lies within it; the
            // bytes above it were handed out after the target, which the caller no longer uses
            // (the `rewind_to` contract).
            unsafe { self.move_cursor(self.pos.load(Relaxed), pos) };
            return Ok(());
        }
        // The target is in an earlier chunk: the chunks after it are kept, emptied, for reuse.
        list.chunks[current].filled = used_here;
        for later in &mut list.chunks[chunk + 1..=current] {
            if zero {
                let filled = later.filled;
                // SAFETY: everything in the chunks after the target was handed out after it,
                // which the caller no longer uses (this function's contract).
                unsafe { later.zero_prefix(filled) };
            }
            later.filled = 0;
        }
        let target_chunk = &mut list.chunks[chunk];
        let start = target_chunk.start();
        let offset = pos - start.as_ptr().addr();
        if zero {
            let filled = target_chunk.filled;
            // SAFETY: the bytes above the target in its chunk were handed out after it (the
            // contract, as above).
            unsafe { target_chunk.zero_range(offset, filled) };
        }
        let capacity = target_chunk.capacity();
        list.current = chunk;
        list.used_before = used_before;
        drop(guard);
        // SAFETY: the target chunk is this lake's; the cursor is moved up to the checkpoint
        // right below, before anything is allocated.
        unsafe { self.enter_chunk(start, capacity) };
        // SAFETY: `start` is the target chunk's start, with its provenance, and `pos` a cursor
        // position in it (so within it); the cursor moves up from `start`, giving nothing back.
        unsafe { self.move_cursor(start.as_ptr(), pos) };
        Ok(())
    }

    /// Takes a snapshot of the current position, to [`rewind`](Lake::rewind) to later.
    ///
    /// Takes `&self`, so a snapshot can be taken while allocations are alive; rewinding needs
    /// `&mut self`.
    ///
    /// # Panics
    ///
    /// If the key table cannot grow; see [`try_snapshot`](Lake::try_snapshot).
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let snap = lake.snapshot();
    /// lake.alloc_slice_copy(&[0u8; 100]);
    /// lake.rewind(&snap).unwrap();
    /// assert_eq!(lake.stats().used, 0);
    /// ```
    #[track_caller]
    pub fn snapshot(&self) -> Snapshot {
        self.try_snapshot().unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`snapshot`](Lake::snapshot).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// assert!(lake.try_snapshot().is_ok());
    /// ```
    pub fn try_snapshot(&self) -> Result<Snapshot, AllocError> {
        self.checkpoint(true).map(Snapshot)
    }

    /// Discards everything allocated after `snapshot` was taken: their memory is reused, and
    /// snapshots, marks and droplets made after it become stale. Chunks taken since are kept
    /// for reuse.
    ///
    /// # Errors
    ///
    /// [`RewindError::ForeignLake`] for another lake's snapshot; [`RewindError::Stale`] if this
    /// lake was reset or rewound past the snapshot since. The lake is unchanged then.
    ///
    /// ```
    /// use lake::RewindError;
    ///
    /// let mut lake = lake::Lake::new();
    /// let outer = lake.snapshot();
    /// let inner = lake.snapshot();
    /// lake.rewind(&outer).unwrap();
    /// assert_eq!(lake.rewind(&inner), Err(RewindError::Stale));
    /// ```
    #[inline]
    pub fn rewind(&mut self, snapshot: &Snapshot) -> Result<(), RewindError> {
        // SAFETY: `&mut self`: no reference into the lake is alive.
        unsafe { self.rewind_to(&snapshot.0) }
    }

    /// Rewinds to `snapshot` through a shared reference, for code that keeps allocations from
    /// before the snapshot alive across the rewind (which [`rewind`](Lake::rewind)'s `&mut self`
    /// forbids).
    ///
    /// # Safety
    ///
    /// Nothing that occupies memory handed out after `snapshot` was taken may be used after this
    /// call: no reference, raw pointer, slice or `LakeBox` from an allocation made after it, and
    /// no collection in the lake (`Vec<T, &Lake>`, …) that allocated *or grew in place* after it.
    /// That includes views split off after it ([`Lake::split`]), whose region is such memory.
    /// Those bytes are handed out again by the next allocation. Allocations made before the
    /// snapshot stay valid. (A `LakeBox` made after the snapshot that is still alive would run
    /// its destructor on reused memory: drop or forget it first.)
    ///
    /// # Errors
    ///
    /// As [`rewind`](Lake::rewind); the checks run even here, so a stale or foreign snapshot is
    /// an error, not undefined behaviour.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let header = lake.alloc_str("kept");
    /// let snap = lake.snapshot();
    /// let scratch = lake.alloc_slice_copy(b"scratch");
    /// assert_eq!(scratch.len(), 7); // last use of `scratch`
    /// // SAFETY: nothing allocated after `snap` (only `scratch`) is used from here on.
    /// unsafe { lake.reset_to(&snap) }.unwrap();
    /// assert_eq!(header, "kept"); // allocated before the snapshot: still valid
    /// ```
    #[inline]
    pub unsafe fn reset_to(&self, snapshot: &Snapshot) -> Result<(), RewindError> {
        // SAFETY: this function's contract is `rewind_to`'s.
        unsafe { self.rewind_to(&snapshot.0) }
    }

    /// Pushes a mark: a snapshot kept on the lake's own mark stack, for code that rewinds to the
    /// same point again and again ([`reset_to_mark`](Lake::reset_to_mark)).
    ///
    /// # Panics
    ///
    /// If the key table or the mark stack cannot grow.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.alloc_str("config");
    /// lake.mark();
    /// for request in 0..3 {
    ///     lake.alloc_fmt(format_args!("request {request}"));
    ///     lake.reset_to_mark().unwrap(); // back to just after "config"
    /// }
    /// assert_eq!(lake.stats().used, 6);
    /// ```
    #[track_caller]
    pub fn mark(&mut self) {
        let mark = self.checkpoint(false).unwrap_or_else(|e| e.panic());
        let list = self.chunks.get_mut();
        if list.marks.try_reserve(1).is_err() {
            list.keys.release(mark.key());
            AllocError::OutOfMemory {
                requested: core::mem::size_of::<Checkpoint>(),
            }
            .panic();
        }
        list.marks.push(mark);
    }

    /// Rewinds to the top mark, which stays set.
    ///
    /// # Errors
    ///
    /// [`RewindError::NoMark`] if no mark is set.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.mark();
    /// let d = lake.droplet::<8>();
    /// lake.reset_to_mark().unwrap();
    /// assert!(!d.is_valid(&lake));
    /// ```
    #[inline]
    pub fn reset_to_mark(&mut self) -> Result<(), RewindError> {
        let top = *self
            .chunks
            .get_mut()
            .marks
            .last()
            .ok_or(RewindError::NoMark)?;
        // SAFETY: `&mut self`: no reference into the lake is alive.
        unsafe { self.rewind_to(&top) }
    }

    /// Moves the top mark up to the current position, keeping everything allocated since it
    /// (they are no longer above the mark).
    ///
    /// # Errors
    ///
    /// [`RewindError::NoMark`] if no mark is set.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.mark();
    /// let kept = lake.droplet::<8>();
    /// lake.move_mark().unwrap();
    /// lake.reset_to_mark().unwrap();
    /// assert!(kept.is_valid(&lake));
    /// ```
    #[track_caller]
    pub fn move_mark(&mut self) -> Result<(), RewindError> {
        self.pop_mark()?;
        self.mark();
        Ok(())
    }

    /// Removes the top mark without rewinding.
    ///
    /// # Errors
    ///
    /// [`RewindError::NoMark`] if no mark is set.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.mark();
    /// lake.pop_mark().unwrap();
    /// assert_eq!(lake.marks(), 0);
    /// assert!(lake.pop_mark().is_err());
    /// ```
    pub fn pop_mark(&mut self) -> Result<(), RewindError> {
        let list = self.chunks.get_mut();
        let mark = list.marks.pop().ok_or(RewindError::NoMark)?;
        // The mark was its key's only holder: the key leaves the stack once nothing above it
        // is live, so mark loops do not grow it.
        list.keys.release(mark.key());
        Ok(())
    }

    /// Number of marks set.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.mark();
    /// lake.mark();
    /// assert_eq!(lake.marks(), 2);
    /// ```
    pub fn marks(&self) -> usize {
        self.chunks.borrow().marks.len()
    }
}
