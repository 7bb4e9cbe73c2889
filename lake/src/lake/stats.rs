//! [`LakeStats`]: what a lake reports about its memory.

/// A snapshot of a lake's memory use, from [`Lake::stats`](crate::Lake::stats).
///
/// ```
/// let lake = lake::Lake::new();
/// lake.alloc_slice_copy(&[1u8, 2, 3]);
/// let stats = lake.stats();
/// assert_eq!(stats.used, 3);
/// # #[cfg(feature = "count-allocations")]
/// assert_eq!(stats.allocations, Some(1));
/// assert!(stats.capacity >= stats.used);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LakeStats {
    /// Bytes handed out since the last reset, including alignment padding (but not the unused
    /// tail of a chunk the lake moved on from).
    pub used: usize,
    /// Bytes of all chunks the lake holds.
    pub capacity: usize,
    /// Number of chunks.
    pub chunks: usize,
    /// The largest `used` seen by a reset or a stats call since the lake was created.
    pub high_water: usize,
    /// Blocks handed out since creation or the last reset, zero-sized ones included — only
    /// with the `count-allocations` feature, `None` otherwise. A block that grows
    /// (`alloc_iter`, `alloc_fmt`, a `Vec` in the lake) counts once, plus once more each time
    /// it cannot grow in place and moves.
    ///
    /// Why a feature: the counter is one more instruction and one more store per allocation
    /// (W1 under callgrind: 26.0 instead of 25.0 instructions per allocation), and
    /// allocation-heavy loops are bound by stores. Compare the time with
    /// `cargo bench -p lake-benches --bench w1_alloc_struct -- '^w1/lake$'`, with and without
    /// `--features lake/count-allocations`.
    pub allocations: Option<usize>,
}
