//! Loom models of the shared lakes' lock-free protocols. Run with `.ci/loom.sh`:
//! `RUSTFLAGS="--cfg loom" cargo test --release -p lake --lib loom`.
//!
//! Each model is tiny (two threads, two or three operations) so that loom can explore every
//! interleaving with `LOOM_MAX_PREEMPTIONS=2`. What they check:
//! - no two live blocks overlap, and every block lies inside one chunk of the lake;
//! - racing growers install exactly one chunk per race, and no allocation is lost;
//! - every chunk is freed exactly once (loom's leak tracking of `loom::alloc` fails a model
//!   whose execution ends with a chunk still allocated; a double free is caught by the
//!   allocator / loom's `dealloc` bookkeeping).

use alloc::vec;
use alloc::vec::Vec;
use core::alloc::Layout;

use loom::sync::Arc;
use loom::thread;

use super::SyncLake;

/// A `(start, end)` address range of a block.
type Range = (usize, usize);

fn block(lake: &SyncLake, size: usize) -> Range {
    let layout = Layout::from_size_align(size, 8).unwrap();
    let start = lake.alloc_layout(layout).as_ptr().addr();
    (start, start + size)
}

/// Asserts that the blocks are pairwise disjoint and each lies inside one chunk.
fn check(lake: &SyncLake, blocks: &[Range]) {
    let chunks = lake.chunk_ranges();
    for (i, &(s, e)) in blocks.iter().enumerate() {
        assert!(
            chunks.iter().any(|&(cs, ce)| cs <= s && e <= ce),
            "block {s:#x}..{e:#x} outside every chunk {chunks:x?}"
        );
        for &(s2, e2) in &blocks[i + 1..] {
            assert!(
                e <= s2 || e2 <= s,
                "blocks {s:#x}..{e:#x} and {s2:#x}..{e2:#x} overlap"
            );
        }
    }
}

/// (a) Two threads CAS-bump the same chunk concurrently: blocks never overlap, each lies in
/// the chunk, and `used` accounts for every byte.
#[test]
fn loom_cas_bump_is_disjoint() {
    loom::model(|| {
        let lake = Arc::new(SyncLake::with_capacity(64));
        let other = lake.clone();
        let t = thread::spawn(move || [block(&other, 16), block(&other, 8)]);
        let mine = [block(&lake, 16), block(&lake, 8)];
        let theirs = t.join().unwrap();
        let all: Vec<Range> = mine.iter().chain(theirs.iter()).copied().collect();
        check(&lake, &all);
        let stats = lake.stats();
        assert_eq!((stats.used, stats.chunks), (48, 1));
    });
}

/// (b) Chunk hand-off: the only chunk is full and two threads both find it so and race to
/// install a new one. Exactly one chunk is installed (the loser waits on the growth lock, sees
/// the winner's chunk and bumps in it), both get their block, and every chunk is freed when
/// the lake drops (loom's leak check).
#[test]
fn loom_racing_growers_install_one_chunk() {
    loom::model(|| {
        let lake = Arc::new(SyncLake::with_capacity(16));
        let _fill = block(&lake, 16);
        let other = lake.clone();
        let t = thread::spawn(move || block(&other, 16));
        let mine = block(&lake, 16);
        let theirs = t.join().unwrap();
        check(&lake, &[_fill, mine, theirs]);
        let stats = lake.stats();
        assert_eq!(stats.chunks, 2, "one chunk per race");
        assert_eq!(stats.used, 48, "no allocation lost");
    });
}

/// (b') A request larger than a regular chunk races with a small one: the large one gets a
/// chunk of its own linked behind the current chunk; the small one still fits the current
/// chunk or the regular chunk installed for it. All blocks disjoint, all chunks freed.
#[test]
fn loom_dedicated_chunk_races_with_regular_growth() {
    loom::model(|| {
        let lake = Arc::new(SyncLake::with_capacity(16));
        let other = lake.clone();
        let t = thread::spawn(move || block(&other, 16 << 10));
        let a = block(&lake, 16);
        let b = block(&lake, 16);
        let big = t.join().unwrap();
        check(&lake, &[a, b, big]);
    });
}

/// (c) A `LocalLake` takes a slab from the shared lake while another thread allocates from the
/// shared lake directly, then drops (giving back its slab's unused tail, which races with the
/// other thread's CAS). Blocks stay disjoint, and the local's blocks, which outlive the handle,
/// are never handed out again.
#[test]
fn loom_local_slab_races_with_shared_allocation() {
    loom::model(|| {
        let lake = Arc::new(SyncLake::with_capacity(4096));
        let other = lake.clone();
        let t = thread::spawn(move || {
            let local = other.local();
            let layout = Layout::new::<u64>();
            let a = local.alloc_layout(layout).as_ptr().addr();
            let b = local.alloc_layout(layout).as_ptr().addr();
            drop(local);
            [(a, a + 8), (b, b + 8)]
        });
        let shared = block(&lake, 32);
        let local_blocks = t.join().unwrap();
        // After the local handle is gone, a new block must not land on its allocations.
        let after = block(&lake, 2048);
        let mut all = vec![shared, after];
        all.extend_from_slice(&local_blocks);
        check(&lake, &all);
    });
}

/// (d) `Allocator::deallocate` rewinds the cursor with a CAS only while the block is the last
/// one: a rewind racing with another thread's allocation never gives away a live block.
#[test]
fn loom_rewind_races_with_allocation() {
    use allocator_api2::alloc::Allocator;
    loom::model(|| {
        let lake = Arc::new(SyncLake::with_capacity(64));
        let other = lake.clone();
        let t = thread::spawn(move || {
            let layout = Layout::from_size_align(16, 8).unwrap();
            let p = (&*other).allocate(layout).unwrap().cast::<u8>();
            // SAFETY: `p` was allocated just above with `layout` and is not used again.
            unsafe { (&*other).deallocate(p, layout) };
            block(&other, 8)
        });
        let mine = block(&lake, 16);
        let theirs = t.join().unwrap();
        // A block allocated after the race must not land on either live block.
        let after = block(&lake, 32);
        check(&lake, &[mine, theirs, after]);
    });
}

/// (e) `Allocator::grow` moves the cursor in place with a CAS from the block's end: growing in
/// place racing with another thread's allocation never overlaps that allocation.
#[test]
fn loom_resize_in_place_races_with_allocation() {
    use allocator_api2::alloc::Allocator;
    loom::model(|| {
        let lake = Arc::new(SyncLake::with_capacity(64));
        let other = lake.clone();
        let t = thread::spawn(move || {
            let small = Layout::from_size_align(16, 8).unwrap();
            let big = Layout::from_size_align(32, 8).unwrap();
            let p = (&*other).allocate(small).unwrap().cast::<u8>();
            // SAFETY: `p` is a live block of `small` from this allocator.
            let q = unsafe { (&*other).grow(p, small, big) }
                .unwrap()
                .cast::<u8>();
            let start = q.as_ptr().addr();
            (start, start + 32)
        });
        let mine = block(&lake, 16);
        let theirs = t.join().unwrap();
        let after = block(&lake, 8);
        check(&lake, &[mine, theirs, after]);
    });
}
