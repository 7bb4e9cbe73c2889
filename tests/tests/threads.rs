//! Threads: a `Lake` moves between threads (`Send`), boxes are `Send`/`Sync` when their value
//! is, and errors cross threads. (`Lake: !Sync` is checked by a compile-fail test in ui-tests.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use lake::{AllocError, Lake, LakeBox, LakeBuilder, LakeStats};
use lake_tests::scaled;

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}
fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}

// Compile-time checks: these fail to build if an auto trait is lost.
const _: () = {
    let _ = assert_send::<Lake>;
    let _ = assert_send::<LakeBox<'static, u32>>;
    let _ = assert_sync::<LakeBox<'static, u32>>;
    let _ = assert_send::<LakeBox<'static, String>>;
    let _ = assert_sync::<LakeBox<'static, Vec<u8>>>;
    let _ = assert_error::<AllocError>;
    let _ = assert_send::<LakeStats>;
    let _ = assert_sync::<LakeStats>;
    let _ = assert_send::<LakeBuilder>;
    let _ = assert_sync::<LakeBuilder>;
};

#[test]
fn auto_traits_hold() {
    assert_send::<Lake>();
    assert_send::<LakeBox<'_, u32>>();
    assert_sync::<LakeBox<'_, u32>>();
    assert_error::<AllocError>();
    // A usable `Box<dyn Error + Send + Sync>`.
    let boxed: Box<dyn std::error::Error + Send + Sync> =
        Box::new(AllocError::OutOfMemory { requested: 42 });
    assert!(boxed.to_string().contains("42"));
}

#[test]
fn a_lake_moved_into_a_thread_allocates_there_and_comes_back() {
    let n = scaled(10_000, 100);
    let lake = Lake::with_capacity(256);
    lake.alloc_str("made on the main thread");
    let (mut lake, sum, stats) = thread::spawn(move || {
        let values = lake.alloc_slice_fill_with(n, |i| i as u64);
        let sum: u64 = values.iter().sum();
        let stats = lake.stats();
        (lake, sum, stats)
    })
    .join()
    .unwrap();
    assert_eq!(sum, (n as u64) * (n as u64 - 1) / 2);
    lake_tests::assert_allocations(stats, 2);
    assert!(stats.used >= n * 8 + 23);
    assert_eq!(lake.stats(), stats, "moving the lake back changed it");
    lake.reset();
    assert_eq!(lake.stats().used, 0);
    assert_eq!(*lake.alloc(3u8), 3);
}

#[test]
fn one_lake_per_worker_thread() {
    let workers = scaled(4, 2);
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            thread::spawn(move || {
                let mut lake = Lake::new();
                let mut total = 0usize;
                for round in 0..scaled(50, 3) {
                    let line = lake.alloc_fmt(format_args!("worker {w} round {round}"));
                    let words = lake.alloc_iter(line.split(' '));
                    total += words.len();
                    lake.reset();
                }
                total
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), scaled(50, 3) * 4);
    }
}

#[test]
fn a_box_can_be_sent_to_and_dropped_on_another_thread() {
    let drops = Arc::new(AtomicUsize::new(0));
    struct Counted(Arc<AtomicUsize>, Vec<u32>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let lake = Lake::new();
    let mut b = lake.alloc_box(Counted(Arc::clone(&drops), vec![1, 2, 3]));
    thread::scope(|s| {
        s.spawn(move || {
            b.1.push(4);
            assert_eq!(b.1, [1, 2, 3, 4]);
            drop(b);
        });
        // Meanwhile the owning thread keeps allocating from the lake.
        for i in 0..scaled(1000, 50) {
            assert_eq!(*lake.alloc(i), i);
        }
    });
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn a_box_can_be_shared_with_scoped_threads() {
    let lake = Lake::new();
    let shared = lake.alloc_box([7u64; 16]);
    let total: u64 = thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|_| s.spawn(|| shared.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(total, 3 * 7 * 16);
}

#[test]
fn values_allocated_in_a_lake_can_be_handed_to_scoped_threads() {
    let lake = Lake::new();
    let left = lake.alloc_slice_fill_with(100, |i| i as u32);
    let right = lake.alloc_slice_fill_with(100, |i| 1000 + i as u32);
    thread::scope(|s| {
        s.spawn(|| left.iter_mut().for_each(|x| *x *= 2));
        s.spawn(|| right.iter_mut().for_each(|x| *x += 1));
    });
    assert!(left.iter().enumerate().all(|(i, &x)| x == 2 * i as u32));
    assert!(right.iter().enumerate().all(|(i, &x)| x == 1001 + i as u32));
}

#[test]
fn an_alloc_error_crosses_threads() {
    let err = thread::spawn(|| {
        let lake = Lake::fixed(8);
        lake.try_alloc([0u8; 9]).map(|_| ()).unwrap_err()
    })
    .join()
    .unwrap();
    assert_eq!(
        err,
        AllocError::CapacityExceeded {
            requested: 9,
            remaining: 8
        }
    );
}
