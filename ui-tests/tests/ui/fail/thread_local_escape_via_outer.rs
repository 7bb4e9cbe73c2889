// Guarantee: an allocation from the thread-local lake cannot be smuggled out of `with_lake`
// through a variable captured from outside, either.
fn main() {
    let mut kept: Option<&str> = None;
    lake::with_lake(|lake| {
        kept = Some(lake.alloc_str("escaped"));
    });
    println!("{kept:?}");
}
