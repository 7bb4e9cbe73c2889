//! Regressions from the byte-arena review, `SizeClassArena::allocate_async` (needs
//! `--features lake/async`): wakers (user code) never run while a heap's lists are borrowed,
//! every free wakes the waiter that can use it, and a panicking waker strands no heap.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use lake::bytes::{Buffer, SizeClassArena};

/// A waker (safe code) that allocates from the arena when woken, and counts its wake-ups.
struct Reenter {
    arena: SizeClassArena,
    got: Mutex<Vec<Buffer>>,
    wakes: AtomicUsize,
}

impl Reenter {
    fn new(arena: &SizeClassArena) -> Arc<Reenter> {
        Arc::new(Reenter {
            arena: arena.clone(),
            got: Mutex::new(Vec::new()),
            wakes: AtomicUsize::new(0),
        })
    }
}

impl Wake for Reenter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        if let Ok(b) = self.arena.try_allocate(100) {
            self.got.lock().unwrap().push(b);
        }
    }
}

/// Owner-side free of a block whose page becomes empty: the page goes back inside the heap,
/// the waker runs after (it used to run inside, its allocation re-borrowing the heap's lists:
/// UB under miri's stacked and tree borrows).
#[test]
fn waker_allocating_on_local_free_runs_outside_the_heap() {
    let arena = SizeClassArena::builder(2 << 16).build().unwrap(); // two 64 KiB pages
    let a = arena.allocate(40_000); // page 0 (one block per page)
    let b = arena.allocate(40_000); // page 1 becomes current; page 0 is not current any more
    let r = Reenter::new(&arena);
    let waker = Waker::from(r.clone());
    let mut fut = Box::pin(arena.allocate_async(100));
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(a); // page 0 empty and not current: back to the bitmap, then the waiters are woken
    assert_eq!(r.wakes.load(Ordering::SeqCst), 1);
    assert_eq!(
        r.got.lock().unwrap().len(),
        1,
        "the waker allocated from page 0"
    );
    drop(fut);
    r.got.lock().unwrap().clear();
    drop(b);
    assert_eq!(arena.stats().live_bytes, 0);
}

/// The slow path's sweep gives a page back while `alloc_slow` holds the heap's lists; the
/// waiters are woken only after the allocation returned from the heap (the waker used to run
/// inside the sweep, its allocation re-borrowing the lists `alloc_slow` was still using).
#[test]
fn waker_allocating_after_a_sweep_runs_outside_the_heap() {
    let arena = SizeClassArena::builder(2 << 16).build().unwrap();
    let a = arena.allocate(40_000); // page 0
    let b = arena.allocate(40_000); // page 1 (current)

    // Free `a` remotely: page 0 stays held by this thread's heap with `used == 1` until a
    // sweep of this heap collects it. Nobody waits yet.
    std::thread::spawn(move || drop(a)).join().unwrap();
    let r = Reenter::new(&arena);
    let fut = std::thread::scope(|s| {
        s.spawn(|| {
            // Another thread registers: its claim cannot sweep our (owned) heap, so it waits.
            let waker = Waker::from(r.clone());
            let mut fut = Box::pin(arena.allocate_async(100));
            assert!(fut
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
            fut // stays registered, `WAITING`
        })
        .join()
        .unwrap()
    });
    assert_eq!(r.wakes.load(Ordering::SeqCst), 0);
    // This allocation's slow path sweeps, gives page 0 back and claims it for its own class;
    // then, outside the heap, the waker runs here and tries to allocate.
    let c = arena.try_allocate(200).unwrap();
    assert_eq!(c.capacity(), 224);
    assert_eq!(r.wakes.load(Ordering::SeqCst), 1);
    drop(c);
    drop(fut);
    r.got.lock().unwrap().clear();
    drop(b);
    assert_eq!(arena.stats().live_bytes, 0);
}

struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A freed block serves only its class: the free wakes every waiter, so the one that can use
/// it is woken even behind an older waiter of another class (it used to get no wake-up).
#[test]
fn a_free_wakes_the_waiter_of_its_class() {
    let arena = SizeClassArena::builder(1 << 16).build().unwrap(); // one page
    let mut held: Vec<_> = (0..4).map(|_| arena.allocate(16 * 1024)).collect();
    assert!(arena.try_allocate(16 * 1024).is_err());
    let (c1, c2) = (
        Arc::new(Count(AtomicUsize::new(0))),
        Arc::new(Count(AtomicUsize::new(0))),
    );
    let (w1, w2) = (Waker::from(c1.clone()), Waker::from(c2.clone()));
    // W1 (older) wants a 100-byte class, W2 the 16 KiB class.
    let mut f1 = Box::pin(arena.allocate_async(100));
    let mut f2 = Box::pin(arena.allocate_async(16 * 1024));
    assert!(f1.as_mut().poll(&mut Context::from_waker(&w1)).is_pending());
    assert!(f2.as_mut().poll(&mut Context::from_waker(&w2)).is_pending());
    drop(held.pop()); // a 16 KiB block, freed on the owning thread; no page goes back
    assert_eq!(
        c2.0.load(Ordering::SeqCst),
        1,
        "the 16 KiB waiter was woken"
    );
    match f2.as_mut().poll(&mut Context::from_waker(&w2)) {
        Poll::Ready(Ok(b)) => assert_eq!(b.capacity(), 16 * 1024),
        other => panic!("{other:?}"),
    }
    assert!(f1.as_mut().poll(&mut Context::from_waker(&w1)).is_pending());
    drop(f1);
    drop(held);
    assert_eq!(arena.stats().live_bytes, 0);
}

/// The same under a real executor (it used to hang).
#[cfg(not(miri))]
#[test]
fn a_free_wakes_the_waiter_of_its_class_under_tokio() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let arena = SizeClassArena::builder(1 << 16).build().unwrap();
        let mut held: Vec<_> = (0..4).map(|_| arena.allocate(16 * 1024)).collect();
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                let a1 = arena.clone();
                let small = tokio::task::spawn_local(async move {
                    a1.allocate_async(100).await.map(|b| b.capacity())
                });
                tokio::task::yield_now().await; // `small` registers first
                let a2 = arena.clone();
                let big = tokio::task::spawn_local(async move {
                    a2.allocate_async(16 * 1024).await.map(|b| b.capacity())
                });
                tokio::task::yield_now().await;
                drop(held.pop()); // a 16 KiB block is free now
                let r = tokio::time::timeout(std::time::Duration::from_secs(10), big).await;
                assert_eq!(r.expect("the 16 KiB waiter hung").unwrap(), Ok(16 * 1024));
                small.abort();
            })
            .await;
    });
}

struct Panicky;

impl Wake for Panicky {
    fn wake(self: Arc<Self>) {
        panic!("waker panics");
    }
}

/// A panicking waker used to unwind out of a sweep that had borrowed an exited thread's heap,
/// leaving it `BORROWED` and its pages lost for good. Wakers now run outside every heap (the
/// panic comes out of the free that woke it, or out of the allocation whose sweep gave pages
/// back, after it gave up the heap), and every page stays reachable.
#[test]
fn a_panicking_waker_strands_no_heap() {
    let arena = SizeClassArena::builder(3 << 16).build().unwrap(); // three 64 KiB pages
    let m = arena.allocate(40_000); // page M, this thread's heap

    // Another thread takes a heap, fills two pages (classes 112 B and 40 960 B), exits.
    let (b1, b2) = {
        let a = arena.clone();
        std::thread::spawn(move || (a.allocate(100), a.allocate(40_000)))
            .join()
            .unwrap()
    };
    assert!(arena.try_allocate(40_000).is_err()); // every page is taken

    let pw = Waker::from(Arc::new(Panicky));
    let mut p = Box::pin(arena.allocate_async(200));
    assert!(p.as_mut().poll(&mut Context::from_waker(&pw)).is_pending());
    // A remote free into the exited thread's (now unowned) heap wakes the waiter.
    let r = catch_unwind(AssertUnwindSafe(|| drop(b1)));
    assert!(
        r.is_err(),
        "the waker's panic comes out of the free that woke it"
    );
    drop(b2);
    drop(p);

    drop(m);

    // A sweep gives a page back: the waker runs after the heap is given up, and after the
    // allocated block is owned by its buffer, which the unwinding drops.
    let a = arena.allocate(40_000); // page 0 of this thread's heap
    let b = arena.allocate(40_000); // page 1
    let c = arena.allocate(40_000); // page 2: the region is full
    std::thread::spawn(move || drop(a)).join().unwrap(); // page 0 waits for a sweep
    let fut = std::thread::scope(|s| {
        s.spawn(|| {
            let mut fut = Box::pin(arena.allocate_async(100));
            assert!(fut
                .as_mut()
                .poll(&mut Context::from_waker(&pw))
                .is_pending());
            fut // stays registered, `WAITING`
        })
        .join()
        .unwrap()
    });
    let r = catch_unwind(AssertUnwindSafe(|| {
        arena.try_allocate(200).map(|b| b.capacity())
    }));
    assert!(
        r.is_err(),
        "the waker's panic comes out of the allocation that swept"
    );
    drop((b, c, fut));

    assert_eq!(arena.stats().live_bytes, 0);
    let got: Vec<_> = (0..3)
        .map_while(|_| arena.try_allocate(40_000).ok())
        .collect();
    assert_eq!(got.len(), 3, "a page of the region is lost");
    drop(got);
    let from_new_thread = {
        let a = arena.clone();
        std::thread::spawn(move || a.try_allocate(40_000).map(|b| b.capacity()))
            .join()
            .unwrap()
    };
    assert_eq!(from_new_thread, Ok(40_960));
}

/// The reviewer's scenario: two no-op waiters ahead of a panicking one, two remote frees into
/// an exited thread's heap, then an allocation whose sweep borrows that heap. The panic used to
/// unwind out of the sweep past the store that gives the heap back (one page lost for good);
/// now it comes out of the free (or, at the latest, after the heap was given back).
#[test]
fn a_panicking_waker_around_a_sweep_of_a_borrowed_heap_strands_no_heap() {
    let arena = SizeClassArena::builder(3 << 16).build().unwrap(); // three 64 KiB pages
    let m = arena.allocate(40_000);
    let (b1, b2) = {
        let a = arena.clone();
        std::thread::spawn(move || (a.allocate(100), a.allocate(40_000)))
            .join()
            .unwrap()
    };
    assert!(arena.try_allocate(40_000).is_err());
    let noop = Waker::noop();
    let mut n1 = Box::pin(arena.allocate_async(200));
    let mut n2 = Box::pin(arena.allocate_async(200));
    assert!(n1
        .as_mut()
        .poll(&mut Context::from_waker(noop))
        .is_pending());
    assert!(n2
        .as_mut()
        .poll(&mut Context::from_waker(noop))
        .is_pending());
    let pw = Waker::from(Arc::new(Panicky));
    let mut p = Box::pin(arena.allocate_async(200));
    assert!(p.as_mut().poll(&mut Context::from_waker(&pw)).is_pending());

    let freed = catch_unwind(AssertUnwindSafe(|| drop((b1, b2))));
    let swept = catch_unwind(AssertUnwindSafe(|| {
        arena.try_allocate(200).map(|b| b.capacity())
    }));
    assert!(freed.is_err() || swept.is_err(), "the waker was woken");
    drop((n1, n2, p, swept));
    drop(m);

    assert_eq!(arena.stats().live_bytes, 0);
    let got: Vec<_> = (0..3)
        .map_while(|_| arena.try_allocate(40_000).ok())
        .collect();
    assert_eq!(got.len(), 3, "a page of the region is lost");
}
