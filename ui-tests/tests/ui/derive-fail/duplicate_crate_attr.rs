#[derive(lake::LakeAlloc)]
#[lake(crate = "lake", crate = "lake")]
pub struct A {
    pub a: u8,
}

#[derive(lake::LakeAlloc)]
#[lake(crate = "not a path")]
pub struct B {
    pub a: u8,
}

#[derive(lake::LakeAlloc)]
#[lake(crate)]
pub struct C {
    pub a: u8,
}

fn main() {}
