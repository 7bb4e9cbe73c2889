//! `#[derive(LakeAlloc)]` on plain structs: constructors, `try_` twins, zeroed constructors,
//! tuple/unit/generic structs, raw identifiers.

use lake::{AllocError, Lake, LakeAlloc};

#[derive(LakeAlloc, Debug, PartialEq)]
pub struct Particle {
    pub pos: [f32; 3],
    pub id: u32,
}

#[derive(LakeAlloc, Debug, PartialEq)]
pub struct Pair(pub u8, pub u64);

#[derive(LakeAlloc, Debug, PartialEq)]
pub struct Marker;

#[derive(LakeAlloc, Debug, PartialEq)]
pub struct Borrowing<'a, T: Copy> {
    pub first: &'a T,
    pub n: usize,
}

#[derive(LakeAlloc, Debug, PartialEq, Clone, Copy, bytemuck::Zeroable)]
#[lake(zeroed)]
pub struct Counters {
    pub hits: u64,
    pub misses: u32,
}

#[derive(LakeAlloc, Debug)]
pub struct Keywords {
    pub r#type: u8,
    pub r#match: u16,
}

#[test]
fn new_in_moves_the_value_into_the_lake() {
    let lake = Lake::new();
    let p = Particle::new_in(&lake, [1.0, 2.0, 3.0], 7);
    p.id += 1;
    assert_eq!(
        *p,
        Particle {
            pos: [1.0, 2.0, 3.0],
            id: 8
        }
    );
    assert_eq!(lake.stats().used, core::mem::size_of::<Particle>());
    let q = Pair::new_in(&lake, 1, 2);
    assert_eq!(*q, Pair(1, 2));
    assert_eq!(*Marker::new_in(&lake), Marker);
    let x = 5i32;
    let b = Borrowing::new_in(&lake, &x, 3);
    assert_eq!((*b.first, b.n), (5, 3));
    let k = Keywords::new_in(&lake, 1, 2);
    assert_eq!((k.r#type, k.r#match), (1, 2));
}

#[test]
fn try_new_in_reports_a_full_fixed_lake() {
    let lake = Lake::fixed(16);
    assert!(Particle::try_new_in(&lake, [0.0; 3], 1).is_ok());
    let err = Particle::try_new_in(&lake, [0.0; 3], 2).unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { requested: 16, .. }),
        "{err:?}"
    );
}

#[test]
fn zeroed_constructors() {
    let lake = Lake::new();
    let c = Counters::zeroed_in(&lake);
    assert_eq!(*c, Counters { hits: 0, misses: 0 });
    c.hits = 9;
    let s = Counters::slice_zeroed_in(&lake, 4);
    assert_eq!(s.len(), 4);
    assert!(s.iter().all(|c| *c == Counters { hits: 0, misses: 0 }));
    assert_eq!(c.hits, 9);
}

#[derive(LakeAlloc, Clone, Copy, bytemuck::NoUninit)]
#[lake(bytes)]
#[repr(C)]
struct Reading {
    sensor: u16,
    flags: u16,
    value: u32,
}

#[test]
fn bytes_views_the_value_in_memory_order() {
    let lake = lake::Lake::new();
    let r = Reading::new_in(&lake, 0x0102, 0x0304, 0x0506_0708);
    let mut expected = Vec::new();
    expected.extend(0x0102u16.to_ne_bytes());
    expected.extend(0x0304u16.to_ne_bytes());
    expected.extend(0x0506_0708u32.to_ne_bytes());
    assert_eq!(r.as_bytes(), &expected[..]);
    r.value = 0;
    assert_eq!(
        &r.as_bytes()[4..],
        &[0; 4],
        "a view of the live value, not a copy"
    );
}
