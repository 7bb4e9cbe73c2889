//! The expansion snapshots (`src/snapshots/*.expected.rs`) compiled as Rust and exercised.
//!
//! The snapshot tests compare the derive's output with those files as text; this test makes
//! each file a module of real code, so a blessed snapshot that does not compile (or no longer
//! matches lake's API) fails here. For derive cases the snapshot holds only the generated
//! items, so each module declares the input struct exactly as its case in
//! `src/snapshots/mod.rs` does; for `#[lake::packet]` cases the snapshot re-emits the struct
//! itself.
//!
//! The crate allows `dead_code` (the snapshots generate more API than these tests call;
//! compiling all of it is the point) and the clippy style lints that generated code trips but
//! that clippy skips inside a macro expansion, where users meet this code: `Self { a: a }`,
//! named `'lake` lifetimes, `_0` parameter names, a `where` bound beside an inline one.
#![allow(
    dead_code,
    clippy::redundant_field_names,
    clippy::needless_lifetimes,
    clippy::just_underscores_and_digits,
    clippy::multiple_bound_locations
)]

mod plain {
    pub struct Particle {
        pub pos: [f32; 3],
        pub id: u32,
    }
    include!("../src/snapshots/plain.expected.rs");
}

mod plain_generic_tuple_zeroed {
    // `bytemuck::Zeroable` is what `zeroed_in` needs; the snapshot input has no derives, and
    // the generated methods compile either way (`zeroed_in` is bounded on `ZeroedIn`).
    #[derive(Clone, Copy, bytemuck::Zeroable)]
    pub struct Pair<T: Copy>(pub T, pub u8);
    include!("../src/snapshots/plain_generic_tuple_zeroed.expected.rs");
}

mod pool {
    pub(crate) struct Conn {
        pub(crate) fd: i32,
    }
    include!("../src/snapshots/pool.expected.rs");
}

mod packet_udp {
    use lake::be::U16;
    include!("../src/snapshots/packet_udp.expected.rs");
}

mod packet_ipv4 {
    use lake::be::U16;

    /// The snapshot's custom check: rejects a header whose first `rest` byte is 0xff.
    fn ipv4_ok(h: &Ipv4) -> Result<(), &'static str> {
        if h.rest()[0] == 0xff {
            Err("first byte of rest is 0xff")
        } else {
            Ok(())
        }
    }
    include!("../src/snapshots/packet_ipv4.expected.rs");
}

// The `renamed_crate` case names lake as `my::lake_dep`. zerocopy's derives read their
// `crate = ".."` path as an extern crate path (`::my::…`), so `my` must be a crate name: this
// test crate itself, which re-exports lake as `lake_dep`.
extern crate self as my;
pub use ::lake as lake_dep;

mod renamed_crate {
    include!("../src/snapshots/renamed_crate.expected.rs");
}

#[test]
fn plain_constructors_place_the_value_in_the_lake() {
    let lake = lake::Lake::new();
    let p = plain::Particle::new_in(&lake, [1.0, 2.0, 3.0], 7);
    p.id += 1;
    assert_eq!((p.pos, p.id), ([1.0, 2.0, 3.0], 8));
    let q = plain::Particle::try_new_in(&lake, [0.0; 3], 9).unwrap();
    assert_eq!(q.id, 9);
    assert!(lake.stats().used >= 2 * size_of::<plain::Particle>());
}

#[test]
fn zeroed_constructors_give_zeroes() {
    use plain_generic_tuple_zeroed::Pair;
    let lake = lake::Lake::new();
    let z = Pair::<u32>::zeroed_in(&lake);
    assert_eq!((z.0, z.1), (0, 0));
    let s = Pair::<u16>::slice_zeroed_in(&lake, 3);
    assert_eq!(s.len(), 3);
    assert!(s.iter().all(|p| p.0 == 0 && p.1 == 0));
    let p = Pair::new_in(&lake, 5u64, 6);
    assert_eq!((p.0, p.1), (5, 6));
}

#[test]
fn pool_handle_indexes_its_pool() {
    use pool::{Conn, ConnHandle};
    let mut conns: lake::Pool<Conn, ConnHandle> = lake::Pool::typed(4);
    let a = conns.insert(Conn { fd: 3 });
    let b = conns.insert(Conn { fd: 4 });
    assert_ne!(a, b);
    assert_eq!((conns[a].fd, conns[b].fd), (3, 4));
}

#[test]
fn udp_snapshot_round_trips() {
    use packet_udp::UdpHeader;
    let lake = lake::Lake::new();
    let mut udp = UdpHeader::new_in(&lake, 4).unwrap();
    udp.set_src_port(53);
    udp.set_dst_port(4000);
    udp.payload_mut().copy_from_slice(b"ping");
    let udp = udp.finish().unwrap();
    let bytes = udp.as_bytes();
    assert_eq!(bytes.len(), 12);
    let (parsed, rest) = UdpHeader::parse(bytes).unwrap();
    assert!(rest.is_empty());
    assert_eq!(
        (parsed.src_port(), parsed.dst_port(), parsed.length()),
        (53, 4000, 12)
    );
    assert_eq!(parsed.payload(), b"ping");
    // `length(total, min = 8)`: a length below 8 is rejected.
    let mut bad = bytes.to_vec();
    bad[4..6].copy_from_slice(&7u16.to_be_bytes());
    assert!(UdpHeader::parse(&bad).is_err());
}

#[test]
fn ipv4_snapshot_validates_constants_lengths_and_the_check() {
    use packet_ipv4::Ipv4;
    let lake = lake::Lake::new();
    let ip = Ipv4::new_in(&lake, 0).unwrap().finish().unwrap();
    assert_eq!(
        (ip.version(), ip.ihl(), ip.tos(), ip.total_len()),
        (4, 5, 7, 20)
    );
    let good = ip.as_bytes().to_vec();
    assert!(Ipv4::parse(&good).is_ok());
    let mut wrong_version = good.clone();
    wrong_version[0] = 0x65;
    assert!(Ipv4::parse(&wrong_version).is_err());
    let mut wrong_tos = good.clone();
    wrong_tos[1] = 8;
    assert!(Ipv4::parse(&wrong_tos).is_err());
    let mut rejected_by_check = good;
    rejected_by_check[4] = 0xff;
    let err = Ipv4::parse(&rejected_by_check).unwrap_err().to_string();
    assert!(err.contains("0xff"), "{err}");
}

#[test]
fn renamed_crate_snapshot_parses() {
    use renamed_crate::{Tag, TagView};
    let buf = [2u8, b'h', b'i', 9];
    let (tag, rest): (TagView<'_>, &[u8]) = Tag::parse(&buf).unwrap();
    assert_eq!(
        (tag.len(), tag.payload(), rest),
        (2, &b"hi"[..], &[9u8][..])
    );
}
