#[lake::packet]
pub struct Hdr {
    pub a: u8,
    pub b: u8,
}

fn main() {}
