//! The workloads behind lake's benchmarks, shared by the criterion benches
//! (`benches/benches/*.rs`) and the callgrind driver (`src/bin/callgrind_round.rs`), so both
//! time exactly the same code.
//!
//! Two workloads, fixed by the design doc so results compare over time:
//!
//! - **W1**: [`N`] × allocate a 32-byte [`Item`] built from the loop index, read it back through
//!   [`black_box`], then free everything (reset the arena).
//! - **W2**: [`N`] × copy a slice of 1..=256 bytes (lengths from a fixed xorshift sequence, see
//!   [`W2Input`]) into the arena, read its first and last byte back, then free everything.
//!
//! One *round* is the `N` allocations + reads + the reset; it is one criterion iteration and
//! the unit the callgrind driver repeats. Each contender's round is its own `#[inline(never)]`
//! function, so profiles attribute costs to it by name. See `benches/README.md` for what each
//! contender does in a round and what is and is not measured.
//!
//! The crate contains no `unsafe`.
#![forbid(unsafe_code)]

use std::hint::black_box;

use lake::Lake;

/// Allocations per round, in both workloads.
pub const N: usize = 10_000;

/// Contender names, in the order tables list them. These are the criterion benchmark IDs
/// (`w1/<name>`, `w2/<name>`) and the names the callgrind driver accepts.
pub const CONTENDERS: [&str; 6] = [
    "lake",
    "bumpalo",
    "bump-scope",
    "blink-alloc",
    "typed-arena",
    "box",
];

/// Not an allocator: the same loop with the allocation replaced by a stack value (W1) or a
/// reference to the source bytes (W2). Only the callgrind driver runs it, so the loop and
/// read-back cost can be subtracted from the others' instruction counts.
pub const BASELINE: &str = "baseline";

/// The workloads, as `(criterion group, bench target)` pairs.
pub const WORKLOADS: [(&str, &str); 2] = [("w1", "w1_alloc_struct"), ("w2", "w2_alloc_slice")];

/// The 32-byte value W1 allocates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// The loop index.
    pub a: u64,
    /// Derived from the index so no two fields are equal.
    pub b: u64,
    /// Derived from the index so no two fields are equal.
    pub c: u64,
    /// Derived from the index so no two fields are equal.
    pub d: u64,
}

const _: () = assert!(core::mem::size_of::<Item>() == 32);

impl Item {
    /// The `i`-th item of a round.
    #[inline(always)]
    pub fn from_index(i: usize) -> Item {
        let i = i as u64;
        Item {
            a: i,
            b: i.wrapping_mul(3),
            c: i ^ 0x5555,
            d: !i,
        }
    }

    /// What a round adds to its checksum when it reads this item back: its first and last
    /// field, like W2 reads the first and last byte.
    ///
    /// Two scalar loads on purpose. Reading all four fields (`a ^ b ^ c ^ d`) made LLVM load
    /// the item as two 16-byte vectors right after storing it as four 8-byte fields; a load
    /// that spans two stores cannot be forwarded from the store buffer, so every allocation
    /// paid a store-forwarding stall (~10 cycles) that had nothing to do with the allocator and
    /// drowned the differences between contenders.
    #[inline(always)]
    pub fn checksum(&self) -> u64 {
        self.a.wrapping_add(self.d)
    }
}

/// W2's fixed input, built outside any timed code: the slice lengths and the source bytes.
#[derive(Clone, Debug)]
pub struct W2Input {
    /// [`N`] lengths in `1..=256`, from xorshift32 with a fixed seed.
    pub lens: Vec<usize>,
    /// The 256 bytes every slice is copied from (`src[..len]`).
    pub src: [u8; 256],
    /// Sum of `lens`: the bytes one round copies.
    pub total_bytes: usize,
}

impl W2Input {
    /// The one W2 input every run uses.
    pub fn new() -> W2Input {
        let mut state: u32 = 0x9E37_79B9;
        let lens: Vec<usize> = (0..N)
            .map(|_| {
                // xorshift32 (Marsaglia, shifts 13/17/5).
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state % 256) as usize + 1
            })
            .collect();
        let mut src = [0u8; 256];
        for (i, byte) in src.iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(31).wrapping_add(7);
        }
        let total_bytes = lens.iter().sum();
        W2Input {
            lens,
            src,
            total_bytes,
        }
    }

    /// The `i`-th slice of a round.
    #[inline(always)]
    pub fn slice(&self, i: usize) -> &[u8] {
        &self.src[..self.lens[i]]
    }
}

impl Default for W2Input {
    fn default() -> W2Input {
        W2Input::new()
    }
}

/// What a W2 round adds to its checksum when it reads a copied slice back.
#[inline(always)]
fn slice_checksum(s: &[u8]) -> u64 {
    u64::from(s[0]) + u64::from(s[s.len() - 1])
}

/// Rounds run before anything is measured, so every arena has reached its steady state (one
/// chunk big enough for a whole round, kept across resets) and the heap has settled.
pub const WARM_ROUNDS: usize = 3;

/// One contender's state, kept across rounds. Arenas are created once and reset at the end of
/// each round; typed-arena has no reset, so it is created anew inside every round.
pub enum Contender {
    /// `lake::Lake::new()`.
    Lake(Lake),
    /// `bumpalo::Bump::new()`.
    Bumpalo(bumpalo::Bump),
    /// `bump_scope::Bump::new()` (default settings: bumps upward, minimum alignment 1).
    BumpScope(bump_scope::Bump),
    /// `blink_alloc::Blink::new()`, the single-thread arena with drop support.
    BlinkAlloc(blink_alloc::Blink),
    /// Nothing kept: each round makes and drops its own `typed_arena::Arena`.
    TypedArena,
    /// A `Vec` with room for `N` boxes (W1), kept across rounds and cleared after each.
    BoxW1(Vec<Box<Item>>),
    /// A `Vec` with room for `N` boxed slices (W2), kept across rounds and cleared after each.
    BoxW2(Vec<Box<[u8]>>),
    /// The loop without allocation; see [`BASELINE`].
    Baseline,
}

impl std::fmt::Debug for Contender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `blink_alloc::Blink` implements no `Debug`, so only the variant is shown.
        let name = match self {
            Contender::Lake(_) => "lake",
            Contender::Bumpalo(_) => "bumpalo",
            Contender::BumpScope(_) => "bump-scope",
            Contender::BlinkAlloc(_) => "blink-alloc",
            Contender::TypedArena => "typed-arena",
            Contender::BoxW1(_) | Contender::BoxW2(_) => "box",
            Contender::Baseline => BASELINE,
        };
        f.debug_tuple("Contender").field(&name).finish()
    }
}

impl Contender {
    /// The state for contender `name` in `workload` (`"w1"` or `"w2"`), not yet warmed up, or
    /// `None` for an unknown name. [`BASELINE`] is accepted too.
    pub fn new(workload: &str, name: &str) -> Option<Contender> {
        Some(match name {
            "lake" => Contender::Lake(Lake::new()),
            "bumpalo" => Contender::Bumpalo(bumpalo::Bump::new()),
            "bump-scope" => Contender::BumpScope(bump_scope::Bump::new()),
            "blink-alloc" => Contender::BlinkAlloc(blink_alloc::Blink::new()),
            "typed-arena" => Contender::TypedArena,
            "box" if workload == "w1" => Contender::BoxW1(Vec::with_capacity(N)),
            "box" if workload == "w2" => Contender::BoxW2(Vec::with_capacity(N)),
            BASELINE => Contender::Baseline,
            _ => return None,
        })
    }

    /// Like [`Contender::new`], then runs [`WARM_ROUNDS`] rounds of `workload`.
    pub fn warmed(workload: &str, name: &str, input: &W2Input) -> Option<Contender> {
        let mut contender = Contender::new(workload, name)?;
        for _ in 0..WARM_ROUNDS {
            black_box(contender.round(workload, input));
        }
        Some(contender)
    }

    /// One round of `workload` (`"w1"`, or anything else for W2; `input` is unused by W1).
    /// Returns the round's checksum, which is the same for every contender.
    #[inline]
    pub fn round(&mut self, workload: &str, input: &W2Input) -> u64 {
        if workload == "w1" {
            self.w1_round()
        } else {
            self.w2_round(input)
        }
    }

    /// One W1 round.
    pub fn w1_round(&mut self) -> u64 {
        match self {
            Contender::Lake(lake) => w1_lake(lake),
            Contender::Bumpalo(bump) => w1_bumpalo(bump),
            Contender::BumpScope(bump) => w1_bump_scope(bump),
            Contender::BlinkAlloc(blink) => w1_blink_alloc(blink),
            Contender::TypedArena => w1_typed_arena(),
            Contender::BoxW1(boxes) => w1_box(boxes),
            Contender::BoxW2(_) => panic!("the W2 box state cannot run W1"),
            Contender::Baseline => w1_baseline(),
        }
    }

    /// One W2 round.
    pub fn w2_round(&mut self, input: &W2Input) -> u64 {
        match self {
            Contender::Lake(lake) => w2_lake(lake, input),
            Contender::Bumpalo(bump) => w2_bumpalo(bump, input),
            Contender::BumpScope(bump) => w2_bump_scope(bump, input),
            Contender::BlinkAlloc(blink) => w2_blink_alloc(blink, input),
            Contender::TypedArena => w2_typed_arena(input),
            Contender::BoxW2(boxes) => w2_box(boxes, input),
            Contender::BoxW1(_) => panic!("the W1 box state cannot run W2"),
            Contender::Baseline => w2_baseline(input),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// W1: N × a 32-byte struct.
//
// Every contender runs the same loop: build `Item::from_index(i)`, allocate it, pass the returned
// reference through `black_box` (so the store must really happen and the read-back must really
// load from arena memory), add `checksum()` to the sum. Then free everything.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// W2: N × a copied byte slice of 1..=256 bytes.
//
// Every contender copies `input.slice(i)` (the first `lens[i]` bytes of the 256-byte source),
// passes the copy through `black_box` and adds its first and last byte to the sum. Then frees
// everything.
// ---------------------------------------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w2_lengths_cover_the_range() {
        let input = W2Input::new();
        assert_eq!(input.lens.len(), N);
        assert!(input.lens.iter().all(|&l| (1..=256).contains(&l)));
        assert!(input.lens.contains(&1) && input.lens.contains(&256));
        assert_eq!(input.total_bytes, input.lens.iter().sum::<usize>());
    }

    /// Every contender does the same work: same checksum, round after round.
    #[test]
    fn contenders_agree() {
        let input = W2Input::new();
        for (workload, _) in WORKLOADS {
            let want = Contender::new(workload, BASELINE)
                .unwrap()
                .round(workload, &input);
            for name in CONTENDERS {
                let mut c = Contender::new(workload, name).unwrap();
                for _ in 0..2 {
                    assert_eq!(c.round(workload, &input), want, "{workload}/{name}");
                }
            }
        }
    }

    #[test]
    fn lake_reaches_one_chunk() {
        let input = W2Input::new();
        for (workload, _) in WORKLOADS {
            let Some(Contender::Lake(lake)) = Contender::warmed(workload, "lake", &input) else {
                panic!("lake");
            };
            let stats = lake.stats();
            assert_eq!((stats.chunks, stats.used), (1, 0), "{workload}");
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        assert!(Contender::new("w1", "jemalloc").is_none());
    }
}
