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

/// Reserves a block for `layout` at or after the cursor `pos`, if it ends at or before `limit`.
/// Bumps upward, so the last allocation can later grow in place.
///
/// Total over all inputs: an impossible request returns `None`, never a wrapped value. Why the
/// wrapping arithmetic is exact: `Layout` guarantees `size + align - 1 <= isize::MAX`, so the
/// true distance from `pos` to the block's end (padding `< align` plus `size`) is below
/// `2^(usize::BITS - 1)` and the wrapping difference `new_pos - pos` equals it. Comparing that
/// distance with `room = limit - pos` therefore decides both "fits" and "no overflow" at once,
/// and when it fits, `start <= new_pos <= limit` cannot have wrapped.
///
/// On the fast path this is a subtract and a compare (plus an add and a mask when
/// `align > 1`); for `align == 1` the distance folds to `size`.
#[inline(always)]
pub fn bump_up(pos: usize, limit: usize, layout: Layout) -> Option<Bump> {
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
        fn bump_up_matches_model(
            pos in near_edges(), limit in near_edges(), size in near_edges(), shift in 0u32..63,
        ) {
            let align = 1usize << shift;
            // Every size a `Layout` accepts for this alignment, including the largest.
            let size = size.min(isize::MAX as usize - (align - 1));
            let layout = Layout::from_size_align(size, align).unwrap();
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
