// Storing a scope allocation in a variable that outlives the scope does not compile either.
use lake::Lake;

fn main() {
    let mut lake = Lake::new();
    let mut outside: Option<&str> = None;
    lake.scope(|s| {
        outside = Some(s.alloc_str("inner"));
    });
    println!("{outside:?}");
}
