//! The workloads behind lake's benchmarks, shared by the criterion benches
//! (`benches/benches/*.rs`) and the callgrind driver (`src/bin/callgrind_round.rs`), so both
//! time exactly the same code.
//!
//! Three workloads, kept fixed so results compare over time:
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

pub mod w1;
pub mod w2;
pub mod w3;
pub mod w4;
pub mod w6;
pub mod w7;

pub use w1::*;
pub use w2::*;
pub use w3::*;

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

/// How a contender's state is made, given the workload (`"w1"`, `"w2"` or `"w3"`).
type Make = fn(&str) -> State;

/// The W1 and W2 contenders, in the order tables list them: the one place their names are
/// written. The names are the criterion benchmark IDs (`w1/<name>`, `w2/<name>`) and the
/// names the callgrind driver accepts.
const W12_TABLE: [(&str, Make); 6] = [
    ("lake", |_| State::Lake(Lake::new())),
    ("bumpalo", |_| State::Bumpalo(bumpalo::Bump::new())),
    ("bump-scope", |_| State::BumpScope(bump_scope::Bump::new())),
    ("blink-alloc", |_| {
        State::BlinkAlloc(blink_alloc::Blink::new())
    }),
    ("typed-arena", |_| State::TypedArena),
    ("box", |workload| match workload {
        "w1" => State::BoxW1(Vec::with_capacity(N)),
        _ => State::BoxW2(Vec::with_capacity(N)),
    }),
];

/// The W3 contenders (criterion IDs `w3/<name>`): four ways to scope a lake, two of
/// bump-scope. Each state is pre-sized (see [`w3_presize_lake`]) before any mark, snapshot or
/// checkpoint is taken, so every scope of every round runs in one chunk.
const W3_TABLE: [(&str, Make); 6] = [
    ("lake-scope", |_| {
        State::LakeScope(w3_presize_lake(Lake::new()))
    }),
    ("lake-guard", |_| {
        State::LakeGuard(w3_presize_lake(Lake::new()))
    }),
    ("lake-mark", |_| {
        let mut lake = w3_presize_lake(Lake::new());
        lake.mark();
        State::LakeMark(lake)
    }),
    ("lake-snapshot", |_| {
        let lake = w3_presize_lake(Lake::new());
        let snapshot = lake.snapshot();
        State::LakeSnapshot(lake, snapshot)
    }),
    ("bump-scope-scoped", |_| {
        State::BumpScopeScoped(w3_presize_bump_scope(bump_scope::Bump::new()))
    }),
    ("bump-scope-checkpoint", |_| {
        State::BumpScopeCheckpoint(CheckpointedBump::new(bump_scope::Bump::new()))
    }),
];

/// The names of a contender table, in its order.
const fn names<const K: usize>(table: &[(&'static str, Make); K]) -> [&'static str; K] {
    let mut out = [""; K];
    let mut i = 0;
    while i < K {
        out[i] = table[i].0;
        i += 1;
    }
    out
}

/// W1 and W2 contender names, in table order (from the contender table).
pub const W12_CONTENDERS: [&str; 6] = names(&W12_TABLE);

/// W3 contender names, in table order (from the contender table).
pub const W3_CONTENDERS: [&str; 6] = names(&W3_TABLE);

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

/// One contender, by name, and its state, kept across rounds. Arenas are created once and reset
/// at the end of each round; typed-arena has no reset, so it is created anew inside every
/// round.
#[derive(Debug)]
pub struct Contender {
    name: &'static str,
    state: State,
}

/// A contender's state (see [`Contender`]).
// The `box` contenders keep `Vec<Box<_>>` on purpose: one global allocation per item is what
// they measure.
#[allow(clippy::vec_box)]
enum State {
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

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `blink_alloc::Blink` implements no `Debug`; the contender's name says which it is.
        f.write_str("..")
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
        let table: &[(&'static str, Make)] = match workload {
            "w1" | "w2" => &W12_TABLE,
            "w3" => &W3_TABLE,
            _ => return None,
        };
        if name == BASELINE {
            return Some(Contender {
                name: BASELINE,
                state: State::Baseline,
            });
        }
        let &(name, make) = table.iter().find(|(n, _)| *n == name)?;
        Some(Contender {
            name,
            state: make(workload),
        })
    }

    /// The contender's name (one of [`contenders`] of its workload, or [`BASELINE`]).
    pub fn name(&self) -> &'static str {
        self.name
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
        match &mut self.state {
            State::Lake(lake) => w1_lake(lake),
            State::Bumpalo(bump) => w1_bumpalo(bump),
            State::BumpScope(bump) => w1_bump_scope(bump),
            State::BlinkAlloc(blink) => w1_blink_alloc(blink),
            State::TypedArena => w1_typed_arena(),
            State::BoxW1(boxes) => w1_box(boxes),
            State::BoxW2(_) => panic!("the W2 box state cannot run W1"),
            State::Baseline => w1_baseline(),
            _ => panic!("{} is a W3 contender", self.name),
        }
    }

    /// One W2 round.
    pub fn w2_round(&mut self, input: &W2Input) -> u64 {
        match &mut self.state {
            State::Lake(lake) => w2_lake(lake, input),
            State::Bumpalo(bump) => w2_bumpalo(bump, input),
            State::BumpScope(bump) => w2_bump_scope(bump, input),
            State::BlinkAlloc(blink) => w2_blink_alloc(blink, input),
            State::TypedArena => w2_typed_arena(input),
            State::BoxW2(boxes) => w2_box(boxes, input),
            State::BoxW1(_) => panic!("the W1 box state cannot run W2"),
            State::Baseline => w2_baseline(input),
            _ => panic!("{} is a W3 contender", self.name),
        }
    }

    /// One W3 round.
    pub fn w3_round(&mut self) -> u64 {
        match &mut self.state {
            State::LakeScope(lake) => w3_lake_scope(lake),
            State::LakeGuard(lake) => w3_lake_guard(lake),
            State::LakeMark(lake) => w3_lake_mark(lake),
            State::LakeSnapshot(lake, snapshot) => w3_lake_snapshot(lake, snapshot),
            State::BumpScopeScoped(bump) => w3_bump_scope_scoped(bump),
            State::BumpScopeCheckpoint(state) => w3_bump_scope_checkpoint(state),
            State::Baseline => w3_baseline(),
            _ => panic!("{} is not a W3 contender", self.name),
        }
    }
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
            let contender = Contender::warmed(workload, "lake", &input).expect("lake");
            let State::Lake(lake) = &contender.state else {
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
            assert_eq!(contender.name(), name);
            match &contender.state {
                State::LakeScope(lake)
                | State::LakeGuard(lake)
                | State::LakeMark(lake)
                | State::LakeSnapshot(lake, _) => {
                    let stats = lake.stats();
                    assert_eq!((stats.chunks, stats.used), (1, 0), "{name}");
                }
                State::BumpScopeScoped(bump) => {
                    assert_eq!(bump.stats().count(), 1, "{name}");
                    assert_eq!(bump.stats().allocated(), 0, "{name}");
                }
                State::BumpScopeCheckpoint(state) => {
                    assert_eq!(state.chunks_and_allocated(), (1, 0), "{name}");
                }
                _ => panic!("{name}"),
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
