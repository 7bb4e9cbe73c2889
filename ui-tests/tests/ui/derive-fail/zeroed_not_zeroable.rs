#[derive(lake::LakeAlloc)]
#[lake(zeroed)]
pub struct Counters {
    pub hits: u64,
}

fn main() {}
