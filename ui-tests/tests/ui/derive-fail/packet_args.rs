#[lake::packet(total)]
#[repr(C)]
pub struct Hdr {
    pub a: u8,
}

fn main() {}
