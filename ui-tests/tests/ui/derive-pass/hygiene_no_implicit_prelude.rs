// Derive output must not rely on the prelude or on the user's `core`/`Result`/`Option`.
#![no_implicit_prelude]

mod core {}
#[allow(dead_code)]
type Result = ();
#[allow(dead_code)]
type Option = ();
#[allow(dead_code)]
struct Ok;

#[::lake::packet]
#[repr(C)]
pub struct Hdr {
    #[lake(bits(version = 4, ihl = 4), value(version = 4), header_len(ihl, scale = 4))]
    pub ver_ihl: u8,
    #[lake(length(total, min = 8))]
    pub len: ::lake::be::U16,
    pub rest: [u8; 5],
}

#[derive(::lake::LakeAlloc)]
pub struct Plain {
    pub a: u8,
}

#[derive(::lake::LakeAlloc)]
pub struct Generic<T: ::std::marker::Copy> {
    pub t: T,
}

#[derive(::lake::LakeAlloc)]
#[lake(pool)]
pub struct Pooled {
    pub a: u8,
}

fn main() {
    let lake = ::lake::Lake::new();
    let h = Hdr::new_in(&lake, 0).unwrap().finish().unwrap();
    ::std::assert_eq!(h.len(), 8);
    ::std::assert_eq!(Plain::new_in(&lake, 3).a, 3);
    ::std::assert_eq!(Generic::new_in(&lake, 4u16).t, 4);
    let mut pool: ::lake::Pool<Pooled, PooledHandle> = ::lake::Pool::typed(1);
    let _h: PooledHandle = pool.insert(Pooled { a: 1 });
}
