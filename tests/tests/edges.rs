//! Edge cases: zero-sized types, extreme alignments and sizes, impossible requests, tiny and
//! zero-byte lakes, limits, growth, reset, zeroing and error messages.

use std::alloc::Layout;
use std::cell::Cell;

use lake::{AllocError, Lake};
use lake_tests::{addr_of, assert_allocations, overlaps, scaled};

#[repr(align(4096))]
struct Page;

#[repr(align(64))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line;

#[test]
fn many_zero_sized_values_are_aligned_and_non_null() {
    let lake = Lake::new();
    for _ in 0..scaled(10_000, 200) {
        let unit: &mut () = lake.alloc(());
        assert_ne!(addr_of(unit), 0);
        let line: &mut Line = lake.alloc(Line);
        assert_eq!(addr_of(line) % 64, 0);
    }
    let stats = lake.stats();
    assert_eq!(stats.used, 0, "zero-sized values used bytes");
    assert_eq!(stats.capacity, 0, "zero-sized values took a chunk");
    assert_allocations(stats, scaled(20_000, 400));
}

#[test]
fn a_page_aligned_zero_sized_value_is_page_aligned() {
    // In a lake without chunks. (Inside a chunk, see `known_bugs.rs`: miri's symbolic alignment
    // check rejects the write.)
    let lake = Lake::new();
    let page: &mut Page = lake.alloc(Page);
    assert_eq!(addr_of(page) % 4096, 0);
    assert_ne!(addr_of(page), 0);
    let b = lake.alloc_box(Page);
    assert_eq!(addr_of(&*b) % 4096, 0);
    let pages = lake.alloc_iter((0..3).map(|_| Page));
    assert_eq!(pages.len(), 3);
    assert_eq!(addr_of(pages) % 4096, 0);
}

/// A zero-sized type at the chunk alignment (16), which may be placed inside a chunk.
#[repr(align(16))]
#[derive(Clone, Copy, Debug)]
struct Sixteen;

#[test]
fn zero_sized_slices_are_aligned() {
    // Over-aligned ZSTs in a lake without chunks (see `known_bugs.rs` for inside a chunk).
    let lake = Lake::new();
    let lines = lake.alloc_slice_copy(&[Line; 10]);
    assert_eq!(lines.len(), 10);
    assert_eq!(addr_of(lines) % 64, 0);
    let lines = lake.alloc_slice_fill_with(1000, |_| Line);
    assert_eq!(lines.len(), 1000);
    assert_eq!(addr_of(lines) % 64, 0);

    let lake = Lake::with_capacity(64);
    lake.alloc(1u8);
    let sixteens = lake.alloc_slice_copy(&[Sixteen; 10]);
    assert_eq!(sixteens.len(), 10);
    assert_eq!(addr_of(sixteens) % 16, 0);
    let sixteens = lake.alloc_iter((0..7).map(|_| Sixteen));
    assert_eq!((sixteens.len(), addr_of(sixteens) % 16), (7, 0));
    // At most alignment padding was used.
    assert!(lake.stats().used <= 16, "{:?}", lake.stats());
    let used = lake.stats().used;
    let units = lake.alloc_slice_zeroed::<()>(usize::MAX);
    assert_eq!(units.len(), usize::MAX);
    assert_eq!(lake.stats().used, used, "zero-sized slices used bytes");
}

#[test]
fn every_alignment_up_to_a_page_is_honoured() {
    for config in 0..3 {
        let lake = match config {
            0 => Lake::new(),
            1 => Lake::with_capacity(1 << 14),
            _ => Lake::builder().capacity(16).max_chunk_size(64).build(),
        };
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        for shift in 0..=12 {
            let align = 1usize << shift;
            for size in [0, 1, align - 1, align, align + 3] {
                // Misalign the cursor first.
                lake.alloc(0u8);
                let layout = Layout::from_size_align(size, align).unwrap();
                let block = lake.alloc_layout(layout);
                let addr = block.as_ptr().addr();
                assert_eq!(addr % align, 0, "size {size} align {align} config {config}");
                // SAFETY: the block has `size` writable bytes that nothing else references.
                unsafe { block.as_ptr().write_bytes(0xEE, size) };
                for &other in &blocks {
                    assert!(
                        !overlaps(other, (addr, size)),
                        "{other:?} / {addr:#x}+{size}"
                    );
                }
                blocks.push((addr, size));
            }
        }
    }
}

#[test]
fn a_request_near_isize_max_is_an_error_not_a_panic() {
    let huge = isize::MAX as usize - 3;
    let layout = Layout::from_size_align(huge, 1).unwrap();
    let lake = Lake::new();
    let err = lake.try_alloc_layout(layout).unwrap_err();
    assert!(matches!(err, AllocError::OutOfMemory { .. }), "{err:?}");
    let limited = Lake::builder().limit(1 << 20).build();
    let err = limited.try_alloc_layout(layout).unwrap_err();
    assert!(
        matches!(
            err,
            AllocError::OutOfMemory { .. } | AllocError::LimitExceeded { .. }
        ),
        "{err:?}"
    );
    let fixed = Lake::fixed(64);
    let err = fixed.try_alloc_layout(layout).unwrap_err();
    assert_eq!(
        err,
        AllocError::CapacityExceeded {
            requested: huge,
            remaining: 64
        }
    );
    // Nothing changed.
    for l in [&lake, &limited, &fixed] {
        assert_eq!(l.stats().used, 0);
        assert_allocations(l.stats(), 0);
    }
    assert_eq!(lake.stats().chunks, 0);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "miri aborts on an allocation this large instead of failing it"
)]
fn a_chunk_the_global_allocator_refuses_is_out_of_memory() {
    let lake = Lake::new();
    let layout = Layout::from_size_align(1 << 61, 8).unwrap();
    let err = lake.try_alloc_layout(layout).unwrap_err();
    assert!(matches!(err, AllocError::OutOfMemory { requested } if requested >= 1 << 61));
    assert_eq!(lake.stats().chunks, 0);
    assert!(lake.try_alloc(5u8).is_ok());
    let err = Lake::try_with_capacity(1 << 62).unwrap_err();
    assert!(matches!(err, AllocError::OutOfMemory { .. }), "{err:?}");
}

#[test]
fn a_slice_whose_byte_size_overflows_is_an_invalid_layout() {
    let lake = Lake::new();
    let err = lake.try_alloc_slice_zeroed::<u64>(usize::MAX).unwrap_err();
    assert_eq!(
        err,
        AllocError::InvalidLayout {
            elem_size: 8,
            len: usize::MAX,
            align: 8
        }
    );
    // Just past isize::MAX bytes.
    let len = (isize::MAX as usize) / 4 + 1;
    let err = lake.try_alloc_slice_zeroed::<u32>(len).unwrap_err();
    assert!(matches!(err, AllocError::InvalidLayout { len: l, elem_size: 4, .. } if l == len));
    assert_allocations(lake.stats(), 0);
}

#[test]
fn an_impossible_fill_fails_without_calling_the_closure() {
    let lake = Lake::new();
    let calls = Cell::new(0);
    let count = |_| {
        calls.set(calls.get() + 1);
        0u8
    };
    let err = lake
        .try_alloc_slice_fill_with(usize::MAX / 2, count)
        .unwrap_err();
    assert!(
        matches!(
            err,
            AllocError::OutOfMemory { .. } | AllocError::InvalidLayout { .. }
        ),
        "{err:?}"
    );
    let err = lake
        .try_alloc_slice_fill_with(usize::MAX / 2, |i| {
            calls.set(calls.get() + 1);
            i as u64
        })
        .unwrap_err();
    assert!(matches!(err, AllocError::InvalidLayout { .. }), "{err:?}");
    assert_eq!(calls.get(), 0);
    assert!(lake.try_alloc_slice_fill_with(3, count).is_ok());
    assert_eq!(calls.get(), 3);
}

#[test]
fn with_capacity_of_usize_max_is_out_of_memory() {
    let err = Lake::try_with_capacity(usize::MAX).unwrap_err();
    assert!(matches!(err, AllocError::OutOfMemory { .. }), "{err:?}");
    let err = Lake::try_with_capacity(isize::MAX as usize).unwrap_err();
    assert!(matches!(err, AllocError::OutOfMemory { .. }), "{err:?}");
    let err = Lake::try_fixed(usize::MAX).unwrap_err();
    assert!(matches!(err, AllocError::OutOfMemory { .. }), "{err:?}");
    let message = lake_tests::expect_panic(|| Lake::with_capacity(usize::MAX));
    assert!(message.contains("out of memory"), "{message}");
}

#[test]
fn a_zero_byte_fixed_lake_still_serves_zero_sized_values() {
    let lake = Lake::fixed(0);
    let before = lake.stats();
    assert_eq!((before.capacity, before.used), (0, 0));
    assert!(lake.try_alloc(()).is_ok());
    assert!(lake.try_alloc(Line).is_ok());
    assert!(lake.try_alloc(Page).is_ok());
    assert_eq!(lake.try_alloc_slice_copy::<u8>(&[]).unwrap(), &[] as &[u8]);
    assert_eq!(lake.try_alloc_str("").unwrap(), "");
    let err = lake.try_alloc(1u8).unwrap_err();
    assert_eq!(
        err,
        AllocError::CapacityExceeded {
            requested: 1,
            remaining: 0
        }
    );
    assert_eq!(lake.stats().used, 0);
    assert_allocations(lake.stats(), 5);
    assert_eq!(lake.try_alloc_iter(std::iter::empty::<u64>()).unwrap(), &[]);
    assert_eq!(lake.try_alloc_iter([(), ()]).unwrap(), &[(), ()]);
}

#[test]
fn a_fixed_lake_holds_exactly_its_capacity() {
    for n in [1, 7, 16, 33, 100] {
        let lake = Lake::fixed(n);
        assert_eq!(lake.stats().capacity, n);
        let bytes = lake.try_alloc_slice_fill_with(n, |i| i as u8).unwrap();
        assert_eq!(bytes.len(), n);
        let err = lake.try_alloc(0u8).unwrap_err();
        assert_eq!(
            err,
            AllocError::CapacityExceeded {
                requested: 1,
                remaining: 0
            },
            "fixed({n})"
        );
        assert_eq!(lake.stats().chunks, 1);
    }
}

#[test]
fn a_fixed_lake_never_allocates_another_chunk() {
    let lake = Lake::fixed(256);
    let mut served = 0;
    while lake.try_alloc([0u8; 24]).is_ok() {
        served += 1;
    }
    assert_eq!(served, 256 / 24);
    let stats = lake.stats();
    assert_eq!((stats.chunks, stats.capacity), (1, 256));
    // Exactly what is left still fits.
    let left = 256 - served * 24;
    assert!(lake.try_alloc_slice_zeroed::<u8>(left).is_ok());
    assert!(lake.try_alloc_slice_zeroed::<u8>(1).is_err());
}

#[test]
fn builder_capacity_above_the_limit_is_limit_exceeded() {
    let err = Lake::builder()
        .capacity(4096)
        .limit(1024)
        .try_build()
        .unwrap_err();
    assert_eq!(
        err,
        AllocError::LimitExceeded {
            requested: 4096,
            limit: 1024,
            allocated: 0
        }
    );
    let err = Lake::builder()
        .capacity(17)
        .limit(16)
        .fixed()
        .try_build()
        .unwrap_err();
    assert!(matches!(
        err,
        AllocError::LimitExceeded {
            requested: 17,
            limit: 16,
            ..
        }
    ));
    let message = lake_tests::expect_panic(|| Lake::builder().capacity(2).limit(1).build());
    assert!(message.contains("limit"), "{message}");
    assert!(Lake::builder()
        .capacity(1024)
        .limit(1024)
        .try_build()
        .is_ok());
}

#[test]
fn a_limit_caps_total_chunk_bytes_however_the_lake_grows() {
    let limit = 3000;
    let lake = Lake::builder().limit(limit).max_chunk_size(1024).build();
    let mut served = 0usize;
    let err = loop {
        match lake.try_alloc([1u8; 100]) {
            Ok(_) => served += 100,
            Err(e) => break e,
        }
        assert!(lake.stats().capacity <= limit);
    };
    let stats = lake.stats();
    assert!(
        matches!(err, AllocError::LimitExceeded { requested: 100, limit: 3000, allocated } if allocated == stats.capacity)
    );
    // The lake got reasonably close to the limit before refusing.
    assert!(served >= limit - 2 * 128, "served only {served} of {limit}");
    assert!(stats.capacity <= limit);
    assert_eq!(stats.used, served, "a refused request used bytes");
}

/// Sizes of the chunks a growing lake takes, recovered from its statistics.
fn chunk_sizes_while(lake: &Lake, mut step: impl FnMut(&Lake) -> bool) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut last = lake.stats();
    while step(lake) {
        let now = lake.stats();
        match now.chunks - last.chunks {
            0 => assert_eq!(now.capacity, last.capacity),
            1 => sizes.push(now.capacity - last.capacity),
            n => panic!("{n} chunks added by one allocation"),
        }
        last = now;
    }
    sizes
}

#[test]
fn growth_doubles_from_the_first_chunk_up_to_the_cap() {
    let cap = 4096;
    let lake = Lake::builder().max_chunk_size(cap).build();
    let mut n = 0;
    let sizes = chunk_sizes_while(&lake, |l| {
        l.alloc([0u8; 48]);
        n += 1;
        n < 1000
    });
    assert!(sizes.len() >= 6, "{sizes:?}");
    assert!(sizes[0] >= 48 && sizes[0] < cap, "{sizes:?}");
    for pair in sizes.windows(2) {
        assert_eq!(pair[1], (pair[0] * 2).min(cap), "{sizes:?}");
    }
    assert_eq!(*sizes.last().unwrap(), cap);
    let stats = lake.stats();
    assert_eq!(stats.capacity, sizes.iter().sum::<usize>());
    // `used` counts handed-out bytes, not the tails of chunks the lake moved on from.
    assert_eq!(stats.used, 48 * 1000);
}

#[test]
fn a_request_larger_than_the_cap_gets_its_own_chunk_and_growth_stays_capped() {
    let cap = 1024;
    let lake = Lake::builder().capacity(cap).max_chunk_size(cap).build();
    let big = lake.alloc_slice_zeroed::<u8>(10_000);
    assert_eq!(big.len(), 10_000);
    let after_big = lake.stats();
    assert_eq!(after_big.chunks, 2);
    assert!(after_big.capacity - cap >= 10_000);
    // Filling past the big chunk takes capped chunks again, not doubled big ones.
    let mut n = 0;
    let sizes = chunk_sizes_while(&lake, |l| {
        l.alloc([0u8; 100]);
        n += 1;
        n < 40
    });
    assert!(!sizes.is_empty());
    assert!(sizes.iter().all(|&s| s == cap), "{sizes:?}");
}

#[test]
fn with_capacity_doubles_from_the_given_capacity() {
    let lake = Lake::with_capacity(1024);
    assert_eq!(lake.stats().capacity, 1024);
    lake.alloc([0u8; 1000]);
    assert_eq!(
        lake.stats().chunks,
        1,
        "a request that fits took a new chunk"
    );
    lake.alloc([0u8; 100]);
    let stats = lake.stats();
    assert_eq!(stats.chunks, 2);
    assert_eq!(stats.capacity, 1024 + 2048);
}

#[test]
fn reset_keeps_exactly_the_largest_chunk() {
    let mut lake = Lake::builder().max_chunk_size(8192).build();
    let mut n = 0;
    let sizes = chunk_sizes_while(&lake, |l| {
        l.alloc([0u8; 200]);
        n += 1;
        n < 200
    });
    let largest = *sizes.iter().max().unwrap();
    assert!(sizes.len() > 3);
    lake.reset();
    let stats = lake.stats();
    assert_eq!((stats.chunks, stats.capacity, stats.used), (1, largest, 0));
    // The kept chunk serves a steady workload without growing again.
    for _ in 0..3 {
        for _ in 0..largest / 200 {
            lake.alloc([0u8; 200]);
        }
        assert_eq!(lake.stats().chunks, 1);
        lake.reset();
    }
    assert_eq!(lake.stats().capacity, largest);
}

#[test]
fn reset_reuses_memory_from_the_start_of_the_kept_chunk() {
    let mut lake = Lake::with_capacity(1024);
    let first = addr_of(lake.alloc(1u64));
    lake.alloc([0u8; 500]);
    lake.reset();
    let again = addr_of(lake.alloc(2u64));
    assert_eq!(first, again);
}

#[test]
fn zero_on_reset_wipes_what_the_last_round_wrote() {
    let mut lake = Lake::builder().capacity(256).zero_on_reset(true).build();
    lake.alloc_slice_copy(&[0xAB_u8; 100]);
    lake.alloc_str("secret key material");
    lake.reset();
    let layout = Layout::from_size_align(119, 1).unwrap();
    let block = lake.alloc_layout(layout);
    // SAFETY: `zero_on_reset` wrote zeros over the 119 bytes used before the reset, which are
    // exactly the bytes of this block (the first allocation after a reset starts at the
    // chunk's start), so they are initialised; nothing else references them.
    let bytes = unsafe { std::slice::from_raw_parts(block.as_ptr(), layout.size()) };
    assert!(bytes.iter().all(|&b| b == 0), "{bytes:?}");
}

#[test]
fn zero_on_reset_wipes_the_kept_chunk_when_there_were_several() {
    let mut lake = Lake::builder().capacity(64).zero_on_reset(true).build();
    lake.alloc_slice_copy(&[0xCD_u8; 64]);
    lake.alloc_slice_copy(&[0xEF_u8; 300]); // a new, larger chunk
    assert_eq!(lake.stats().chunks, 2);
    lake.reset();
    assert_eq!(lake.stats().chunks, 1);
    let layout = Layout::from_size_align(300, 1).unwrap();
    let block = lake.alloc_layout(layout);
    // SAFETY: the kept chunk is the larger one, whose first 300 bytes were used and then
    // zeroed by the reset; this block is those bytes (the first allocation after a reset
    // starts at the chunk's start), so they are initialised. Nothing else references them.
    let bytes = unsafe { std::slice::from_raw_parts(block.as_ptr(), layout.size()) };
    assert!(bytes.iter().all(|&b| b == 0), "{:?}", &bytes[..16]);
}

#[test]
fn without_zero_on_reset_new_values_are_still_written_in_full() {
    let mut lake = Lake::with_capacity(256);
    lake.alloc_slice_copy(&[0xFF_u8; 200]);
    lake.reset();
    // Zeroed and copied values never see the old bytes.
    assert_eq!(lake.alloc_slice_zeroed::<u64>(10), &[0; 10]);
    assert_eq!(*lake.alloc_zeroed::<[u32; 8]>(), [0; 8]);
    assert_eq!(lake.alloc_slice_copy(&[1u16; 5]), &[1; 5]);
}

#[test]
fn alloc_error_messages_give_the_numbers_and_the_remedy() {
    let cases = [
        (
            AllocError::CapacityExceeded {
                requested: 123,
                remaining: 45,
            },
            &["123", "45", "fixed", "reset", "larger capacity"][..],
        ),
        (
            AllocError::LimitExceeded {
                requested: 777,
                limit: 4096,
                allocated: 3900,
            },
            &["777", "4096", "3900", "reset", "raise the limit"][..],
        ),
        (
            AllocError::OutOfMemory { requested: 65_536 },
            &["65536", "out of memory"][..],
        ),
        (
            AllocError::InvalidLayout {
                elem_size: 24,
                len: 99_999,
                align: 8,
            },
            &["24", "99999", "8", "isize::MAX", "split"][..],
        ),
    ];
    for (err, words) in cases {
        let text = err.to_string();
        for word in words {
            assert!(text.contains(word), "{text:?} lacks {word:?}");
        }
    }
}

#[test]
fn real_errors_carry_the_real_numbers() {
    let lake = Lake::fixed(40);
    lake.alloc([0u8; 30]);
    let err = lake.try_alloc_slice_copy(&[0u8; 25]).unwrap_err();
    assert_eq!(
        err,
        AllocError::CapacityExceeded {
            requested: 25,
            remaining: 10
        }
    );
    let text = err.to_string();
    assert!(text.contains("25") && text.contains("10"), "{text}");

    let limited = Lake::builder().limit(512).build();
    limited.alloc([0u8; 400]);
    let err = limited.try_alloc([0u8; 200]).unwrap_err();
    let AllocError::LimitExceeded {
        requested,
        limit,
        allocated,
    } = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (requested, limit, allocated),
        (200, 512, limited.stats().capacity)
    );
}

#[test]
fn a_failed_infallible_call_panics_with_the_error_message() {
    let lake = Lake::fixed(8);
    let message = lake_tests::expect_panic(|| lake.alloc([0u8; 9]));
    assert!(message.contains("requested 9 bytes"), "{message}");
    assert!(message.contains("only 8 remain"), "{message}");
    // The failed call consumed nothing.
    assert!(lake.try_alloc(0u64).is_ok());
}
