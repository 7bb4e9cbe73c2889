// `#[lake(bytes)]` without a `bytemuck::NoUninit` impl is reported at the attribute, in lake's
// words.
use lake::LakeAlloc;

#[derive(LakeAlloc)]
#[lake(bytes)]
#[repr(C)]
struct Plain {
    a: u32,
    b: u32,
}

fn main() {
    let lake = lake::Lake::new();
    let p = Plain::new_in(&lake, 1, 2);
    let _ = p.as_bytes();
}
