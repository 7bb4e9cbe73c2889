//! W2: N × a copied byte slice of 1..=256 bytes.
//!
//! Every contender copies `input.slice(i)` (the first `lens[i]` bytes of the 256-byte source),
//! passes the copy through `black_box` and adds its first and last byte to the sum. Then frees
//! everything.

use std::hint::black_box;

use lake::Lake;

use crate::{slice_checksum, W2Input, N};

/// W2 on `lake`: `Lake::alloc_slice_copy` × N, then `Lake::reset`.
#[inline(never)]
pub fn w2_lake(lake: &mut Lake, input: &W2Input) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let s = black_box(lake.alloc_slice_copy(input.slice(i)));
        sum = sum.wrapping_add(slice_checksum(s));
    }
    lake.reset();
    sum
}

/// W2 on bumpalo: `Bump::alloc_slice_copy` × N, then `Bump::reset`.
#[inline(never)]
pub fn w2_bumpalo(bump: &mut bumpalo::Bump, input: &W2Input) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let s = black_box(bump.alloc_slice_copy(input.slice(i)));
        sum = sum.wrapping_add(slice_checksum(s));
    }
    bump.reset();
    sum
}

/// W2 on bump-scope: `Bump::alloc_slice_copy` × N (`BumpBox<[u8]>` → `&mut [u8]` with
/// `into_mut`), then `Bump::reset`.
#[inline(never)]
pub fn w2_bump_scope(bump: &mut bump_scope::Bump, input: &W2Input) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let s = black_box(bump.alloc_slice_copy(input.slice(i)).into_mut());
        sum = sum.wrapping_add(slice_checksum(s));
    }
    bump.reset();
    sum
}

/// W2 on blink-alloc: `Blink::copy_slice` × N, then `Blink::reset`.
#[inline(never)]
pub fn w2_blink_alloc(blink: &mut blink_alloc::Blink, input: &W2Input) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let s = black_box(blink.copy_slice(input.slice(i)));
        sum = sum.wrapping_add(slice_checksum(s));
    }
    blink.reset();
    sum
}

/// W2 on typed-arena: a fresh `Arena<u8>::with_capacity(total_bytes)` per round (no reset, see
/// [`w1_typed_arena`]; sized so the round never needs a second chunk), `alloc_extend` × N with
/// the bytes as an iterator (typed-arena has no slice copy: it pushes byte by byte), then drop.
#[inline(never)]
pub fn w2_typed_arena(input: &W2Input) -> u64 {
    let arena = typed_arena::Arena::with_capacity(input.total_bytes);
    let mut sum = 0u64;
    for i in 0..N {
        let s = black_box(arena.alloc_extend(input.slice(i).iter().copied()));
        sum = sum.wrapping_add(slice_checksum(s));
    }
    drop(arena);
    sum
}

/// W2 on the global allocator: `Box::<[u8]>::from(slice)` × N pushed into a kept `Vec`, then
/// `Vec::clear` frees them one by one. Measures malloc (1..=256 bytes) + memcpy + free.
#[inline(never)]
pub fn w2_box(boxes: &mut Vec<Box<[u8]>>, input: &W2Input) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let b = black_box(Box::<[u8]>::from(input.slice(i)));
        sum = sum.wrapping_add(slice_checksum(&b));
        boxes.push(b);
    }
    boxes.clear();
    sum
}

/// W2 without allocation or copy: reads the source slice directly (callgrind baseline only).
#[inline(never)]
pub fn w2_baseline(input: &W2Input) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let s = black_box(input.slice(i));
        sum = sum.wrapping_add(slice_checksum(s));
    }
    sum
}
