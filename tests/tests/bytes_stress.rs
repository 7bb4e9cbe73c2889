//! Multi-thread stress of every byte arena: producers allocate buffers of varying sizes, fill
//! each with a pattern derived from its sequence number, freeze it and send the `Bytes` to a
//! consumer thread, which checks every byte and drops it there (so every block goes back from
//! a thread other than the one that allocated it). At the end the arena must be whole again:
//! no live bytes, and every block of it can be handed out once more.
//!
//! Full size normally; a few buffers under miri.

use std::sync::mpsc;
use std::thread;

use bytes::{BufMut, Bytes};
use lake::bytes::{ArenaError, BuddyArena, Buffer, FixedArena, SizeClassArena};

/// Producer threads (each with its own consumer).
const PRODUCERS: usize = if cfg!(miri) { 2 } else { 4 };
/// Buffers per producer.
const PER_PRODUCER: usize = if cfg!(miri) { 12 } else { 5_000 };
/// Region of the variable-size arenas.
const REGION: usize = if cfg!(miri) { 1 << 20 } else { 4 << 20 };
/// Buffers in flight per channel.
const IN_FLIGHT: usize = 32;

/// The byte at position `i` of buffer `seq` (never constant along a buffer, and different
/// between neighbouring buffers).
fn pattern(seq: u64, i: usize) -> u8 {
    (seq.wrapping_mul(31).wrapping_add(i as u64 * 7) ^ (i as u64 >> 8)) as u8
}

/// A length in `1..=max` for buffer `seq` (xorshift of the sequence number).
fn len_of(seq: u64, max: usize) -> usize {
    let mut x = seq.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    1 + (x % max as u64) as usize
}

/// Runs the producers/consumers against `alloc` (which may say `Full` for a moment; the
/// producer then yields and retries) and returns how many buffers went through.
fn stress(alloc: impl Fn(usize) -> Result<Buffer, ArenaError> + Sync, max_len: usize) -> u64 {
    let alloc = &alloc;
    let mut total = 0u64;
    thread::scope(|s| {
        let mut handles = Vec::new();
        for p in 0..PRODUCERS {
            let (tx, rx) = mpsc::sync_channel::<(u64, Bytes)>(IN_FLIGHT);
            let consumer = thread::Builder::new()
                .name(format!("consumer-{p}"))
                .spawn_scoped(s, move || {
                    let mut n = 0u64;
                    for (seq, bytes) in rx {
                        let len = len_of(seq, max_len);
                        assert_eq!(bytes.len(), len, "buffer {seq}: length");
                        // A slice and a clone keep the block alive independently.
                        let tail = bytes.slice(len / 2..);
                        let clone = bytes.clone();
                        drop(bytes);
                        for (i, &b) in clone.iter().enumerate() {
                            assert_eq!(b, pattern(seq, i), "buffer {seq}, byte {i}");
                        }
                        drop(clone);
                        assert_eq!(
                            tail.first().copied(),
                            (len / 2 < len).then(|| pattern(seq, len / 2))
                        );
                        n += 1;
                    }
                    n
                })
                .expect("spawn a consumer");
            let producer = thread::Builder::new()
                .name(format!("producer-{p}"))
                .spawn_scoped(s, move || {
                    for k in 0..PER_PRODUCER {
                        let seq = (p * PER_PRODUCER + k) as u64;
                        let len = len_of(seq, max_len);
                        let mut buf = loop {
                            match alloc(len) {
                                Ok(b) => break b,
                                Err(ArenaError::Full { .. }) => thread::yield_now(),
                                Err(e) => panic!("buffer {seq}: {e}"),
                            }
                        };
                        assert!(buf.capacity() >= len);
                        let bytes: Vec<u8> = (0..len).map(|i| pattern(seq, i)).collect();
                        buf.put_slice(&bytes);
                        tx.send((seq, buf.freeze())).expect("the consumer is alive");
                    }
                })
                .expect("spawn a producer");
            handles.push((producer, consumer));
        }
        // Join explicitly: a joined thread has run its thread-local destructors (a size-class
        // arena's heap goes back to the arena then).
        for (producer, consumer) in handles {
            producer.join().expect("producer");
            total += consumer.join().expect("consumer");
        }
    });
    total
}

#[test]
fn size_class_arena_survives_cross_thread_traffic_and_is_whole_again() {
    let arena = SizeClassArena::builder(2 * REGION).build().unwrap();
    let n = stress(|len| arena.try_allocate(len), 16 * 1024);
    assert_eq!(n, (PRODUCERS * PER_PRODUCER) as u64);
    let s = arena.stats();
    assert_eq!(s.live_bytes, 0);
    assert_eq!(s.allocations, n);
    // Whole again: every page can be handed out at once as a 64 KiB block.
    let pages = s.capacity / 65536;
    let all: Vec<Buffer> = (0..pages)
        .map(|i| {
            arena
                .try_allocate(65536)
                .unwrap_or_else(|e| panic!("page {i}: {e}"))
        })
        .collect();
    assert!(arena.try_allocate(65536).is_err());
    drop(all);
    assert_eq!(arena.stats().live_bytes, 0);
}

#[test]
fn fixed_arena_survives_cross_thread_traffic_and_is_whole_again() {
    let slots = 256;
    let arena = FixedArena::builder(2048, slots).build().unwrap();
    let n = stress(|_| arena.try_allocate(), 2048);
    assert_eq!(n, (PRODUCERS * PER_PRODUCER) as u64);
    assert_eq!(arena.stats().live_bytes, 0);
    let all: Vec<Buffer> = (0..slots).map(|_| arena.try_allocate().unwrap()).collect();
    assert!(arena.try_allocate().is_err());
    drop(all);
}

#[test]
fn buddy_arena_survives_cross_thread_traffic_and_is_whole_again() {
    let region = REGION;
    let arena = BuddyArena::builder(region, 64).build().unwrap();
    let n = stress(|len| arena.try_allocate(len), 16 * 1024);
    assert_eq!(n, (PRODUCERS * PER_PRODUCER) as u64);
    assert_eq!(arena.stats().live_bytes, 0);
    // Whole again: the region is one free block.
    let whole = arena.try_allocate(region).expect("every buddy merged back");
    assert_eq!(whole.capacity(), region);
}
