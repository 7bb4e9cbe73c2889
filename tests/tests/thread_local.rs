//! The thread-local lake: `with_lake`, nesting, reset between outermost calls, configuration,
//! memory reuse, and release at thread exit (miri's leak checker would flag a lost chunk).

use std::thread;

use lake::{
    thread_lake_init, thread_lake_init_with, try_with_lake, with_lake, Lake, PerThreadError,
};
use lake_tests::scaled;

#[test]
fn allocations_are_freed_after_each_outermost_call() {
    thread::spawn(|| {
        let n = with_lake(|lake| {
            lake.alloc_slice_copy(&[1u8; 1000]);
            lake.stats().used
        });
        assert_eq!(n, 1000);
        assert_eq!(
            with_lake(|lake| lake.stats().used),
            0,
            "reset after the call"
        );
    })
    .join()
    .unwrap();
}

#[test]
fn steady_calls_reuse_one_chunk() {
    thread::spawn(|| {
        for _ in 0..scaled(100, 5) {
            with_lake(|lake| {
                for i in 0..200u64 {
                    lake.alloc(i);
                }
            });
        }
        let stats = with_lake(|lake| lake.stats());
        assert_eq!(stats.chunks, 1, "{stats:?}");
        assert!(stats.high_water >= 1600);
    })
    .join()
    .unwrap();
}

#[test]
fn nested_calls_share_the_lake_and_keep_outer_allocations() {
    thread::spawn(|| {
        with_lake(|outer| {
            let a = outer.alloc_str("outer");
            let inner_used = with_lake(|inner| {
                assert!(core::ptr::eq(outer, inner), "the same lake");
                inner.alloc_str("inner").len()
            });
            assert_eq!(inner_used, 5);
            // Nothing was reset by the inner call.
            assert_eq!(a, "outer");
            assert_eq!(outer.stats().used, 10);
        });
        assert_eq!(with_lake(|l| l.stats().used), 0);
    })
    .join()
    .unwrap();
}

#[test]
fn init_sizes_the_lake_and_is_refused_while_in_use() {
    thread::spawn(|| {
        thread_lake_init(128 << 10).unwrap();
        assert!(with_lake(|l| l.stats().capacity) >= 128 << 10);
        let err = with_lake(|_| thread_lake_init(1024)).unwrap_err();
        assert_eq!(err, PerThreadError::InUse);
        assert!(err.to_string().contains("in use"));
        // Between calls it may be replaced.
        thread_lake_init_with(Lake::builder().capacity(64).fixed()).unwrap();
        with_lake(|l| assert!(l.try_alloc([0u8; 65]).is_err()));
        let err = thread_lake_init(usize::MAX).unwrap_err();
        assert!(matches!(err, PerThreadError::Alloc(_)));
        assert!(std::error::Error::source(&err).is_some());
    })
    .join()
    .unwrap();
}

#[test]
fn a_panic_inside_still_resets() {
    thread::spawn(|| {
        let caught = std::panic::catch_unwind(|| {
            with_lake(|lake| {
                lake.alloc_slice_copy(&[0u8; 512]);
                panic!("boom");
            })
        });
        assert!(caught.is_err());
        assert_eq!(with_lake(|l| l.stats().used), 0);
    })
    .join()
    .unwrap();
}

#[test]
fn each_thread_has_its_own_lake() {
    let addrs: Vec<usize> = (0..if cfg!(miri) { 2 } else { 4 })
        .map(|_| {
            thread::spawn(|| with_lake(|l| core::ptr::from_ref(l) as usize))
                .join()
                .unwrap()
        })
        .collect();
    assert_eq!(addrs.len(), addrs.len());
    thread::scope(|s| {
        let a = s.spawn(|| with_lake(|l| l.alloc(1u32) as *mut u32 as usize));
        let b = s.spawn(|| with_lake(|l| l.alloc(2u32) as *mut u32 as usize));
        let _ = (a.join().unwrap(), b.join().unwrap());
    });
}

#[test]
fn try_with_lake_works_normally() {
    assert_eq!(try_with_lake(|l| *l.alloc(3) + 1), Ok(4));
}

/// A thread-local destructor that runs after the lake's own may find it destroyed: then
/// `try_with_lake` reports it instead of panicking.
#[test]
fn use_during_thread_exit_is_an_error_not_ub() {
    struct LateUser;
    impl Drop for LateUser {
        fn drop(&mut self) {
            // Either the lake is still alive (destructor order is unspecified) or this is
            // a clean error.
            match try_with_lake(|l| *l.alloc(1u8)) {
                Ok(v) => assert_eq!(v, 1),
                Err(e) => assert_eq!(e, PerThreadError::Destroyed),
            }
        }
    }
    thread_local!(static LATE: LateUser = const { LateUser });
    thread::spawn(|| {
        with_lake(|l| *l.alloc(0u8));
        LATE.with(|_| {});
    })
    .join()
    .unwrap();
}
