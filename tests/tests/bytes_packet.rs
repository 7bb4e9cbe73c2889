//! `#[lake::packet]` headers built straight into arena buffers and frozen without a copy,
//! through the same build path as `Lake::packet`.

#![allow(missing_debug_implementations)] // the packet structs are plain test headers

use bytes::BufMut;
use lake::be::U16;
use lake::bytes::{Batch, FixedArena};
use lake::wire::{ErrorKind, View};

#[lake::packet]
#[repr(C)]
pub struct Frame {
    #[lake(value = 0xA5)]
    pub magic: u8,
    pub kind: u8,
    #[lake(length(payload, max = 1000))]
    pub len: U16,
}

/// No length field: the payload is whatever follows the header.
#[lake::packet]
#[repr(C)]
pub struct Raw {
    pub tag: u8,
}

#[test]
fn a_packet_built_in_a_buffer_is_frozen_in_place_and_parses_back() {
    let arena = FixedArena::builder(128, 2).build().unwrap();
    let mut buf = arena.allocate();
    let mut frame = buf.packet::<Frame>(5).unwrap();
    frame.set_kind(3);
    frame.payload_mut().copy_from_slice(b"hello");
    frame.finish().unwrap();
    let start = buf.as_slice().as_ptr();
    let bytes = buf.freeze();
    assert_eq!(
        bytes.as_ptr(),
        start,
        "the Bytes is the memory the header was built in"
    );
    assert_eq!(&bytes[..], &[0xA5, 3, 0, 5, b'h', b'e', b'l', b'l', b'o']);
    let (view, rest) = View::<Frame>::parse(&bytes).unwrap();
    assert!(rest.is_empty());
    assert_eq!((view.kind(), view.payload()), (3, &b"hello"[..]));
    // The same bytes as the `Lake` builds.
    let lake = lake::Lake::new();
    let mut f = lake.packet::<Frame>(5).unwrap();
    f.set_kind(3);
    f.payload_mut().copy_from_slice(b"hello");
    assert_eq!(f.finish().unwrap().as_bytes(), &bytes[..]);
}

#[test]
fn packets_follow_earlier_bytes_and_errors_leave_the_buffer_unchanged() {
    let arena = FixedArena::builder(16, 1).build().unwrap();
    let mut buf = arena.allocate();
    buf.put_slice(b"pre");
    let f = buf.packet::<Frame>(2).unwrap().finish().unwrap();
    assert_eq!(f.payload().len(), 2);
    assert_eq!(&buf.as_slice()[..3], b"pre");
    assert_eq!(buf.len(), 3 + 4 + 2);
    // 7 bytes left: a 4 + 4 packet does not fit.
    let err = buf.packet::<Frame>(4).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Alloc(_)), "{err}");
    assert_eq!(buf.len(), 9);
    // Over the length field's maximum: rejected after sizing, and taken back.
    let big = FixedArena::builder(4096, 1).build().unwrap();
    let mut b = big.allocate();
    assert!(b.packet::<Frame>(1001).is_err());
    assert!(b.is_empty());
    // With auto_spill the packet moves to the heap with the buffer.
    let spill = FixedArena::builder(8, 1).auto_spill().build().unwrap();
    let mut s = spill.allocate();
    let f = s.packet::<Frame>(100).unwrap().finish().unwrap();
    assert_eq!(f.payload().len(), 100);
    assert!(s.is_spilled());
    // A size the length field cannot express is rejected before the buffer grows, with
    // auto_spill too (no heap allocation, no abort).
    let mut s = spill.allocate();
    let err = s.packet::<Frame>(usize::MAX / 2).unwrap_err();
    assert!(!matches!(err.kind, ErrorKind::Alloc(_)), "{err}");
    assert!(s.is_empty() && !s.is_spilled());
    // A packet without a length field takes any payload length: an impossible one is
    // `OutOfMemory`, not an abort.
    let err = s.packet::<Raw>(usize::MAX / 2).unwrap_err();
    assert!(
        matches!(
            err.kind,
            ErrorKind::Alloc(lake::AllocError::OutOfMemory { .. })
        ),
        "{err}"
    );
    assert!(s.is_empty() && !s.is_spilled());
}

#[test]
fn a_batch_of_packets_freezes_behind_one_owner() {
    let arena = FixedArena::builder(1024, 1).build().unwrap();
    let mut batch = Batch::new(arena.allocate());
    for i in 0..8u8 {
        let mut f = batch.buffer_mut().packet::<Frame>(usize::from(i)).unwrap();
        f.set_kind(i);
        f.payload_mut().fill(i);
        f.finish().unwrap();
        batch.finish_message();
    }
    let frames = batch.freeze();
    for (i, bytes) in frames.iter().enumerate() {
        let (v, rest) = View::<Frame>::parse(bytes).unwrap();
        assert!(rest.is_empty());
        assert_eq!(usize::from(v.kind()), i);
        assert!(v.payload().iter().all(|&b| usize::from(b) == i));
    }
}
