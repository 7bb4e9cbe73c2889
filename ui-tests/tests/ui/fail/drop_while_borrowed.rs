// Guarantee: a lake cannot be dropped while a `&mut` into it is alive; dropping frees every
// chunk, so the later write through `slot` would be a use after free (E0505).
use lake::Lake;

fn main() {
    let lake = Lake::new();
    let slot: &mut [u8] = lake.alloc_slice_copy(b"payload");
    drop(lake);
    slot[0] = b'P';
}
