#[derive(lake::LakeAlloc)]
#[lake(packet, pool)]
#[repr(C)]
pub struct Hdr {
    pub a: u8,
}

fn main() {}
