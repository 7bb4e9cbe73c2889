#[lake::packet]
#[repr(C)]
pub struct Hdr {
    #[lake(bits(version = 4, ihl = 4), value(verison = 4), header_len(ihl, scale = 4))]
    pub ver_ihl: u8,
    #[lake(value = 300)]
    pub kind: u8,
    #[lake(bits(hi = 4, lo = 4), value(lo = 16))]
    pub nibbles: u8,
}

fn main() {}
