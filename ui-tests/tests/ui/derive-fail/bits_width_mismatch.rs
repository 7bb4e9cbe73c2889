use lake::be::U16;

#[lake::packet]
#[repr(C)]
pub struct Hdr {
    #[lake(bits(a = 3, b = 4))]
    pub flags: u8,
    #[lake(bits(hi = 8, lo = 0))]
    pub word: U16,
}

fn main() {}
