// An allocation made in a scope cannot escape it: the scope's lifetime is higher-ranked, so the
// closure cannot return (or store outside) a reference with it.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let escaped: &mut u32 = lake.scope(|s| s.alloc(1u32));
    *escaped += 1;
}
