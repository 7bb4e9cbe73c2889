use lake::be::U16;

#[lake::packet]
#[repr(C)]
pub struct Hdr {
    #[lake(length(totl))]
    pub len: U16,
}

fn main() {}
