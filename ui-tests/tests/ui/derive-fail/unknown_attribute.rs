#[derive(lake::LakeAlloc)]
#[lake(pakcet)]
pub struct Hdr {
    pub a: u8,
}

fn main() {}
