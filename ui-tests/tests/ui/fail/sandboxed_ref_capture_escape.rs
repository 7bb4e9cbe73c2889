// Inside `sandboxed_ref`, allocations still carry the sandbox's lifetime: stashing one in a
// variable of the enclosing scope (where it would dangle after a rollback) does not compile.
fn main() {
    let mut lake = lake::Lake::new();
    lake.scope(|s| {
        let mut stash: Vec<&mut u32> = Vec::new();
        let _ = s.sandboxed_ref(|sb| -> Result<&mut u32, ()> {
            stash.push(sb.alloc(1u32));
            Err(())
        });
        drop(stash);
    });
}
