#[lake::packet]
#[repr(C, packed)]
pub struct Hdr {
    pub a: u8,
}

#[lake::packet]
#[repr(C, align(2))]
pub struct Aligned {
    pub a: u8,
}

fn main() {}
