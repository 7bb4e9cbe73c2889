// Syntax checks are not the soundness boundary: an alias hides `u32`, and the trait bounds
// still reject it.
type Len = u32;

#[lake::packet]
#[repr(C)]
pub struct Hdr {
    pub kind: u8,
    pub len: Len,
}

fn main() {}
