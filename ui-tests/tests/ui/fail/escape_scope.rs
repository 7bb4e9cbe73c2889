// Guarantee: an allocation cannot be stored somewhere that outlives the lake. `outer` lives
// past the block in which the lake is dropped, so the borrow of `lake` does not live long
// enough (E0597).
use lake::Lake;

fn main() {
    let outer: &mut String;
    {
        let lake = Lake::new();
        outer = lake.alloc(String::from("escaped"));
    }
    outer.push('!');
}
