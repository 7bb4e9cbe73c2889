#[lake::packet]
#[repr(C)]
pub struct Empty {}

#[lake::packet]
#[repr(C)]
pub struct Tuple(pub u8);

fn main() {}
