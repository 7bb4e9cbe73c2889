// A nested type with alignment 4 cannot be a packet field: syntax cannot see its layout, the
// zerocopy/lake bounds do.
#[derive(Clone, Copy)]
#[repr(C, align(4))]
pub struct Aligned4 {
    pub x: u8,
}

#[lake::packet]
#[repr(C)]
pub struct Hdr {
    pub tag: u8,
    pub body: Aligned4,
}

fn main() {}
