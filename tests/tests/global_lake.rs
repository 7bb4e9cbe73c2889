//! `GlobalLake` installed as this test binary's global allocator: ordinary `Vec`, `String` and
//! `Box` allocate from the lake inside a region and from `System` outside it.
//!
//! # Why there is exactly one `#[test]` here
//!
//! A region is process-wide: while it is active, *every* thread's allocations come from the
//! lake, including the test harness's (its bookkeeping, output capture, other tests running in
//! parallel). `GlobalRegion::end` requires all of them to be dead afterwards. So this binary has
//! a single test function (nothing else of the harness runs beside it), which
//!
//! - sleeps briefly before the first region, so that the harness's main thread, which spawned
//!   it, has finished its own bookkeeping and is blocked waiting for the result;
//! - never prints, panics or formats inside a region while it can still `end` (an `assert!`
//!   that fails inside a region unwinds through the region token, whose `Drop` *leaves* the
//!   region without freeing anything, so even a failure is not a use-after-free);
//! - keeps every value that must survive a region either allocated before it or made of plain
//!   integers.
//!
//! Unit-style checks on local `GlobalLake` instances (impossible sizes, growth, routing) live in
//! `global_lake_unit.rs`, a binary without a custom global allocator.

use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use lake::{GlobalLake, GlobalRegion};
use lake_tests::scaled;

#[global_allocator]
static GLOBAL: GlobalLake = GlobalLake::new();

fn assert_send_sync<T: Send + Sync>() {}

// `Sync` (needed for a `static`) follows from the fields; no `unsafe impl`.
const _: () = {
    let _ = assert_send_sync::<GlobalLake>;
    let _ = assert_send_sync::<GlobalRegion<'static>>;
};

fn begin() -> GlobalRegion<'static> {
    GLOBAL
        .begin_region()
        .expect("no region is active outside `begin`")
}

/// Ends `region`; the callers uphold `GlobalRegion::end`'s contract: every block allocated in
/// the region is dead (the test keeps only integers and blocks allocated before it), and no
/// other thread allocates (the harness's main thread is blocked; spawned threads are joined).
fn end(region: GlobalRegion<'static>) {
    // SAFETY: see above; each caller documents what it allocated in the region.
    unsafe { region.end() }
}

#[test]
fn global_lake_end_to_end() {
    // Let the harness's main thread finish spawning this test and block on its result.
    thread::sleep(Duration::from_millis(50));

    frames_reuse_memory();
    outside_regions_uses_system();
    dealloc_inside_region_rewinds_last_block();
    realloc_in_place_and_across_the_boundary();
    left_region_blocks_stay_valid_and_move_to_system();
    zeroed_allocations_are_zero_after_reuse();
    two_threads_allocate_in_one_region();
    large_and_over_aligned_requests_go_to_system();
    // Miri aborts ("resource exhaustion") instead of returning null from a host allocation it
    // cannot make; `global_lake_unit.rs` covers the lake's own rejection under miri.
    #[cfg(not(miri))]
    impossible_requests_return_null();
    only_one_region_at_a_time();
}

/// A per-frame loop: everything allocated in a frame comes from the lake; after a warm-up the
/// first block of every frame is at the same address and the lake stops growing.
fn frames_reuse_memory() {
    let frames = scaled(20, 4);
    let per_frame = scaled(500, 40);
    // Plain integers recorded per frame (a fixed array: no allocation inside the region).
    let mut first_addr = [0usize; 20];
    let mut chunks = [0usize; 20];
    let mut all_in_lake = [false; 20];
    let mut sums = [0u64; 20];
    for frame in 0..frames {
        let region = begin();
        {
            let mut boxes: Vec<Box<u64>> = Vec::with_capacity(per_frame);
            first_addr[frame] = boxes.as_ptr().addr();
            let mut text = String::new();
            let mut ok = GLOBAL.owns(boxes.as_ptr());
            for i in 0..per_frame {
                let b = Box::new((frame * 1000 + i) as u64);
                ok &= GLOBAL.owns(&*b);
                boxes.push(b);
                text.push(char::from(b'a' + (i % 26) as u8));
            }
            ok &= GLOBAL.owns(text.as_ptr());
            let words: Vec<String> = text
                .as_bytes()
                .chunks(7)
                .map(|c| c.len().to_string())
                .collect();
            ok &= words.iter().all(|w| GLOBAL.owns(w.as_ptr()));
            // Bigger than the first chunk (64 KiB): the first frame grows the lake.
            let scratch = vec![1u8; 100_000];
            ok &= GLOBAL.owns(scratch.as_ptr());
            all_in_lake[frame] = ok;
            sums[frame] = boxes.iter().map(|b| **b).sum::<u64>()
                + words.len() as u64
                + u64::from(scratch[99_999]);
        } // boxes, text, words dropped: dead before `end`
        chunks[frame] = GLOBAL.stats().chunks;
        end(region);
        assert_eq!(
            GLOBAL.stats().used,
            0,
            "frame {frame}: end rewinds the lake"
        );
    }
    for frame in 0..frames {
        assert!(
            all_in_lake[frame],
            "frame {frame}: a block came from System"
        );
        let expected: u64 = (0..per_frame)
            .map(|i| (frame * 1000 + i) as u64)
            .sum::<u64>()
            + per_frame.div_ceil(7) as u64
            + 1;
        assert_eq!(sums[frame], expected, "frame {frame}: corrupted data");
    }
    // The first frame outgrew the first chunk; `end` kept the largest one, which holds a whole
    // frame: from then on no growth, and every frame starts at the same address (reuse).
    assert!(chunks[0] >= 2, "the first frame should have grown the lake");
    for frame in 1..frames {
        assert_eq!(
            first_addr[frame], first_addr[1],
            "frame {frame} did not reuse memory"
        );
        assert_eq!(chunks[frame], 1, "frame {frame}: the lake kept growing");
    }
    assert!(GLOBAL.stats().regions_ended >= frames);
}

/// Outside regions, allocations come from `System` (addresses outside every lake chunk) even
/// while the lake holds a chunk, and they survive regions.
fn outside_regions_uses_system() {
    assert!(
        GLOBAL.stats().chunks >= 1,
        "the earlier frames left a chunk"
    );
    let before = vec![7u32; 100];
    let boxed = Box::new([1u8; 64]);
    let text = String::from("system");
    assert!(!GLOBAL.owns(before.as_ptr()));
    assert!(!GLOBAL.owns(&*boxed));
    assert!(!GLOBAL.owns(text.as_ptr()));
    let region = begin();
    let inside = Box::new(5u32);
    let owned = GLOBAL.owns(&*inside);
    drop(inside);
    end(region);
    assert!(owned);
    let after: Vec<u64> = std::iter::repeat_n(9, 10).collect();
    assert!(!GLOBAL.owns(after.as_ptr()));
    assert!(before.iter().all(|&x| x == 7) && boxed.iter().all(|&x| x == 1) && text == "system");
}

/// Freeing the last block inside a region gives its bytes back (the next block reuses the
/// address); freeing an earlier block is a no-op.
fn dealloc_inside_region_rewinds_last_block() {
    let region = begin();
    let a = Box::new([1u64; 4]);
    let a_addr = (&*a as *const [u64; 4]).addr();
    drop(a);
    let b = Box::new([2u64; 4]);
    let b_addr = (&*b as *const [u64; 4]).addr();
    let c = Box::new([3u64; 4]);
    let c_addr = (&*c as *const [u64; 4]).addr();
    drop(b); // not the last block: no-op
    let d = Box::new([4u64; 4]);
    let d_addr = (&*d as *const [u64; 4]).addr();
    let intact = *c == [3; 4] && *d == [4; 4];
    drop(c);
    drop(d);
    end(region);
    assert_eq!(a_addr, b_addr, "the last block's bytes were not given back");
    assert_ne!(d_addr, b_addr, "a block that was not last was reused");
    assert!(d_addr > c_addr && intact);
}

/// `realloc` grows the last lake block in place; a `System` block reallocated inside a region
/// stays in `System` (and so outlives the region); data is preserved both ways.
fn realloc_in_place_and_across_the_boundary() {
    let mut long_lived: Vec<u32> = Vec::with_capacity(4);
    long_lived.extend([1, 2, 3, 4]);
    let region = begin();
    // In place: the vector is the last block, so pushes grow it without moving.
    let mut v: Vec<u8> = Vec::with_capacity(8);
    let start = v.as_ptr().addr();
    for i in 0..200u8 {
        v.push(i);
    }
    let grew_in_place = v.as_ptr().addr() == start && v.capacity() >= 200;
    // Not last any more: growing moves it to another lake block, contents copied.
    let blocker = Box::new(0u8);
    v.extend(200..=255u8);
    v.reserve(1000);
    let moved_in_lake = v.as_ptr().addr() != start && GLOBAL.owns(v.as_ptr());
    let copied = v.iter().enumerate().all(|(i, &x)| x as usize == i);
    // Across the boundary: the System vector grows inside the region and stays in System.
    for i in 5..=1000 {
        long_lived.push(i);
    }
    let stayed_system = !GLOBAL.owns(long_lived.as_ptr());
    drop((v, blocker));
    end(region);
    assert!(grew_in_place, "the last block did not grow in place");
    assert!(moved_in_lake && copied);
    assert!(stayed_system, "a System block moved into the lake");
    // Used after the region ended: it never was lake memory.
    assert!(long_lived
        .iter()
        .enumerate()
        .all(|(i, &x)| x as usize == i + 1));
    long_lived.shrink_to_fit();
    assert_eq!(long_lived.len(), 1000);
}

/// Leaving a region without `end` (dropping the token) keeps lake blocks valid; growing one
/// afterwards moves it to `System` with its contents; the next `end` reclaims the rest.
fn left_region_blocks_stay_valid_and_move_to_system() {
    let region = begin();
    let mut v: Vec<u64> = (0..50).collect();
    let blocker = Box::new(1u8); // `v` is not the last block
    let was_lake = GLOBAL.owns(v.as_ptr());
    drop(region); // leave: nothing is freed
    assert!(was_lake && !GLOBAL.in_region());
    v.extend(50..500); // realloc of a lake block outside a region → System + copy
    assert!(!GLOBAL.owns(v.as_ptr()));
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));
    let region = begin();
    // `blocker` is a lake block from the left region: it must be dead before `end`.
    drop(blocker);
    end(region);
    assert_eq!(v.len(), 500);
}

/// `alloc_zeroed` in the lake zeroes memory that an earlier region dirtied.
fn zeroed_allocations_are_zero_after_reuse() {
    let region = begin();
    let dirty = vec![0xAAu8; 256];
    let dirty_addr = dirty.as_ptr().addr();
    drop(dirty);
    end(region);
    let region = begin();
    let zeroed = vec![0u8; 256]; // `vec![0; n]` uses `alloc_zeroed`
    let reused = zeroed.as_ptr().addr() == dirty_addr;
    let all_zero = zeroed.iter().all(|&b| b == 0);
    drop(zeroed);
    end(region);
    assert!(reused, "the zeroed block did not reuse the dirty bytes");
    assert!(all_zero);
}

/// Regions are process-wide: two threads allocate in one region, concurrently, from the same
/// chunks; their blocks are disjoint and intact. The threads are spawned, and have started,
/// before the region begins, and are joined before it ends.
fn two_threads_allocate_in_one_region() {
    let per_thread = scaled(300, 30);
    let barrier = Barrier::new(3);
    let (results, region) = thread::scope(|s| {
        let handles = [0u64, 1].map(|t| {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait(); // started (thread start-up allocations are behind us)
                barrier.wait(); // the region is active
                let mut boxes: Vec<Box<[u64; 3]>> = Vec::new();
                let mut in_lake = true;
                for i in 0..per_thread as u64 {
                    let b = Box::new([t, i, t * 1_000_000 + i]);
                    in_lake &= GLOBAL.owns(&*b);
                    boxes.push(b);
                }
                in_lake &= GLOBAL.owns(boxes.as_ptr());
                let intact = boxes
                    .iter()
                    .enumerate()
                    .all(|(i, b)| **b == [t, i as u64, t * 1_000_000 + i as u64]);
                let addrs = boxes.iter().map(|b| (&**b as *const [u64; 3]).addr());
                let (lo, hi) = (addrs.clone().min(), addrs.max());
                drop(boxes);
                (in_lake && intact, lo.unwrap_or(0), hi.unwrap_or(0))
            })
        });
        barrier.wait();
        let region = begin();
        barrier.wait();
        let results = handles.map(|h| h.join().unwrap_or((false, 0, 0)));
        (results, region)
    });
    // Both threads are joined: their allocations are dead.
    end(region);
    for (ok, lo, hi) in results {
        assert!(
            ok && lo != 0 && hi >= lo,
            "a thread's blocks were not from the lake, or were corrupted"
        );
    }
}

/// Requests the lake does not serve (larger than a quarter of the largest chunk, or aligned
/// above 128) go to `System` even inside a region, and are freed there.
fn large_and_over_aligned_requests_go_to_system() {
    #[repr(align(256))]
    struct Aligned([u8; 256]);
    let region = begin();
    let big: Vec<u8> = vec![3; 2 << 20];
    let aligned = Box::new(Aligned([5; 256]));
    let big_in_system = !GLOBAL.owns(big.as_ptr());
    let aligned_in_system = !GLOBAL.owns(&*aligned);
    let aligned_ok = (&*aligned as *const Aligned).addr() % 256 == 0 && aligned.0[255] == 5;
    drop((big, aligned));
    end(region);
    assert!(big_in_system && aligned_in_system && aligned_ok);
}

/// An impossible request returns null inside and outside a region (no panic, which would abort
/// inside a global allocator); a failed `realloc` leaves the block intact.
#[cfg(not(miri))]
fn impossible_requests_return_null() {
    use std::alloc::{GlobalAlloc, Layout};

    let huge = Layout::from_size_align(isize::MAX as usize - 4095, 4096).unwrap();
    // SAFETY: a non-zero layout; a null result is checked, never used.
    let outside = unsafe { GLOBAL.alloc(huge) };
    let region = begin();
    // SAFETY: as above.
    let inside = unsafe { GLOBAL.alloc(huge) };
    // SAFETY: as above.
    let inside_zeroed = unsafe { GLOBAL.alloc_zeroed(huge) };
    let small = Layout::new::<[u8; 16]>();
    // SAFETY: non-zero layout.
    let p = unsafe { GLOBAL.alloc(small) };
    let p_in_lake = GLOBAL.owns(p);
    // SAFETY: `p` is a live 16-byte block; writing it is in bounds.
    unsafe { p.write_bytes(9, 16) };
    // SAFETY: `p` was allocated with `small`; the new size rounded to the alignment (1) does
    // not overflow `isize` (`isize::MAX - 64`).
    let grown = unsafe { GLOBAL.realloc(p, small, isize::MAX as usize - 64) };
    // SAFETY: the failed realloc left `p` valid and unchanged.
    let intact = (0..16).all(|i| unsafe { p.add(i).read() } == 9);
    // SAFETY: `p` is live, allocated with `small`.
    unsafe { GLOBAL.dealloc(p, small) };
    end(region);
    assert!(outside.is_null() && inside.is_null() && inside_zeroed.is_null());
    assert!(p_in_lake && grown.is_null() && intact);
}

/// The token is unique: no second region while one is active.
fn only_one_region_at_a_time() {
    let region = begin();
    let second = GLOBAL.begin_region().is_none();
    let in_region = GLOBAL.in_region();
    region.leave();
    assert!(second && in_region && !GLOBAL.in_region());
    let region = begin();
    end(region);
}
