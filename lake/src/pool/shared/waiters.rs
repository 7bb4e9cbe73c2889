//! The waiter queue of `SharedPool::acquire_async` (feature `async`).
//!
//! **This is the one place a lock is used**, and only on the slow path: a future that found
//! the pool full registers here, and a thread that frees a slot takes the lock only if the
//! waiter count is non-zero. `insert`, `get`, `remove`, guards and `acquire_async` on a pool
//! with room never touch it. (A lock-free intrusive waiter list with cancellation was not
//! done in the time available; see IMPLEMENTATION.md §5.)
//!
//! **No lost wake-up.** A waiter increments `count` (under the lock) and then, after a SeqCst
//! fence, tries to claim a slot once more; a freer sets the free bit and then, after a SeqCst
//! fence, reads `count`. By the fences' total order, either the waiter's retry sees the bit or
//! the freer sees the waiter (and wakes it). Model: `loom_async_wakeup_is_not_lost`.
//!
//! **FIFO.** Waiters are woken in arrival order, one per freed slot: `notify_one` wakes the
//! oldest waiter not already woken. A woken waiter that loses the slot to a barging claimer
//! keeps its place at the front; a woken waiter that is cancelled passes its wake-up on.

use alloc::collections::VecDeque;
use core::task::Waker;

use crate::sync::{fence, lock, AtomicBool, AtomicUsize, Mutex, Ordering};

struct Entry {
    id: u64,
    waker: Waker,
    notified: bool,
}

struct Queue {
    next_id: u64,
    list: VecDeque<Entry>,
}

/// Registered waiters and the closed flag.
pub(crate) struct Waiters {
    count: AtomicUsize,
    closed: AtomicBool,
    queue: Mutex<Queue>,
}

impl Waiters {
    pub(crate) fn new() -> Self {
        Waiters {
            count: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            queue: Mutex::new(Queue {
                next_id: 0,
                list: VecDeque::new(),
            }),
        }
    }

    /// Registers a waiter (or updates its waker); returns its id.
    pub(crate) fn register(&self, id: Option<u64>, waker: &Waker) -> u64 {
        let mut q = lock(&self.queue);
        if let Some(id) = id {
            if let Some(e) = q.list.iter_mut().find(|e| e.id == id) {
                if !e.waker.will_wake(waker) {
                    e.waker = waker.clone();
                }
                e.notified = false; // polled again without a slot: wait for the next one
                return id;
            }
        }
        let id = q.next_id;
        q.next_id += 1;
        q.list.push_back(Entry {
            id,
            waker: waker.clone(),
            notified: false,
        });
        self.count.fetch_add(1, Ordering::SeqCst);
        drop(q);
        // Pairs with the fence in `notify_one` (see the module docs).
        fence(Ordering::SeqCst);
        id
    }

    /// Removes waiter `id` (served or cancelled). A cancelled waiter that had been woken passes
    /// its wake-up to the next one, so a freed slot is never left unannounced.
    pub(crate) fn remove(&self, id: u64, cancelled: bool) {
        let mut q = lock(&self.queue);
        let Some(pos) = q.list.iter().position(|e| e.id == id) else {
            return;
        };
        let entry = q.list.remove(pos).expect("position is in range");
        self.count.fetch_sub(1, Ordering::SeqCst);
        let pass_on = if cancelled && entry.notified {
            Self::next_to_wake(&mut q)
        } else {
            None
        };
        drop(q);
        if let Some(w) = pass_on {
            w.wake();
        }
    }

    fn next_to_wake(q: &mut Queue) -> Option<Waker> {
        let e = q.list.iter_mut().find(|e| !e.notified)?;
        e.notified = true;
        Some(e.waker.clone())
    }

    /// A slot was freed: wakes the oldest waiter not yet woken, if any.
    #[inline]
    pub(crate) fn notify_one(&self) {
        // Pairs with the fence in `register`: orders our free-bit `fetch_or` before this load.
        fence(Ordering::SeqCst);
        if self.count.load(Ordering::SeqCst) == 0 {
            return;
        }
        let w = Self::next_to_wake(&mut lock(&self.queue));
        if let Some(w) = w {
            w.wake();
        }
    }

    /// Wakes every waiter (close, or a slot retired: each re-checks whether it can be served).
    pub(crate) fn notify_all(&self) {
        fence(Ordering::SeqCst);
        if self.count.load(Ordering::SeqCst) == 0 {
            return;
        }
        let wakers: alloc::vec::Vec<Waker> = lock(&self.queue)
            .list
            .iter_mut()
            .map(|e| {
                e.notified = true;
                e.waker.clone()
            })
            .collect();
        for w in wakers {
            w.wake();
        }
    }

    /// Closes: every present and future `acquire_async` fails.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.notify_all();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }
}
