//! `Packet` is a safe trait: a hand-written impl that lies about the packet's extent must
//! produce errors (or wrong values), never out-of-bounds views. Run under miri.

use lake::wire::{self, ErrorKind, Extent, Packet, View, ViewMut};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// A header whose first byte selects how `extent` lies.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Liar {
    mode: u8,
    x: u8,
}

impl Packet for Liar {
    const NAME: &'static str = "Liar";
    fn extent(&self, available: usize) -> Result<Extent, wire::Error> {
        Ok(match self.mode {
            0 => Extent {
                header_len: 0,
                payload_len: 1,
            },
            1 => Extent {
                header_len: 2,
                payload_len: available,
            },
            2 => Extent {
                header_len: usize::MAX,
                payload_len: 2,
            },
            3 => Extent {
                header_len: available + 1,
                payload_len: 0,
            },
            _ => Extent {
                header_len: 2,
                payload_len: available - 2,
            },
        })
    }
    fn stamp(&mut self, _: Extent) -> Result<(), wire::Error> {
        self.x = 0xee;
        Ok(())
    }
}

#[test]
fn lying_extents_are_errors() {
    let cases = [
        (
            0u8,
            ErrorKind::HeaderLen {
                field: "header_len",
                value: 0,
                min: 2,
            },
        ),
        (
            1,
            ErrorKind::Truncated {
                needed: 2 + 6,
                available: 6,
            },
        ),
        (
            2,
            ErrorKind::Truncated {
                needed: usize::MAX,
                available: 6,
            },
        ),
        (
            3,
            ErrorKind::Truncated {
                needed: 7,
                available: 6,
            },
        ),
    ];
    for (mode, kind) in cases {
        let mut buf = [mode, 0, 1, 2, 3, 4];
        assert_eq!(
            View::<Liar>::parse(&buf).unwrap_err().kind,
            kind,
            "mode {mode}"
        );
        assert_eq!(
            ViewMut::<Liar>::parse_mut(&mut buf).unwrap_err().kind,
            kind,
            "mode {mode}"
        );
    }
    let buf = [9u8, 0, 1, 2, 3, 4];
    let (v, rest) = View::<Liar>::parse(&buf).unwrap();
    assert_eq!((v.payload(), rest), (&[1u8, 2, 3, 4][..], &[][..]));
}

#[test]
fn stamp_runs_on_build_and_finish() {
    let lake = lake::Lake::new();
    let mut v = lake.packet::<Liar>(3).unwrap();
    assert_eq!(v.x, 0xee, "Lake::packet stamps");
    v.x = 1;
    let v = v.finish().unwrap();
    assert_eq!((v.x, v.payload().len()), (0xee, 3), "finish stamps again");
}
