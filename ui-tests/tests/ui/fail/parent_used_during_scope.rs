// The parent scope cannot allocate while a nested scope runs: its allocation would land above
// the nested scope's start and be discarded with it.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    lake.scope(|parent| {
        parent.scope(|_child| {
            parent.alloc(1u8);
        });
    });
}
