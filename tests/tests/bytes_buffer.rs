//! `Buffer`: the `BufMut` contract, overflow without spill, `auto_spill`, the lifetime of
//! frozen `Bytes` (clones, slices, other threads, the arena handle dropped first) and batch
//! freezing.

use bytes::{BufMut, Bytes};
use lake::bytes::{Batch, BuddyArena, FixedArena};

#[test]
fn bufmut_writes_land_in_order() {
    let arena = FixedArena::builder(64, 1).build().unwrap();
    let mut b = arena.allocate();
    b.put_u8(1);
    b.put_u16(0x0203);
    b.put_u32_le(0x0706_0504);
    b.put_slice(b"xyz");
    b.put_bytes(9, 2);
    assert_eq!(b.as_slice(), [1, 2, 3, 4, 5, 6, 7, b'x', b'y', b'z', 9, 9]);
    assert_eq!((b.len(), b.capacity(), b.remaining_mut()), (12, 64, 52));
    b.as_mut_slice()[0] = 0;
    assert_eq!(b.as_slice()[0], 0);
    b.clear();
    assert!(b.is_empty());
    assert_eq!(b.remaining_mut(), 64);
    // `chunk_mut` is the room left, write-only.
    assert_eq!(b.chunk_mut().len(), 64);
    b.chunk_mut()[..3].copy_from_slice(b"abc");
    // SAFETY: the three bytes were just written.
    unsafe { b.advance_mut(3) };
    assert_eq!(b.as_slice(), b"abc");
}

#[test]
fn overflow_without_spill_panics_and_leaves_the_buffer_intact() {
    let arena = FixedArena::builder(8, 1).build().unwrap();
    let mut b = arena.allocate();
    b.put_slice(b"12345678");
    assert_eq!(b.remaining_mut(), 0);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.put_u8(0)));
    assert!(
        r.is_err(),
        "writing past the capacity must panic (the BufMut contract)"
    );
    assert_eq!(b.as_slice(), b"12345678");
    assert!(!b.is_spilled());
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: not reached past the assertion in `advance_mut`; it panics instead.
        unsafe { b.advance_mut(1) }
    }));
    assert!(
        r.is_err(),
        "advance_mut past the capacity must panic, not grow len"
    );
    assert_eq!(b.len(), 8);
}

#[test]
fn auto_spill_moves_to_the_heap_and_frees_the_block_at_once() {
    let arena = FixedArena::builder(16, 1).auto_spill().build().unwrap();
    let mut b = arena.allocate();
    b.put_slice(b"0123456789abcdef");
    assert!(!b.is_spilled());
    assert_eq!(arena.stats().live_bytes, 16);
    b.put_slice(b"-more");
    assert!(b.is_spilled());
    assert_eq!(b.as_slice(), b"0123456789abcdef-more");
    let s = arena.stats();
    assert_eq!((s.live_bytes, s.spills), (0, 1));
    // The slot is free for someone else while the spilled buffer lives on.
    let other = arena.try_allocate().unwrap();
    b.put_bytes(b'!', 1000);
    assert_eq!(b.len(), 21 + 1000);
    let frozen = b.freeze();
    assert_eq!(&frozen[..21], b"0123456789abcdef-more");
    drop(other);
    assert_eq!(arena.stats().spills, 1);
    // A buddy buffer spills the same way; writing through `chunk_mut` spills too.
    let buddy = BuddyArena::builder(1024, 64).auto_spill().build().unwrap();
    let mut b = buddy.allocate(64);
    for i in 0..200u8 {
        let chunk = b.chunk_mut();
        assert!(chunk.len() > 0);
        chunk.write_byte(0, i);
        // SAFETY: one byte was just written.
        unsafe { b.advance_mut(1) };
    }
    assert!(b.is_spilled());
    assert_eq!(b.as_slice(), (0..200).collect::<Vec<u8>>());
    assert_eq!(buddy.stats().live_bytes, 0);
}

#[test]
fn frozen_bytes_keep_the_block_until_the_last_clone_or_slice_drops() {
    let arena = FixedArena::builder(32, 1).build().unwrap();
    let mut b = arena.allocate();
    b.put_slice(b"hello world");
    let addr = b.as_slice().as_ptr();
    let a = b.freeze();
    assert_eq!(a.as_ptr(), addr, "no copy");
    let c = a.clone();
    let world = a.slice(6..);
    drop(a);
    assert!(arena.try_allocate().is_err());
    drop(c);
    assert!(
        arena.try_allocate().is_err(),
        "the slice still holds the block"
    );
    let t = std::thread::spawn(move || {
        assert_eq!(&world[..], b"world");
        drop(world);
    });
    t.join().unwrap();
    assert!(
        arena.try_allocate().is_ok(),
        "the last slice dropped on another thread"
    );
}

#[test]
fn bytes_outlive_the_arena_handle() {
    let arena = FixedArena::builder(16, 2).build().unwrap();
    let mut b = arena.allocate();
    b.put_slice(b"survivor");
    let frozen = b.freeze();
    drop(arena); // the region lives until the last `Bytes`
    assert_eq!(&frozen[..], b"survivor");
    let buddy = BuddyArena::builder(64, 16).build().unwrap();
    let mut b = buddy.allocate(5);
    drop(buddy);
    b.put_slice(b"alive");
    assert_eq!(&b.freeze()[..], b"alive");
}

#[test]
fn empty_and_spilled_freezes() {
    let arena = FixedArena::builder(4, 1).auto_spill().build().unwrap();
    let empty = arena.allocate().freeze();
    assert!(empty.is_empty());
    drop(empty);
    let mut b = arena.allocate();
    b.put_slice(b"longer than four");
    let heap: Bytes = b.freeze();
    assert_eq!(&heap[..], b"longer than four");
    assert_eq!(arena.stats().live_bytes, 0);
}

#[test]
fn a_batch_is_one_block_and_one_owner() {
    let arena = FixedArena::builder(256, 2).build().unwrap();
    let mut batch = Batch::new(arena.allocate());
    let mut expected = Vec::new();
    for i in 0..10u8 {
        let msg: Vec<u8> = (0..i).map(|k| k ^ i).collect();
        batch.put_slice(&msg);
        batch.finish_message();
        expected.push(msg);
    }
    assert_eq!(batch.messages(), 10);
    let frozen = batch.freeze();
    assert_eq!(frozen.len(), 10);
    for (f, e) in frozen.iter().zip(&expected) {
        assert_eq!(&f[..], &e[..]);
    }
    // All messages are views of one block, laid out back to back.
    for w in frozen.windows(2) {
        if !w[0].is_empty() && !w[1].is_empty() {
            assert_eq!(w[0].as_ptr() as usize + w[0].len(), w[1].as_ptr() as usize);
        }
    }
    assert_eq!(arena.stats().live_bytes, 256);
    let keep = frozen[9].clone();
    drop(frozen);
    assert_eq!(arena.stats().live_bytes, 256, "one message keeps the block");
    drop(keep);
    assert_eq!(arena.stats().live_bytes, 0);
}

#[test]
fn debug_output_names_the_state() {
    let arena = FixedArena::builder(16, 1).build().unwrap();
    let b = arena.allocate();
    let s = format!("{b:?} {arena:?}");
    assert!(
        s.contains("capacity: 16") && s.contains("FixedArena"),
        "{s}"
    );
}
