// Field keys on the struct, struct keys on a field, packet keys on a plain struct.
#[derive(lake::LakeAlloc)]
#[lake(length(total))]
pub struct A {
    #[lake(pool)]
    pub a: u8,
    #[lake(lenght(total))]
    pub b: u8,
}

#[derive(lake::LakeAlloc)]
pub struct B {
    #[lake(length(total))]
    pub a: u8,
}

fn main() {}
