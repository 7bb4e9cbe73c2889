// A field named like a view method would be unreachable through the view.
#[lake::packet]
#[repr(C)]
pub struct Hdr {
    pub payload: u8,
    #[lake(bits(options = 4, kind = 4))]
    pub b: u8,
}

fn main() {}
