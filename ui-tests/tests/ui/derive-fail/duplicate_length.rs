use lake::be::U16;

#[lake::packet]
#[repr(C)]
pub struct Hdr {
    #[lake(length(total))]
    pub len: U16,
    #[lake(length(payload))]
    pub len2: U16,
}

fn main() {}
