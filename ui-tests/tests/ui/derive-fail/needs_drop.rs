#[derive(lake::LakeAlloc)]
pub struct Named {
    pub name: String,
}

fn main() {}
