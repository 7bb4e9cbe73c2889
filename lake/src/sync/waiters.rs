//! The async waiter queue (feature `async`) behind every "wait for capacity" future: today
//! `SharedPool::acquire_async`; any structure whose capacity is freed by one thread and
//! awaited by another uses this one queue. No `Mutex`, no `RwLock`, no spin loop. No thread
//! ever waits for another here.
//!
//! The protocol below is written in a pool's terms ("slot", "free bit"); for another user read
//! "unit of capacity" and "the release that makes it claimable": the no-lost-wake-up argument
//! only needs the user to make the capacity claimable, then call [`Waiters::notify_one`] (whose
//! SeqCst fence orders that release before the waiter count is read), and the waiter to
//! register, then retry its claim.
//!
//! # Structure
//!
//! - Each waiting future owns an `Arc<Node>`: a state word (`WAITING`, `NOTIFIED`, `LEFT`) and
//!   a [`WakerCell`] (the `futures` `AtomicWaker` protocol, so a re-poll with another waker
//!   replaces the stored one without racing a wake).
//! - **Inbox**: a Treiber stack of newly registered nodes. Push is a CAS loop; the only pop is
//!   `swap(null)` taking the whole stack, so there is no ABA and no reclamation problem (each
//!   pushed `Arc` is owned by whoever swapped it out).
//! - **List**: registered nodes, oldest first, owned by the **drain role**. The role is taken
//!   with `draining.swap(true)` and *never waited for*: a thread that finds it taken leaves its
//!   work in an atomic (`credits`, `wake_all`, `left`) and returns; the holder, after giving
//!   the role back with `swap(false)` (AcqRel: it reads the late thread's `swap(true)`, a
//!   Release, and so sees its work), re-checks that work and drains again if there is any.
//!   Registrations never drain: they only push on the inbox, which the next drain takes. The
//!   list is only touched by the role's holder (a loom-checked `UnsafeCell`). No user code runs
//!   while the role is held: wakers are called, and nodes dropped, after it is given back.
//!
//! Progress: every operation here finishes in a bounded number of its own steps plus the work
//! it drains for others (the only retry loop, the inbox CAS, fails only when another push
//! succeeded). Strictly,
//! wake-up *delivery* is not lock-free in the textbook sense: a credit handed to a drainer that
//! is then descheduled is delivered when that thread runs again. No thread blocks meanwhile and
//! every free slot stays claimable by any poller.
//!
//! # Operations
//!
//! - `register` (first poll that found the pool full): new node `WAITING` with the waker, push
//!   on the inbox, `count += 1`, SeqCst fence; the future then tries to claim once more. A
//!   later poll that still finds no slot stores the (possibly new) waker, then sets the node
//!   back to `WAITING` (it keeps its place in the list), then the fence and the retry.
//! - `notify_one` (a slot was freed): SeqCst fence, read `count`; if non-zero, `credits += 1`
//!   and drain. Each credit is given to the **oldest `WAITING` node** (CAS to `NOTIFIED`, take
//!   its waker, wake it); a credit finding no `WAITING` node is dropped (every registered
//!   waiter has been woken and will poll).
//! - `notify_all` (close, or a slot retired): fence, `count`, set `wake_all`, drain: every
//!   `WAITING` node is woken.
//! - `remove` (the future completes or is dropped): node `LEFT`, `count -= 1`. A *cancelled*
//!   waiter whose node was `NOTIFIED` adds a credit: its wake-up passes to the next waiter.
//!   `LEFT` nodes are pruned by the drainer (amortised O(1) per removal).
//!
//! A drain takes `credits` and `wake_all` first, *then* the inbox, then reads node states, so
//! everything it reads happens after the fences of the notifications it serves.
//!
//! # No lost wake-up
//!
//! The waiter does: node `WAITING` and pushed (program order) → `F_w` = fence(SeqCst) → claim.
//! The freer does: set the free bit → `F_f` = fence(SeqCst) → read `count` → credit → drain.
//! The fences are totally ordered. If `F_f` precedes `F_w`, the waiter's claim sees the free
//! bit (or a later claim of it). If `F_w` precedes `F_f`, the freer's `count` load sees the
//! waiter's increment (made before `F_w`), and the drain serving the credit happens after
//! `F_f` (it acquired the credit), so its inbox swap and state CAS see the waiter's push and
//! `WAITING` store (C++20 \[atomics.order\] p4.4: a read coherence-ordered before those writes
//! would put `F_f` before `F_w`). So the credit finds the waiter or an older `WAITING` one,
//! which is woken; a woken waiter claims, re-registers (and is covered again), or is
//! cancelled and passes the credit on. `close` is the same argument with the `closed` flag
//! in place of the free bit. Models: `loom_async_wakeup_is_not_lost` (`loom_models.rs`) and
//! `waiters_loom.rs`.
//!
//! The fence in `notify_one` stays: the free bit is set by a Release `fetch_or` in `page.rs`
//! and the claim is an Acquire `fetch_and`, so only SeqCst fences order the two store→load
//! pairs (a Release RMW followed by a load is a store-buffering pattern). On x86 the
//! `fetch_or` is already a full barrier in hardware, but the language model does not promise
//! it, and without the fence loom finds lost wake-ups (two models deadlock); so the cost (one
//! fence + one load per freed slot, only with `async` on) is unchanged from before.
//!
//! # Fairness
//!
//! Waiters are woken in registration order (the order of their inbox CASes), one per freed
//! slot: each credit goes to the oldest registered waiter that is not already woken. A woken
//! waiter that loses the slot to a barging claimer (`try_acquire`, or a future's first poll)
//! goes back to waiting **at its original place**, ahead of every waiter registered after it.
//! A woken waiter that is cancelled passes its credit to the oldest waiting one. After a
//! `notify_all` every waiter has been woken, and they race for slots. Barging is allowed: the
//! queue orders wake-ups, it does not reserve slots. A wake-up is delivered by whichever thread
//! drains it, possibly a little after the release that caused it. A future that is woken and
//! then leaked (`mem::forget`) keeps its wake-up: leaking
//! is safe but not live.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::ptr;
use core::task::Waker;

#[cfg(not(loom))]
use alloc::sync::Arc;
#[cfg(loom)]
use loom::sync::Arc;

use crate::sync::cell::UnsafeCell;
use crate::sync::{fence, AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// Node states.
const WAITING: usize = 0;
const NOTIFIED: usize = 1;
const LEFT: usize = 2;

/// One registered waiter, shared by its future and the queue.
struct Node {
    /// `WAITING`, `NOTIFIED` or `LEFT`. Only the drainer moves `WAITING` → `NOTIFIED`; only the
    /// future moves `NOTIFIED` → `WAITING` and anything → `LEFT`.
    state: AtomicUsize,
    waker: WakerCell,
    /// The next (older) node in the inbox; written before the node is published by the CAS.
    next: AtomicPtr<Node>,
}

/// A future's registration ([`Waiters::register`], [`Waiters::remove`]).
pub(crate) struct Waiter(Arc<Node>);

/// The drainer's list and its prune counter.
struct List {
    nodes: VecDeque<Arc<Node>>,
    /// Removals reported since the last prune (an over-estimate of `LEFT` nodes in `nodes`).
    left: usize,
}

/// The list, accessed only by the holder of the drain role.
struct Owned(UnsafeCell<List>);

// SAFETY: the cell is only accessed by the thread holding the drain role (`draining` swapped
// from false to true), which is exclusive; the role hand-off is AcqRel. `List` is `Send`.
unsafe impl Sync for Owned {}

/// Registered waiters and the closed flag.
pub(crate) struct Waiters {
    /// Registered waiters that have not left (woken or not).
    count: AtomicUsize,
    closed: AtomicBool,
    /// Treiber stack of new nodes, newest first; each pointer holds one `Arc` (`into_raw`).
    inbox: AtomicPtr<Node>,
    /// Wake-ups (freed slots, passed-on wake-ups) not yet given to a waiter.
    credits: AtomicUsize,
    /// A `notify_all` not yet served.
    wake_all: AtomicBool,
    /// Removals not yet counted by the drainer (prune trigger).
    left: AtomicUsize,
    /// The drain role.
    draining: AtomicBool,
    list: Owned,
}

impl Waiters {
    pub(crate) fn new() -> Self {
        Waiters {
            count: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            inbox: AtomicPtr::new(ptr::null_mut()),
            credits: AtomicUsize::new(0),
            wake_all: AtomicBool::new(false),
            left: AtomicUsize::new(0),
            draining: AtomicBool::new(false),
            list: Owned(UnsafeCell::new(List {
                nodes: VecDeque::new(),
                left: 0,
            })),
        }
    }

    /// Registers the future owning `waiter` (first time), or records that it is waiting again
    /// with `waker` (it keeps its place). Ends with the SeqCst fence of the module docs: the
    /// caller must try to claim a slot (and check `closed`) once more afterwards.
    pub(crate) fn register(&self, waiter: &mut Option<Waiter>, waker: &Waker) {
        match waiter {
            Some(Waiter(node)) => {
                // Waker first: a drainer that sees `WAITING` must wake this waker.
                node.waker.register(waker);
                let prev = node.state.swap(WAITING, Ordering::AcqRel);
                debug_assert_ne!(prev, LEFT);
            }
            None => {
                let node = Arc::new(Node {
                    state: AtomicUsize::new(WAITING),
                    waker: WakerCell::new(waker.clone()),
                    next: AtomicPtr::new(ptr::null_mut()),
                });
                self.push(Arc::clone(&node));
                self.count.fetch_add(1, Ordering::SeqCst);
                *waiter = Some(Waiter(node));
            }
        }
        // Pairs with the fence in `notify_one` / `notify_all` (see the module docs).
        fence(Ordering::SeqCst);
    }

    /// Pushes `node` on the inbox.
    fn push(&self, node: Arc<Node>) {
        let raw = Arc::into_raw(node).cast_mut();
        // SAFETY: `raw` came from `Arc::into_raw`; that reference is ours until the CAS below
        // publishes it, and the caller keeps another, so the node outlives this function.
        let node = unsafe { &*raw };
        let mut head = self.inbox.load(Ordering::Relaxed);
        loop {
            node.next.store(head, Ordering::Relaxed);
            // Release: the drainer's Acquire swap sees `next` and the node's contents.
            match self
                .inbox
                .compare_exchange_weak(head, raw, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(now) => head = now,
            }
        }
    }

    /// Leaves the queue (`cancelled`: the future was dropped while waiting). A cancelled waiter
    /// that had been woken passes its wake-up to the oldest waiting one.
    pub(crate) fn remove(&self, waiter: Waiter, cancelled: bool) {
        let prev = waiter.0.state.swap(LEFT, Ordering::AcqRel);
        debug_assert_ne!(prev, LEFT);
        self.count.fetch_sub(1, Ordering::SeqCst);
        if cancelled && prev == NOTIFIED {
            self.credits.fetch_add(1, Ordering::Release);
        }
        self.left.fetch_add(1, Ordering::Release);
        drop(waiter);
        self.drain();
    }

    /// A slot was freed: wakes the oldest waiter not yet woken, if any.
    #[inline]
    pub(crate) fn notify_one(&self) {
        // Pairs with the fence in `register`: orders our free-bit `fetch_or` before this load.
        fence(Ordering::SeqCst);
        if self.count.load(Ordering::SeqCst) == 0 {
            return;
        }
        self.credits.fetch_add(1, Ordering::Release);
        self.drain();
    }

    /// Wakes every waiter (close, or a slot retired: each re-checks whether it can be served).
    pub(crate) fn notify_all(&self) {
        fence(Ordering::SeqCst);
        if self.count.load(Ordering::SeqCst) == 0 {
            return;
        }
        self.wake_all.store(true, Ordering::Release);
        self.drain();
    }

    /// Closes: every present and future `acquire_async` fails.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.notify_all();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Whether work was left for a drainer (wake-ups to give, nodes to prune).
    fn has_work(&self) -> bool {
        self.credits.load(Ordering::Acquire) != 0
            || self.wake_all.load(Ordering::Acquire)
            || self.left.load(Ordering::Acquire) != 0
        // Not the inbox: registrations need no drain of their own (the drain serving a credit
        // takes the inbox after the credit), so a stream of them cannot keep a drainer busy.
    }

    /// Takes the drain role if free and serves all work left in the atomics, repeatedly, until
    /// none is left after giving the role back. Returns at once if another thread holds the
    /// role: that thread re-checks after giving it back, and sees our work.
    fn drain(&self) {
        let mut wakers = Vec::new();
        let mut garbage = Vec::new();
        loop {
            // AcqRel: Acquire takes the list from the last holder; Release hands our work to
            // the holder if the role is taken (its `swap(false)` reads this write).
            if self.draining.swap(true, Ordering::AcqRel) {
                return;
            }
            self.list.0.with_mut(|list| {
                // SAFETY: we hold the drain role, so nobody else accesses the list.
                let list = unsafe { &mut *list };
                self.drain_locked(list, &mut wakers, &mut garbage);
            });
            // AcqRel: Release publishes the list to the next holder; Acquire reads the
            // `swap(true)` of any thread that found the role taken, and with it its work.
            self.draining.swap(false, Ordering::AcqRel);
            // User code (wakers, node drops) only after the role is given back. If a `wake`
            // panics, `WakeTheRest` still wakes the others (their nodes are `NOTIFIED` and get
            // no second wake-up) and serves the work left for this drainer meanwhile.
            let mut rest = WakeTheRest {
                waiters: self,
                wakers: core::mem::take(&mut wakers).into_iter(),
                finished: false,
            };
            for w in rest.wakers.by_ref() {
                w.wake();
            }
            rest.finished = true;
            drop(rest);
            garbage.clear();
            if !self.has_work() {
                return;
            }
        }
    }

    /// The drain itself, with the role held. Collects the wakers to call and the nodes to drop.
    fn drain_locked(&self, list: &mut List, wakers: &mut Vec<Waker>, garbage: &mut Vec<Arc<Node>>) {
        // Notifications first, then the inbox: the nodes we read are then at least as new as
        // the notifications' fences (module docs, "No lost wake-up").
        let mut credits = self.credits.swap(0, Ordering::Acquire);
        let all = self.wake_all.swap(false, Ordering::Acquire);
        list.left = list
            .left
            .saturating_add(self.left.swap(0, Ordering::Acquire));
        let mut head = self.inbox.swap(ptr::null_mut(), Ordering::Acquire);
        if !head.is_null() {
            let start = list.nodes.len();
            while !head.is_null() {
                // SAFETY: every inbox pointer came from `Arc::into_raw` in `push`, and our
                // swap took the stack: we own that reference now, once.
                let node = unsafe { Arc::from_raw(head) };
                head = node.next.load(Ordering::Relaxed);
                list.nodes.push_back(node);
            }
            // The stack is newest first: restore registration order.
            list.nodes.make_contiguous()[start..].reverse();
        }
        // Prune `LEFT` nodes: the front ones always, all of them once they may be half.
        while list
            .nodes
            .front()
            .is_some_and(|n| n.state.load(Ordering::Acquire) == LEFT)
        {
            garbage.extend(list.nodes.pop_front());
        }
        if list.left > 0 && list.left.saturating_mul(2) >= list.nodes.len() {
            list.nodes.retain(|n| {
                let keep = n.state.load(Ordering::Acquire) != LEFT;
                if !keep {
                    garbage.push(Arc::clone(n));
                }
                keep
            });
            list.left = 0;
        }
        // Wake-ups: each credit to the oldest `WAITING` node; all of them for `wake_all`.
        for node in &list.nodes {
            if credits == 0 && !all {
                break;
            }
            if node
                .state
                .compare_exchange(WAITING, NOTIFIED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                credits = credits.saturating_sub(1);
                wakers.extend(node.waker.take());
            }
        }
        // Credits left over found nobody waiting: every registered waiter was woken already.
    }
}

/// The wakers a drain collected, called one by one. Dropped with some left only when a `wake`
/// panicked: it then wakes the rest and drains again, so one panicking waker cannot strand
/// the other waiters (their nodes are already `NOTIFIED`, so nothing else would wake them)
/// or work other threads left for this drainer. A second panic while unwinding aborts.
struct WakeTheRest<'a> {
    waiters: &'a Waiters,
    wakers: alloc::vec::IntoIter<Waker>,
    /// Set once every waker was called without a panic: `drain` then re-checks for work
    /// itself. (A flag, not `thread::panicking()`: a drain that runs while some other panic
    /// unwinds, e.g. from a value's `Drop`, must not drain again from here.)
    finished: bool,
}

impl Drop for WakeTheRest<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        for w in self.wakers.by_ref() {
            w.wake();
        }
        self.waiters.drain();
    }
}

impl Drop for Waiters {
    fn drop(&mut self) {
        // (A load, not `get_mut`: loom's atomics have no `get_mut`.)
        let mut head = self.inbox.load(Ordering::Acquire);
        while !head.is_null() {
            // SAFETY: an inbox pointer from `Arc::into_raw` in `push`, owned by the inbox;
            // `&mut self` means nobody else can take it.
            let node = unsafe { Arc::from_raw(head) };
            head = node.next.load(Ordering::Relaxed);
        }
    }
}

/// The `futures` `AtomicWaker` protocol for one registrant (the future) and one waker (the
/// drainer): the cell is accessed only by whoever moves `state` away from `IDLE`.
///
/// Its two self-wakes (a `register` overlapping a `take`) are belt and braces here: the
/// caller of `Waiters::register` always retries its claim after the fence, and a `take` that
/// overlaps the `register` synchronises with it, so the retry already sees what the wake-up
/// was for. Loom confirms it (removing either self-wake fails no model); they are kept so the
/// cell is correct on its own.
struct WakerCell {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

const IDLE: usize = 0;
const REGISTERING: usize = 1;
const WAKING: usize = 2;

// SAFETY: the cell is accessed only by the thread that moved `state` from `IDLE` (to
// `REGISTERING` or `WAKING`), with Acquire/Release hand-off; `Waker` is `Send + Sync`.
unsafe impl Sync for WakerCell {}

impl WakerCell {
    fn new(waker: Waker) -> Self {
        WakerCell {
            state: AtomicUsize::new(IDLE),
            waker: UnsafeCell::new(Some(waker)),
        }
    }

    /// Stores `waker` (the future's, on a re-poll). If a `take` ran meanwhile, wakes `waker`
    /// itself, so no wake-up is lost.
    fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(IDLE, REGISTERING, Ordering::Acquire, Ordering::Acquire)
        {
            Ok(_) => {
                let old = self.waker.with_mut(|cell| {
                    // SAFETY: `REGISTERING` gives us the cell (`take` backs off on it).
                    let cell = unsafe { &mut *cell };
                    match cell {
                        Some(w) if w.will_wake(waker) => None,
                        _ => cell.replace(waker.clone()),
                    }
                });
                if self
                    .state
                    .compare_exchange(REGISTERING, IDLE, Ordering::AcqRel, Ordering::Acquire)
                    .is_err()
                {
                    // A `take` saw `REGISTERING` and left the wake-up to us.
                    let w = self.waker.with_mut(|cell| {
                        // SAFETY: still ours: `take` does not touch the cell after seeing
                        // `REGISTERING`, and we are the only registrant.
                        unsafe { (*cell).take() }
                    });
                    self.state.swap(IDLE, Ordering::AcqRel);
                    if let Some(w) = w {
                        w.wake();
                    }
                }
                drop(old);
            }
            // A `take` is running and will wake the old waker: wake the new one too.
            Err(_) => waker.wake_by_ref(),
        }
    }

    /// Takes the waker to wake it. `None` if a `register` is running (it wakes itself).
    fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, Ordering::AcqRel) {
            IDLE => {
                let w = self.waker.with_mut(|cell| {
                    // SAFETY: we moved `IDLE` → `WAKING`: `register` stays out until we clear it.
                    unsafe { (*cell).take() }
                });
                self.state.fetch_and(!WAKING, Ordering::Release);
                w
            }
            _ => None,
        }
    }
}
