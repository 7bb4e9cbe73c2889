//! Bump-pointer arithmetic: where the next allocation starts and where the cursor moves.

use core::alloc::Layout;

/// A successful bump: the allocation occupies `start..new_pos`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bump {
    /// First byte of the allocation; a multiple of the requested alignment.
    pub start: usize,
    /// Cursor after the allocation (`start + size`).
    pub new_pos: usize,
}

/// Rounds `addr` up to a multiple of `align`, or `None` if that overflows `usize`.
///
/// `align` must be a power of two (every [`core::alloc::Layout`] alignment is).
#[inline(always)]
pub const fn align_up(addr: usize, align: usize) -> Option<usize> {
    let mask = align - 1;
    match addr.checked_add(mask) {
        Some(bumped) => Some(bumped & !mask),
        None => None,
    }
}

/// Largest address the end of a lake's current chunk may have: the fast path rounds the cursor
/// up by less than [`FAST_ALIGN`], which must not overflow. The lake clamps a chunk's end to it
/// when it enters the chunk (only the last 15 bytes of the address space are affected).
pub const CURSOR_LIMIT: usize = usize::MAX - (FAST_ALIGN - 1);

/// Alignments up to this take the fast path of [`bump_up`] (every primitive and most structs).
pub const FAST_ALIGN: usize = super::chunk::CHUNK_ALIGN;

/// Reserves a block for `layout` at or after the cursor `pos`, if it ends at or before `limit`.
/// Bumps upward, so the last allocation can later grow in place.
///
/// **Precondition** (the lake's cursor invariant): `pos <= limit <= CURSOR_LIMIT` and
/// `limit - pos <= isize::MAX` (the cursor lies in one chunk, and no allocation exceeds
/// `isize::MAX` bytes). Under it the
/// answer is exact for every `Layout`; outside it the answer is unspecified, but the function
/// never panics. Alignments above [`FAST_ALIGN`] take [`bump_up_checked`], which needs no
/// precondition.
///
/// Why the fast path is exact: `pos + (align - 1)` cannot overflow because
/// `pos <= CURSOR_LIMIT`; rounding down to the alignment then gives `start`, with
/// `start - limit < align` when alignment pushed it past the end. `limit - start`, read as a
/// signed number, is therefore the true room (negative when there is none), and a `Layout`'s
/// size is at most `isize::MAX`, so one signed compare decides the fit and `start + size`
/// cannot wrap. For a constant layout this is an add and a mask (none for `align == 1`), a
/// subtract, a compare and an add.
#[inline(always)]
pub fn bump_up(pos: usize, limit: usize, layout: Layout) -> Option<Bump> {
    if layout.align() > FAST_ALIGN {
        return bump_up_checked(pos, limit, layout);
    }
    let mask = layout.align() - 1;
    let start = pos.wrapping_add(mask) & !mask;
    let room = limit.wrapping_sub(start) as isize;
    if layout.size() as isize > room {
        return None;
    }
    Some(Bump {
        start,
        new_pos: start + layout.size(),
    })
}

/// [`bump_up`] for any inputs: total, with no precondition, at the cost of an overflow check.
///
/// `Layout` guarantees `size + align - 1 <= isize::MAX`, so the true distance from `pos` to the
/// block's end is below `2^(usize::BITS - 1)` and the wrapping difference `new_pos - pos` equals
/// it; comparing it with `limit - pos` decides both the fit and the absence of overflow.
#[inline]
pub fn bump_up_checked(pos: usize, limit: usize, layout: Layout) -> Option<Bump> {
    let room = limit.checked_sub(pos)?;
    let mask = layout.align() - 1;
    let start = pos.wrapping_add(mask) & !mask;
    let new_pos = start.wrapping_add(layout.size());
    if new_pos.wrapping_sub(pos) > room {
        return None;
    }
    Some(Bump { start, new_pos })
}

/// Whether the block `start..start + old_size` is the last allocation before `pos` in a chunk
/// that begins at `chunk_start`, so that it may be resized or freed by moving the cursor.
#[inline]
pub fn is_last(start: usize, old_size: usize, pos: usize, chunk_start: usize) -> bool {
    start >= chunk_start && start.checked_add(old_size) == Some(pos)
}

/// The cursor after resizing the last allocation at `start` to `new_size` in place, if it still
/// ends at or before `limit`.
#[inline]
pub fn resize_last(start: usize, new_size: usize, limit: usize) -> Option<usize> {
    let new_pos = start.checked_add(new_size)?;
    (new_pos <= limit).then_some(new_pos)
}

/// The offset of the block `start..start + len` inside the chunk
/// `chunk_start..chunk_start + capacity`, if the block lies wholly inside it.
///
/// Used to find which chunk holds a block after user code may have moved the lake on to another
/// chunk (a droplet writer that allocates from the same lake): the block's own address decides,
/// never the lake's current chunk.
#[inline]
pub fn offset_within(
    start: usize,
    len: usize,
    chunk_start: usize,
    capacity: usize,
) -> Option<usize> {
    let offset = start.checked_sub(chunk_start)?;
    (offset.checked_add(len)? <= capacity).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The obviously-correct model: 128-bit arithmetic cannot overflow for these inputs.
    fn model(pos: usize, limit: usize, size: usize, align: usize) -> Option<Bump> {
        let (pos, limit, size, align) = (pos as u128, limit as u128, size as u128, align as u128);
        let start = pos.div_ceil(align) * align;
        let end = start + size;
        (start <= usize::MAX as u128 && end <= limit).then_some(Bump {
            start: start as usize,
            new_pos: end as usize,
        })
    }

    fn near_edges() -> impl Strategy<Value = usize> {
        prop_oneof![
            0usize..64,
            (usize::MAX - 64)..=usize::MAX,
            any::<usize>(),
            (0usize..1 << 20),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 16 } else { 4096 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn checked_bump_matches_model_everywhere(
            pos in near_edges(), limit in near_edges(), size in near_edges(), shift in 0u32..63,
        ) {
            let align = 1usize << shift;
            // Every size a `Layout` accepts for this alignment, including the largest.
            let size = size.min(isize::MAX as usize - (align - 1));
            let layout = Layout::from_size_align(size, align).unwrap();
            prop_assert_eq!(bump_up_checked(pos, limit, layout), model(pos, limit, size, align));
        }

        #[test]
        fn fast_bump_matches_model_under_the_cursor_invariant(
            pos in near_edges(), limit in near_edges(), size in near_edges(), shift in 0u32..63,
        ) {
            let align = 1usize << shift;
            let size = size.min(isize::MAX as usize - (align - 1));
            let layout = Layout::from_size_align(size, align).unwrap();
            // The invariant the lake keeps: `pos <= limit <= CURSOR_LIMIT`, and
            // `limit - pos <= isize::MAX`.
            let limit = limit.min(CURSOR_LIMIT);
            let pos = pos.min(limit).max(limit.saturating_sub(isize::MAX as usize));
            prop_assert_eq!(bump_up(pos, limit, layout), model(pos, limit, size, align));
        }

        #[test]
        fn align_up_is_smallest_multiple(addr in near_edges(), shift in 0u32..63) {
            let align = 1usize << shift;
            match align_up(addr, align) {
                Some(a) => {
                    prop_assert_eq!(a % align, 0);
                    prop_assert!(a >= addr && a - addr < align);
                }
                None => prop_assert!(addr as u128 + align as u128 - 1 > usize::MAX as u128),
            }
        }

        #[test]
        fn offset_within_matches_model(
            start in near_edges(), len in near_edges(), chunk in near_edges(), cap in near_edges(),
        ) {
            let (s, l, c, k) = (start as u128, len as u128, chunk as u128, cap as u128);
            let want = (s >= c && s + l <= c + k).then(|| start - chunk);
            prop_assert_eq!(offset_within(start, len, chunk, cap), want);
        }

        #[test]
        fn resize_last_never_wraps(start in near_edges(), size in near_edges(), limit in near_edges()) {
            let got = resize_last(start, size, limit);
            let want = (start as u128 + size as u128 <= limit as u128).then(|| start + size);
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn is_last_requires_same_chunk() {
        // A block that ends at the cursor but starts before the chunk is not "last".
        assert!(is_last(100, 20, 120, 100));
        assert!(!is_last(90, 30, 120, 100));
        assert!(!is_last(100, 19, 120, 100));
        assert!(!is_last(usize::MAX, 2, 1, 0));
    }
}
