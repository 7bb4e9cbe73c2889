//! Shared helpers for the lake integration tests in `tests/tests/*.rs`.
//!
//! Known lake bugs are pinned by tests marked `#[ignore = "BUG(lake): ..."]`; run them with
//! `cargo test -p lake-tests -- --ignored`. Remove the `ignore` once the bug is fixed.

pub mod wire_protocols;

use std::cell::RefCell;

use lake::LakeStats;

/// Picks an iteration count: `native` normally, `miri` when interpreted by miri.
pub const fn scaled(native: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        native
    }
}

/// Number of proptest cases: 256 natively, 8 under miri.
pub const fn cases() -> u32 {
    if cfg!(miri) {
        8
    } else {
        256
    }
}

/// The allocation count in `stats`, if lake counts allocations (its `count-allocations`
/// feature, which this crate's default feature of the same name turns on).
///
/// # Panics
///
/// If this crate's `count-allocations` feature is on but lake reported no count.
#[track_caller]
pub fn allocations(stats: LakeStats) -> Option<usize> {
    if cfg!(feature = "count-allocations") {
        assert!(
            stats.allocations.is_some(),
            "count-allocations is on, but lake did not count: {stats:?}"
        );
    }
    stats.allocations
}

/// Asserts that `stats` counts `expected` allocations (when lake counts them at all).
#[track_caller]
pub fn assert_allocations(stats: LakeStats, expected: usize) {
    if let Some(n) = allocations(stats) {
        assert_eq!(n, expected, "allocation count in {stats:?}");
    }
}

/// A log of which [`DropSpy`]s were dropped, in drop order.
///
/// Spies borrow the log rather than share ownership of it, so a spy that is deliberately
/// never dropped leaks no heap memory (miri's leak check stays quiet).
#[derive(Debug, Default)]
pub struct DropLog(RefCell<Vec<usize>>);

impl DropLog {
    /// An empty log.
    pub fn new() -> DropLog {
        DropLog::default()
    }

    /// A spy with identity `id` that records itself here when dropped.
    pub fn spy(&self, id: usize) -> DropSpy<'_> {
        DropSpy {
            id,
            log: self,
            panic_on_drop: false,
        }
    }

    /// A spy that records itself here and then panics when dropped.
    pub fn panicking_spy(&self, id: usize) -> DropSpy<'_> {
        DropSpy {
            id,
            log: self,
            panic_on_drop: true,
        }
    }

    /// Ids dropped so far, in drop order.
    pub fn dropped(&self) -> Vec<usize> {
        self.0.borrow().clone()
    }

    /// Ids dropped so far, sorted (to compare against a set regardless of drop order).
    pub fn dropped_sorted(&self) -> Vec<usize> {
        let mut ids = self.dropped();
        ids.sort_unstable();
        ids
    }

    /// Number of drops so far.
    pub fn count(&self) -> usize {
        self.0.borrow().len()
    }
}

/// Added to a spy's id by `Clone`, so drops of clones and originals can be told apart.
pub const CLONE_OFFSET: usize = 1_000_000;

/// Records its id in a [`DropLog`] when dropped (optionally panicking afterwards).
#[derive(Debug)]
pub struct DropSpy<'log> {
    id: usize,
    log: &'log DropLog,
    panic_on_drop: bool,
}

impl DropSpy<'_> {
    /// This spy's identity.
    pub fn id(&self) -> usize {
        self.id
    }
}

impl Clone for DropSpy<'_> {
    /// A clone records `id + CLONE_OFFSET` (and never panics on drop).
    fn clone(&self) -> Self {
        self.log.spy(self.id + CLONE_OFFSET)
    }
}

impl PartialEq for DropSpy<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Drop for DropSpy<'_> {
    fn drop(&mut self) {
        self.log.0.borrow_mut().push(self.id);
        if self.panic_on_drop {
            panic!("DropSpy {} panics in its destructor (on purpose)", self.id);
        }
    }
}

/// Runs `f`, expecting it to panic; returns the panic message.
///
/// # Panics
///
/// If `f` returns normally.
#[track_caller]
pub fn expect_panic<R>(f: impl FnOnce() -> R) -> String {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic, but the closure returned normally"),
        Err(payload) => {
            if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                String::from("<non-string panic payload>")
            }
        }
    }
}

/// Address of the first byte of `value` (for overlap and alignment checks).
pub fn addr_of<T: ?Sized>(value: &T) -> usize {
    std::ptr::from_ref(value).cast::<u8>().addr()
}

/// Whether the byte ranges `a` and `b` (start, len) share a byte. Empty ranges share none.
pub fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.1 != 0 && b.1 != 0 && a.0 < b.0 + b.1 && b.0 < a.0 + a.1
}
