//! The workloads behind lake's benchmarks, shared by the criterion benches
//! (`benches/benches/*.rs`) and the callgrind driver (`src/bin/callgrind_round.rs`), so both
//! time exactly the same code.
//!
//! Three workloads, fixed by the design doc so results compare over time:
//!
//! - **W1**: [`N`] × allocate a 32-byte [`Item`] built from the loop index, read it back through
//!   [`black_box`], then free everything (reset the arena).
//! - **W2**: [`N`] × copy a slice of 1..=256 bytes (lengths from a fixed xorshift sequence, see
//!   [`W2Input`]) into the arena, read its first and last byte back, then free everything.
//! - **W3**: [`W3_SCOPES`] × { open a scope (or take a mark / checkpoint), [`W3_PER_SCOPE`] ×
//!   allocate an [`Item`] and read it back as in W1, rewind }.
//!
//! One *round* is one criterion iteration and the unit the callgrind driver repeats: for W1/W2
//! the `N` allocations + reads + the reset, for W3 all `W3_SCOPES` scopes
//! ([`W3_ALLOCATIONS`] allocations). Each contender's round is its own `#[inline(never)]`
//! function, so profiles attribute costs to it by name. The contenders differ per workload, see
//! [`contenders`]. See `benches/README.md` for what each contender does in a round and what is
//! and is not measured.
//!
//! The crate denies `unsafe` except in one place: bump-scope's `reset_to` is an `unsafe fn`,
//! so the `bump-scope-checkpoint` contender of W3 lives in its own module that allows it, with
//! the justification next to the call.
#![deny(unsafe_code)]

pub mod w4;
pub mod w6;
pub mod w7;

use std::hint::black_box;

use lake::Lake;

/// Allocations per round in W1 and W2.
pub const N: usize = 10_000;

/// Scopes per W3 round.
pub const W3_SCOPES: usize = 1_000;

/// Allocations per W3 scope.
pub const W3_PER_SCOPE: usize = 64;

/// Allocations per W3 round.
pub const W3_ALLOCATIONS: usize = W3_SCOPES * W3_PER_SCOPE;

/// W1 and W2 contender names, in the order tables list them. These are the criterion benchmark
/// IDs (`w1/<name>`, `w2/<name>`) and the names the callgrind driver accepts.
pub const W12_CONTENDERS: [&str; 6] = [
    "lake",
    "bumpalo",
    "bump-scope",
    "blink-alloc",
    "typed-arena",
    "box",
];

/// W3 contender names (criterion IDs `w3/<name>`): four ways to scope a lake, two of
/// bump-scope.
pub const W3_CONTENDERS: [&str; 6] = [
    "lake-scope",
    "lake-guard",
    "lake-mark",
    "lake-snapshot",
    "bump-scope-scoped",
    "bump-scope-checkpoint",
];

/// The `<contender> <rounds>` arguments of the drivers (`callgrind_w4`, `time_w4`, `callgrind_w5`); `None`
/// if they are missing or `rounds` is not a number.
pub fn contender_and_rounds() -> Option<(String, usize)> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, rounds] = args.as_slice() else {
        return None;
    };
    Some((name.clone(), rounds.parse().ok()?))
}

/// The contenders of `workload`, in table order (empty for an unknown workload). [`BASELINE`]
/// is not among them.
pub fn contenders(workload: &str) -> &'static [&'static str] {
    match workload {
        "w1" | "w2" => &W12_CONTENDERS,
        "w3" => &W3_CONTENDERS,
        _ => &[],
    }
}

/// Allocations in one round of `workload`: what criterion's throughput and the per-allocation
/// figures divide by.
pub fn allocations_per_round(workload: &str) -> usize {
    if workload == "w3" {
        W3_ALLOCATIONS
    } else {
        N
    }
}

/// Not an allocator: the same loop with the allocation replaced by a stack value (W1, W3, where
/// it also opens no scopes) or a reference to the source bytes (W2). Only the callgrind driver
/// runs it, so the loop and read-back cost can be subtracted from the others' instruction
/// counts.
pub const BASELINE: &str = "baseline";

/// The workloads, as `(criterion group, bench target)` pairs.
pub const WORKLOADS: [(&str, &str); 3] = [
    ("w1", "w1_alloc_struct"),
    ("w2", "w2_alloc_slice"),
    ("w3", "w3_scopes"),
];

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
    /// W3 `lake-scope`: closure scopes, [`Lake::scope`].
    LakeScope(Lake),
    /// W3 `lake-guard`: guard scopes, [`Lake::scope_guard`].
    LakeGuard(Lake),
    /// W3 `lake-mark`: a lake with one mark set (taken when the state is made), rewound with
    /// [`Lake::reset_to_mark`].
    LakeMark(Lake),
    /// W3 `lake-snapshot`: a lake and one snapshot (taken when the state is made), rewound with
    /// [`Lake::rewind`].
    LakeSnapshot(Lake, lake::Snapshot),
    /// W3 `bump-scope-scoped`: closure scopes, `bump_scope::Bump::scoped`.
    BumpScopeScoped(bump_scope::Bump),
    /// W3 `bump-scope-checkpoint`: a bump and one checkpoint (taken when the state is made),
    /// rewound with the `unsafe` `Bump::reset_to` (see [`CheckpointedBump`]).
    BumpScopeCheckpoint(CheckpointedBump),
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
            Contender::LakeScope(_) => "lake-scope",
            Contender::LakeGuard(_) => "lake-guard",
            Contender::LakeMark(_) => "lake-mark",
            Contender::LakeSnapshot(..) => "lake-snapshot",
            Contender::BumpScopeScoped(_) => "bump-scope-scoped",
            Contender::BumpScopeCheckpoint(_) => "bump-scope-checkpoint",
            Contender::Baseline => BASELINE,
        };
        f.debug_tuple("Contender").field(&name).finish()
    }
}

impl Contender {
    /// The state for contender `name` in `workload` (`"w1"`, `"w2"` or `"w3"`), not yet warmed
    /// up, or `None` for an unknown workload or a name that is not one of
    /// [`contenders(workload)`](contenders). [`BASELINE`] is accepted for every workload.
    ///
    /// W3 states are pre-sized here (see [`w3_presize_lake`]) before any mark, snapshot or
    /// checkpoint is taken, so every scope of every round runs in one chunk.
    pub fn new(workload: &str, name: &str) -> Option<Contender> {
        let known = contenders(workload);
        if known.is_empty() || !(known.contains(&name) || name == BASELINE) {
            return None;
        }
        if workload == "w3" {
            return Some(match name {
                "lake-scope" => Contender::LakeScope(w3_presize_lake(Lake::new())),
                "lake-guard" => Contender::LakeGuard(w3_presize_lake(Lake::new())),
                "lake-mark" => {
                    let mut lake = w3_presize_lake(Lake::new());
                    lake.mark();
                    Contender::LakeMark(lake)
                }
                "lake-snapshot" => {
                    let lake = w3_presize_lake(Lake::new());
                    let snapshot = lake.snapshot();
                    Contender::LakeSnapshot(lake, snapshot)
                }
                "bump-scope-scoped" => {
                    Contender::BumpScopeScoped(w3_presize_bump_scope(bump_scope::Bump::new()))
                }
                "bump-scope-checkpoint" => {
                    Contender::BumpScopeCheckpoint(CheckpointedBump::new(bump_scope::Bump::new()))
                }
                _ => Contender::Baseline,
            });
        }
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

    /// One round of `workload` (`"w1"`, `"w2"`, or anything else for W3; `input` is used by W2
    /// only). Returns the round's checksum, which is the same for every contender.
    #[inline]
    pub fn round(&mut self, workload: &str, input: &W2Input) -> u64 {
        if workload == "w1" {
            self.w1_round()
        } else if workload == "w2" {
            self.w2_round(input)
        } else {
            self.w3_round()
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
            _ => panic!("{self:?} is a W3 state"),
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
            _ => panic!("{self:?} is a W3 state"),
        }
    }

    /// One W3 round.
    pub fn w3_round(&mut self) -> u64 {
        match self {
            Contender::LakeScope(lake) => w3_lake_scope(lake),
            Contender::LakeGuard(lake) => w3_lake_guard(lake),
            Contender::LakeMark(lake) => w3_lake_mark(lake),
            Contender::LakeSnapshot(lake, snapshot) => w3_lake_snapshot(lake, snapshot),
            Contender::BumpScopeScoped(bump) => w3_bump_scope_scoped(bump),
            Contender::BumpScopeCheckpoint(state) => w3_bump_scope_checkpoint(state),
            Contender::Baseline => w3_baseline(),
            _ => panic!("{self:?} is not a W3 state"),
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

// ---------------------------------------------------------------------------------------------
// W3: W3_SCOPES × { open a scope, W3_PER_SCOPE × a 32-byte struct, rewind }.
//
// Inside a scope every contender runs W1's loop body: build `Item::from_index(j)` (j counts
// through the round, 0..W3_ALLOCATIONS), allocate it, pass the returned reference through
// `black_box`, add `checksum()` to the sum. The arena is pre-sized when the state is made (see
// `w3_presize_lake`), so a scope never leaves the one chunk and a round never calls the global
// allocator; what differs between contenders is the per-allocation path and the cost of opening
// and ending a scope, amortised over W3_PER_SCOPE allocations.
// ---------------------------------------------------------------------------------------------

/// How often the W3 pre-sizing fills and resets an arena.
const W3_PRESIZE_ROUNDS: usize = 3;

/// Makes a fresh `lake` hold one chunk big enough for a whole W3 scope: [`W3_PRESIZE_ROUNDS`]
/// × { [`W3_PER_SCOPE`] × `alloc`, `reset` } (a reset keeps the largest chunk). Done before
/// the mark or snapshot is taken: a reset would invalidate them, and a checkpoint taken while
/// the lake still had its small first chunk would make every scope cross into later chunks.
pub fn w3_presize_lake(mut lake: Lake) -> Lake {
    for _ in 0..W3_PRESIZE_ROUNDS {
        for i in 0..W3_PER_SCOPE {
            black_box(lake.alloc(Item::from_index(i)));
        }
        lake.reset();
    }
    lake
}

/// [`w3_presize_lake`] for bump-scope (`Bump::reset` keeps the last, largest chunk).
pub fn w3_presize_bump_scope(mut bump: bump_scope::Bump) -> bump_scope::Bump {
    for _ in 0..W3_PRESIZE_ROUNDS {
        for i in 0..W3_PER_SCOPE {
            black_box(bump.alloc(Item::from_index(i)).into_mut());
        }
        bump.reset();
    }
    bump
}

/// W3 on `lake` with closure scopes: per scope, `Lake::scope(|s| W3_PER_SCOPE × s.alloc)`; the
/// scope's end rewinds.
#[inline(never)]
pub fn w3_lake_scope(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        let part = lake.scope(|s| {
            let mut part = 0u64;
            for i in 0..W3_PER_SCOPE {
                let r = black_box(s.alloc(Item::from_index(base + i)));
                part = part.wrapping_add(r.checksum());
            }
            part
        });
        sum = sum.wrapping_add(part);
    }
    sum
}

/// W3 on `lake` with guard scopes: per scope, `let mut g = Lake::scope_guard()`,
/// `let s = g.scope()`, W3_PER_SCOPE × `s.alloc`, `drop(g)` (which rewinds).
#[inline(never)]
pub fn w3_lake_guard(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        let mut guard = lake.scope_guard();
        let s = guard.scope();
        for i in 0..W3_PER_SCOPE {
            let r = black_box(s.alloc(Item::from_index(base + i)));
            sum = sum.wrapping_add(r.checksum());
        }
        drop(guard);
    }
    sum
}

/// W3 on `lake` with a mark (set once, when the state was made): per scope, W3_PER_SCOPE ×
/// `Lake::alloc`, then `Lake::reset_to_mark` (the mark stays set).
#[inline(never)]
pub fn w3_lake_mark(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        for i in 0..W3_PER_SCOPE {
            let r = black_box(lake.alloc(Item::from_index(base + i)));
            sum = sum.wrapping_add(r.checksum());
        }
        lake.reset_to_mark().unwrap();
    }
    sum
}

/// W3 on `lake` with a snapshot (taken once, when the state was made): per scope,
/// W3_PER_SCOPE × `Lake::alloc`, then `Lake::rewind(&snapshot)` (the snapshot stays valid).
#[inline(never)]
pub fn w3_lake_snapshot(lake: &mut Lake, snapshot: &lake::Snapshot) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        for i in 0..W3_PER_SCOPE {
            let r = black_box(lake.alloc(Item::from_index(base + i)));
            sum = sum.wrapping_add(r.checksum());
        }
        lake.rewind(snapshot).unwrap();
    }
    sum
}

/// W3 on bump-scope with closure scopes: per scope, `Bump::scoped(|bump| W3_PER_SCOPE ×
/// bump.alloc(..).into_mut())`; the scope's end resets to where it started. `into_mut` turns
/// the `BumpBox` into `&mut Item`, so no destructor runs (as in W1).
#[inline(never)]
pub fn w3_bump_scope_scoped(bump: &mut bump_scope::Bump) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        let part = bump.scoped(|bump| {
            let mut part = 0u64;
            for i in 0..W3_PER_SCOPE {
                let r = black_box(bump.alloc(Item::from_index(base + i)).into_mut());
                part = part.wrapping_add(r.checksum());
            }
            part
        });
        sum = sum.wrapping_add(part);
    }
    sum
}

pub use w3_checkpoint::{w3_bump_scope_checkpoint, CheckpointedBump};

/// The one contender that needs `unsafe`: bump-scope's `reset_to` is an `unsafe fn` (it cannot
/// check that the allocations it discards are dead). Kept in its own module so the crate-wide
/// `deny(unsafe_code)` covers everything else.
#[allow(unsafe_code)]
mod w3_checkpoint {
    use std::hint::black_box;

    use super::{Item, W3_PER_SCOPE, W3_SCOPES};

    /// A bump-scope `Bump` and a checkpoint taken on it after pre-sizing. The fields are
    /// private and nothing hands out the bump, so the checkpoint is always this bump's, taken
    /// while it was unclaimed, and the bump is never reset after it: the conditions `reset_to`
    /// requires of the checkpoint itself.
    pub struct CheckpointedBump {
        bump: bump_scope::Bump,
        checkpoint: bump_scope::Checkpoint,
    }

    impl CheckpointedBump {
        /// Pre-sizes `bump` (see [`super::w3_presize_bump_scope`]), then takes the checkpoint.
        pub fn new(bump: bump_scope::Bump) -> CheckpointedBump {
            let bump = super::w3_presize_bump_scope(bump);
            let checkpoint = bump.checkpoint();
            CheckpointedBump { bump, checkpoint }
        }

        /// The bump's chunk count and bytes allocated (for tests).
        #[cfg(test)]
        pub(crate) fn chunks_and_allocated(&self) -> (usize, usize) {
            (self.bump.stats().count(), self.bump.stats().allocated())
        }
    }

    impl std::fmt::Debug for CheckpointedBump {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("CheckpointedBump")
                .field("checkpoint", &self.checkpoint)
                .finish_non_exhaustive()
        }
    }

    /// W3 on bump-scope with a checkpoint (taken once, when the state was made): per scope,
    /// W3_PER_SCOPE × `Bump::alloc(..).into_mut()`, then `unsafe { Bump::reset_to(checkpoint) }`.
    #[inline(never)]
    pub fn w3_bump_scope_checkpoint(state: &mut CheckpointedBump) -> u64 {
        let bump = &state.bump;
        let mut sum = 0u64;
        for scope in 0..W3_SCOPES {
            let base = scope * W3_PER_SCOPE;
            for i in 0..W3_PER_SCOPE {
                let r = black_box(bump.alloc(Item::from_index(base + i)).into_mut());
                sum = sum.wrapping_add(r.checksum());
            }
            // SAFETY: `reset_to` requires that the checkpoint was made by this bump (and so
            // with the same `GUARANTEED_ALLOCATED` setting), that the bump was not reset since,
            // that it is unclaimed now and was when the checkpoint was made, and that nothing
            // allocated since the checkpoint is used afterwards. The first three are
            // `CheckpointedBump`'s invariant: `new` takes the checkpoint on the bump it owns,
            // and the private bump is only ever used here, where it is neither reset nor
            // claimed. The last: the only allocations since the checkpoint are this scope's
            // items; each `r` is dead after the line that reads it, `into_mut` left no
            // `BumpBox` to drop later, and `black_box` keeps no reference past its call. The
            // next scope's items reuse the memory.
            unsafe { bump.reset_to(state.checkpoint) };
        }
        sum
    }
}

/// W3 without allocation: the items stay on the stack, no scopes (callgrind baseline only).
#[inline(never)]
pub fn w3_baseline() -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        for i in 0..W3_PER_SCOPE {
            let mut item = Item::from_index(base + i);
            let r = black_box(&mut item);
            sum = sum.wrapping_add(r.checksum());
        }
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
            for &name in contenders(workload) {
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
        for workload in ["w1", "w2"] {
            let Some(Contender::Lake(lake)) = Contender::warmed(workload, "lake", &input) else {
                panic!("lake");
            };
            let stats = lake.stats();
            assert_eq!((stats.chunks, stats.used), (1, 0), "{workload}");
        }
    }

    /// W3's pre-sizing works: after the warm-up every arena has one chunk, and the lakes are
    /// back at their checkpoint (nothing used), so every scope stays in that chunk.
    #[test]
    fn w3_arenas_reach_one_chunk() {
        let input = W2Input::new();
        for &name in contenders("w3") {
            let contender = Contender::warmed("w3", name, &input).unwrap();
            match &contender {
                Contender::LakeScope(lake)
                | Contender::LakeGuard(lake)
                | Contender::LakeMark(lake)
                | Contender::LakeSnapshot(lake, _) => {
                    let stats = lake.stats();
                    assert_eq!((stats.chunks, stats.used), (1, 0), "{name}");
                }
                Contender::BumpScopeScoped(bump) => {
                    assert_eq!(bump.stats().count(), 1, "{name}");
                    assert_eq!(bump.stats().allocated(), 0, "{name}");
                }
                Contender::BumpScopeCheckpoint(state) => {
                    assert_eq!(state.chunks_and_allocated(), (1, 0), "{name}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn allocations_per_round_match_the_loops() {
        assert_eq!(allocations_per_round("w1"), N);
        assert_eq!(allocations_per_round("w2"), N);
        assert_eq!(allocations_per_round("w3"), 64_000);
    }

    #[test]
    fn unknown_names_are_refused() {
        assert!(Contender::new("w1", "jemalloc").is_none());
        assert!(Contender::new("w1", "lake-scope").is_none());
        assert!(Contender::new("w3", "lake").is_none());
        assert!(Contender::new("w4", BASELINE).is_none());
    }
}
