#[lake::packet]
#[repr(C)]
pub struct Hdr {
    pub kind: u8,
    pub payload: [u8],
}

fn main() {}
