//! W1: N × a 32-byte struct.
//!
//! Every contender runs the same loop: build `Item::from_index(i)`, allocate it, pass the returned
//! reference through `black_box` (so the store must really happen and the read-back must really
//! load from arena memory), add `checksum()` to the sum. Then free everything.

use std::hint::black_box;

use lake::Lake;

use crate::{Item, N};

/// W1 on `lake`: `Lake::alloc` × N, then `Lake::reset` (keeps the largest chunk).
#[inline(never)]
pub fn w1_lake(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let r = black_box(lake.alloc(Item::from_index(i)));
        sum = sum.wrapping_add(r.checksum());
    }
    lake.reset();
    sum
}

/// W1 on bumpalo: `Bump::alloc` × N, then `Bump::reset` (keeps the last, largest chunk).
#[inline(never)]
pub fn w1_bumpalo(bump: &mut bumpalo::Bump) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let r = black_box(bump.alloc(Item::from_index(i)));
        sum = sum.wrapping_add(r.checksum());
    }
    bump.reset();
    sum
}

/// W1 on bump-scope: `Bump::alloc` × N (a `BumpBox`, turned into `&mut Item` with `into_mut`
/// so no destructor runs; `Item` is `Copy`), then `Bump::reset` (keeps the last chunk).
#[inline(never)]
pub fn w1_bump_scope(bump: &mut bump_scope::Bump) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let r = black_box(bump.alloc(Item::from_index(i)).into_mut());
        sum = sum.wrapping_add(r.checksum());
    }
    bump.reset();
    sum
}

/// W1 on blink-alloc: `Blink::put` × N (`Item` needs no drop, so nothing joins the drop
/// list), then `Blink::reset` (keeps the last chunk).
#[inline(never)]
pub fn w1_blink_alloc(blink: &mut blink_alloc::Blink) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let r = black_box(blink.put(Item::from_index(i)));
        sum = sum.wrapping_add(r.checksum());
    }
    blink.reset();
    sum
}

/// W1 on typed-arena. It has no reset, so the round creates `Arena::with_capacity(N)` (one
/// global allocation of N items) and drops it at the end (one free): both are inside the round
/// and so are timed, amortised over the N allocations.
#[inline(never)]
pub fn w1_typed_arena() -> u64 {
    let arena = typed_arena::Arena::with_capacity(N);
    let mut sum = 0u64;
    for i in 0..N {
        let r = black_box(arena.alloc(Item::from_index(i)));
        sum = sum.wrapping_add(r.checksum());
    }
    drop(arena);
    sum
}

/// W1 on the global allocator: `Box::new` × N, each box pushed into a `Vec` (capacity N, made
/// once outside the round) so all N stay alive like arena allocations do, then `Vec::clear`,
/// which frees the N boxes one by one. Measures malloc + free of 32 bytes, plus a push.
#[inline(never)]
pub fn w1_box(boxes: &mut Vec<Box<Item>>) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let b = black_box(Box::new(Item::from_index(i)));
        sum = sum.wrapping_add(b.checksum());
        boxes.push(b);
    }
    boxes.clear();
    sum
}

/// W1 without allocation: the item stays on the stack (callgrind baseline only).
#[inline(never)]
pub fn w1_baseline() -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let mut item = Item::from_index(i);
        let r = black_box(&mut item);
        sum = sum.wrapping_add(r.checksum());
    }
    sum
}
