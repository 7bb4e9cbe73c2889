//! User code that runs between a reservation and its bookkeeping may allocate from the same
//! lake, and that allocation may move the lake on to another chunk. Nothing may assume "the last
//! block lives in the current chunk": a droplet writer, an `alloc_iter` iterator, an `alloc_fmt`
//! `Display`, an `alloc_with` closure and a `Vec<_, &Lake>` growing between other allocations
//! all allocate across a chunk change here. Under miri (both aliasing models, strict provenance)
//! any out-of-bounds pointer arithmetic or aliasing in those paths is reported.

use core::fmt;

use lake::Lake;
use proptest::prelude::*;

/// The review's reproducer: the droplet's bytes are in chunk 0, the writer opened chunk 1.
#[test]
fn droplet_writer_that_opens_a_new_chunk() {
    let lake = Lake::with_capacity(64);
    let d = lake.droplet_with(|w| {
        w.extend_from_slice(&[0xAA; 8]);
        std::hint::black_box(lake.alloc_slice_copy(&[0u8; 4096])); // opens chunk 1
    });
    assert_eq!(lake.stats().chunks, 2);
    assert_eq!(d.get(&lake), Some(&[0xAA; 8][..]));
    assert!(d.is_valid(&lake));
}

/// The writer allocates, then writes again: its block is no longer last, so it moves to the new
/// chunk; the droplet must record that chunk.
#[test]
fn droplet_writer_that_moves_after_the_chunk_change() {
    let mut lake = Lake::with_capacity(64);
    let d = lake.droplet_with(|w| {
        w.extend_from_slice(b"head-");
        let other = lake.alloc_slice_copy(&[7u8; 200]);
        w.extend_from_slice(b"tail");
        assert!(other.iter().all(|&b| b == 7));
    });
    assert_eq!(d.get(&lake), Some(&b"head-tail"[..]));
    d.get_mut(&mut lake).unwrap().make_ascii_uppercase();
    assert_eq!(d.get(&lake), Some(&b"HEAD-TAIL"[..]));
    lake.reset();
    assert_eq!(d.get(&lake), None);
}

/// After a rewind the lake keeps later chunks and may jump forward into one of them: a writer
/// allocation that lands in a retained chunk leaves the droplet's bytes behind in an earlier one.
#[test]
fn droplet_writer_that_enters_a_retained_chunk() {
    let mut lake = Lake::with_capacity(64);
    let snap = lake.snapshot();
    lake.alloc_slice_copy(&[1u8; 4096]); // opens a big chunk
    lake.rewind(&snap).unwrap(); // back to chunk 0; the big chunk is retained
    let d = lake.droplet_with(|w| {
        w.extend_from_slice(&[0x55; 16]);
        std::hint::black_box(lake.alloc_slice_copy(&[2u8; 1024])); // enters the retained chunk
    });
    assert_eq!(d.get(&lake), Some(&[0x55; 16][..]));
}

/// The same through a scope, whose `droplet_with` forwards to the lake's.
#[test]
fn scope_droplet_writer_that_opens_a_new_chunk() {
    let mut lake = Lake::with_capacity(64);
    lake.scope(|s| {
        let d = s.droplet_with(|w| {
            w.extend_from_slice(b"scoped");
            std::hint::black_box(s.alloc_slice_copy(&[0u8; 4096]));
        });
        assert_eq!(d.get(s.as_lake()), Some(&b"scoped"[..]));
    });
}

/// `try_droplet_with` in a fixed lake whose writer exhausts it: an error, never a bad place.
#[test]
fn droplet_writer_that_exhausts_a_fixed_lake() {
    let lake = Lake::fixed(64);
    let r = lake.try_droplet_with(|w| {
        w.extend_from_slice(&[1; 8]);
        assert!(lake.try_alloc_slice_copy(&[0u8; 4096]).is_err());
        let _ = lake.try_alloc_slice_copy(&[0u8; 40]);
        w.extend_from_slice(&[2; 32]); // no longer fits
    });
    assert!(r.is_err());
}

/// An iterator that allocates from the lake it is collected into, opening new chunks.
#[test]
fn alloc_iter_whose_iterator_allocates() {
    let lake = Lake::with_capacity(64);
    let side = std::cell::RefCell::new(Vec::new());
    let values = lake.alloc_iter((0u64..40).map(|i| {
        side.borrow_mut()
            .push(lake.alloc_slice_copy(&[i as u8; 300]) as &[u8]);
        i * 3
    }));
    assert!(lake.stats().chunks > 1);
    assert_eq!(values.len(), 40);
    assert!(values.iter().enumerate().all(|(i, &v)| v == i as u64 * 3));
    for (i, block) in side.borrow().iter().enumerate() {
        assert!(block.iter().all(|&b| b == i as u8));
    }
}

/// A `Display` that allocates from the lake `alloc_fmt` is writing into.
#[test]
fn alloc_fmt_whose_display_allocates() {
    struct Noisy<'a>(&'a Lake);
    impl fmt::Display for Noisy<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for i in 0..20 {
                write!(f, "{i},")?;
                std::hint::black_box(self.0.alloc_slice_copy(&[0u8; 500]));
            }
            Ok(())
        }
    }
    let lake = Lake::with_capacity(64);
    let s = lake.alloc_fmt(format_args!("<{}>", Noisy(&lake)));
    let want: String = core::iter::once("<".to_string())
        .chain((0..20).map(|i| format!("{i},")))
        .chain(core::iter::once(">".to_string()))
        .collect();
    assert_eq!(&*s, want);
    assert!(lake.stats().chunks > 1);
}

/// `alloc_with` whose closure allocates (and opens a chunk) before the value is written.
#[test]
fn alloc_with_whose_closure_allocates() {
    let lake = Lake::with_capacity(64);
    let outer = lake.alloc_with(|| [9u64; 4]);
    let v = lake.alloc_with(|| {
        let big = lake.alloc_slice_copy(&[3u8; 4096]);
        big[0] = 4;
        [big.len() as u64; 6]
    });
    let inner = lake.alloc_slice_copy(b"after");
    assert_eq!(*outer, [9; 4]);
    assert_eq!(*v, [4096; 6]);
    assert_eq!(inner, b"after");
}

/// A `Vec<_, &Lake>` that grows after other allocations moved the lake to a new chunk.
#[test]
fn allocator_vec_growing_across_a_chunk_change() {
    let lake = Lake::with_capacity(64);
    let mut v: allocator_api2::vec::Vec<u32, &Lake> = allocator_api2::vec::Vec::new_in(&lake);
    let mut others = Vec::new();
    for i in 0..500u32 {
        v.push(i);
        if i % 50 == 0 {
            others.push(lake.alloc_slice_copy(&[i as u8; 700]) as &[u8]);
        }
    }
    assert!(lake.stats().chunks > 1);
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u32));
    for block in &others {
        assert!(block.iter().all(|&b| b == block[0]));
    }
}

/// A writer step: write bytes into the droplet or allocate from the same lake.
#[derive(Clone, Debug)]
enum Step {
    Write(Vec<u8>),
    Allocate(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..48).prop_map(Step::Write),
        (0usize..2048).prop_map(Step::Allocate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Model: the droplet holds exactly the concatenation of what was written, and every block
    /// the writer allocated from the same lake still holds its own pattern, whatever chunks the
    /// allocations opened or entered; several droplets in a row, with the lake reset between
    /// rounds so retained chunks are reused.
    #[test]
    fn droplet_writer_allocating_random_sizes(
        first in 0usize..256,
        rounds in prop::collection::vec(prop::collection::vec(step(), 0..8), 1..4),
    ) {
        let mut lake = Lake::with_capacity(first);
        for steps in &rounds {
            let mut want = Vec::new();
            let mut blocks: Vec<(&[u8], u8)> = Vec::new();
            let d = lake.droplet_with(|w| {
                for (i, s) in steps.iter().enumerate() {
                    match s {
                        Step::Write(bytes) => {
                            w.extend_from_slice(bytes);
                            want.extend_from_slice(bytes);
                        }
                        Step::Allocate(n) => {
                            let tag = i as u8 ^ 0x5A;
                            blocks.push((lake.alloc_slice_fill_with(*n, |_| tag), tag));
                        }
                    }
                }
            });
            for (block, tag) in &blocks {
                prop_assert!(block.iter().all(|b| b == tag));
            }
            prop_assert_eq!(d.get(&lake), Some(&want[..]));
            lake.reset();
            prop_assert_eq!(d.get(&lake), None);
        }
    }
}
