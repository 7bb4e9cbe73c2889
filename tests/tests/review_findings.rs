//! Regression tests for the findings of the first soundness review of the Lake (each failed
//! before its fix).

use allocator_api2::vec::Vec as LakeVec;
use core::alloc::Layout;
use core::fmt;
use lake::{AllocError, Lake};

/// F1: a fixed lake must never offer more than it was created with, before or after a reset.
#[test]
fn fixed_lake_keeps_its_exact_capacity_after_reset() {
    for size in [0usize, 1, 7, 15, 17, 33, 100] {
        let mut lake = Lake::fixed(size);
        for round in 0..2 {
            assert_eq!(lake.stats().capacity, size, "size {size}, round {round}");
            assert!(lake.try_alloc_slice_zeroed::<u8>(size).is_ok());
            let err = lake.try_alloc(1u8).unwrap_err();
            assert_eq!(
                err,
                AllocError::CapacityExceeded {
                    requested: 1,
                    remaining: 0
                }
            );
            lake.reset();
        }
    }
}

/// F2: with `zero_on_reset`, bytes given back to the lake (a `Vec` in the lake dropped, which
/// rewinds the cursor) are wiped too, not only the bytes below the cursor at reset time.
#[test]
fn zero_on_reset_wipes_bytes_given_back_before_the_reset() {
    let mut lake = Lake::builder().capacity(256).zero_on_reset(true).build();
    {
        let mut secret = LakeVec::new_in(&lake);
        secret.extend_from_slice(b"TOPSECRET");
        drop(secret); // the last allocation: the cursor moves back over it
    }
    lake.reset();
    let block = lake.alloc_layout(Layout::new::<[u8; 9]>());
    // SAFETY: the lake zeroes on reset and zeroed released bytes, so all 9 bytes of this block
    // were written (with zeros) and reading them is defined.
    let bytes = unsafe { core::slice::from_raw_parts(block.as_ptr(), 9) };
    assert_eq!(bytes, &[0u8; 9]);
}

/// F2 (second half): bytes in chunks that the reset frees are wiped before they are freed, and
/// bytes in the kept chunk are wiped below the cursor.
#[test]
fn zero_on_reset_wipes_the_kept_chunk() {
    let mut lake = Lake::builder().capacity(64).zero_on_reset(true).build();
    lake.alloc_slice_copy(&[0xAAu8; 64]);
    lake.reset();
    let again = lake.alloc_layout(Layout::new::<[u8; 64]>());
    // SAFETY: the kept chunk's 64 used bytes were zeroed by the reset.
    let bytes = unsafe { core::slice::from_raw_parts(again.as_ptr(), 64) };
    assert!(bytes.iter().all(|&b| b == 0));
}

/// F3: collecting near the end of a fixed lake must use the exact size when doubling does not
/// fit, for iterators of unknown length and for formatted text.
#[test]
fn growing_collections_fill_a_fixed_lake_exactly() {
    let lake = Lake::fixed(100);
    let items = lake.try_alloc_iter((0..70u8).filter(|_| true)).unwrap();
    assert_eq!(items.len(), 70);
    assert_eq!(items[69], 69);

    let lake = Lake::fixed(100);
    struct Chars(usize);
    impl fmt::Display for Chars {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            (0..self.0).try_for_each(|_| f.write_str("x"))
        }
    }
    let text = lake.try_alloc_fmt(format_args!("{}", Chars(70))).unwrap();
    assert_eq!(text.len(), 70);
}

/// F3: under a limit, a collection that can no longer double still grows to the exact size.
#[test]
fn growing_collections_use_the_last_bytes_under_a_limit() {
    let lake = Lake::builder().capacity(3000).limit(3000).build();
    let collected = lake.try_alloc_iter((0..2100u32).map(|i| i as u8).filter(|_| true));
    assert_eq!(collected.unwrap().len(), 2100);
    assert_eq!(lake.stats().chunks, 1);
}

/// F3: a size hint whose lower bound overstates the length is only a hint.
#[test]
fn an_overstated_size_hint_does_not_fail_the_collection() {
    struct Liar(u8);
    impl Iterator for Liar {
        type Item = u8;
        fn next(&mut self) -> Option<u8> {
            self.0 = self.0.checked_sub(1)?;
            Some(self.0)
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (1 << 40, None)
        }
    }
    let lake = Lake::fixed(64);
    assert_eq!(lake.try_alloc_iter(Liar(3)).unwrap(), &[2, 1, 0]);
}

/// F4: a `Display` impl that ignores the writer's error must not turn a failed allocation into
/// `Ok` with part of the text missing.
#[test]
fn swallowed_format_errors_still_report_the_allocation_failure() {
    struct Sloppy;
    impl fmt::Display for Sloppy {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let _ = f.write_str(&"y".repeat(200));
            f.write_str("tail")
        }
    }
    let lake = Lake::fixed(64);
    let err = lake.try_alloc_fmt(format_args!("{Sloppy}")).unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { .. }),
        "{err:?}"
    );
}

/// F5: the first chunk's rounding must not take a lake past its limit.
#[test]
fn rounding_the_first_chunk_never_crosses_the_limit() {
    let lake = Lake::builder().capacity(1000).limit(1000).build();
    assert!(lake.stats().capacity <= 1000);
    assert!(lake.try_alloc_slice_zeroed::<u8>(1000).is_ok());
    assert!(matches!(
        lake.try_alloc(1u8),
        Err(AllocError::LimitExceeded { limit: 1000, .. })
    ));
}

/// F7: a growing lake built with a zero capacity grows in normal chunks, not request-sized
/// slivers.
#[test]
fn zero_capacity_lake_grows_in_real_chunks() {
    let lake = Lake::builder().capacity(0).build();
    for _ in 0..10 {
        lake.alloc([0u8; 21]);
    }
    assert!(lake.stats().chunks <= 2, "{:?}", lake.stats());
}
