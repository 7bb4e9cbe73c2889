// Guarantee: an allocation from the thread-local lake cannot escape `with_lake`. The closure
// receives `&'a Lake` for a lifetime it cannot name in its return type, because the lake is
// reset when the outermost call returns.
fn main() {
    let leaked: &mut u32 = lake::with_lake(|lake| lake.alloc(1));
    *leaked += 1;
}
