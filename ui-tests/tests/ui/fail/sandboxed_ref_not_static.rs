// `sandboxed_ref` re-ties only the returned allocation to the scope: a value that itself
// holds a sandbox-bound reference (`T` not 'static) is refused.
fn main() {
    let mut lake = lake::Lake::new();
    lake.scope(|s| {
        let _r = s.sandboxed_ref(|sb| -> Result<_, ()> {
            let inner: &u8 = sb.alloc(1u8);
            Ok(sb.alloc(inner))
        });
    });
}
