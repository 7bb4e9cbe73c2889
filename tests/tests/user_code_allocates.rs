//! User code that runs between a reservation and its bookkeeping (an iterator, a `Display`
//! impl, a fill or `alloc_with` closure, a destructor) may allocate from the same lake and move
//! it to another chunk or slab. The bookkeeping must not assume the block is still in the
//! current chunk: these run the paths under miri too (droplets: `writer_allocates.rs`).

use std::fmt;

use allocator_api2::vec::Vec as LakeVec;
use lake::{Lake, SyncLake};

/// Allocates 200 bytes from `lake` per item it yields, so a collection keeps losing its
/// "last block" position and crosses chunks.
fn noisy_items<'a>(n: u32, alloc: impl Fn() + 'a) -> impl Iterator<Item = u32> + 'a {
    (0..n).inspect(move |_| alloc())
}

/// Formats itself while allocating from a lake.
struct Chatty<F: Fn()>(F);

impl<F: Fn()> fmt::Display for Chatty<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..20 {
            (self.0)();
            write!(f, "{i},")?;
        }
        Ok(())
    }
}

fn expected_text() -> String {
    (0..20).map(|i| format!("{i},")).collect()
}

#[test]
fn collections_survive_a_lake_that_moves_under_them() {
    let lake = Lake::builder().capacity(256).max_chunk_size(512).build();
    let items = lake.alloc_iter(noisy_items(64, || {
        lake.alloc_slice_copy(&[7u8; 200]);
    }));
    assert_eq!(items, (0..64).collect::<Vec<_>>().as_slice());
    assert!(lake.stats().chunks > 2);
    let text = lake.alloc_fmt(format_args!(
        "{}",
        Chatty(|| {
            lake.alloc_slice_copy(&[1u8; 300]);
        })
    ));
    assert_eq!(&*text, expected_text());
    let filled = lake.alloc_slice_fill_with(40, |i| {
        lake.alloc([0u8; 250]);
        i
    });
    assert_eq!(filled.len(), 40);
    assert!(filled.iter().enumerate().all(|(i, &v)| i == v));
}

#[test]
fn alloc_with_whose_closure_allocates_and_frees() {
    let lake = Lake::builder().capacity(128).max_chunk_size(256).build();
    let value = lake.alloc_with(|| {
        // Grows and frees a Vec in the lake, moving chunks; the block reserved for the value
        // must stay untouched.
        let mut v = LakeVec::new_in(&lake);
        v.extend(0..200u32);
        let sum: u32 = v.iter().sum();
        drop(v);
        [sum; 8]
    });
    assert_eq!(*value, [(0..200).sum::<u32>(); 8]);
    let next = lake.alloc([9u32; 8]);
    assert_eq!(*value, [(0..200).sum::<u32>(); 8]);
    assert_eq!(*next, [9; 8]);
}

#[test]
fn shared_lakes_collect_while_the_same_lake_allocates() {
    let shared = SyncLake::new();
    let items = shared.alloc_iter(noisy_items(64, || {
        shared.alloc_slice_copy(&[3u8; 2000]);
    }));
    assert_eq!(items, (0..64).collect::<Vec<_>>().as_slice());
    let text = shared.alloc_fmt(format_args!(
        "{}",
        Chatty(|| {
            shared.alloc_slice_copy(&[2u8; 5000]);
        })
    ));
    assert_eq!(&*text, expected_text());

    let local = shared.local();
    let items = local.alloc_iter(noisy_items(64, || {
        local.alloc_slice_copy(&[4u8; 1500]);
    }));
    assert_eq!(items, (0..64).collect::<Vec<_>>().as_slice());
    let text = local.alloc_fmt(format_args!(
        "{}",
        Chatty(|| {
            local.alloc_slice_copy(&[5u8; 3000]);
        })
    ));
    assert_eq!(&*text, expected_text());
    // (No heap-owning items: a lake never drops what it holds, and miri reports leaks.)
    let cloned = local.alloc_slice_clone(&[Some("x"), None]);
    assert_eq!(cloned, &[Some("x"), None]);
}

#[test]
fn a_scope_whose_body_crossed_chunks_rewinds_and_drops_after_its_destructors_run() {
    let mut lake = Lake::builder().capacity(128).max_chunk_size(256).build();
    lake.alloc(1u64);
    let used = lake.stats().used;
    for _ in 0..3 {
        lake.scope(|s| {
            s.alloc_dropping(String::from("scope value"));
            s.as_lake().alloc_dropping(vec![1u8; 10]);
            for _ in 0..20 {
                s.alloc([0u8; 100]);
            }
        });
        assert_eq!(lake.stats().used, used);
    }
    let snap = lake.snapshot();
    for i in 0..20 {
        lake.alloc_dropping(format!("value {i}"));
        lake.alloc([0u8; 100]);
    }
    lake.rewind(&snap).unwrap();
    assert_eq!(lake.stats().used, used);
}
