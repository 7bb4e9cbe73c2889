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

/// Bits at the top of a handle's generation that carry a tag of the pool that made it: 8 in
/// debug builds, so a handle used with another pool is caught without making handles bigger
/// than 8 bytes; 0 in release builds. The slot itself counts generations in the bits below.
pub const TAG_BITS: u32 = if cfg!(debug_assertions) { 8 } else { 0 };

/// The most generations a slot counts to: `u32::MAX` in release builds, `2^24 - 1` in debug
/// builds (where the top 8 bits of a handle's generation are the pool tag). A pool clamps its
/// `max_generation` to this, so in debug builds a slot retires after at most 2^24 - 1 values.
pub const MAX_GENERATION: u32 = u32::MAX >> TAG_BITS;

/// The tag of the pool with id `id`: in `1..=255` in debug builds (ids `255` apart share a
/// tag, so a handle from such a pool is not caught), `0` in release builds.
pub const fn pool_tag(id: u32) -> u32 {
    if TAG_BITS == 0 {
        0
    } else {
        id % ((1 << TAG_BITS) - 1) + 1
    }
}

/// A handle's generation: the slot's generation `generation` (in `1..=MAX_GENERATION`) with
/// the pool tag `tag` in the top bits. Release builds: `generation` itself.
#[inline]
pub fn tagged(generation: NonZeroU32, tag: u32) -> NonZeroU32 {
    debug_assert!(
        generation.get() <= MAX_GENERATION,
        "the tag would overwrite the generation"
    );
    if TAG_BITS == 0 {
        generation
    } else {
        generation | tag << (32 - TAG_BITS)
    }
}

/// Splits a handle's generation into the slot's generation and the pool tag (release builds:
/// the generation itself and tag `0`).
#[inline]
pub const fn untagged(generation: u32) -> (u32, u32) {
    if TAG_BITS == 0 {
        (generation, 0)
    } else {
        (generation & MAX_GENERATION, generation >> (32 - TAG_BITS))
    }
}

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

        /// Tagging keeps the slot's generation and the tag apart: both come back out, the
        /// result is never zero, and two pools' tags keep equal generations apart.
        #[test]
        fn tags_round_trip(g in 1..=MAX_GENERATION, id in any::<u32>(), other in any::<u32>()) {
            let tag = pool_tag(id);
            let t = tagged(NonZeroU32::new(g).unwrap(), tag);
            prop_assert_eq!(untagged(t.get()), (g, tag));
            if cfg!(debug_assertions) {
                prop_assert!((1..1 << TAG_BITS).contains(&tag));
                let theirs = tagged(NonZeroU32::new(g).unwrap(), pool_tag(other));
                // Pools whose ids are not a multiple of 255 apart never share a tag.
                prop_assert_eq!(t == theirs, id.abs_diff(other) % 255 == 0);
            } else {
                prop_assert_eq!((tag, t.get()), (0, g));
            }
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
