//! Loom models of [`GlobalLake`]'s atomic protocol (`shared/global.rs`). Run with
//! `.ci/loom.sh`; every test name contains `loom_global`.
//!
//! Each model is a local `GlobalLake` (slot 0: 1 KiB, slot 1: 2 KiB, then 4 KiB) driven through
//! [`GlobalAlloc`] by two threads doing a handful of operations, so loom explores every
//! interleaving with `LOOM_MAX_PREEMPTIONS=2`. Under `cfg(loom)` the lake's atomics are loom's
//! and its chunks come from `loom::alloc`, so a chunk still allocated when the lake drops fails
//! the model (loom's leak check).
//!
//! Loom does not see plain memory, so the models shadow the bytes they use: every 8-byte word
//! a model writes or reads has a loom `UnsafeCell` (created on first touch, which counts as a
//! write by the toucher). Two threads touching the same word without a happens-before edge —
//! overlapping blocks, or bytes reused after a free whose `Release`/`Acquire` pairing is
//! broken — fail the model with a causality violation. The models also write a distinct tag
//! into each live block and read every tag back at the end, check that live blocks are
//! disjoint and lie inside a chunk, and check [`GlobalLake::owns`] on every block the moment
//! the allocating thread gets it (the test `dealloc` makes to route it).

use core::alloc::{GlobalAlloc, Layout};
use std::collections::HashMap;
use std::sync::Mutex as StdMutex;
use std::vec::Vec;

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use super::GlobalLake;

/// Granularity of the shadow memory and alignment of every model block.
const WORD: usize = 8;

/// Slot 0's capacity in the models (slot 1 has twice that, later slots four times).
const FIRST: usize = 1024;

/// A block of the lake (or of `System`), owned by whichever thread holds the value.
#[derive(Clone, Copy, Debug)]
struct Block {
    ptr: *mut u8,
    size: usize,
}

// SAFETY: a `Block` is an address and a size; the memory behind it belongs to whichever thread
// holds the value, as with a `Box`. Moving it to the thread that joins is the models' hand-off.
unsafe impl Send for Block {}

impl Block {
    fn start(self) -> usize {
        self.ptr.addr()
    }

    fn end(self) -> usize {
        self.start() + self.size
    }

    fn layout(self) -> Layout {
        Layout::from_size_align(self.size, WORD).unwrap()
    }
}

/// One shadowed word of chunk memory: loom checks every access to the cell for causality.
struct Word(UnsafeCell<()>);

// SAFETY: the cell holds `()`, so there is no data to race on; sharing it across threads is
// exactly what loom's access tracking is for (a racy access panics, it does not corrupt).
unsafe impl Sync for Word {}

/// A lake and the shadow of the bytes the model touched.
struct Model {
    lake: GlobalLake,
    /// Word address → its shadow cell. A `std` mutex, invisible to loom: looking up a cell is
    /// not a step of the protocol and must not add interleavings.
    shadow: StdMutex<HashMap<usize, std::sync::Arc<Word>>>,
}

impl Model {
    fn new() -> Arc<Self> {
        Arc::new(Model {
            lake: GlobalLake::with_chunk_sizes(FIRST, 4 * FIRST),
            shadow: StdMutex::new(HashMap::new()),
        })
    }

    fn word(&self, addr: usize) -> std::sync::Arc<Word> {
        let mut shadow = self.shadow.lock().unwrap_or_else(|p| p.into_inner());
        shadow
            .entry(addr)
            .or_insert_with(|| std::sync::Arc::new(Word(UnsafeCell::new(()))))
            .clone()
    }

    /// A block from the lake, which must own it at once (a region is active, and every
    /// request in the models is one the lake serves).
    fn alloc(&self, size: usize) -> Block {
        let layout = Layout::from_size_align(size, WORD).unwrap();
        // SAFETY: non-zero size.
        let ptr = unsafe { self.lake.alloc(layout) };
        assert!(!ptr.is_null(), "allocation of {size} bytes failed");
        let block = Block { ptr, size };
        assert!(
            self.lake.owns(ptr),
            "{block:?}: the allocating thread does not see the chunk its block came from"
        );
        block
    }

    /// Frees `block` through the allocator.
    fn dealloc(&self, block: Block) {
        // SAFETY: `block` came from this lake with this layout and is not used again.
        unsafe { self.lake.dealloc(block.ptr, block.layout()) }
    }

    /// `realloc` of `block` to `new_size`; the result is owned by the lake.
    fn realloc(&self, block: Block, new_size: usize) -> Block {
        // SAFETY: `block` is live, came from this lake with this layout, and is not used again
        // (the result replaces it); `new_size` is non-zero.
        let ptr = unsafe { self.lake.realloc(block.ptr, block.layout(), new_size) };
        assert!(!ptr.is_null(), "realloc to {new_size} bytes failed");
        assert!(self.lake.owns(ptr), "a lake block moved out of the lake");
        Block {
            ptr,
            size: new_size,
        }
    }

    /// Writes `tag` into every byte of `block`, touching its shadow words first.
    fn write(&self, block: Block, tag: u8) -> (Block, u8) {
        for addr in (block.start()..block.end()).step_by(WORD) {
            self.word(addr).0.with_mut(|_| ());
        }
        // SAFETY: `block` is a live block of `block.size` bytes owned by this thread (the
        // shadow access above fails the model if another thread may be using it).
        unsafe { block.ptr.write_bytes(tag, block.size) };
        (block, tag)
    }

    /// Reads `block` back: every byte must still hold `tag`.
    fn check(&self, (block, tag): (Block, u8)) {
        for addr in (block.start()..block.end()).step_by(WORD) {
            self.word(addr).0.with(|_| ());
        }
        // SAFETY: `block` is live and was fully written by `write`; the models call this after
        // joining the writer.
        let bytes = unsafe { core::slice::from_raw_parts(block.ptr, block.size) };
        assert!(
            bytes.iter().all(|&b| b == tag),
            "{block:?} lost its tag {tag:#x}: another block overlapped it"
        );
    }

    /// Checks the live blocks: tags intact, pairwise disjoint, each inside one chunk.
    fn check_live(&self, live: &[(Block, u8)]) {
        let chunks = self.lake.chunk_ranges();
        for (i, &(a, tag)) in live.iter().enumerate() {
            self.check((a, tag));
            assert!(
                chunks.iter().any(|&(s, e)| s <= a.start() && a.end() <= e),
                "{a:?} lies outside every chunk {chunks:x?}"
            );
            for &(b, _) in &live[i + 1..] {
                assert!(
                    a.end() <= b.start() || b.end() <= a.start(),
                    "live blocks {a:?} and {b:?} overlap"
                );
            }
        }
    }

    /// The chunk containing `block`.
    fn chunk_of(&self, block: Block) -> (usize, usize) {
        self.lake
            .chunk_ranges()
            .into_iter()
            .find(|&(s, e)| s <= block.start() && block.end() <= e)
            .unwrap_or_else(|| panic!("{block:?} lies outside every chunk"))
    }
}

/// (1) Two threads bump the same chunk concurrently: the four blocks are disjoint, inside the
/// chunk, owned by the lake as soon as they are returned, hold their tags, and `used` counts
/// every byte. `end` rewinds the chunk and keeps it; the lake's drop frees it (leak check).
#[test]
fn loom_global_concurrent_allocs_are_disjoint() {
    loom::model(|| {
        let m = Model::new();
        let region = m.lake.begin_region().unwrap();
        let first = m.write(m.alloc(8), 0x01); // installs slot 0 before the race
        let other = m.clone();
        let t = thread::spawn(move || {
            let a = other.write(other.alloc(16), 0xA1);
            let b = other.write(other.alloc(8), 0xA2);
            [a, b]
        });
        let c = m.write(m.alloc(16), 0xB1);
        let d = m.write(m.alloc(24), 0xB2);
        let [a, b] = t.join().unwrap();
        m.check_live(&[first, a, b, c, d]);
        let stats = m.lake.stats();
        assert_eq!((stats.chunks, stats.used), (1, 8 + 16 + 8 + 16 + 24));
        // SAFETY: no block is used after this line, and the other thread is joined.
        unsafe { region.end() };
        let stats = m.lake.stats();
        assert_eq!((stats.chunks, stats.used), (1, 0));
    });
}

/// (2) Slot 0 is exactly full and two threads both need a new chunk: they race for the growth
/// spin lock. Exactly one chunk is installed (the loser re-checks `current` under the lock and
/// bumps in the winner's chunk); both blocks lie in it, disjoint, and each thread sees the chunk
/// it bumped in (`owns`, i.e. `dealloc`'s routing, right after `alloc`). `end` keeps the newest
/// chunk and frees slot 0; the lake's drop frees the rest (leak check).
#[test]
fn loom_global_racing_growth_installs_one_chunk() {
    loom::model(|| {
        let m = Model::new();
        let region = m.lake.begin_region().unwrap();
        let fill = m.alloc(FIRST);
        let other = m.clone();
        let t = thread::spawn(move || other.write(other.alloc(16), 0xA1));
        let mine = m.write(m.alloc(16), 0xB1);
        let theirs = t.join().unwrap();
        m.check_live(&[mine, theirs]);
        let stats = m.lake.stats();
        assert_eq!(stats.chunks, 2, "one chunk per growth race");
        assert_eq!(stats.used, FIRST + 32, "no allocation lost");
        let new_chunk = m.chunk_of(mine.0);
        assert_eq!(
            m.chunk_of(theirs.0),
            new_chunk,
            "both bump in the one new chunk"
        );
        assert_ne!(m.chunk_of(fill), new_chunk);
        // SAFETY: no block is used after this line, and the other thread is joined.
        unsafe { region.end() };
        let stats = m.lake.stats();
        assert_eq!(
            (stats.chunks, stats.capacity, stats.used),
            (1, 2 * FIRST, 0)
        );
        assert!(!m.lake.owns(fill.ptr), "slot 0 was freed and unpublished");
    });
}

/// (3) `dealloc` of the last block (a `Release` rewind CAS) races with allocation on another
/// thread. A free never rewinds below a live block of the other thread, and bytes freed by one
/// thread and bumped by the other are reused only after the free (the shadow words see the
/// `Release` rewind → `Acquire` bump edge).
#[test]
fn loom_global_free_races_with_alloc() {
    loom::model(|| {
        let m = Model::new();
        let region = m.lake.begin_region().unwrap();
        // Allocated (installing slot 0) before the other thread exists, so that the other
        // thread's blocks can land above it with a single preemption; written only after the
        // spawn, so the spawn does not order these writes before the other thread's.
        let a = m.alloc(16);
        // Set once the other thread's live block `b` lies above `a`. Without this edge, loom's
        // bounded search (`LOOM_MAX_PREEMPTIONS=2`) never reached an execution in which this
        // thread's free reads a cursor above `b` (a free that skips the last-block test went
        // unnoticed). The flag orders only `b`'s allocation and write, not `b2`, `a` or `c`.
        let b_is_live = Arc::new(AtomicBool::new(false));
        let other = m.clone();
        let flag = b_is_live.clone();
        let t = thread::spawn(move || {
            let b = other.write(other.alloc(16), 0xA1);
            flag.store(true, Ordering::Release);
            let b2 = other.write(other.alloc(8), 0xA2);
            other.dealloc(b2.0);
            b
        });
        let a = m.write(a, 0xB1);
        let _ = b_is_live.load(Ordering::Acquire);
        m.dealloc(a.0);
        let c = m.write(m.alloc(24), 0xB2);
        let b = t.join().unwrap();
        m.check_live(&[b, c]);
        m.dealloc(c.0);
        m.dealloc(b.0);
        // SAFETY: no block is used after this line, and the other thread is joined.
        unsafe { region.end() };
    });
}

/// (4) `realloc` of the last block in place (grow: `AcqRel` CAS taking bytes; shrink: giving
/// the tail back) races with allocation and free on another thread. The grown block never
/// covers the other thread's live block, bytes the other thread freed are taken only after its
/// free, the shrunk tail is handed out only after the shrink, and a block that cannot grow in
/// place moves with its contents.
#[test]
fn loom_global_realloc_races_with_alloc() {
    loom::model(|| {
        let m = Model::new();
        let region = m.lake.begin_region().unwrap();
        // Allocated before the spawn and written after it, as in the model above.
        let a = m.alloc(16);
        // As in the model above: set once `b2` is live (and written) above `a`.
        let b2_is_live = Arc::new(AtomicBool::new(false));
        let other = m.clone();
        let flag = b2_is_live.clone();
        let t = thread::spawn(move || {
            let b = other.write(other.alloc(16), 0xA1);
            other.dealloc(b.0);
            let b2 = other.write(other.alloc(8), 0xA2);
            flag.store(true, Ordering::Release);
            b2
        });
        let a = m.write(a, 0xB1);
        let _ = b2_is_live.load(Ordering::Acquire);
        let grown = m.realloc(a.0, 32);
        // Moved or not, the first 16 bytes are the old block's.
        m.check((Block { size: 16, ..grown }, 0xB1));
        let grown = m.write(grown, 0xB2);
        let shrunk = m.realloc(grown.0, 8);
        assert_eq!(shrunk.ptr, grown.0.ptr, "a shrink never moves");
        let shrunk = (shrunk, 0xB2);
        let b = t.join().unwrap();
        // A block made after the race lands on neither live block.
        let after = m.write(m.alloc(16), 0xC1);
        m.check_live(&[shrunk, b, after]);
        // SAFETY: no block is used after this line, and the other thread is joined.
        unsafe { region.end() };
    });
}

/// (5) `GlobalRegion::end` on one thread while another thread, as `end`'s contract allows,
/// makes no lake allocation during the region: it frees a `System` block made before the
/// region (`dealloc` routes it while `end` unpublishes and frees slot 0) and tries to begin a
/// region of its own. It gets one only after `end` has finished rewinding (the state is
/// `ENDING`, not `IDLE`, meanwhile); its blocks then come from the rewound chunk, after the
/// first region's writes to the same bytes (`end`'s `Release` → `begin_region`'s and the
/// bump's `Acquire`), and do not overlap each other.
#[test]
fn loom_global_region_end_races_with_begin_and_system_dealloc() {
    loom::model(|| {
        let m = Model::new();
        let layout = Layout::new::<u64>();
        // SAFETY: non-zero size; outside any region, so `System` serves it.
        let system = unsafe { m.lake.alloc(layout) };
        assert!(!system.is_null() && !m.lake.owns(system));
        let system = Block {
            ptr: system,
            size: 8,
        };
        let region = m.lake.begin_region().unwrap();
        let fill = m.alloc(FIRST); // slot 0, freed by `end`
        let x = m.alloc(16); // slot 1, kept and rewound by `end`
        let other = m.clone();
        let t = thread::spawn(move || {
            assert!(
                !other.lake.owns(system.ptr),
                "a System block routed to the lake"
            );
            other.dealloc(system);
            let region = other.lake.begin_region()?;
            let y = other.write(other.alloc(16), 0xA1);
            let z = other.write(other.alloc(16), 0xA2);
            other.check_live(&[y, z]);
            let kept = other.chunk_of(y.0);
            other.dealloc(z.0);
            other.dealloc(y.0);
            // SAFETY: `y` and `z`, this region's only blocks, are dead; the first region's
            // calls happen-before this thread's `begin_region` (it saw `IDLE`, stored by the
            // other thread's `end` after its last lake call).
            unsafe { region.end() };
            Some(kept)
        });
        m.write(x, 0xB1);
        let kept = m.chunk_of(x);
        // SAFETY: `fill` and `x` are never used again; the other thread makes no lake
        // allocation during this region (its `begin_region` fails until `end` stores `IDLE`)
        // and only routes a `System` block, which `end`'s contract allows.
        unsafe { region.end() };
        let theirs = t.join().unwrap();
        if let Some(theirs) = theirs {
            assert_eq!(theirs, kept, "the second region reuses the kept chunk");
        }
        let stats = m.lake.stats();
        assert_eq!((stats.chunks, stats.used), (1, 0));
        assert_eq!(stats.regions_ended, 1 + usize::from(theirs.is_some()));
        assert!(!m.lake.owns(fill.ptr), "slot 0 was freed and unpublished");
    });
}

/// (6) `owns` follows happens-before across threads: a block allocated by one thread, in a
/// chunk another thread installed, is owned in the thread it is handed to (the `dealloc` of a
/// block sent elsewhere routes it to the lake), while a `System` block made before the region
/// is never owned, even while chunks are being installed.
#[test]
fn loom_global_owns_follows_happens_before() {
    loom::model(|| {
        let m = Model::new();
        let layout = Layout::new::<u64>();
        // SAFETY: non-zero size; outside any region, so `System` serves it.
        let system = unsafe { m.lake.alloc(layout) };
        let region = m.lake.begin_region().unwrap();
        let handoff = Arc::new(AtomicUsize::new(0));
        let grower = {
            let m = m.clone();
            thread::spawn(move || m.alloc(16))
        };
        let sender = {
            let (m, handoff) = (m.clone(), handoff.clone());
            thread::spawn(move || {
                let block = m.alloc(16);
                handoff.store(block.start(), Ordering::Release);
                block
            })
        };
        assert!(!m.lake.owns(system), "a System block routed to the lake");
        let sent = handoff.load(Ordering::Acquire);
        if sent != 0 {
            assert!(
                m.lake.owns(sent as *const u8),
                "a received block is not owned"
            );
        }
        let blocks: Vec<Block> = [grower, sender]
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        for block in &blocks {
            assert!(m.lake.owns(block.ptr));
        }
        // SAFETY: no lake block is used after this line; both threads are joined.
        unsafe { region.end() };
        // SAFETY: `system` came from `System` (through the lake, outside a region) with
        // `layout` and is not used again.
        unsafe { m.lake.dealloc(system, layout) };
    });
}
