// Every bad field is reported, each at its type, in one compilation.
#[lake::packet]
#[repr(C)]
pub struct Hdr<'a> {
    pub flag: bool,
    pub name: String,
    pub data: &'a [u8],
    pub size: usize,
    pub ratio: f32,
}

fn main() {}
