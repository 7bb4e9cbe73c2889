//! W6 (DESIGN.md §9): byte arenas that freeze into `bytes::Bytes`, against `BytesMut` and
//! arena-alligator. Three workloads, [`N`] buffers per round each:
//!
//! - **w6**: allocate a buffer of capacity 4096, write 1024 bytes, freeze to `Bytes`, clone,
//!   read one byte through the clone, drop both.
//! - **w6m** (mixed sizes): the same cycle with a capacity from 64 to 16 384 bytes (xorshift32,
//!   fixed seed, [`MixedInput`]) and a 64-byte write, so the allocator's share dominates.
//! - **w6x** (cross-thread): a producer thread allocates, writes 1024 bytes and freezes, and
//!   sends the `Bytes` in batches of [`BATCH`] through a bounded channel to a consumer thread,
//!   which reads one byte of each and drops it: every buffer is freed on the other thread.
//!
//! Each contender's rounds are `#[inline(never)]` monomorphisations of one generic round per
//! workload over [`ByteArena`], so every contender runs the same loop. The arenas are built
//! once per process (not timed) with room for every buffer a round can hold at once.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::mpsc;

use bytes::{BufMut, Bytes, BytesMut};

/// Buffers per round.
pub const N: usize = 10_000;
/// Buffers per message in w6x.
pub const BATCH: usize = 100;
/// Messages in flight in w6x (the channel bound); with one batch being filled and one being
/// read, at most `(CHANNEL + 2) × BATCH` buffers are live.
pub const CHANNEL: usize = 4;
/// Capacity in w6 and w6x.
pub const CAP: usize = 4096;
/// Bytes written in w6 and w6x.
pub const WRITE: usize = 1024;
/// Bytes written in w6m.
pub const MIXED_WRITE: usize = 64;
/// Smallest and largest capacity in w6m.
pub const MIXED_MIN: usize = 64;
/// See [`MIXED_MIN`].
pub const MIXED_MAX: usize = 16 * 1024;

/// The workloads of this module, with their contenders (table order).
pub const W6_CONTENDERS: [&str; 6] = [
    "lake-fixed",
    "lake-buddy",
    "lake-size-class",
    "bytesmut",
    "aa-fixed",
    "aa-buddy",
];
/// w6m: the fixed arenas have one slot size, so they are not in it.
pub const W6M_CONTENDERS: [&str; 4] = ["lake-size-class", "lake-buddy", "bytesmut", "aa-buddy"];
/// w6x: every contender of w6.
pub const W6X_CONTENDERS: [&str; 6] = W6_CONTENDERS;

/// The contenders of `workload` (`w6`, `w6m`, `w6x`).
pub fn contenders(workload: &str) -> &'static [&'static str] {
    match workload {
        "w6" => &W6_CONTENDERS,
        "w6m" => &W6M_CONTENDERS,
        "w6x" => &W6X_CONTENDERS,
        _ => &[],
    }
}

/// What a round needs from a contender: a buffer of at least `len` bytes, and its freeze.
pub trait ByteArena: Sync {
    /// The writable buffer.
    type Buf: BufMut;
    /// A buffer of capacity `≥ len`, or `None` if the arena is full right now.
    fn try_alloc(&self, len: usize) -> Option<Self::Buf>;
    /// The buffer as `Bytes`.
    fn freeze(buf: Self::Buf) -> Bytes;
}

/// `BytesMut::with_capacity` on the global allocator (glibc malloc).
#[derive(Debug)]
pub struct Heap;

impl ByteArena for Heap {
    type Buf = BytesMut;
    #[inline]
    fn try_alloc(&self, len: usize) -> Option<BytesMut> {
        Some(BytesMut::with_capacity(len))
    }
    #[inline]
    fn freeze(buf: BytesMut) -> Bytes {
        buf.freeze()
    }
}

impl ByteArena for lake::bytes::FixedArena {
    type Buf = lake::bytes::Buffer;
    #[inline]
    fn try_alloc(&self, _len: usize) -> Option<Self::Buf> {
        self.try_allocate().ok()
    }
    #[inline]
    fn freeze(buf: Self::Buf) -> Bytes {
        buf.freeze()
    }
}

impl ByteArena for lake::bytes::BuddyArena {
    type Buf = lake::bytes::Buffer;
    #[inline]
    fn try_alloc(&self, len: usize) -> Option<Self::Buf> {
        self.try_allocate(len).ok()
    }
    #[inline]
    fn freeze(buf: Self::Buf) -> Bytes {
        buf.freeze()
    }
}

impl ByteArena for lake::bytes::SizeClassArena {
    type Buf = lake::bytes::Buffer;
    #[inline]
    fn try_alloc(&self, len: usize) -> Option<Self::Buf> {
        self.try_allocate(len).ok()
    }
    #[inline]
    fn freeze(buf: Self::Buf) -> Bytes {
        buf.freeze()
    }
}

impl ByteArena for arena_alligator::FixedArena {
    type Buf = arena_alligator::Buffer;
    #[inline]
    fn try_alloc(&self, _len: usize) -> Option<Self::Buf> {
        self.allocate().ok()
    }
    #[inline]
    fn freeze(buf: Self::Buf) -> Bytes {
        buf.freeze()
    }
}

impl ByteArena for arena_alligator::BuddyArena {
    type Buf = arena_alligator::Buffer;
    #[inline]
    fn try_alloc(&self, len: usize) -> Option<Self::Buf> {
        self.allocate(NonZeroUsize::new(len)?).ok()
    }
    #[inline]
    fn freeze(buf: Self::Buf) -> Bytes {
        buf.freeze()
    }
}

/// The capacities of a w6m round: [`N`] values in `MIXED_MIN..=MIXED_MAX` from xorshift32 with
/// a fixed seed (mean ≈ 8.2 KB).
#[derive(Debug, Clone)]
pub struct MixedInput {
    /// The capacities, in round order.
    pub lens: Vec<usize>,
}

impl MixedInput {
    /// The fixed sequence.
    pub fn new() -> Self {
        let mut x: u32 = 0x9e37_79b9;
        let span = (MIXED_MAX - MIXED_MIN + 1) as u32;
        let lens = (0..N)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                MIXED_MIN + (x % span) as usize
            })
            .collect();
        MixedInput { lens }
    }
}

impl Default for MixedInput {
    fn default() -> Self {
        Self::new()
    }
}

/// The bytes every round writes (index-dependent, so a wrong block shows in the checksum).
pub fn payload() -> Vec<u8> {
    (0..WRITE).map(|i| (i * 7 + 3) as u8).collect()
}

/// Allocates, spinning (with `yield_now`) while the arena is full. Only w6x can find an arena
/// full for a moment (the consumer is behind); the arenas are sized so it does not.
#[inline(always)]
fn alloc<A: ByteArena>(arena: &A, len: usize) -> A::Buf {
    loop {
        if let Some(b) = arena.try_alloc(len) {
            return b;
        }
        std::thread::yield_now();
    }
}

/// One w6 round.
#[inline(always)]
pub fn w6_round<A: ByteArena>(arena: &A, payload: &[u8]) -> u64 {
    let mut sum = 0u64;
    for i in 0..N {
        let mut buf = alloc(arena, CAP);
        buf.put_slice(&payload[..WRITE]);
        let bytes = A::freeze(black_box(buf));
        let clone = black_box(bytes.clone());
        sum = sum.wrapping_add(clone[i % WRITE] as u64 + bytes.len() as u64);
        drop(clone);
        drop(bytes);
    }
    sum
}

/// One w6m round.
#[inline(always)]
pub fn w6m_round<A: ByteArena>(arena: &A, payload: &[u8], input: &MixedInput) -> u64 {
    let mut sum = 0u64;
    for (i, &len) in input.lens.iter().enumerate() {
        let mut buf = alloc(arena, len);
        buf.put_slice(&payload[..MIXED_WRITE]);
        let bytes = A::freeze(black_box(buf));
        let clone = black_box(bytes.clone());
        sum = sum.wrapping_add(clone[i % MIXED_WRITE] as u64 + bytes.len() as u64);
        drop(clone);
        drop(bytes);
    }
    sum
}

/// One w6x round: this thread produces, a scoped thread consumes and drops.
#[inline(always)]
pub fn w6x_round<A: ByteArena>(arena: &A, payload: &[u8]) -> u64 {
    let (tx, rx) = mpsc::sync_channel::<Vec<Bytes>>(CHANNEL);
    std::thread::scope(|s| {
        let consumer = s.spawn(move || {
            let mut sum = 0u64;
            let mut i = 0usize;
            for batch in rx {
                for bytes in batch {
                    sum = sum.wrapping_add(bytes[i % WRITE] as u64 + bytes.len() as u64);
                    i += 1;
                }
            }
            sum
        });
        for _ in 0..N / BATCH {
            let mut batch = Vec::with_capacity(BATCH);
            for _ in 0..BATCH {
                let mut buf = alloc(arena, CAP);
                buf.put_slice(&payload[..WRITE]);
                batch.push(A::freeze(black_box(buf)));
            }
            tx.send(batch)
                .expect("the consumer runs until the channel closes");
        }
        drop(tx);
        consumer.join().expect("the consumer does not panic")
    })
}

/// The expected checksum of a w6 or w6x round (the same sum).
pub fn w6_expected(payload: &[u8]) -> u64 {
    (0..N).fold(0u64, |s, i| {
        s.wrapping_add(payload[i % WRITE] as u64 + WRITE as u64)
    })
}

/// The expected checksum of a w6m round.
pub fn w6m_expected(payload: &[u8]) -> u64 {
    (0..N).fold(0u64, |s, i| {
        s.wrapping_add(payload[i % MIXED_WRITE] as u64 + MIXED_WRITE as u64)
    })
}

/// A contender's arena, built for `workload`.
#[derive(Debug)]
pub enum Contender {
    /// `lake::bytes::FixedArena`, 1024 slots of 4096 B.
    LakeFixed(lake::bytes::FixedArena),
    /// `lake::bytes::BuddyArena`, 8 MiB, 64 B minimum block.
    LakeBuddy(lake::bytes::BuddyArena),
    /// `lake::bytes::SizeClassArena`, 8 MiB, 64 KiB pages.
    LakeSizeClass(lake::bytes::SizeClassArena),
    /// `BytesMut::with_capacity`.
    BytesMut(Heap),
    /// arena-alligator's `FixedArena`, 1024 slots of 4096 B.
    AaFixed(arena_alligator::FixedArena),
    /// arena-alligator's `BuddyArena`, 8 MiB, 64 B minimum block.
    AaBuddy(arena_alligator::BuddyArena),
}

/// Region of the variable-size arenas: 8 MiB (w6x holds at most 600 × 4 KiB at once).
pub const REGION: usize = 8 << 20;
/// Slots of the fixed arenas.
pub const SLOTS: usize = 1024;

fn nz(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).expect("non-zero")
}

impl Contender {
    /// The arena of contender `name`, or `None` for an unknown name.
    pub fn new(name: &str) -> Option<Contender> {
        Some(match name {
            "lake-fixed" => Contender::LakeFixed(
                lake::bytes::FixedArena::builder(CAP, SLOTS)
                    .build()
                    .expect("a valid geometry"),
            ),
            "lake-buddy" => Contender::LakeBuddy(
                lake::bytes::BuddyArena::builder(REGION, 64)
                    .build()
                    .expect("a valid geometry"),
            ),
            "lake-size-class" => Contender::LakeSizeClass(
                lake::bytes::SizeClassArena::builder(REGION)
                    .build()
                    .expect("a valid geometry"),
            ),
            "bytesmut" => Contender::BytesMut(Heap),
            "aa-fixed" => Contender::AaFixed(
                arena_alligator::FixedArena::with_slot_capacity(nz(SLOTS), nz(CAP))
                    .build()
                    .expect("a valid geometry"),
            ),
            "aa-buddy" => Contender::AaBuddy(
                arena_alligator::BuddyArena::builder(
                    arena_alligator::BuddyGeometry::exact(nz(REGION), nz(64))
                        .expect("a valid geometry"),
                )
                .build()
                .expect("a valid geometry"),
            ),
            _ => return None,
        })
    }

    /// One round of `workload` (`w6`, `w6m`, `w6x`); `None` for another workload.
    pub fn round(&self, workload: &str, payload: &[u8], mixed: &MixedInput) -> Option<u64> {
        macro_rules! each {
            ($a:expr) => {
                match workload {
                    "w6" => rounds::w6($a, payload),
                    "w6m" => rounds::w6m($a, payload, mixed),
                    "w6x" => rounds::w6x($a, payload),
                    _ => return None,
                }
            };
        }
        Some(match self {
            Contender::LakeFixed(a) => each!(a),
            Contender::LakeBuddy(a) => each!(a),
            Contender::LakeSizeClass(a) => each!(a),
            Contender::BytesMut(a) => each!(a),
            Contender::AaFixed(a) => each!(a),
            Contender::AaBuddy(a) => each!(a),
        })
    }
}

/// The `#[inline(never)]` rounds (one symbol per contender and workload in profiles).
mod rounds {
    use super::*;

    #[inline(never)]
    pub fn w6<A: ByteArena>(a: &A, payload: &[u8]) -> u64 {
        w6_round(a, payload)
    }

    #[inline(never)]
    pub fn w6m<A: ByteArena>(a: &A, payload: &[u8], mixed: &MixedInput) -> u64 {
        w6m_round(a, payload, mixed)
    }

    #[inline(never)]
    pub fn w6x<A: ByteArena>(a: &A, payload: &[u8]) -> u64 {
        w6x_round(a, payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every contender computes the expected checksum in every workload it is in.
    #[test]
    fn every_contender_agrees() {
        let payload = payload();
        let mixed = MixedInput::new();
        for w in ["w6", "w6m", "w6x"] {
            let want = if w == "w6m" {
                w6m_expected(&payload)
            } else {
                w6_expected(&payload)
            };
            for name in contenders(w) {
                let c = Contender::new(name).expect("known");
                for _ in 0..2 {
                    assert_eq!(c.round(w, &payload, &mixed), Some(want), "{w}/{name}");
                }
            }
        }
        assert!(MixedInput::new()
            .lens
            .iter()
            .all(|l| (MIXED_MIN..=MIXED_MAX).contains(l)));
    }
}
