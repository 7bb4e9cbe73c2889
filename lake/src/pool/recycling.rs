//! The recycling state of a [`Pool`](super::Pool) built with
//! [`build_recycling`](super::PoolBuilder::build_recycling): which slots hold recycled values,
//! how many may, and the hit/miss counters.
//!
//! Only bookkeeping lives here (slot indices and counts); the pool moves values in and out of
//! its slots itself, so this type has no `unsafe` and no access to values.

use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

/// Recycling bookkeeping; `recycler` is `None` for a pool that drops returned values.
pub(super) struct Recycling<T> {
    /// `Recycle::recycle` of the value type, or `None` for a non-recycling pool.
    pub(super) recycler: Option<fn(&mut T)>,
    /// Most recycled values kept (`build_recycling`'s `retain`).
    cap: usize,
    /// Slots holding a recycled value, most recently recycled last (reused first).
    slots: RefCell<Vec<u32>>,
    /// `Recycle::recycle` calls running now: their values count against `cap` (a `recycle`
    /// that drops another guard of this pool re-enters `release`).
    running: Cell<usize>,
    hits: Cell<u64>,
    misses: Cell<u64>,
}

impl<T> Recycling<T> {
    pub(super) fn new(recycler: Option<fn(&mut T)>, cap: usize) -> Self {
        Recycling {
            recycler,
            cap,
            slots: RefCell::new(Vec::new()),
            running: Cell::new(0),
            hits: Cell::new(0),
            misses: Cell::new(0),
        }
    }

    /// Whether this pool recycles at all.
    #[inline]
    pub(super) fn enabled(&self) -> bool {
        self.recycler.is_some()
    }

    /// A recycled slot for an `acquire`, counting a hit, or `None` counting a miss.
    pub(super) fn take_for_acquire(&self) -> Option<u32> {
        let hit = self.slots.borrow_mut().pop();
        match hit {
            Some(_) => self.hits.set(self.hits.get() + 1),
            None => self.misses.set(self.misses.get() + 1),
        }
        hit
    }

    /// A recycled slot to evict (the pool is full), without counting.
    pub(super) fn evict(&self) -> Option<u32> {
        self.slots.borrow_mut().pop()
    }

    /// Whether one more value may be recycled: kept values plus running `recycle` calls are
    /// below the cap. If so, counts a `recycle` call as running.
    pub(super) fn begin(&self) -> bool {
        if self.slots.borrow().len() + self.running.get() < self.cap {
            self.running.set(self.running.get() + 1);
            true
        } else {
            false
        }
    }

    /// A `recycle` call begun with [`begin`](Self::begin) returned (or unwound: `kept` is
    /// then `None`); `kept` is the slot now holding the recycled value.
    pub(super) fn end(&self, kept: Option<u32>) {
        self.running.set(self.running.get() - 1);
        if let Some(index) = kept {
            self.slots.borrow_mut().push(index);
        }
    }

    /// `(hits, misses, kept)` for `PoolStats`.
    pub(super) fn counts(&self) -> (u64, u64, usize) {
        (
            self.hits.get(),
            self.misses.get(),
            self.slots.borrow().len(),
        )
    }
}
