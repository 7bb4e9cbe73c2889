//! Views: sub-lakes that never touch their parent or siblings, reset on their own, nest, zero
//! on reuse when asked, and can be handed to other threads.

use lake::{AllocError, Lake};

fn range_of(bytes: &[u8]) -> core::ops::Range<usize> {
    let start = bytes.as_ptr() as usize;
    start..start + bytes.len()
}

#[test]
fn views_are_disjoint_and_leave_the_parent_alone() {
    let lake = Lake::new();
    let before = lake.alloc_slice_copy(b"parent data");
    let left = lake.split(256);
    let right = lake.split(256);
    let used = lake.stats().used;
    let a = left.alloc_slice_fill_with(256, |_| 0xAAu8);
    let b = right.alloc_slice_fill_with(256, |_| 0xBBu8);
    let after = lake.alloc_slice_copy(b"more parent data");
    assert_eq!(
        lake.stats().used,
        used + after.len(),
        "views do not bump the parent"
    );
    let (x, y) = (range_of(a), range_of(b));
    assert!(x.end <= y.start || y.end <= x.start, "siblings overlap");
    assert!(a.iter().all(|&v| v == 0xAA) && b.iter().all(|&v| v == 0xBB));
    assert_eq!(before, b"parent data");
}

#[test]
fn a_full_view_fails_without_touching_the_parent() {
    let lake = Lake::new();
    let view = lake.split(32);
    assert!(view.try_alloc([0u8; 32]).is_ok());
    assert_eq!(
        view.try_alloc(1u8).unwrap_err(),
        AllocError::CapacityExceeded {
            requested: 1,
            remaining: 0
        }
    );
    assert!(lake.try_alloc([0u8; 1000]).is_ok());
}

#[test]
fn views_reset_on_their_own_and_keep_sibling_droplets() {
    let lake = Lake::new();
    let mut left = lake.split(128);
    let right = lake.split(128);
    let kept = right.droplet_copy(b"right");
    let gone = left.droplet_copy(b"left");
    left.reset();
    assert!(!gone.is_valid(&left));
    assert_eq!(kept.get(&right), Some(&b"right"[..]));
    // A droplet resolves only through the view that made it.
    assert!(!kept.is_valid(&left) && !kept.is_valid(&lake));
}

#[test]
fn views_split_recursively() {
    let lake = Lake::new();
    let outer = lake.split(1024);
    let mut inner = outer.split(256);
    let innermost = inner.split(64);
    innermost.alloc([1u8; 64]);
    assert!(innermost.try_alloc(0u8).is_err());
    drop(innermost);
    inner.reset();
    assert_eq!(inner.stats().used, 0);
    assert_eq!(outer.stats().used, 256);
}

#[test]
fn zeroing_wipes_a_view_on_reuse() {
    let lake = Lake::new();
    let mut view = lake.split(64);
    view.set_zeroing(true);
    view.alloc_slice_copy(&[0x5Au8; 64]);
    view.reset();
    let block = view.alloc_layout(core::alloc::Layout::new::<[u8; 64]>());
    // SAFETY: the view zeroes on reset, so the 64 bytes were written (with zeros).
    let bytes = unsafe { core::slice::from_raw_parts(block.as_ptr(), 64) };
    assert!(bytes.iter().all(|&b| b == 0));
}

#[test]
fn views_go_to_worker_threads() {
    let mut lake = Lake::new();
    let sums: Vec<u64> = {
        let views: Vec<_> = (0..2).map(|_| lake.split(4096)).collect();
        std::thread::scope(|t| {
            let workers: Vec<_> = views
                .into_iter()
                .enumerate()
                .map(|(w, view)| {
                    t.spawn(move || {
                        let items = view.alloc_slice_fill_with(256, |i| (i + w) as u64);
                        items.iter().sum::<u64>()
                    })
                })
                .collect();
            workers.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    assert_eq!(sums, [32640, 32640 + 256]);
    lake.reset();
}
