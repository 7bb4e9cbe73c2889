#[derive(lake::LakeAlloc)]
pub enum Kind {
    A,
    B,
}

#[derive(lake::LakeAlloc)]
pub union Bits {
    a: u8,
    b: u16,
}

fn main() {}
