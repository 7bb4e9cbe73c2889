//! [`SharedPool::take`]: remove a value and get it back, when no other thread is reading it.
//!
//! `remove` cannot return the value in general: a [`Ref`](super::Ref) on another thread may
//! still read it, and the last reader drops it. `take` asks for the one case where moving out
//! is sound (no reader) and says which case it hit otherwise. It never waits: sharded-slab's
//! `take` blocks until readers are gone; this one reports [`TakeError::Borrowed`] and changes
//! nothing, so the caller decides whether to retry, `remove`, or leave the value.
//!
//! The protocol is `remove`'s first step restricted to `refs == 0`: one CAS from
//! `Occupied(g, 0)` to `Owned(g)`. A `get` that adds a reader first makes the CAS fail (the
//! word changed), and `take` re-reads and reports `Borrowed`; a `get` that comes after finds
//! `Owned` and returns `None`. Once `Owned`, the slot is the taker's alone (as for a guard), so
//! the value is moved out and the slot vacated under the next generation.

use core::fmt;

use super::{state, SharedPool};
use crate::pool::PoolKey;
use crate::sync::Ordering;

/// Why [`SharedPool::take`] gave no value.
///
/// ```
/// let pool = lake::SharedPool::new();
/// let h = pool.insert(String::from("job"));
/// let reading = pool.get(h).unwrap();
/// assert_eq!(pool.take(h), Err(lake::pool::TakeError::Borrowed));
/// drop(reading);
/// assert_eq!(pool.take(h).as_deref(), Ok("job"));
/// assert_eq!(pool.take(h), Err(lake::pool::TakeError::Stale));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TakeError {
    /// The handle's value was removed (or taken) already; the handle is stale.
    Stale,
    /// The value is there but a [`Ref`](super::Ref) reads it: nothing was changed.
    Borrowed,
}

impl fmt::Display for TakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TakeError::Stale => "the handle is stale: its value was removed",
            TakeError::Borrowed => {
                "the value is being read through a Ref and cannot be moved out; nothing changed"
            }
        })
    }
}

impl core::error::Error for TakeError {}

impl<T, K: PoolKey> SharedPool<T, K> {
    /// Removes `key`'s value and returns it, if no [`Ref`](super::Ref) reads it; the handle and
    /// its copies are stale afterwards. Never waits (see [`TakeError`]).
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(1);
    /// let h = pool.insert(vec![1, 2, 3]);
    /// assert_eq!(pool.take(h), Ok(vec![1, 2, 3]));
    /// assert!(pool.try_insert(vec![]).is_ok()); // the slot is free again
    /// ```
    pub fn take(&self, key: K) -> Result<T, TakeError> {
        let handle = key.handle();
        let Some((page, slot, offset)) = self.locate(handle) else {
            return Err(TakeError::Stale);
        };
        let generation = handle.slot_generation();
        let mut cur = slot.state.load(Ordering::Relaxed);
        loop {
            match state::remove(cur, generation) {
                None => return Err(TakeError::Stale),
                Some((_, false)) => return Err(TakeError::Borrowed),
                Some((next, true)) => match slot.state.compare_exchange_weak(
                    cur,
                    next,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        let core = self.core();
                        // SAFETY: our CAS moved the slot from `Occupied(g, 0)` to `Owned(g)`:
                        // the value is initialised and no `Ref` reads it (refs was 0, and `get`
                        // cannot add one to an `Owned` word), so we are its only owner.
                        let value = unsafe { core.read_and_vacate(page, slot, offset, generation) };
                        return Ok(value);
                    }
                    Err(actual) => cur = actual,
                },
            }
        }
    }
}
