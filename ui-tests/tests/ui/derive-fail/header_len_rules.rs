#[lake::packet]
#[repr(C)]
pub struct NoScale {
    #[lake(header_len(ihl))]
    pub ihl: u8,
}

#[lake::packet]
#[repr(C)]
pub struct NotASub {
    #[lake(bits(a = 4, b = 4), header_len(c, scale = 4))]
    pub ab: u8,
    #[lake(header_len(scale = 0))]
    pub words: u8,
}

fn main() {}
