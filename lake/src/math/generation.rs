//! Generations and slot counts of typed pools (`lake::pool`).
//!
//! A pool slot carries a generation in `1..=max` (a handle stores it as a `NonZeroU32`). Every
//! time a value handed out under a handle leaves the slot, the generation moves on, so older
//! handles stop matching. A slot whose generation cannot move on without wrapping back to a
//! value an old handle may still hold is *retired*: [`next`] returns `None` and the pool never
//! reuses the slot. `max` is a parameter (the pool passes `u32::MAX` unless a test asks for a
//! tiny width), so the retirement rule is tested exhaustively here.
//!
//! Slot indices are `u32`; the top few values are reserved as free-list sentinels, so a pool
//! holds at most [`MAX_SLOTS`] slots. [`grow`] decides how many slots a growing pool adds.

use core::num::NonZeroU32;

/// The generation of a slot that never held a value.
pub const FIRST: u32 = 1;

/// Most slots a pool can have: indices `0..MAX_SLOTS`; `MAX_SLOTS..=u32::MAX` are sentinels.
pub const MAX_SLOTS: u32 = u32::MAX - 7;

/// The generation after `generation`, or `None` if it would pass `max` (the slot retires).
///
/// Precondition (checked by the pool, not needed for soundness): `FIRST <= generation <= max`.
/// The result is never `0` and never a generation already used by the slot.
#[inline]
pub fn next(generation: u32, max: u32) -> Option<u32> {
    if generation >= max {
        None
    } else {
        Some(generation + 1)
    }
}

/// [`next`] for a generation kept as a `NonZeroU32` (the typed `Pool`'s slots): the same
/// rule, and the result needs no zero check when it is turned back into a handle.
#[inline]
pub fn next_nonzero(generation: NonZeroU32, max: u32) -> Option<NonZeroU32> {
    if generation.get() >= max {
        None
    } else {
        // `generation < max <= u32::MAX`, so this never overflows (and the compiler sees it).
        generation.checked_add(1)
    }
}

/// How a pool grows when it is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Growth {
    /// Never grows.
    Fixed,
    /// Doubles its capacity (an empty pool gets `min` slots).
    Doubling,
    /// Adds this many slots.
    Increment(u32),
}

/// Slots to add to a pool of `capacity` slots under `growth`, capped by `max_capacity` and
/// [`MAX_SLOTS`]; `None` if it cannot grow. An empty doubling pool starts with `min` slots.
pub fn grow(capacity: usize, growth: Growth, max_capacity: usize, min: usize) -> Option<usize> {
    let limit = max_capacity.min(MAX_SLOTS as usize);
    let wanted = match growth {
        Growth::Fixed => return None,
        Growth::Doubling if capacity == 0 => min.max(1),
        Growth::Doubling => capacity,
        Growth::Increment(n) => (n as usize).max(1),
    };
    let room = limit.checked_sub(capacity)?;
    let add = wanted.min(room);
    if add == 0 {
        None
    } else {
        Some(add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tiny_width_retires_after_max() {
        // With max = 3 a slot lives through generations 1, 2, 3 and then retires.
        assert_eq!(next(FIRST, 3), Some(2));
        assert_eq!(next(2, 3), Some(3));
        assert_eq!(next(3, 3), None);
        assert_eq!(next(u32::MAX, u32::MAX), None);
        assert_eq!(next(u32::MAX - 1, u32::MAX), Some(u32::MAX));
    }

    #[test]
    fn growth_rules() {
        assert_eq!(grow(0, Growth::Doubling, usize::MAX, 8), Some(8));
        assert_eq!(grow(10, Growth::Doubling, usize::MAX, 8), Some(10));
        assert_eq!(grow(10, Growth::Doubling, 15, 8), Some(5));
        assert_eq!(grow(15, Growth::Doubling, 15, 8), None);
        assert_eq!(grow(20, Growth::Doubling, 15, 8), None);
        assert_eq!(grow(4, Growth::Increment(3), usize::MAX, 8), Some(3));
        assert_eq!(grow(4, Growth::Increment(0), usize::MAX, 8), Some(1));
        assert_eq!(grow(4, Growth::Fixed, usize::MAX, 8), None);
        assert_eq!(
            grow(MAX_SLOTS as usize, Growth::Doubling, usize::MAX, 8),
            None
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 16 } else { 2048 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Walking a slot through its generations visits `1..=max` once each, then retires:
        /// no generation is ever reused and none is zero.
        #[test]
        fn generations_never_repeat(max in 1u32..200) {
            let mut seen = alloc::vec::Vec::new();
            let mut g = FIRST;
            loop {
                prop_assert!(g != 0 && g <= max);
                prop_assert!(!seen.contains(&g));
                seen.push(g);
                match next(g, max) {
                    Some(n) => { prop_assert_eq!(n, g + 1); g = n; }
                    None => break,
                }
            }
            prop_assert_eq!(seen.len() as u32, max);
        }

        #[test]
        fn next_matches_model(g in 1u32.., max in 1u32..) {
            let model = ((g as u64) < max as u64).then(|| g + 1);
            prop_assert_eq!(next(g, max), model);
            let g = NonZeroU32::new(g).unwrap();
            prop_assert_eq!(next_nonzero(g, max).map(NonZeroU32::get), model);
        }

        /// Growth never passes the caps, and adds something whenever there is room.
        #[test]
        fn grow_respects_caps(cap in 0usize..1 << 33, inc in 0u32.., max in 0usize..1 << 33,
                              min in 0usize..64, doubling: bool) {
            let growth = if doubling { Growth::Doubling } else { Growth::Increment(inc) };
            let limit = max.min(MAX_SLOTS as usize);
            match grow(cap, growth, max, min) {
                Some(add) => {
                    prop_assert!(add >= 1);
                    prop_assert!(cap + add <= limit);
                }
                None => prop_assert!(cap >= limit),
            }
        }
    }
}
