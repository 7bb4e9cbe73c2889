//! The `bytes_echo` example under a bounded load: a fixed number of clients and messages on
//! loopback, every echoed byte checked, and the arena whole again at the end.

#[allow(dead_code)]
#[path = "../examples/bytes_echo.rs"]
mod bytes_echo;

use lake::bytes::FixedArena;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoes_every_byte_and_returns_every_slot() {
    const CLIENTS: usize = 16;
    const MESSAGES: usize = 40;
    // Fewer slots than clients: readers wait in `allocate_async` for slots to come back.
    let slots = 8;
    let arena = FixedArena::builder(bytes_echo::SLOT, slots)
        .build()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(bytes_echo::serve(listener, arena.clone(), CLIENTS));
    let mut load = JoinSet::new();
    for id in 0..CLIENTS {
        load.spawn(bytes_echo::client(addr, id, MESSAGES));
    }
    let mut echoed = 0u64;
    while let Some(done) = load.join_next().await {
        echoed += done.unwrap().unwrap();
    }
    server.await.unwrap().unwrap();
    let expected: u64 = (0..CLIENTS)
        .flat_map(|id| (0..MESSAGES).map(move |m| 1 + ((id * 131 + m * 977) % 6000) as u64))
        .sum();
    assert_eq!(echoed, expected);
    // Whole again: nothing live, and every slot can be taken at once.
    let s = arena.stats();
    assert_eq!(s.live_bytes, 0);
    assert!(s.allocations >= (CLIENTS * MESSAGES) as u64);
    let all: Vec<_> = (0..slots).map(|_| arena.try_allocate().unwrap()).collect();
    assert!(arena.try_allocate().is_err());
    drop(all);
}
