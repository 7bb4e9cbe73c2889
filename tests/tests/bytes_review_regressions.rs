//! Regressions from the byte-arena review (no `async` needed): `Batch::freeze` after the
//! buffer was cleared through `buffer_mut`, `SizeClassArena`'s `max_threads` bound, and
//! `Buffer::packet` in a spilling buffer validating the length field before it grows.
#![allow(missing_debug_implementations)]

use bytes::{BufMut, Bytes};
use lake::be::U16;
use lake::bytes::{ArenaError, Batch, FixedArena, SizeClassArena};
use lake::wire::ErrorKind;

#[lake::packet]
#[repr(C)]
pub struct Frame {
    #[lake(value = 0xA5)]
    pub magic: u8,
    pub kind: u8,
    #[lake(length(payload, max = 1000))]
    pub len: U16,
}

/// Used to panic in `Bytes::slice` (range end 5 > len 0): a message whose bytes were cleared
/// comes out empty.
#[test]
fn batch_freeze_after_buffer_mut_clear_does_not_panic() {
    let arena = FixedArena::builder(64, 1).build().unwrap();
    let mut batch = Batch::new(arena.allocate());
    batch.put_slice(b"hello");
    batch.finish_message();
    batch.buffer_mut().clear();
    assert_eq!(batch.freeze(), [Bytes::new()]);
    assert_eq!(arena.stats().live_bytes, 0);
}

/// Ends written before and after a `clear` stay ascending and inside the bytes.
#[test]
fn batch_ends_stay_monotone_after_clear() {
    let arena = FixedArena::builder(64, 1).build().unwrap();
    let mut batch = Batch::new(arena.allocate());
    batch.put_slice(b"hello");
    batch.finish_message(); // end 5
    batch.put_slice(b"world");
    batch.finish_message(); // end 10
    batch.buffer_mut().clear();
    batch.put_slice(b"ab");
    batch.finish_message(); // end 2
    let mut out = Vec::new();
    batch.freeze_into(&mut out);
    assert_eq!(out.len(), 3);
    assert_eq!(out.iter().map(Bytes::len).sum::<usize>(), 2);
    assert_eq!(out.concat(), b"ab");
    drop(out);
    assert_eq!(arena.stats().live_bytes, 0);
}

/// Used to abort the process (every heap allocated up front): now a typed error.
#[test]
fn size_class_max_threads_above_the_bound_is_invalid_geometry() {
    for n in [(1 << 16) + 1, u32::MAX as usize, usize::MAX] {
        match SizeClassArena::builder(1 << 16).max_threads(n).build() {
            Err(ArenaError::InvalidGeometry { reason }) => {
                assert!(reason.contains("at most"), "{n}: {reason}")
            }
            other => panic!("{n}: {other:?}"),
        }
    }
    match SizeClassArena::builder(1 << 16).max_threads(0).build() {
        Err(ArenaError::InvalidGeometry { reason }) => assert!(reason.contains("at least 1")),
        other => panic!("{other:?}"),
    }
}

/// The bound itself builds (65 537 heaps; too slow for miri).
#[cfg(not(miri))]
#[test]
fn size_class_max_threads_at_the_bound_builds() {
    let arena = SizeClassArena::builder(1 << 16)
        .max_threads(1 << 16)
        .build()
        .unwrap();
    assert_eq!(arena.allocate(100).capacity(), 112);
}

/// Without `auto_spill`: a typed error (as before).
#[test]
fn packet_without_spill_is_a_typed_error() {
    let arena = FixedArena::builder(64, 1).build().unwrap();
    let mut buf = arena.allocate();
    assert!(buf.packet::<Frame>(1 << 40).is_err());
    assert!(buf.is_empty());
}

/// With `auto_spill`: the length field's limit (max 1000) is checked before the buffer grows,
/// so an impossible `payload_len` neither aborts nor allocates, and the buffer stays in the
/// arena, empty.
#[test]
fn packet_with_spill_validates_the_length_before_growing() {
    let arena = FixedArena::builder(64, 1).auto_spill().build().unwrap();
    let mut buf = arena.allocate();
    let addr = buf.as_slice().as_ptr();
    for payload_len in [1 << 40, 1 << 16, 1001] {
        let err = buf.packet::<Frame>(payload_len).map(|_| ()).unwrap_err();
        assert!(
            !matches!(err.kind, ErrorKind::Alloc(_)),
            "{payload_len}: {err:?}"
        );
        assert!(buf.is_empty());
        assert_eq!(buf.capacity(), 64, "{payload_len}: the buffer spilled");
        assert_eq!(buf.as_slice().as_ptr(), addr);
    }
    // A payload the field can express still spills and builds.
    let mut frame = buf.packet::<Frame>(1000).unwrap();
    frame.payload_mut().fill(7);
    frame.finish().unwrap();
    let bytes = buf.freeze();
    assert_eq!(bytes.len(), 1004);
    assert_eq!(&bytes[..4], [0xA5, 0, 0x03, 0xE8]);
    assert_eq!(arena.stats().live_bytes, 0);
}
