use lake::be::I16;

#[lake::packet]
#[repr(C)]
pub struct Hdr {
    #[lake(length(total))]
    pub len: [u8; 2],
    #[lake(value = 3)]
    pub signed: I16,
}

fn main() {}
