//! Loom models of the size-class arena's lock-free protocols (`RUSTFLAGS="--cfg loom"`).

use super::page::Page;
use super::*;
use alloc::vec;
use loom::sync::Arc as LoomArc;

/// A page and its link table (4 blocks), shared by the model's threads.
struct Shared {
    page: Page,
    links: Vec<UnsafeCell<u16>>,
}

// SAFETY: the model's threads follow the page protocol: the main thread is the owner, the
// others only push the blocks they free (the cells are loom's, which check every access).
unsafe impl Sync for Shared {}
// SAFETY: as above.
unsafe impl Send for Shared {}

/// Two threads free blocks remotely while the owner frees one locally and then collects: the
/// owner gets every block back exactly once (no lost push, no block twice), and the link
/// writes of the pushers are visible to it (loom checks the cells for races).
#[test]
fn loom_remote_pushes_and_a_collect_lose_no_block() {
    loom::model(|| {
        let shared = LoomArc::new(Shared {
            page: Page::new(),
            links: (0..4).map(|_| UnsafeCell::new(NO_BLOCK)).collect(),
        });
        let (page, links) = (&shared.page, &shared.links[..]);
        // SAFETY: the model's main thread plays the owner of the page's heap.
        unsafe { page.start(0, 0, 4) };
        let blocks: Vec<u16> = (0..4)
            // SAFETY: as above.
            .map(|_| unsafe { page.pop(links) }.unwrap())
            .collect();
        let pushers: Vec<_> = [blocks[1], blocks[2]]
            .into_iter()
            .map(|k| {
                let shared = shared.clone();
                // SAFETY: each block is freed once, by one thread.
                loom::thread::spawn(move || unsafe { shared.page.push_remote(&shared.links, k) })
            })
            .collect();
        // SAFETY: the owner frees its own block locally, and collects (maybe mid-pushes).
        unsafe { page.push_local(links, blocks[0]) };
        // Collect until a push shows up, so the owner reads pushed links while the other
        // pusher may still run: only the push's Release / the swap's Acquire order them (a
        // Relaxed push fails this model with a causality violation on the link).
        let mut early = unsafe { page.collect(links) };
        while early == 0 {
            loom::thread::yield_now();
            // SAFETY: owner.
            early = unsafe { page.collect(links) };
        }
        for p in pushers {
            p.join().unwrap();
        }
        // SAFETY: owner.
        let late = unsafe { page.collect(links) };
        assert_eq!(early + late, 2);
        // SAFETY: owner.
        assert_eq!(unsafe { page.local() }.used, 1, "only block 3 is still out");
        let mut got: Vec<u16> = (0..3)
            .map(|_| unsafe { page.pop(links) }.unwrap())
            .collect();
        got.sort_unstable();
        assert_eq!(got, vec![blocks[0], blocks[1], blocks[2]]);
        // SAFETY: owner.
        assert_eq!(unsafe { page.pop(links) }, None, "every block is out again");
    });
}

/// A thread that exits gives its heap back (Release), and a thread that allocates next
/// adopts it (Acquire) together with a block freed remotely meanwhile: the arena hands the
/// block out again, and loom sees no race on the heap's lists or the page's local state.
#[test]
fn loom_heap_handover_after_exit_and_remote_free() {
    loom::model(|| {
        let arena = SizeClassArena::builder(1 << 16)
            .max_threads(1)
            .build()
            .unwrap();
        let a2 = arena.clone();
        let buf = loom::thread::spawn(move || a2.try_allocate(40_000).unwrap())
            .join()
            .unwrap();
        let a3 = arena.clone();
        let freer = loom::thread::spawn(move || drop(buf));
        let alloc = loom::thread::spawn(move || a3.try_allocate(40_000).map(|b| b.capacity()));
        freer.join().unwrap();
        let got = alloc.join().unwrap();
        // Either the allocation came after the free (then it succeeds) or it found the page's
        // only block still out (then `Full`); never anything else, never a race.
        match got {
            Ok(cap) => assert_eq!(cap, 40_960),
            Err(e) => assert!(matches!(e, ArenaError::Full { .. }), "{e}"),
        }
        assert_eq!(arena.stats().live_bytes, 0);
    });
}
