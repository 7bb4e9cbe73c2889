//! `SyncLake`: many threads allocate through `&SyncLake` at once (CAS bump), `reset` after the
//! join, the `Allocator` impl, chunk accounting, and the auto traits. Runs under miri (its data
//! race detector checks the orderings of the CAS protocol and the chunk publication).

use std::sync::Barrier;
use std::thread;

use allocator_api2::alloc::{Allocator, Layout};
use allocator_api2::vec::Vec as AVec;
use lake::{AllocError, LakeCache, LocalLake, SyncLake};
use lake_tests::scaled;

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}

// Compile-time checks: these fail to build if an auto trait is lost. The forbidden ones
// (`LocalLake: !Sync`) are compile-fail tests in ui-tests.
const _: () = {
    let _ = assert_send::<SyncLake>;
    let _ = assert_sync::<SyncLake>;
    let _ = assert_send::<LocalLake<'static>>;
    let _ = assert_send::<LakeCache>;
    let _ = assert_sync::<LakeCache>;
};

const THREADS: usize = if cfg!(miri) { 3 } else { 8 };

/// Every thread writes its own pattern into many allocations of mixed sizes; afterwards every
/// allocation still holds its pattern (no overlap, no corruption) and the address ranges are
/// pairwise disjoint.
#[test]
fn threads_allocate_disjoint_blocks() {
    let per_thread = scaled(2000, 40);
    let lake = SyncLake::new();
    let barrier = Barrier::new(THREADS);
    let ranges: Vec<Vec<(usize, usize)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (lake, barrier) = (&lake, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let mut mine = Vec::new();
                    for i in 0..per_thread {
                        let len = 1 + (i * 7 + t) % 97;
                        let tag = (t * 31 + i) as u8;
                        let block = lake.alloc_slice_fill_with(len, |_| tag);
                        mine.push((block, tag));
                    }
                    // Everything is still intact after all threads are done writing.
                    for (block, tag) in &mine {
                        assert!(
                            block.iter().all(|b| b == tag),
                            "thread {t}: corrupted block"
                        );
                    }
                    mine.iter()
                        .map(|(b, _)| {
                            let start = b.as_ptr() as usize;
                            (start, start + b.len())
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<(usize, usize)> = ranges.into_iter().flatten().collect();
    all.sort_unstable();
    for w in all.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlap: {:x?} and {:x?}", w[0], w[1]);
    }
    let stats = lake.stats();
    let bytes: usize = all.iter().map(|(s, e)| e - s).sum();
    assert!(stats.used >= bytes, "{stats:?} vs {bytes}");
    assert!(stats.capacity >= stats.used);
}

/// Typed values of several alignments from several threads: each value keeps its content.
#[test]
fn typed_values_keep_their_contents() {
    // Alignments up to 128 are proven by the chunk allocation itself, so this passes under
    // miri's `-Zmiri-symbolic-alignment-check` too (see `shared/chunk.rs`).
    #[derive(Debug, PartialEq, Clone, Copy)]
    #[repr(align(64))]
    struct Wide([u64; 3]);
    #[repr(align(128))]
    struct Padded(u8);

    let lake = SyncLake::new();
    thread::scope(|s| {
        for t in 0..THREADS as u64 {
            let lake = &lake;
            s.spawn(move || {
                let mut kept = Vec::new();
                for i in 0..scaled(500, 20) as u64 {
                    let a = lake.alloc(i ^ t);
                    let w = lake.alloc(Wide([t, i, t + i]));
                    let s = lake.alloc_str("lake");
                    let p = lake.alloc(Padded(i as u8));
                    assert_eq!(core::ptr::from_mut(p) as usize % 128, 0);
                    assert_eq!(p.0, i as u8);
                    let _zst = lake.alloc([Padded(0); 0]);
                    assert_eq!(core::ptr::from_mut(w) as usize % 64, 0);
                    kept.push((a, w, s, i));
                }
                for (a, w, s, i) in kept {
                    assert_eq!((*a, *w, &*s), (i ^ t, Wide([t, i, t + i]), "lake"));
                }
            });
        }
    });
}

/// `reset` needs `&mut`: after the join, every chunk but the largest is freed and the memory
/// is reused; steady rounds settle on one chunk.
#[test]
fn reset_after_join_keeps_one_chunk() {
    let mut lake = SyncLake::new();
    for round in 0..scaled(4, 2) {
        thread::scope(|s| {
            for t in 0..2u32 {
                let lake = &lake;
                s.spawn(move || {
                    for i in 0..scaled(3000, 100) as u32 {
                        lake.alloc([t, i, round as u32, 0]);
                    }
                });
            }
        });
        assert!(lake.stats().used >= 2 * scaled(3000, 100) * 16);
        lake.reset();
        let stats = lake.stats();
        assert_eq!((stats.used, stats.chunks), (0, 1), "{stats:?}");
        assert!(stats.high_water >= 2 * scaled(3000, 100) * 16);
    }
}

/// Large requests get a chunk of their own, behind the current one, which stays in use.
#[test]
fn large_requests_get_their_own_chunk() {
    let lake = SyncLake::with_capacity(1024);
    let small = lake.alloc(1u8) as *mut u8 as usize;
    let big = lake.alloc_slice_copy(&[7u8; 64 << 10]);
    assert!(big.iter().all(|&b| b == 7));
    let next = lake.alloc(2u8) as *mut u8 as usize;
    assert_eq!(
        next,
        small + 1,
        "the current chunk keeps serving small requests"
    );
    assert_eq!(lake.stats().chunks, 2);
}

/// Zero-sized requests and huge ones.
#[test]
fn edge_requests() {
    let lake = SyncLake::new();
    let unit: &mut () = lake.alloc(());
    *unit = ();
    let empty: &mut [u64] = lake.alloc_slice_copy(&[]);
    assert!(empty.is_empty());
    assert_eq!(lake.stats().chunks, 0, "zero-sized blocks need no chunk");
    assert!(matches!(
        lake.try_alloc_slice_fill_with(usize::MAX / 2, |_| 0u64),
        Err(AllocError::InvalidLayout { .. })
    ));
    assert!(matches!(
        lake.try_alloc_layout(Layout::from_size_align(isize::MAX as usize - 15, 16).unwrap()),
        Err(AllocError::OutOfMemory { .. })
    ));
    assert!(lake.try_alloc(5u8).is_ok());
}

/// `Allocator for &SyncLake`: a Vec grows in place while it is the last block, and a
/// deallocated last block is reused.
#[test]
fn allocator_grows_in_place_and_rewinds() {
    let lake = SyncLake::with_capacity(4096);
    let mut v: AVec<u32, &SyncLake> = AVec::new_in(&lake);
    v.push(1);
    let first = v.as_ptr();
    for i in 0..500 {
        v.push(i);
    }
    assert_eq!(v.as_ptr(), first, "grew in place");
    assert_eq!(v.len(), 501);
    drop(v);
    assert_eq!(lake.stats().used, 0, "the last block was given back");

    let layout = Layout::new::<[u8; 32]>();
    let a = (&lake).allocate(layout).unwrap();
    let b = (&lake).allocate(layout).unwrap();
    // SAFETY: `a` was allocated above with `layout` and is not used again.
    unsafe { (&lake).deallocate(a.cast(), layout) }; // not last: stays reserved
    assert_eq!(lake.stats().used, 64);
    // SAFETY: as above, for `b`.
    unsafe { (&lake).deallocate(b.cast(), layout) };
    assert_eq!(lake.stats().used, 32);
}

/// Vectors in a shared lake, pushed from several threads at once (each thread its own Vec);
/// growth copies when another thread allocated after the Vec's block.
#[test]
fn allocator_vectors_from_many_threads() {
    let lake = SyncLake::new();
    thread::scope(|s| {
        for t in 0..THREADS {
            let lake = &lake;
            s.spawn(move || {
                let mut v: AVec<usize, &SyncLake> = AVec::new_in(lake);
                for i in 0..scaled(2000, 60) {
                    v.push(i * t);
                }
                assert!(v.iter().enumerate().all(|(i, &x)| x == i * t));
                v.shrink_to_fit();
                let mut z: AVec<u8, &SyncLake> = AVec::new_in(lake);
                z.resize(100, 0);
                assert!(z.iter().all(|&b| b == 0));
            });
        }
    });
}

/// `grow_zeroed` zeroes the new tail, also when the block moves.
#[test]
fn grow_zeroed_zeroes_the_tail() {
    let lake = SyncLake::new();
    let old = Layout::from_size_align(8, 8).unwrap();
    let new = Layout::from_size_align(64, 8).unwrap();
    let p = (&lake).allocate(old).unwrap().cast::<u8>();
    // SAFETY: `p` is valid for 8 bytes.
    unsafe { p.as_ptr().write_bytes(0xAB, 8) };
    let _in_between = lake.alloc(1u8); // forces a move
                                       // SAFETY: `p` is a live block of `old` from this allocator; 64 >= 8.
    let q = unsafe { (&lake).grow_zeroed(p, old, new) }.unwrap();
    // SAFETY: `q` is valid for 64 initialised bytes (8 copied, 56 zeroed).
    let bytes = unsafe { core::slice::from_raw_parts(q.cast::<u8>().as_ptr(), 64) };
    assert_eq!(&bytes[..8], &[0xAB; 8]);
    assert!(bytes[8..].iter().all(|&b| b == 0));
}

/// Growth under contention: many threads filling small chunks concurrently install chunks
/// without losing allocations.
#[test]
fn contended_growth_loses_nothing() {
    let lake = SyncLake::with_capacity(64);
    let per_thread = scaled(1000, 50);
    let barrier = Barrier::new(THREADS);
    thread::scope(|s| {
        for t in 0..THREADS {
            let (lake, barrier) = (&lake, &barrier);
            s.spawn(move || {
                barrier.wait();
                let mine: Vec<&mut [u64; 4]> = (0..per_thread)
                    .map(|i| lake.alloc([t as u64, i as u64, 0, 0]))
                    .collect();
                for (i, m) in mine.iter().enumerate() {
                    assert_eq!(m[..2], [t as u64, i as u64]);
                }
            });
        }
    });
    let stats = lake.stats();
    assert_eq!(stats.used % 32, 0);
    assert!(stats.used >= THREADS * per_thread * 32);
}

#[test]
fn debug_and_default() {
    let lake = SyncLake::default();
    lake.alloc(1u8);
    let text = format!("{lake:?}");
    assert!(text.starts_with("SyncLake"), "{text}");
}
