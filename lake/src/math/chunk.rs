//! Chunk sizing: how big the next chunk is, and whether a limit allows it.

/// Every chunk starts at an address that is a multiple of this, and its size is one too.
/// Sixteen is `max_align_t` on the common 64-bit targets (and `u128`'s alignment on x86-64),
/// so the first allocation in a chunk rarely needs an alignment fix-up; larger alignments are
/// handled by the bump itself.
pub const CHUNK_ALIGN: usize = 16;

/// Size of the first chunk of a growing lake created without a capacity. Small on purpose: a
/// lake made and dropped for one short request should not cost a page; doubling reaches any
/// working size in a few chunks (no benchmark chose the value; W1–W3 presize their lakes).
pub const DEFAULT_FIRST_CHUNK: usize = 512;

/// Default growth cap: chunks double until they reach this size (a larger single request
/// still gets a chunk of its own size). 4 MiB bounds the memory a lake can hold unused after
/// one large burst while keeping the chunk count, and so the cold path, rare: a lake that
/// grows to 1 GiB has about 260 chunks. A footprint choice, not a benchmark's.
pub const DEFAULT_MAX_CHUNK: usize = 4 << 20;

/// Largest chunk the global allocator can be asked for (`Layout` caps sizes at `isize::MAX`),
/// rounded down to [`CHUNK_ALIGN`].
pub const MAX_CHUNK_BYTES: usize = (isize::MAX as usize) & !(CHUNK_ALIGN - 1);

/// Rounds `n` up to a multiple of [`CHUNK_ALIGN`], or `None` past [`MAX_CHUNK_BYTES`].
pub fn round_chunk(n: usize) -> Option<usize> {
    let rounded = super::bump::align_up(n, CHUNK_ALIGN)?;
    (rounded <= MAX_CHUNK_BYTES).then_some(rounded)
}

/// Smallest chunk that can hold `size` bytes at `align`, wherever its 16-aligned start falls:
/// an alignment above [`CHUNK_ALIGN`] may need up to `align - CHUNK_ALIGN` bytes of padding.
pub fn fit_size(size: usize, align: usize) -> Option<usize> {
    let padding = align.saturating_sub(CHUNK_ALIGN);
    round_chunk(size.checked_add(padding)?.max(1))
}

/// Size of the next chunk: the first chunk size for an empty lake, otherwise double the
/// previous chunk capped at `max_chunk`, and never less than `fit` (the request that
/// triggered the growth).
pub fn next_size(prev: Option<usize>, first: usize, max_chunk: usize, fit: usize) -> Option<usize> {
    let grown = match prev {
        None => first,
        // Never below `first`: a lake built with a tiny capacity still grows in real chunks.
        Some(prev) => prev.saturating_mul(2).clamp(first, max_chunk.max(first)),
    };
    round_chunk(grown.max(fit))
}

/// Applies a hard limit on the lake's total chunk bytes: returns the chunk size to allocate,
/// shrinking `wanted` down to what the limit leaves (but not below `fit`), or `None` if even
/// `fit` bytes would cross the limit.
pub fn within_limit(
    wanted: usize,
    fit: usize,
    allocated: usize,
    limit: Option<usize>,
) -> Option<usize> {
    let Some(limit) = limit else {
        return Some(wanted);
    };
    let room = limit.saturating_sub(allocated) & !(CHUNK_ALIGN - 1);
    if wanted <= room {
        Some(wanted)
    } else if fit <= room {
        Some(room)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn doubling_is_capped() {
        assert_eq!(next_size(None, 512, 4096, 16), Some(512));
        assert_eq!(next_size(Some(512), 512, 4096, 16), Some(1024));
        assert_eq!(next_size(Some(4096), 512, 4096, 16), Some(4096));
        // A request larger than the cap gets a chunk of its own size.
        assert_eq!(next_size(Some(4096), 512, 4096, 10_000), Some(10_000));
        assert_eq!(next_size(Some(usize::MAX), 512, usize::MAX, 16), None);
        // A zero-capacity first chunk is followed by a normal one, not by `fit`-sized slivers.
        assert_eq!(next_size(Some(0), 512, 4096, 16), Some(512));
    }

    #[test]
    fn limit_shrinks_then_refuses() {
        assert_eq!(within_limit(1024, 64, 0, None), Some(1024));
        assert_eq!(within_limit(1024, 64, 0, Some(2048)), Some(1024));
        assert_eq!(within_limit(1024, 64, 1500, Some(2048)), Some(544));
        assert_eq!(within_limit(1024, 640, 1500, Some(2048)), None);
        assert_eq!(within_limit(16, 16, 4096, Some(2048)), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 16 } else { 2048 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn fitted_chunk_holds_the_request_at_any_aligned_start(
            size in 0usize..1 << 16, shift in 0u32..13, base_blocks in 0usize..1 << 20,
        ) {
            let align = 1usize << shift;
            let fit = fit_size(size, align).unwrap();
            prop_assert_eq!(fit % CHUNK_ALIGN, 0);
            let base = base_blocks * CHUNK_ALIGN;
            let layout = core::alloc::Layout::from_size_align(size, align).unwrap();
            let bump = crate::math::bump::bump_up(base, base + fit, layout);
            prop_assert!(bump.is_some());
        }

        #[test]
        fn limited_chunk_respects_limit(
            wanted in 0usize..1 << 20, fit in 0usize..1 << 20, allocated in 0usize..1 << 21,
            limit in 0usize..1 << 21,
        ) {
            let fit = fit.min(wanted);
            if let Some(size) = within_limit(wanted, fit, allocated, Some(limit)) {
                prop_assert!(allocated + size <= limit);
                prop_assert!(size >= fit && size <= wanted);
            } else {
                // Refused exactly when even `fit` does not fit in the room the limit leaves.
                prop_assert!(fit > limit.saturating_sub(allocated) & !(CHUNK_ALIGN - 1));
            }
        }
    }
}
