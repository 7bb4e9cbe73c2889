fn check(_: &Hdr) -> bool {
    true
}

#[lake::packet]
#[repr(C)]
#[lake(check = check)]
pub struct Hdr {
    pub a: u8,
}

fn main() {}
