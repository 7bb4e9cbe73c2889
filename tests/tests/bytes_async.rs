//! `allocate_async` on the fixed and buddy arenas under tokio: FIFO wake-ups, no lost
//! wake-up under load, immediate typed errors for impossible sizes and after `close`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BufMut;
use lake::bytes::{ArenaError, BuddyArena, FixedArena};

fn rounds(n: usize) -> usize {
    if cfg!(miri) {
        3
    } else {
        n
    }
}

#[tokio::test(flavor = "current_thread")]
async fn fixed_waiters_are_served_in_fifo_order() {
    let arena = FixedArena::builder(16, 1).build().unwrap();
    let held = arena.allocate();
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for i in 0..4 {
        let (arena, order) = (arena.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            let buf = arena.allocate_async().await.unwrap();
            order.lock().unwrap().push(i);
            tokio::task::yield_now().await;
            drop(buf);
        }));
        // Let task `i` register before task `i + 1` is spawned.
        tokio::task::yield_now().await;
    }
    assert!(
        order.lock().unwrap().is_empty(),
        "nobody is served while the slot is held"
    );
    drop(held);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
    assert_eq!(arena.stats().live_bytes, 0);
}

#[tokio::test(flavor = "current_thread")]
async fn impossible_sizes_fail_at_once() {
    let arena = BuddyArena::builder(1024, 64).build().unwrap();
    let _all = arena.allocate(1024); // full: a waitable request would hang
    let err = tokio::time::timeout(Duration::from_secs(5), arena.allocate_async(1025))
        .await
        .expect("a request larger than the region must not wait")
        .unwrap_err();
    assert_eq!(
        err,
        ArenaError::TooLarge {
            requested: 1025,
            max: 1024
        }
    );
    assert_eq!(arena.stats().failures, 1, "the final error is counted once");
}

#[tokio::test(flavor = "current_thread")]
async fn close_fails_pending_and_later_waiters() {
    let arena = FixedArena::builder(16, 1).build().unwrap();
    let _held = arena.allocate();
    let a2 = arena.clone();
    let waiter = tokio::spawn(async move { a2.allocate_async().await.map(|_| ()) });
    tokio::task::yield_now().await;
    arena.close();
    assert_eq!(waiter.await.unwrap(), Err(ArenaError::Closed));
    assert_eq!(
        arena.allocate_async().await.unwrap_err(),
        ArenaError::Closed
    );
    let buddy = BuddyArena::builder(1024, 64).build().unwrap();
    buddy.close();
    assert_eq!(
        buddy.allocate_async(8).await.unwrap_err(),
        ArenaError::Closed
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_waiter_passes_its_wakeup_on() {
    let arena = FixedArena::builder(16, 1).build().unwrap();
    let held = arena.allocate();
    let a1 = arena.clone();
    let first = tokio::spawn(async move { a1.allocate_async().await.map(|_| ()) });
    tokio::task::yield_now().await;
    let a2 = arena.clone();
    let second = tokio::spawn(async move { a2.allocate_async().await.map(|b| b.capacity()) });
    tokio::task::yield_now().await;
    first.abort();
    drop(held);
    let got = tokio::time::timeout(Duration::from_secs(5), second)
        .await
        .expect("the second waiter must be woken")
        .unwrap();
    assert_eq!(got, Ok(16));
}

/// Many tasks on a multi-thread runtime contend for a small buddy arena with mixed sizes;
/// every task completes (no lost wake-up), every buffer keeps its bytes, and the region is
/// whole at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buddy_waiters_under_load_all_complete() {
    let arena = BuddyArena::builder(4096, 64).build().unwrap();
    let mut tasks = Vec::new();
    for t in 0..8usize {
        let arena = arena.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..rounds(50) {
                let len = 64 << ((t + i) % 6); // 64 B ..= 2 KiB
                let mut buf = arena.allocate_async(len).await.unwrap();
                buf.put_bytes(t as u8, len);
                tokio::task::yield_now().await;
                let frozen = buf.freeze();
                assert!(frozen.iter().all(|&b| b == t as u8));
            }
        }));
    }
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("a waiter hung")
            .unwrap();
    }
    let s = arena.stats();
    assert_eq!((s.live_bytes, s.largest_free_block), (0, 4096));
    assert_eq!(s.allocations, 8 * rounds(50) as u64);
    assert!(
        arena.try_allocate(4096).is_ok(),
        "the region is whole again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_waiters_under_load_all_complete() {
    let arena = FixedArena::builder(128, 2).build().unwrap();
    let mut tasks = Vec::new();
    for t in 0..6u8 {
        let arena = arena.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..rounds(100) {
                let mut buf = arena.allocate_async().await.unwrap();
                buf.put_bytes(t, 128);
                let frozen = buf.freeze();
                tokio::task::yield_now().await;
                assert!(frozen.iter().all(|&b| b == t));
            }
        }));
    }
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("a waiter hung")
            .unwrap();
    }
    assert_eq!(arena.stats().live_bytes, 0);
}
