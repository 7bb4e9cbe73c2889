#[lake::packet]
#[repr(C)]
pub struct Hdr {
    pub kind: u8,
    pub len: u32,
}

fn main() {}
