//! One facade for atomics, locks and chunk allocation shared between threads: `core`'s and
//! `std`'s types normally, loom's under `cfg(loom)`, so every lock-free protocol can be
//! model-checked (`.ci/loom.sh`).
//!
//! Only code whose correctness depends on cross-thread ordering uses this module: the shared
//! lakes (`lake/shared/`), `SharedPool`, and the two mechanisms every lock-free structure
//! shares, which live here so there is one copy of each: [`bitmap`] (the free bitmap with its
//! per-thread start hint) and [`waiters`] (the async waiter queue, feature `async`). Single-threaded code that merely needs an `AtomicPtr` for
//! its auto traits (the `Lake` cursor) uses `core::sync::atomic` directly, so loom does not
//! model accesses that can never race.
// Without `std` there are no shared lakes, hence no users.
#![cfg_attr(not(feature = "std"), allow(unused_imports))]

#[cfg(any(loom, target_has_atomic = "64"))]
pub(crate) mod bitmap;
#[cfg(feature = "async")]
pub(crate) mod waiters;

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

// The async waiter queue.
#[cfg(all(not(loom), feature = "async"))]
pub(crate) use core::sync::atomic::{fence, AtomicBool};
#[cfg(all(loom, feature = "async"))]
pub(crate) use loom::sync::atomic::{fence, AtomicBool};

// The shared pool's slot state words and the free bitmap.
#[cfg(all(not(loom), target_has_atomic = "64"))]
pub(crate) use core::sync::atomic::AtomicU64;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::AtomicU64;

/// `UnsafeCell` with sharded-slab's closure API (`with` / `with_mut`), so loom can check that
/// no read of a cell races a write of it: `core`'s cell normally, loom's under `cfg(loom)`.
pub(crate) mod cell {
    #[cfg(loom)]
    pub(crate) use loom::cell::UnsafeCell;

    /// `core::cell::UnsafeCell` behind loom's `UnsafeCell` API.
    #[cfg(not(loom))]
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

    #[cfg(not(loom))]
    #[allow(dead_code)] // users are cfg-gated on 64-bit atomics
    impl<T> UnsafeCell<T> {
        /// Wraps `value`.
        #[inline(always)]
        pub(crate) const fn new(value: T) -> Self {
            UnsafeCell(core::cell::UnsafeCell::new(value))
        }

        /// Runs `f` with a pointer for reading the contents.
        #[inline(always)]
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Runs `f` with a pointer for writing the contents.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(all(feature = "std", not(loom)))]
pub(crate) use std::sync::{Mutex, MutexGuard};

/// Raw heap allocation for chunks. Under loom the allocations are leak-tracked: a model whose
/// execution ends with a chunk still allocated fails.
pub(crate) mod heap {
    #[cfg(not(loom))]
    pub(crate) use alloc::alloc::{alloc, dealloc};
    #[cfg(loom)]
    pub(crate) use loom::alloc::{alloc, dealloc};
}

/// Locks `mutex`, ignoring poisoning: the shared lakes hold their locks only around bookkeeping
/// that runs no user code and leaves the data consistent at every step.
#[cfg(any(feature = "std", loom))]
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `&mut` access to a mutex's data (no locking needed), ignoring poisoning as [`lock`] does.
#[cfg(any(feature = "std", loom))]
pub(crate) fn get_mut<T>(mutex: &mut Mutex<T>) -> &mut T {
    mutex
        .get_mut()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
