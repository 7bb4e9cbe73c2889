//! Shared by the W5 bench binaries (`w5_shared_pool`, `w5_shared_pool_mimalloc`).

/// Threads per iteration.
pub const THREADS: u64 = 2;
/// Alloc/read/free cycles per thread per iteration.
pub const CYCLES: u64 = 100_000;

/// A 64-byte object.
#[derive(Clone, Copy, Default)]
pub struct Obj(pub [u64; 8]);

const _: () = assert!(std::mem::size_of::<Obj>() == 64);

/// The object of cycle `i`.
#[inline]
pub fn obj(i: u64) -> Obj {
    Obj([i, i ^ 1, i ^ 2, i ^ 3, i ^ 4, i ^ 5, i ^ 6, i ^ 7])
}
