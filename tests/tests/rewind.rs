//! The rewind family's guarantees, one test each: what a rewind keeps, what it discards, how it
//! reuses memory, and how it refuses bad snapshots.

use core::alloc::Layout;
use lake::{Lake, RewindError};

#[test]
fn rewind_gives_back_the_bytes_and_keeps_earlier_data() {
    let mut lake = Lake::new();
    let kept = lake.droplet_copy(b"kept");
    let used = lake.stats().used;
    let snap = lake.snapshot();
    for _ in 0..100 {
        lake.alloc([7u8; 64]);
    }
    assert!(lake.stats().used > used);
    lake.rewind(&snap).unwrap();
    assert_eq!(lake.stats().used, used);
    assert_eq!(kept.get(&lake), Some(&b"kept"[..]));
}

#[test]
fn a_rewind_loop_reuses_its_chunks_instead_of_growing() {
    let mut lake = Lake::builder().capacity(64).max_chunk_size(1024).build();
    let snap = lake.snapshot();
    let mut capacity_after_first = None;
    for _ in 0..if cfg!(miri) { 5 } else { 50 } {
        for _ in 0..40 {
            lake.alloc([1u8; 100]); // ~4 KiB a round: several chunks
        }
        lake.rewind(&snap).unwrap();
        let stats = lake.stats();
        assert_eq!(stats.used, 0);
        match capacity_after_first {
            None => capacity_after_first = Some((stats.capacity, stats.chunks)),
            Some(first) => assert_eq!((stats.capacity, stats.chunks), first, "grew again"),
        }
    }
}

#[test]
fn rewinding_to_a_snapshot_of_the_empty_lake_gives_back_everything() {
    let mut lake = Lake::new();
    let start = lake.snapshot();
    lake.alloc_slice_copy(&[0u8; 5000]);
    lake.rewind(&start).unwrap();
    assert_eq!(lake.stats().used, 0);
    lake.alloc(1u32);
    assert_eq!(lake.stats().used, 4);
}

#[test]
fn stale_and_foreign_snapshots_are_refused_and_change_nothing() {
    let mut lake = Lake::new();
    let outer = lake.snapshot();
    lake.alloc(1u64);
    let inner = lake.snapshot();
    let d = lake.droplet::<8>();
    lake.rewind(&outer).unwrap();
    let used = lake.stats().used;
    assert_eq!(lake.rewind(&inner), Err(RewindError::Stale));
    assert_eq!(lake.stats().used, used);
    assert!(!d.is_valid(&lake));

    let other = Lake::new();
    let foreign = other.snapshot();
    assert_eq!(lake.rewind(&foreign), Err(RewindError::ForeignLake));

    lake.reset();
    assert_eq!(lake.rewind(&outer), Err(RewindError::Stale));
}

#[test]
fn marks_nest_and_rewinding_past_a_mark_removes_it() {
    let mut lake = Lake::new();
    lake.mark();
    let a = lake.droplet_copy(b"a");
    lake.mark();
    let b = lake.droplet_copy(b"b");
    assert_eq!(lake.marks(), 2);
    lake.reset_to_mark().unwrap(); // back to just after `a`
    assert!(a.is_valid(&lake) && !b.is_valid(&lake));
    assert_eq!(lake.marks(), 2);
    lake.pop_mark().unwrap();
    lake.reset_to_mark().unwrap(); // back to the start
    assert!(!a.is_valid(&lake));

    // A snapshot from before a mark takes the mark with it.
    let mut lake = Lake::new();
    let snap = lake.snapshot();
    lake.mark();
    lake.rewind(&snap).unwrap();
    assert_eq!(lake.marks(), 0);
    assert_eq!(lake.reset_to_mark(), Err(RewindError::NoMark));
}

#[test]
fn zero_on_reset_also_wipes_what_a_rewind_gives_back() {
    let mut lake = Lake::builder()
        .capacity(64)
        .max_chunk_size(128)
        .zero_on_reset(true)
        .build();
    let snap = lake.snapshot();
    for _ in 0..6 {
        lake.alloc_slice_copy(&[0xEEu8; 48]); // spills into later chunks
    }
    lake.rewind(&snap).unwrap();
    for _ in 0..6 {
        let block = lake.alloc_layout(Layout::new::<[u8; 48]>());
        // SAFETY: with zero_on_reset, every byte given back by the rewind was zeroed, and the
        // lake hands the same chunks out again, so these 48 bytes are initialised (to zero).
        let bytes = unsafe { core::slice::from_raw_parts(block.as_ptr(), 48) };
        assert!(bytes.iter().all(|&b| b == 0), "{bytes:?}");
    }
}

#[test]
fn reset_to_keeps_allocations_from_before_the_snapshot_usable() {
    let lake = Lake::new();
    let header = lake.alloc_str("header");
    let counter = lake.alloc(0u32);
    let snap = lake.snapshot();
    for round in 0..3u32 {
        let scratch = lake.alloc_slice_fill_with(100, |i| i as u32 + round);
        *counter += scratch[99];
        // SAFETY: `scratch` (allocated after `snap`) is not used after this point.
        unsafe { lake.reset_to(&snap) }.unwrap();
    }
    assert_eq!(header, "header");
    assert_eq!(*counter, 99 + 100 + 101);
}
