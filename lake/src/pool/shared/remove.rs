//! Removal from a [`SharedPool`]: [`remove`](SharedPool::remove),
//! [`try_remove`](SharedPool::try_remove) and [`discard`](SharedPool::discard).
//!
//! A value cannot be moved out while a [`Ref`] on another thread reads it. The three calls
//! differ only in what they do then:
//!
//! | the key's value is | `remove` | `try_remove` | `discard` |
//! |---|---|---|---|
//! | live, no `Ref` reads it | `Some(value)`, key stale | `Ok(value)`, key stale | `true`, dropped now, key stale |
//! | live, `Ref`s read it | `None`, key stale, the last `Ref` drops it | `Err(Borrowed)`, nothing changed | `true`, key stale, the last `Ref` drops it |
//! | gone (stale key) | `None` | `Err(Stale)` | `false` |
//!
//! So after `remove` or `discard` the key is stale whatever happened, as on [`Pool`]; only
//! `try_remove` may leave it live, and then it says so.
//!
//! Protocol (see `pool.rs`): one CAS from `Occupied(g, 0)` to `Owned(g)` makes the caller the
//! value's only owner (a `get` that adds a reader first makes the CAS fail and is re-read; a
//! `get` after it finds `Owned` and returns `None`); the owner moves the value out or drops it
//! and vacates the slot under the next generation. With readers, `remove` and `discard` CAS
//! `Occupied(g, r)` to `Removed(g, r)` and the last `Ref` becomes the owner; `try_remove`
//! changes nothing.
//!
//! [`Pool`]: crate::Pool

use super::page::{Page, Slot};
#[cfg(doc)]
use super::Ref;
use super::{state, SharedPool};
use crate::error::RemoveError;
use crate::pool::PoolKey;
use crate::sync::Ordering;

/// What [`SharedPool::unlink`] did to the key's slot.
enum Unlinked<'a, T> {
    /// The key was stale: nothing changed.
    Stale,
    /// Readers hold the value: the slot is `Removed`, and the last [`Ref`] drops it.
    Deferred,
    /// The caller's CAS moved the slot from `Occupied(g, 0)` to `Owned(g)`: the value is
    /// initialised and no `Ref` reads it (and `get` cannot add one to an `Owned` word), so the
    /// caller owns it and must move it out or drop it, then vacate the slot.
    Owned {
        page: &'a Page<T>,
        slot: &'a Slot<T>,
        offset: u32,
        generation: u32,
    },
}

impl<T, K: PoolKey> SharedPool<T, K> {
    /// Makes `key` stale: takes ownership of its value, or leaves it to the last reader.
    #[inline]
    fn unlink(&self, key: K) -> Unlinked<'_, T> {
        let handle = key.handle();
        let Some((page, slot, offset)) = self.locate(handle) else {
            return Unlinked::Stale;
        };
        let generation = handle.slot_generation();
        let mut cur = slot.state.load(Ordering::Relaxed);
        loop {
            let Some((next, owned)) = state::remove(cur, generation) else {
                return Unlinked::Stale;
            };
            if !owned {
                // Counted before the CAS: once it succeeds, the last reader may decrement at
                // once (its CAS reads ours, so this increment happens before its decrement),
                // and `pending` must never dip below zero, even for a moment (`stats`).
                self.core().pending.fetch_add(1, Ordering::Relaxed);
            }
            match slot
                .state
                .compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) if owned => {
                    return Unlinked::Owned {
                        page,
                        slot,
                        offset,
                        generation,
                    }
                }
                Ok(_) => return Unlinked::Deferred,
                Err(actual) => {
                    if !owned {
                        self.core().pending.fetch_sub(1, Ordering::Relaxed);
                    }
                    cur = actual;
                }
            }
        }
    }

    /// Removes `key`'s value and returns it; `None` if the key was stale, or if a [`Ref`]
    /// reads the value (which the last `Ref` then drops). Either way the key and its copies
    /// are stale afterwards, as after [`Pool::remove`](crate::Pool::remove). Use
    /// [`try_remove`](Self::try_remove) to tell the two `None`s apart (and leave a read value
    /// in place).
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let h = pool.insert(String::from("x"));
    /// assert_eq!(pool.remove(h).as_deref(), Some("x"));
    /// assert_eq!(pool.remove(h), None); // stale
    ///
    /// let h = pool.insert(String::from("read"));
    /// let r = pool.get(h).unwrap();
    /// assert_eq!(pool.remove(h), None); // read: the value stays with `r` …
    /// assert!(!pool.contains(h)); // … but the key is stale
    /// assert_eq!(*r, "read");
    /// drop(r); // the last reader drops the value
    /// assert!(pool.is_empty());
    /// ```
    #[inline]
    pub fn remove(&self, key: K) -> Option<T> {
        match self.unlink(key) {
            Unlinked::Owned {
                page,
                slot,
                offset,
                generation,
            } => {
                // SAFETY: `Owned` is our CAS to `Owned(generation)`: initialised, unreferenced,
                // ours alone (see `Unlinked::Owned`).
                Some(unsafe { self.core().read_and_vacate(page, slot, offset, generation) })
            }
            Unlinked::Deferred | Unlinked::Stale => None,
        }
    }

    /// Removes `key`'s value and drops it: now if no [`Ref`] reads it, else when the last `Ref`
    /// drops (on that thread). Returns whether the key was live; the key is stale afterwards.
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let h = pool.insert(vec![1]);
    /// let r = pool.get(h).unwrap();
    /// assert!(pool.discard(h));
    /// assert!(!pool.discard(h)); // stale already
    /// assert_eq!(r[0], 1); // still readable; dropped with `r`
    /// ```
    #[inline]
    pub fn discard(&self, key: K) -> bool {
        match self.unlink(key) {
            Unlinked::Owned {
                page,
                slot,
                offset,
                generation,
            } => {
                // SAFETY: as in `remove`.
                unsafe { self.core().drop_and_vacate(page, slot, offset, generation) };
                true
            }
            Unlinked::Deferred => true,
            Unlinked::Stale => false,
        }
    }

    /// Removes `key`'s value and returns it if no [`Ref`] reads it; otherwise changes nothing
    /// and says why ([`RemoveError`]). Never waits: the caller decides whether to retry,
    /// [`discard`](Self::discard), or leave the value.
    ///
    /// ```
    /// use lake::RemoveError;
    ///
    /// let pool = lake::SharedPool::fixed(1);
    /// let h = pool.insert(vec![1, 2, 3]);
    /// let r = pool.get(h).unwrap();
    /// assert_eq!(pool.try_remove(h), Err(RemoveError::Borrowed));
    /// drop(r);
    /// assert_eq!(pool.try_remove(h), Ok(vec![1, 2, 3]));
    /// assert_eq!(pool.try_remove(h), Err(RemoveError::Stale));
    /// assert!(pool.try_insert(vec![]).is_ok()); // the slot is free again
    /// ```
    pub fn try_remove(&self, key: K) -> Result<T, RemoveError> {
        let handle = key.handle();
        let Some((page, slot, offset)) = self.locate(handle) else {
            return Err(RemoveError::Stale);
        };
        let generation = handle.slot_generation();
        let mut cur = slot.state.load(Ordering::Relaxed);
        loop {
            match state::remove(cur, generation) {
                None => return Err(RemoveError::Stale),
                Some((_, false)) => return Err(RemoveError::Borrowed),
                Some((next, true)) => match slot.state.compare_exchange_weak(
                    cur,
                    next,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        // SAFETY: our CAS moved the slot from `Occupied(g, 0)` to `Owned(g)`:
                        // the value is initialised and no `Ref` reads it (refs was 0, and `get`
                        // cannot add one to an `Owned` word), so we are its only owner.
                        let value =
                            unsafe { self.core().read_and_vacate(page, slot, offset, generation) };
                        return Ok(value);
                    }
                    Err(actual) => cur = actual,
                },
            }
        }
    }
}
