//! One or more behavioural tests for every public function: values round-trip, fallible twins
//! fail with the right error, closures run exactly when they should, statistics add up.

use std::alloc::Layout;
use std::cell::Cell;
use std::fmt;

use bytemuck::Zeroable;
use lake::{AllocError, Lake, LakeBox, LakeStats};
use lake_tests::{addr_of, assert_allocations, expect_panic, overlaps};

/// Fills a lake's first chunk with 0xFF and resets it, so later values that are not written in
/// full would show stale bytes.
fn dirty_lake() -> Lake {
    let mut lake = Lake::with_capacity(1024);
    lake.alloc_slice_copy(&[0xFF_u8; 1024]);
    lake.reset();
    lake
}

#[test]
fn new_and_default_start_empty_and_take_a_chunk_on_first_use() {
    for lake in [Lake::new(), Lake::default()] {
        let stats = lake.stats();
        assert_eq!((stats.used, stats.capacity, stats.chunks), (0, 0, 0));
        assert_eq!(stats.high_water, 0);
        assert_allocations(stats, 0);
        lake.alloc(1u64);
        let stats = lake.stats();
        assert_eq!((stats.used, stats.chunks), (8, 1));
        assert_allocations(stats, 1);
        assert!(stats.capacity >= 8);
    }
}

#[test]
fn with_capacity_preallocates_and_serves_that_much_without_growing() {
    for n in [1, 100, 1000, 4096] {
        let lake = Lake::with_capacity(n);
        let stats = lake.stats();
        assert_eq!(stats.chunks, 1);
        assert!(stats.capacity >= n);
        lake.alloc_slice_zeroed::<u8>(n);
        assert_eq!(
            lake.stats().chunks,
            1,
            "with_capacity({n}) grew for {n} bytes"
        );
        let lake = Lake::try_with_capacity(n).unwrap();
        assert!(lake.stats().capacity >= n);
    }
}

#[test]
fn fixed_and_try_fixed_have_one_chunk_of_exactly_that_size() {
    let lake = Lake::fixed(100);
    assert_eq!((lake.stats().capacity, lake.stats().chunks), (100, 1));
    assert!(lake.try_alloc([1u8; 100]).is_ok());
    assert_eq!(
        lake.try_alloc(1u8).unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 1,
            remaining: 0
        }
    );
    let lake = Lake::try_fixed(64).unwrap();
    assert_eq!(lake.stats().capacity, 64);
    let message = expect_panic(|| Lake::fixed(usize::MAX));
    assert!(message.contains("out of memory"), "{message}");
}

#[test]
fn builder_options_take_effect() {
    let b = Lake::builder()
        .capacity(4096)
        .limit(1 << 20)
        .max_chunk_size(8192)
        .zero_on_reset(true);
    let copy = b.clone();
    assert!(format!("{b:?}").contains("4096"));
    let lake = b.build();
    assert_eq!((lake.stats().capacity, lake.stats().chunks), (4096, 1));
    let lake2 = copy.try_build().unwrap();
    assert_eq!(lake2.stats().capacity, 4096);

    // limit: refuses growth past it.
    let limited = Lake::builder().limit(2048).build();
    assert!(limited.try_alloc_slice_zeroed::<u8>(1024).is_ok());
    assert!(matches!(
        limited.try_alloc_slice_zeroed::<u8>(2048),
        Err(AllocError::LimitExceeded { limit: 2048, .. })
    ));

    // fixed: never grows.
    let fixed = Lake::builder().capacity(32).fixed().build();
    assert!(fixed.try_alloc([0u8; 32]).is_ok());
    assert!(fixed.try_alloc(0u8).is_err());
    let empty_fixed = Lake::builder().fixed().build();
    assert_eq!(empty_fixed.stats().capacity, 0);
    assert!(empty_fixed.try_alloc(0u8).is_err());

    // max_chunk_size: a large cap lets chunks double past the default first size.
    let small = Lake::builder().max_chunk_size(1024).build();
    let big = Lake::builder().max_chunk_size(1 << 20).build();
    for lake in [&small, &big] {
        for _ in 0..200 {
            lake.alloc([0u8; 100]);
        }
    }
    assert!(
        small.stats().chunks > big.stats().chunks,
        "{:?} {:?}",
        small.stats(),
        big.stats()
    );
}

#[test]
fn alloc_round_trips_values_of_many_types() {
    #[derive(Debug, PartialEq, Clone, Copy)]
    struct Point {
        x: i32,
        y: f64,
    }
    let lake = Lake::new();
    let a = lake.alloc(7u8);
    let b = lake.alloc(-3i128);
    let c = lake.alloc(Point { x: 1, y: 2.5 });
    let d = lake.alloc([1u16, 2, 3]);
    let e = lake.alloc("static str");
    let f = lake.alloc(Some(&*lake.alloc(99u32)));
    *a += 1;
    c.x = 10;
    d[2] = 30;
    assert_eq!((*a, *b, *c), (8, -3, Point { x: 10, y: 2.5 }));
    assert_eq!(
        (*d, *e, **f.as_ref().unwrap()),
        ([1, 2, 30], "static str", 99)
    );
    let ranges = [
        (addr_of(a), 1),
        (addr_of(b), 16),
        (addr_of(c), 16),
        (addr_of(d), 6),
    ];
    for (i, x) in ranges.iter().enumerate() {
        for y in &ranges[i + 1..] {
            assert!(!overlaps(*x, *y));
        }
    }
    assert_eq!(addr_of(b) % std::mem::align_of::<i128>(), 0);
    assert_allocations(lake.stats(), 7);
}

#[test]
fn try_alloc_returns_the_value_or_the_error() {
    let lake = Lake::fixed(12);
    assert_eq!(*lake.try_alloc(5u64).unwrap(), 5);
    assert_eq!(
        lake.try_alloc(6u64).unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 8,
            remaining: 4
        }
    );
    assert_eq!(*lake.try_alloc(7u32).unwrap(), 7);
}

#[test]
fn alloc_with_calls_the_closure_once_and_stores_its_result() {
    let lake = Lake::new();
    let calls = Cell::new(0);
    let table = lake.alloc_with(|| {
        calls.set(calls.get() + 1);
        let mut t = [0u32; 256];
        for (i, x) in t.iter_mut().enumerate() {
            *x = (i * i) as u32;
        }
        t
    });
    assert_eq!(calls.get(), 1);
    assert_eq!(table[255], 255 * 255);
    let x = lake.try_alloc_with(|| 41u64 + 1).unwrap();
    assert_eq!(*x, 42);
}

#[test]
fn try_alloc_with_does_not_call_the_closure_when_there_is_no_room() {
    let lake = Lake::fixed(4);
    let called = Cell::new(false);
    let err = lake
        .try_alloc_with(|| {
            called.set(true);
            0u64
        })
        .unwrap_err();
    assert!(!called.get());
    assert_eq!(
        err,
        AllocError::CapacityExceeded {
            requested: 8,
            remaining: 4
        }
    );
    let limited = Lake::builder().limit(0).build();
    assert!(matches!(
        limited.try_alloc_with(|| {
            called.set(true);
            1u8
        }),
        Err(AllocError::LimitExceeded { .. })
    ));
    assert!(!called.get());
}

#[test]
fn alloc_with_that_panics_leaves_the_lake_usable() {
    let lake = Lake::with_capacity(128);
    let before = lake.alloc(1u64);
    expect_panic(|| lake.alloc_with(|| -> u64 { panic!("no value") }));
    let after = lake.alloc(2u64);
    assert_eq!((*before, *after), (1, 2));
}

#[derive(Clone, Copy, Debug, PartialEq, Zeroable)]
#[repr(C)]
struct Header {
    magic: u32,
    len: u32,
    flags: [u8; 8],
    offset: u64,
}

#[test]
fn alloc_zeroed_gives_all_zero_values_even_in_reused_memory() {
    let lake = dirty_lake();
    let h: &mut Header = lake.alloc_zeroed();
    assert_eq!(*h, Header::zeroed());
    h.magic = 0xCAFE;
    let n: &mut u64 = lake.alloc_zeroed();
    assert_eq!(*n, 0);
    let arr = lake.try_alloc_zeroed::<[i16; 32]>().unwrap();
    assert_eq!(arr, &[0; 32]);
    assert_eq!(h.magic, 0xCAFE);
    let fixed = Lake::fixed(8);
    assert!(fixed.try_alloc_zeroed::<u64>().is_ok());
    assert_eq!(
        fixed.try_alloc_zeroed::<u32>().unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 4,
            remaining: 0
        }
    );
}

#[test]
fn alloc_slice_copy_copies_and_is_independent_of_the_source() {
    let lake = Lake::new();
    let mut src = vec![1u32, 2, 3, 4, 5];
    let copy = lake.alloc_slice_copy(&src);
    src[0] = 100;
    copy[4] = 50;
    assert_eq!(copy, &[1, 2, 3, 4, 50]);
    assert_eq!(src, [100, 2, 3, 4, 5]);
    assert_eq!(addr_of(copy) % 4, 0);
    let empty: &mut [u64] = lake.alloc_slice_copy(&[]);
    assert!(empty.is_empty());
    let fixed = Lake::fixed(3);
    assert_eq!(fixed.try_alloc_slice_copy(b"abc").unwrap(), b"abc");
    assert_eq!(
        fixed.try_alloc_slice_copy(b"d").unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 1,
            remaining: 0
        }
    );
}

#[test]
fn alloc_slice_clone_clones_each_element() {
    let lake = Lake::new();
    let log = lake_tests::DropLog::new();
    let src = [log.spy(1), log.spy(2), log.spy(3)];
    let clones = lake.alloc_slice_clone(&src);
    assert_eq!(
        clones.iter().map(|s| s.id()).collect::<Vec<_>>(),
        [1, 2, 3].map(|i| i + lake_tests::CLONE_OFFSET)
    );
    let words = ["alpha", "beta"];
    let copied = lake.try_alloc_slice_clone(&words).unwrap();
    copied[0] = "gamma";
    assert_eq!(copied, &["gamma", "beta"]);
    assert_eq!(words, ["alpha", "beta"]);
    let fixed = Lake::fixed(8);
    assert!(matches!(
        fixed.try_alloc_slice_clone(&[1u32, 2, 3]),
        Err(AllocError::CapacityExceeded { requested: 12, .. })
    ));
}

#[test]
fn alloc_slice_fill_with_calls_f_for_each_index_in_order() {
    let lake = Lake::new();
    let mut seen = Vec::new();
    let squares = lake.alloc_slice_fill_with(6, |i| {
        seen.push(i);
        i * i
    });
    assert_eq!(squares, &[0, 1, 4, 9, 16, 25]);
    assert_eq!(seen, [0, 1, 2, 3, 4, 5]);
    let none = lake.alloc_slice_fill_with(0, |_| -> u8 { unreachable!() });
    assert!(none.is_empty());
    let fixed = Lake::fixed(10);
    assert!(fixed.try_alloc_slice_fill_with(10, |i| i as u8).is_ok());
    assert!(matches!(
        fixed.try_alloc_slice_fill_with(1, |i| i as u8),
        Err(AllocError::CapacityExceeded { .. })
    ));
}

#[test]
fn alloc_slice_zeroed_gives_zeros_even_in_reused_memory() {
    let lake = dirty_lake();
    let a = lake.alloc_slice_zeroed::<u8>(300);
    let b = lake.alloc_slice_zeroed::<u64>(40);
    let c = lake.try_alloc_slice_zeroed::<Header>(5).unwrap();
    assert!(a.iter().all(|&x| x == 0));
    assert!(b.iter().all(|&x| x == 0));
    assert!(c.iter().all(|h| *h == Header::zeroed()));
    assert_eq!((a.len(), b.len(), c.len()), (300, 40, 5));
    let fixed = Lake::fixed(1024);
    assert!(fixed.try_alloc_slice_zeroed::<u32>(256).is_ok());
    assert!(fixed.try_alloc_slice_zeroed::<u32>(1).is_err());
}

#[test]
fn alloc_str_copies_text_including_multibyte_characters() {
    let lake = Lake::new();
    let s = lake.alloc_str("grüße, 世界 🌊");
    assert_eq!(s, "grüße, 世界 🌊");
    s.make_ascii_uppercase();
    assert_eq!(s, "GRüßE, 世界 🌊");
    assert_eq!(lake.alloc_str(""), "");
    let fixed = Lake::fixed(2);
    assert_eq!(fixed.try_alloc_str("hi").unwrap(), "hi");
    assert_eq!(
        fixed.try_alloc_str("!").unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 1,
            remaining: 0
        }
    );
}

#[test]
fn alloc_fmt_matches_format() {
    let lake = Lake::new();
    let (n, x, name) = (7, 0.25, "eth0");
    let line = lake.alloc_fmt(format_args!("{name}: {n} packets, {x:.1}% loss, {n:#06x}"));
    assert_eq!(
        *line,
        format!("{name}: {n} packets, {x:.1}% loss, {n:#06x}")
    );
    assert_eq!(lake.alloc_fmt(format_args!("literal only")), "literal only");
    assert_eq!(lake.alloc_fmt(format_args!("")), "");
    // Longer than the first chunk: the text grows across chunks.
    let long = lake.alloc_fmt(format_args!("{:->3000}", n));
    assert_eq!(long.len(), 3000);
    assert!(long.ends_with("--7"));
    assert_eq!(
        *line,
        format!("{name}: {n} packets, {x:.1}% loss, {n:#06x}")
    );
}

#[test]
fn try_alloc_fmt_reports_running_out_of_room() {
    let lake = Lake::fixed(4);
    let n = 12;
    assert_eq!(lake.try_alloc_fmt(format_args!("{n}")).unwrap(), "12");
    assert!(matches!(
        lake.try_alloc_fmt(format_args!("{}", n * 1000)),
        Err(AllocError::CapacityExceeded { .. })
    ));
    // The failed attempt used nothing, and text that fits the last two bytes still succeeds.
    assert_eq!(lake.stats().used, 2);
    assert_eq!(lake.try_alloc_fmt(format_args!("{}", n - 2)).unwrap(), "10");
    assert!(lake.try_alloc_fmt(format_args!("{n}")).is_err());
}

/// Formats by allocating in the same lake it is being formatted into.
struct Nested<'l>(&'l Lake, u32);

impl fmt::Display for Nested<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..self.1 {
            let piece = self.0.alloc_fmt(format_args!("<{i}>"));
            self.0.alloc([i; 3]);
            f.write_str(piece)?;
        }
        Ok(())
    }
}

#[test]
fn alloc_fmt_survives_formatting_code_that_allocates_in_the_same_lake() {
    let lake = Lake::with_capacity(64);
    let text = lake.alloc_fmt(format_args!("[{}|{}]", Nested(&lake, 20), 5));
    let want: String = (0..20).map(|i| format!("<{i}>")).collect();
    assert_eq!(*text, format!("[{want}|5]"));
}

struct Broken;

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("partial")?;
        Err(fmt::Error)
    }
}

#[test]
fn alloc_fmt_panics_when_a_formatting_impl_fails_and_the_lake_survives() {
    let lake = Lake::with_capacity(64);
    let keep = lake.alloc(11u32);
    let message = expect_panic(|| lake.try_alloc_fmt(format_args!("{}", Broken)));
    assert!(message.contains("formatting trait"), "{message}");
    assert_eq!(*keep, 11);
    assert_eq!(lake.alloc_fmt(format_args!("{}", 5)), "5");
}

/// An iterator that reports whatever size hint it is told to.
struct Liar {
    items: std::ops::Range<u32>,
    hint: (usize, Option<usize>),
}

impl Iterator for Liar {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        self.items.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.hint
    }
}

#[test]
fn alloc_iter_collects_exact_and_filtered_iterators() {
    let lake = Lake::new();
    let exact = lake.alloc_iter((0..100u32).map(|i| i * 3));
    assert_eq!(exact.len(), 100);
    assert!(exact.iter().enumerate().all(|(i, &x)| x == 3 * i as u32));
    let evens = lake.alloc_iter((0..1000u64).filter(|n| n % 2 == 0));
    assert_eq!(evens.len(), 500);
    assert!(evens.iter().enumerate().all(|(i, &x)| x == 2 * i as u64));
    let words = lake.alloc_iter("a bb ccc".split(' '));
    assert_eq!(words, &["a", "bb", "ccc"]);
    let empty = lake.alloc_iter(std::iter::empty::<u16>());
    assert!(empty.is_empty());
    let from_vec = lake.try_alloc_iter(vec![1u8, 2, 3]).unwrap();
    assert_eq!(from_vec, &[1, 2, 3]);
    assert_eq!(exact[99], 297);
}

#[test]
fn alloc_iter_is_correct_whatever_the_size_hint_says() {
    let hints = [
        (0, Some(0)),       // too low and a false upper bound
        (0, None),          // unknown
        (10, Some(10)),     // too low
        (50, Some(50)),     // right
        (200, None),        // too high
        (usize::MAX, None), // absurd: no block that size exists
    ];
    for hint in hints {
        let lake = Lake::with_capacity(64);
        let first = lake.alloc(1u8);
        let got = lake.alloc_iter(Liar { items: 0..50, hint });
        let after = lake.alloc(2u8);
        assert!(got.iter().copied().eq(0..50), "hint {hint:?}");
        assert_eq!((*first, *after), (1, 2));
        assert!(
            !overlaps((addr_of(got), 200), (addr_of(after), 1)),
            "hint {hint:?}"
        );
    }
    // A hint that is far too high must not keep its whole reservation.
    let lake = Lake::with_capacity(1 << 14);
    let got = lake.alloc_iter(Liar {
        items: 0..3,
        hint: (1000, Some(1000)),
    });
    assert_eq!(got, &[0, 1, 2]);
    assert!(lake.stats().used < 1000, "{:?}", lake.stats());
}

#[test]
fn alloc_iter_survives_an_iterator_that_allocates_in_the_same_lake() {
    let lake = Lake::with_capacity(64);
    let refs = lake.alloc_iter((0..100u64).map(|i| &*lake.alloc(i * 7)));
    assert_eq!(refs.len(), 100);
    assert!(refs.iter().enumerate().all(|(i, &&x)| x == 7 * i as u64));
    let inner = lake.alloc_iter(
        (0..30)
            .filter(|i| i % 3 == 0)
            .map(|i| lake.alloc_str(&"x".repeat(i)).len()),
    );
    assert_eq!(inner, &[0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
}

#[test]
fn try_alloc_iter_reports_running_out_of_room() {
    let lake = Lake::fixed(16);
    assert_eq!(lake.try_alloc_iter(0u32..4).unwrap(), &[0, 1, 2, 3]);
    assert!(matches!(
        lake.try_alloc_iter(0u32..4),
        Err(AllocError::CapacityExceeded { .. })
    ));
}

#[test]
fn alloc_layout_gives_an_aligned_writable_block() {
    let lake = Lake::new();
    lake.alloc(1u8);
    let layout = Layout::from_size_align(100, 32).unwrap();
    let block = lake.alloc_layout(layout);
    assert_eq!(block.as_ptr().addr() % 32, 0);
    // SAFETY: the block has 100 writable bytes nothing else references; they are written
    // before being read.
    let bytes = unsafe {
        block.as_ptr().write_bytes(0x3C, 100);
        std::slice::from_raw_parts(block.as_ptr(), 100)
    };
    assert!(bytes.iter().all(|&b| b == 0x3C));
    let next = lake.alloc(9u8);
    assert!(!overlaps((block.as_ptr().addr(), 100), (addr_of(next), 1)));
    let fixed = Lake::fixed(32);
    assert!(fixed.try_alloc_layout(Layout::new::<[u8; 32]>()).is_ok());
    assert_eq!(
        fixed.try_alloc_layout(Layout::new::<u8>()).unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 1,
            remaining: 0
        }
    );
}

#[test]
fn alloc_box_derefs_compares_and_formats() {
    let lake = Lake::new();
    let mut a = lake.alloc_box(vec![1, 2, 3]);
    a.push(4);
    a.as_mut().push(5);
    assert_eq!(a.as_ref(), &[1, 2, 3, 4, 5]);
    assert_eq!(format!("{a:?}"), "[1, 2, 3, 4, 5]");
    let b = lake.alloc_box(String::from("lake"));
    assert_eq!(format!("{b}|{b:>6}|{b:?}"), "lake|  lake|\"lake\"");
    let x = lake.alloc_box(5u32);
    let y = lake.try_alloc_box(5u32).unwrap();
    let z = lake.alloc_box(6u32);
    assert_eq!(x, y);
    assert_ne!(x, z);
    assert_eq!(*x + *z, 11);
    let fixed = Lake::fixed(0);
    assert!(matches!(
        fixed.try_alloc_box(1u8),
        Err(AllocError::CapacityExceeded { requested: 1, .. })
    ));
    let v: Vec<i32> = LakeBox::into_inner(a);
    assert_eq!(v, [1, 2, 3, 4, 5]);
    let s: &mut String = LakeBox::leak(b);
    s.push('!');
    assert_eq!(s, "lake!");
    // `s` owns a heap buffer that `leak` promised never to free: free it by hand so miri's
    // leak check passes.
    drop(std::mem::take(s));
}

#[test]
fn reset_frees_everything_and_reuses_the_memory() {
    let mut lake = Lake::with_capacity(1024);
    let first = addr_of(lake.alloc([1u8; 16]));
    lake.alloc_slice_copy(&[2u8; 500]);
    assert_eq!(lake.stats().used, 516);
    lake.reset();
    let stats = lake.stats();
    assert_eq!((stats.used, stats.chunks), (0, 1));
    assert_allocations(stats, 0);
    assert_eq!(addr_of(lake.alloc([3u8; 16])), first);
    lake.reset();
    lake.reset();
    assert_eq!(lake.stats().used, 0);
    let mut empty = Lake::new();
    empty.reset();
    let s = empty.stats();
    let zero = LakeStats::default();
    assert_eq!(
        (s.used, s.capacity, s.chunks, s.high_water),
        (zero.used, zero.capacity, zero.chunks, zero.high_water)
    );
    assert_allocations(s, 0);
}

/// A lake that never took a chunk (only zero-sized values) still clears its count on reset.
#[test]
fn reset_clears_the_allocation_count_of_a_lake_without_chunks() {
    let mut lake = Lake::new();
    lake.alloc(());
    lake.alloc_slice_copy::<u64>(&[]);
    assert_eq!(lake.stats().chunks, 0);
    assert_allocations(lake.stats(), 2);
    lake.reset();
    assert_allocations(lake.stats(), 0);
}

#[test]
fn stats_report_used_capacity_chunks_high_water_and_allocations() {
    let mut lake = Lake::with_capacity(1024);
    lake.alloc(1u32);
    lake.alloc(2u32);
    let s = lake.stats();
    assert_eq!((s.used, s.chunks, s.capacity), (8, 1, 1024));
    assert_allocations(s, 2);
    assert_eq!(s.high_water, 8);
    // Alignment padding counts as used.
    lake.alloc(1u8);
    lake.alloc(3u64);
    assert_eq!(lake.stats().used, 24);
    // A peak seen only by `reset` (no stats call in between) still counts.
    lake.alloc_slice_zeroed::<u8>(500);
    lake.reset();
    let s = lake.stats();
    assert_eq!(s.used, 0);
    assert_allocations(s, 0);
    assert_eq!(s.high_water, 524);
    lake.alloc(1u8);
    assert_eq!(lake.stats().high_water, 524, "high water went down");
    // Growth shows up in chunks and capacity.
    lake.alloc_slice_zeroed::<u8>(2000);
    let s = lake.stats();
    assert_eq!(s.chunks, 2);
    assert!(s.capacity >= 1024 + 2000);
    assert_eq!(s.used, 2001);
    // Copy + Eq + Debug.
    if cfg!(feature = "count-allocations") {
        assert_eq!(s.allocations, Some(2));
    }
    let copy = s;
    assert_eq!(copy, s);
    assert!(format!("{s:?}").contains("high_water"));
}

#[test]
fn lake_debug_shows_its_statistics() {
    let lake = Lake::fixed(64);
    lake.alloc(1u16);
    let text = format!("{lake:?}");
    assert!(text.starts_with("Lake"), "{text}");
    assert!(text.contains("used: 2"), "{text}");
    assert!(text.contains("fixed: true"), "{text}");
}

#[test]
fn alloc_error_is_comparable_copyable_and_debuggable() {
    let a = AllocError::OutOfMemory { requested: 5 };
    let b = a;
    assert_eq!(a, b);
    assert_ne!(a, AllocError::OutOfMemory { requested: 6 });
    assert!(format!("{a:?}").contains("OutOfMemory"));
    let e: &dyn std::error::Error = &a;
    assert!(e.source().is_none());
}

#[test]
fn the_reexported_allocator_trait_is_the_one_lake_implements() {
    fn takes<A: lake::allocator_api2::alloc::Allocator>(a: A) -> A {
        a
    }
    let lake = Lake::new();
    let alloc = takes(&lake);
    let v = allocator_api2::vec::Vec::<u8, _>::with_capacity_in(10, alloc);
    assert_eq!(v.capacity(), 10);
}
