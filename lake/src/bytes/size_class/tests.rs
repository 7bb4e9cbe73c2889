//! Unit tests of the page protocol and the heap bookkeeping (the public behaviour is tested in
//! `tests/tests/bytes_size_class.rs` and `bytes_stress.rs`).

use super::*;

#[test]
fn a_page_hands_out_every_block_once_then_takes_them_back() {
    let arena = SizeClassArena::builder(1 << 16).build().unwrap();
    let cap = arena.capacity_for(4000).unwrap();
    assert_eq!(cap, 4096);
    let bufs: Vec<Buffer> = (0..16).map(|_| arena.try_allocate(4000).unwrap()).collect();
    let mut starts: Vec<usize> = bufs
        .iter()
        .map(|b| b.as_slice().as_ptr() as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    assert_eq!(starts.len(), 16, "16 distinct blocks");
    assert!(starts.windows(2).all(|w| w[1] - w[0] == 4096));
    assert!(arena.try_allocate(4000).is_err());
    drop(bufs);
    // The page went back when its last block did: another class can have it.
    assert_eq!(arena.try_allocate(65536).unwrap().capacity(), 65536);
}

#[test]
fn remote_frees_are_collected_by_the_owner() {
    let arena = SizeClassArena::builder(1 << 16).build().unwrap();
    let bufs: Vec<Buffer> = (0..16).map(|_| arena.try_allocate(4096).unwrap()).collect();
    // Freed on another thread: they go to the page's remote stack.
    std::thread::spawn(move || drop(bufs)).join().unwrap();
    assert_eq!(arena.stats().live_bytes, 0);
    // The owner collects them all at once when its current page runs dry.
    let again: Vec<Buffer> = (0..16).map(|_| arena.try_allocate(4096).unwrap()).collect();
    assert!(arena.try_allocate(4096).is_err());
    drop(again);
}

#[test]
fn a_thread_gives_its_heap_back_when_it_exits() {
    let arena = SizeClassArena::builder(1 << 16)
        .max_threads(1)
        .build()
        .unwrap();
    let a2 = arena.clone();
    // The other thread takes the only heap (and the only page) and exits holding a block.
    let buf = std::thread::spawn(move || a2.try_allocate(100).unwrap())
        .join()
        .unwrap();
    assert_eq!(arena.inner.heaps[0].owner.load(Ordering::Relaxed), 0);
    drop(buf); // remote free onto the abandoned heap's page
               // This thread owns the heap now; its sweep finds the page empty and gives it back.
    assert_eq!(arena.try_allocate(65536).unwrap().capacity(), 65536);
}
