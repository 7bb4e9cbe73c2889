// The dropck hole of type-erased drop lists (typed-arena #24, sycamore #494): a value whose
// destructor reads another arena value could run after that value was dropped. `alloc_dropping`
// requires `T: 'static`, so a value holding a reference into the lake is rejected.
use std::cell::Cell;
use lake::Lake;

struct Node<'a> {
    name: String,
    peer: Cell<Option<&'a Node<'a>>>,
}

impl Drop for Node<'_> {
    fn drop(&mut self) {
        if let Some(peer) = self.peer.get() {
            println!("{} drops after reading {}", self.name, peer.name);
        }
    }
}

fn main() {
    let mut lake = Lake::new();
    lake.scope(|s| {
        let a = s.alloc_dropping(Node { name: "a".into(), peer: Cell::new(None) });
        let b = s.alloc_dropping(Node { name: "b".into(), peer: Cell::new(None) });
        a.peer.set(Some(b));
        b.peer.set(Some(a));
    });
}
