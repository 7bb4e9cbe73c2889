//! Model-based property test: random allocation programs, run against a sweep of lake
//! configurations, checked after every step against what the lake promises.
//!
//! A program is a list of operations; `Reset` splits it into segments. Within a segment the
//! allocations borrow the lake (`alloc*` takes `&self`), so the test keeps the returned
//! references and re-reads (and rewrites) every live block after every step. Across a reset
//! nothing is kept: the borrow checker would reject it.

use std::alloc::Layout;

use lake::{AllocError, Lake, LakeStats};
use lake_tests::{addr_of, allocations, cases, overlaps};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// `try_alloc_layout`, then fill the block with a pattern.
    Layout { size: usize, align: usize },
    /// `try_alloc(u64)`.
    Value(u64),
    /// `try_alloc_slice_copy`.
    SliceCopy(Vec<u8>),
    /// `try_alloc_str`.
    Str(String),
    /// `try_alloc_fmt` with runtime arguments.
    Fmt(u32, i64),
    /// `try_alloc_iter` of `len` words, from an exact-size or a filtered iterator.
    Iter { len: u32, exact: bool },
    /// `reset` (ends the segment).
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..=300, 0u32..=12).prop_map(|(size, shift)| Op::Layout { size, align: 1 << shift }),
        2 => any::<u64>().prop_map(Op::Value),
        2 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Op::SliceCopy),
        2 => "\\PC{0,16}".prop_map(Op::Str),
        1 => (any::<u32>(), any::<i64>()).prop_map(|(a, b)| Op::Fmt(a, b)),
        2 => (0u32..100, any::<bool>()).prop_map(|(len, exact)| Op::Iter { len, exact }),
        1 => Just(Op::Reset),
    ]
}

fn program() -> impl Strategy<Value = Vec<Op>> {
    let max_len = if cfg!(miri) { 12 } else { 64 };
    proptest::collection::vec(op(), 1..max_len)
}

/// Under miri, each case runs against every third configuration (from a generated offset), which
/// keeps the interpreted run to a few minutes; natively every case runs against all of them.
const MIRI_CONFIG_STRIDE: usize = 3;

fn config_offset() -> impl Strategy<Value = usize> {
    let offsets = if cfg!(miri) { MIRI_CONFIG_STRIDE } else { 1 };
    0..offsets
}

/// How a lake under test is made.
#[derive(Clone, Copy, Debug)]
enum Config {
    New,
    WithCapacity(usize),
    /// A growing lake with a small first chunk and a small growth cap: many chunks.
    SmallChunks {
        capacity: usize,
        max_chunk: usize,
    },
    /// A growing lake that zeroes its kept chunk on every reset.
    ZeroOnReset {
        capacity: usize,
        max_chunk: usize,
    },
    Fixed(usize),
    /// `builder().capacity(n).fixed()`, which should be the same as `Lake::fixed(n)`.
    BuilderFixed(usize),
    Limit(usize),
    CapacityLimit {
        capacity: usize,
        limit: usize,
    },
}

/// What kind of failure a configuration allows.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Never fails for the small requests of these programs.
    Growing,
    /// Fails only with `CapacityExceeded`; has exactly `n` bytes.
    Fixed(usize),
    /// Fails only with `LimitExceeded`; never holds more than `n` chunk bytes.
    Limited(usize),
}

impl Config {
    fn build(self) -> Lake {
        match self {
            Config::New => Lake::new(),
            Config::WithCapacity(n) => Lake::with_capacity(n),
            Config::SmallChunks {
                capacity,
                max_chunk,
            } => Lake::builder()
                .capacity(capacity)
                .max_chunk_size(max_chunk)
                .build(),
            Config::ZeroOnReset {
                capacity,
                max_chunk,
            } => Lake::builder()
                .capacity(capacity)
                .max_chunk_size(max_chunk)
                .zero_on_reset(true)
                .build(),
            Config::Fixed(n) => Lake::fixed(n),
            Config::BuilderFixed(n) => Lake::builder().capacity(n).fixed().build(),
            Config::Limit(n) => Lake::builder().limit(n).build(),
            Config::CapacityLimit { capacity, limit } => {
                Lake::builder().capacity(capacity).limit(limit).build()
            }
        }
    }

    fn kind(self) -> Kind {
        match self {
            Config::New
            | Config::WithCapacity(_)
            | Config::SmallChunks { .. }
            | Config::ZeroOnReset { .. } => Kind::Growing,
            Config::Fixed(n) | Config::BuilderFixed(n) => Kind::Fixed(n),
            Config::Limit(limit) | Config::CapacityLimit { limit, .. } => Kind::Limited(limit),
        }
    }
}

/// The sweep every program runs against.
const CONFIGS: &[Config] = &[
    Config::New,
    Config::WithCapacity(0),
    Config::WithCapacity(1),
    Config::WithCapacity(15),
    Config::WithCapacity(16),
    Config::WithCapacity(17),
    Config::WithCapacity(64),
    Config::WithCapacity(100),
    Config::WithCapacity(4096),
    Config::SmallChunks {
        capacity: 16,
        max_chunk: 64,
    },
    Config::SmallChunks {
        capacity: 0,
        max_chunk: 32,
    },
    Config::SmallChunks {
        capacity: 100,
        max_chunk: 1024,
    },
    Config::ZeroOnReset {
        capacity: 64,
        max_chunk: 256,
    },
    Config::Fixed(0),
    Config::Fixed(1),
    Config::Fixed(15),
    Config::Fixed(16),
    Config::Fixed(17),
    Config::Fixed(64),
    Config::Fixed(100),
    Config::Fixed(4096),
    Config::BuilderFixed(300),
    Config::Limit(0),
    Config::Limit(16),
    Config::Limit(100),
    Config::Limit(1000),
    Config::Limit(5000),
    Config::CapacityLimit {
        capacity: 64,
        limit: 2000,
    },
    // A capacity that is not a multiple of 16 right at the limit.
    Config::CapacityLimit {
        capacity: 100,
        limit: 100,
    },
    Config::CapacityLimit {
        capacity: 1,
        limit: 8,
    },
];

/// The byte a `Layout` block holds at index `i` when filled from `seed`.
fn pattern(seed: u8, i: usize) -> u8 {
    seed.wrapping_add((i as u8).wrapping_mul(31)) ^ ((i >> 8) as u8)
}

/// The words an `Iter` op produces.
fn word(i: u32) -> u32 {
    i.wrapping_mul(2_654_435_761) ^ 0x5bd1_e995
}

/// A live allocation and what it must contain.
enum Block<'a> {
    Bytes {
        data: &'a mut [u8],
        align: usize,
        seed: u8,
    },
    Value(&'a mut u64, u64),
    Slice(&'a mut [u8], Vec<u8>),
    Str(&'a mut str, String),
    Words(&'a mut [u32], Vec<u32>),
}

impl Block<'_> {
    /// (start address, length in bytes)
    fn range(&self) -> (usize, usize) {
        match self {
            Block::Bytes { data, .. } => (addr_of(&**data), data.len()),
            Block::Value(v, _) => (addr_of(&**v), 8),
            Block::Slice(s, _) => (addr_of(&**s), s.len()),
            Block::Str(s, _) => (addr_of(&**s), s.len()),
            Block::Words(w, _) => (addr_of(&**w), w.len() * 4),
        }
    }

    fn align(&self) -> usize {
        match self {
            Block::Bytes { align, .. } => *align,
            Block::Value(..) => 8,
            Block::Slice(..) | Block::Str(..) => 1,
            Block::Words(..) => 4,
        }
    }

    /// Checks the contents through the reference the lake handed out.
    fn check(&self) -> Result<(), TestCaseError> {
        match self {
            Block::Bytes { data, seed, .. } => {
                for (i, &b) in data.iter().enumerate() {
                    prop_assert_eq!(b, pattern(*seed, i), "byte {} of a layout block", i);
                }
            }
            Block::Value(v, want) => prop_assert_eq!(**v, *want),
            Block::Slice(s, want) => prop_assert_eq!(&**s, &want[..]),
            Block::Str(s, want) => prop_assert_eq!(&**s, &want[..]),
            Block::Words(w, want) => prop_assert_eq!(&**w, &want[..]),
        }
        Ok(())
    }

    /// Overwrites the contents with a new expected pattern, so a block that overlaps another
    /// corrupts it visibly.
    fn scribble(&mut self) {
        match self {
            Block::Bytes { data, seed, .. } => {
                *seed = seed.wrapping_add(97);
                for (i, b) in data.iter_mut().enumerate() {
                    *b = pattern(*seed, i);
                }
            }
            Block::Value(v, want) => {
                *want = want.rotate_left(7) ^ 0xa5a5;
                **v = *want;
            }
            Block::Slice(s, want) => {
                for (b, w) in s.iter_mut().zip(want.iter_mut()) {
                    *w ^= 0x5a;
                    *b = *w;
                }
            }
            Block::Str(..) => {}
            Block::Words(w, want) => {
                for (x, y) in w.iter_mut().zip(want.iter_mut()) {
                    *y = y.wrapping_add(1);
                    *x = *y;
                }
            }
        }
    }
}

/// Running state of one program against one configuration.
struct Run {
    config: Config,
    /// Largest `used` observed.
    max_used: usize,
    /// `high_water` at the last stats call (it must never decrease).
    high_water: usize,
    /// A lower bound on the size of the largest chunk the lake holds.
    largest_chunk: usize,
    /// Seed for the next layout block.
    seed: u8,
}

/// A request that goes straight to one bump: its size and alignment, for predictions.
#[derive(Clone, Copy)]
struct Direct {
    size: usize,
    align: usize,
}

impl Run {
    fn observe(&mut self, stats: LakeStats) -> Result<(), TestCaseError> {
        prop_assert!(
            stats.high_water >= self.high_water,
            "high_water went down: {} -> {}",
            self.high_water,
            stats.high_water
        );
        prop_assert!(stats.high_water >= stats.used, "{:?}", stats);
        self.high_water = stats.high_water;
        self.max_used = self.max_used.max(stats.used);
        Ok(())
    }

    /// Checks of the configuration's budget that hold at every step.
    fn check_budget(&self, stats: LakeStats) -> Result<(), TestCaseError> {
        prop_assert!(stats.capacity >= stats.used, "{:?}", stats);
        match self.config.kind() {
            Kind::Growing => {}
            Kind::Fixed(n) => {
                prop_assert_eq!(stats.chunks, 1, "a fixed lake has exactly one chunk");
                prop_assert_eq!(stats.capacity, n, "a fixed lake has exactly n bytes");
            }
            Kind::Limited(limit) => {
                prop_assert!(
                    stats.capacity <= limit,
                    "capacity {} is past the limit {}",
                    stats.capacity,
                    limit
                );
            }
        }
        Ok(())
    }

    /// Runs one segment (the ops between two resets) on a shared borrow of the lake.
    fn segment(&mut self, lake: &Lake, ops: &[Op]) -> Result<(), TestCaseError> {
        let mut blocks: Vec<Block<'_>> = Vec::new();
        let start = lake.stats();
        self.observe(start)?;
        self.check_budget(start)?;
        // Allocations counted by the ops so far (exact for direct requests, a lower bound for
        // growing ones).
        let mut counted = 0usize;
        // Whether a growing op ran, which may count more than once (when its block moves).
        let mut inexact = false;
        let mut any_bytes = start.chunks > 0;

        for op in ops {
            let before = lake.stats();
            self.observe(before)?;
            let (result, direct): (Result<Block<'_>, AllocError>, Option<Direct>) = match op {
                Op::Layout { size, align } => {
                    let (size, align) = (*size, *align);
                    let seed = self.seed;
                    self.seed = self.seed.wrapping_add(1);
                    let layout = Layout::from_size_align(size, align).unwrap();
                    let result = lake.try_alloc_layout(layout).map(|ptr| {
                        let p = ptr.as_ptr();
                        // SAFETY: `try_alloc_layout` returned a block of `size` bytes, valid for
                        // writes, disjoint from every other live block, and valid while `lake` is
                        // borrowed (this function never resets it). Every byte is written
                        // before the slice is made, so the slice covers initialised bytes only.
                        let data = unsafe {
                            for i in 0..size {
                                p.add(i).write(pattern(seed, i));
                            }
                            std::slice::from_raw_parts_mut(p, size)
                        };
                        Block::Bytes { data, align, seed }
                    });
                    (result, Some(Direct { size, align }))
                }
                Op::Value(v) => (
                    lake.try_alloc(*v).map(|r| Block::Value(r, *v)),
                    Some(Direct { size: 8, align: 8 }),
                ),
                Op::SliceCopy(bytes) => (
                    lake.try_alloc_slice_copy(bytes)
                        .map(|s| Block::Slice(s, bytes.clone())),
                    Some(Direct {
                        size: bytes.len(),
                        align: 1,
                    }),
                ),
                Op::Str(s) => (
                    lake.try_alloc_str(s).map(|r| Block::Str(r, s.clone())),
                    Some(Direct {
                        size: s.len(),
                        align: 1,
                    }),
                ),
                Op::Fmt(a, b) => {
                    let want = format!("{a}/{b:x}/{a:>12}|");
                    let got = lake.try_alloc_fmt(format_args!("{a}/{b:x}/{a:>12}|"));
                    (got.map(|r| Block::Str(r, want)), None)
                }
                Op::Iter { len, exact } => {
                    let len = *len;
                    let want: Vec<u32> = (0..len).map(word).collect();
                    let got = if *exact {
                        lake.try_alloc_iter((0..len).map(word))
                    } else {
                        lake.try_alloc_iter(
                            (0..2 * len).filter(|x| x % 2 == 0).map(|x| word(x / 2)),
                        )
                    };
                    (got.map(|r| Block::Words(r, want)), None)
                }
                Op::Reset => unreachable!("segments contain no resets"),
            };
            let after = lake.stats();
            self.observe(after)?;

            if direct.is_none() {
                // A growing block counts once, plus once per move (`LakeStats::allocations`).
                inexact = true;
            }
            match result {
                Ok(block) => {
                    let (_, len) = block.range();
                    any_bytes |= len > 0;
                    // An empty growing block (an empty iterator) hands out no block at all.
                    if direct.is_some() || len > 0 {
                        counted += 1;
                    }
                    blocks.push(block);
                }
                Err(e) => self.check_failure(e, direct, before, after)?,
            }

            // Every live block: aligned, disjoint from the others, contents intact.
            let mut ranges = Vec::with_capacity(blocks.len());
            for block in &blocks {
                let (addr, len) = block.range();
                prop_assert_eq!(addr % block.align(), 0, "block at {:#x} misaligned", addr);
                block.check()?;
                ranges.push((addr, len));
            }
            ranges.sort_unstable();
            for pair in ranges.windows(2) {
                prop_assert!(
                    !overlaps(pair[0], pair[1]),
                    "{:x?} overlaps {:x?}",
                    pair[0],
                    pair[1]
                );
            }
            for block in &mut blocks {
                block.scribble();
            }

            // Statistics.
            let live: usize = ranges.iter().map(|r| r.1).sum();
            prop_assert!(
                after.used >= live,
                "used {} < live bytes {}",
                after.used,
                live
            );
            self.check_budget(after)?;
            prop_assert!(after.chunks >= before.chunks && after.capacity >= before.capacity);
            if any_bytes {
                prop_assert!(after.chunks >= 1, "bytes were handed out from no chunk");
            }
            if let (Some(now), Some(base)) = (allocations(after), allocations(start)) {
                let made = now - base;
                if inexact {
                    prop_assert!(made >= counted, "{} allocations < {}", made, counted);
                } else {
                    prop_assert_eq!(made, counted, "allocation count");
                }
            }
            let new_chunks = after.chunks - before.chunks;
            if new_chunks > 0 {
                let added = after.capacity - before.capacity;
                self.largest_chunk = self.largest_chunk.max(added.div_ceil(new_chunks));
            }
        }
        // The blocks are still alive here, so their contents were checked up to the end.
        drop(blocks);
        Ok(())
    }

    /// A failed op: the error must be the configuration's kind, say the right numbers, and
    /// leave the lake unchanged (for direct requests).
    fn check_failure(
        &self,
        e: AllocError,
        direct: Option<Direct>,
        before: LakeStats,
        after: LakeStats,
    ) -> Result<(), TestCaseError> {
        if let Some(d) = direct {
            prop_assert!(d.size > 0, "a zero-sized request failed: {:?}", e);
            prop_assert_eq!(after.used, before.used, "a failed request used bytes");
            prop_assert_eq!(after.allocations, before.allocations);
        } else {
            prop_assert!(after.used >= before.used);
        }
        match (self.config.kind(), e) {
            (Kind::Growing, e) => {
                prop_assert!(false, "a growing lake refused a small request: {}", e);
            }
            (
                Kind::Fixed(_),
                AllocError::CapacityExceeded {
                    requested,
                    remaining,
                },
            ) => {
                if let Some(d) = direct {
                    prop_assert_eq!(requested, d.size);
                    prop_assert_eq!(remaining, before.capacity - before.used);
                    // Alignment padding is at most `align - 1` bytes, so a request that fits
                    // with the worst padding must succeed.
                    prop_assert!(
                        d.size + d.align - 1 > remaining,
                        "{} bytes at align {} refused with {} bytes remaining",
                        d.size,
                        d.align,
                        remaining
                    );
                }
            }
            (
                Kind::Limited(n),
                AllocError::LimitExceeded {
                    requested,
                    limit,
                    allocated,
                },
            ) => {
                prop_assert_eq!(limit, n);
                prop_assert_eq!(allocated, after.capacity);
                if let Some(d) = direct {
                    prop_assert_eq!(requested, d.size);
                    // A request that fits under the limit with room for worst-case padding
                    // and chunk rounding (16 bytes) must be served ("a new chunk is shrunk
                    // to fit under the limit when the request still fits").
                    prop_assert!(
                        before.capacity + d.size + d.align + 32 > n,
                        "{} bytes at align {} refused with {} of {} bytes allocated",
                        d.size,
                        d.align,
                        before.capacity,
                        n
                    );
                }
            }
            (kind, e) => prop_assert!(
                false,
                "{:?} lake failed with the wrong error: {:?}",
                kind,
                e
            ),
        }
        Ok(())
    }

    /// Resets the lake and checks what a reset promises.
    fn reset(&mut self, lake: &mut Lake) -> Result<(), TestCaseError> {
        let before = lake.stats();
        self.observe(before)?;
        lake.reset();
        let after = lake.stats();
        self.observe(after)?;
        prop_assert_eq!(after.used, 0);
        if let Some(n) = allocations(after) {
            prop_assert_eq!(n, 0, "allocations after reset");
        }
        prop_assert!(after.high_water >= self.max_used);
        prop_assert!(after.high_water >= before.high_water);
        prop_assert_eq!(
            after.chunks,
            before.chunks.min(1),
            "reset keeps exactly one chunk"
        );
        self.check_budget(after)?;
        prop_assert!(
            after.capacity <= before.capacity,
            "{:?} -> {:?}",
            before,
            after
        );
        if before.chunks == 1 {
            prop_assert_eq!(after.capacity, before.capacity, "the only chunk is kept");
        }
        prop_assert!(
            after.capacity >= self.largest_chunk,
            "reset kept {} bytes but a chunk of {} existed",
            after.capacity,
            self.largest_chunk
        );
        self.largest_chunk = after.capacity;
        Ok(())
    }
}

fn run(config: Config, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut lake = config.build();
    let initial = lake.stats();
    prop_assert_eq!(initial.used, 0);
    prop_assert!(matches!(allocations(initial), None | Some(0)));
    let mut run = Run {
        config,
        max_used: 0,
        high_water: 0,
        largest_chunk: initial.capacity,
        seed: 0,
    };
    for (i, segment) in ops.split(|op| matches!(op, Op::Reset)).enumerate() {
        if i > 0 {
            run.reset(&mut lake)
                .map_err(|e| TestCaseError::fail(format!("{config:?}, reset {i}: {e}")))?;
        }
        run.segment(&lake, segment)
            .map_err(|e| TestCaseError::fail(format!("{config:?}, segment {i}: {e}")))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Every program against every configuration (a third of them per case under miri).
    #[test]
    fn random_programs_keep_every_lake_consistent(ops in program(), offset in config_offset()) {
        let stride = if cfg!(miri) { MIRI_CONFIG_STRIDE } else { 1 };
        for &config in CONFIGS.iter().skip(offset).step_by(stride) {
            run(config, &ops)?;
        }
    }
}
