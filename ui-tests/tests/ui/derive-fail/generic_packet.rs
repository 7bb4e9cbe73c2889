#[lake::packet]
#[repr(C)]
pub struct Hdr<T> {
    pub a: T,
}

#[derive(lake::LakeAlloc)]
#[lake(pool)]
pub struct Slot<T> {
    pub t: T,
}

fn main() {}
