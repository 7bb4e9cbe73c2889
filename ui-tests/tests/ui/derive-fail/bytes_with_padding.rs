// `#[lake(bytes)]` views a value as bytes, so every byte must be initialised: a struct with
// padding (a `u8` before a `u32`) cannot derive `bytemuck::NoUninit`, which `as_bytes` needs.
use lake::LakeAlloc;

#[derive(LakeAlloc, Clone, Copy, bytemuck::NoUninit)]
#[lake(bytes)]
#[repr(C)]
struct Padded {
    tag: u8,
    value: u32,
}

fn main() {}
