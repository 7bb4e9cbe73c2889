//! `LocalLake`: per-thread handles taking slabs from a `SyncLake`, mixed with direct shared
//! allocation; allocations outlive the handle; `Allocator for &LocalLake`.

use std::thread;

use allocator_api2::alloc::{Allocator, Layout};
use allocator_api2::vec::Vec as AVec;
use lake::{LocalLake, SyncLake};
use lake_tests::scaled;

const THREADS: usize = if cfg!(miri) { 3 } else { 6 };

/// Half the threads allocate through a `LocalLake`, half straight from the `SyncLake`; every
/// allocation keeps its pattern and none overlaps another.
#[test]
fn local_and_shared_allocations_are_disjoint() {
    let per_thread = scaled(3000, 60);
    let mut lake = SyncLake::new();
    let ranges: Vec<(usize, usize)> = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let lake = &lake;
                s.spawn(move || {
                    let local = lake.local();
                    let mut mine: Vec<(&mut [u8], u8)> = Vec::new();
                    for i in 0..per_thread {
                        let len = 1 + (i * 13 + t) % 300; // some exceed a quarter slab
                        let tag = (i + t * 17) as u8;
                        let block = if t % 2 == 0 {
                            local.alloc_slice_fill_with(len, |_| tag)
                        } else {
                            lake.alloc_slice_fill_with(len, |_| tag)
                        };
                        mine.push((block, tag));
                    }
                    drop(local); // allocations outlive the handle
                    let mut out = Vec::new();
                    for (block, tag) in mine {
                        assert!(block.iter().all(|&b| b == tag), "thread {t}: corrupted");
                        let start = block.as_ptr() as usize;
                        out.push((start, start + block.len()));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut ranges = ranges;
    ranges.sort_unstable();
    for w in ranges.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlap: {:x?} and {:x?}", w[0], w[1]);
    }
    lake.reset();
    assert_eq!(lake.stats().used, 0);
}

/// An allocation from a `LocalLake` lives as long as the shared lake, not the handle.
#[test]
fn allocations_outlive_the_handle() {
    let shared = SyncLake::new();
    let kept: &mut [u32] = {
        let local = shared.local();
        local.alloc_slice_copy(&[1, 2, 3])
    };
    kept[0] = 10;
    let again = shared.local().alloc_slice_copy(&[4u32, 5, 6]);
    assert_eq!((&*kept, &*again), (&[10, 2, 3][..], &[4, 5, 6][..]));
}

/// Dropping a handle gives back the unused rest of its slab when it is the last block.
#[test]
fn dropping_a_handle_returns_its_slab_tail() {
    let shared = SyncLake::with_capacity(64 << 10);
    let local = shared.local();
    local.alloc(1u64);
    assert!(shared.stats().used >= 1024, "a whole slab is taken");
    drop(local);
    assert_eq!(shared.stats().used, 8, "the tail went back");
}

/// Slabs grow; a handle keeps working across many slabs and big requests.
#[test]
fn many_slabs_and_large_requests() {
    let shared = SyncLake::new();
    let local = shared.local();
    let mut sum = 0u64;
    for i in 0..scaled(20_000, 300) as u64 {
        sum += *local.alloc(i);
    }
    let big = local.alloc_slice_copy(&[9u8; 100 << 10]);
    assert!(big.iter().all(|&b| b == 9));
    let n = scaled(20_000, 300) as u64;
    assert_eq!(sum, n * (n - 1) / 2);
    let s = local.alloc_str("after the big one");
    assert_eq!(s, "after the big one");
}

/// `Allocator for &LocalLake`: growth in place within the slab, rewinding the last block,
/// and `Vec`s that outgrow the slab.
#[test]
fn allocator_for_local_lake() {
    let shared = SyncLake::new();
    let local = shared.local();
    let mut v: AVec<u16, &LocalLake<'_>> = AVec::new_in(&local);
    v.push(1);
    let first = v.as_ptr();
    for i in 0..100 {
        v.push(i);
    }
    assert_eq!(v.as_ptr(), first, "grew in place inside the slab");
    for i in 0..scaled(50_000, 500) as u16 {
        v.push(i);
    }
    assert_eq!(v.len(), 101 + scaled(50_000, 500));
    drop(v);

    let layout = Layout::new::<[u8; 24]>();
    let before = local.alloc(0u8) as *mut u8 as usize;
    let a = (&local).allocate(layout).unwrap();
    // SAFETY: `a` was allocated above with `layout` and is not used again.
    unsafe { (&local).deallocate(a.cast(), layout) };
    let after = local.alloc(0u8) as *mut u8 as usize;
    assert_eq!(after, before + 1, "the rewound block was reused");
}

/// A `LocalLake` moves to another thread (`Send`).
#[test]
fn local_lake_is_send() {
    let shared = SyncLake::new();
    let local = shared.local();
    let v = thread::scope(|s| s.spawn(move || *local.alloc(41u32) + 1).join().unwrap());
    assert_eq!(v, 42);
    assert!(format!("{:?}", shared.local()).starts_with("LocalLake"));
}
