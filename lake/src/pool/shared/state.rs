//! Integer-only arithmetic of [`SharedPool`](super::SharedPool): the slot state word, the
//! transitions the lock-free protocol applies to it and page geometry (the free bitmap's
//! arithmetic is `math::bitmap`).
//!
//! Nothing here touches memory. The `unsafe` shell in `pool.rs` only CASes the words these
//! functions compute and turns the indices they return into slot references; every rule of the
//! protocol (who may take a slot, when a value may be dropped, when a generation moves on) is a
//! pure function tested below against a naive model.
#![forbid(unsafe_code)]

use crate::math::generation::{self, MAX_SLOTS};

/// Bits of the reference count in the state word.
pub(crate) const REFS_BITS: u32 = 29;
/// Most `Ref` guards a slot can count at once (`get` panics beyond it, like `Arc` aborts).
pub(crate) const MAX_REFS: u32 = (1 << REFS_BITS) - 1;
const TAG_SHIFT: u32 = REFS_BITS;
const TAG_MASK: u64 = 0b111;
/// The reference count's bits of a word; the rest (generation and tag) is its *head*.
const REFS_MASK: u64 = MAX_REFS as u64;

// The transitions on the hot paths (`acquire_ref`, `release_ref`, `remove`, `is_retired`)
// work on the word directly: one compare of its head and an add or subtract on the count,
// instead of decoding and re-encoding every field. They mean exactly what the `State` forms
// say; the model tests below check them against it.

/// The tag bits of a word (`5..=7` are never written).
#[inline]
const fn tag_bits(word: u64) -> u64 {
    (word >> TAG_SHIFT) & TAG_MASK
}

/// What a slot holds. The value is initialised exactly in `Occupied`, `Removed` and `Owned`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// No value. Free (its bitmap bit set) or claimed by an inserter that is writing the value.
    Vacant = 0,
    /// A value reachable through its handle; `refs` `Ref` guards read it.
    Occupied = 1,
    /// Removed while `refs > 0` guards still read it; the last guard to go drops it.
    Removed = 2,
    /// Owned by exactly one party (a `SharedPoolBox`, or a remover dropping the value).
    Owned = 3,
    /// The generation ran out: no value, never reused.
    Retired = 4,
}

/// A decoded state word: `generation << 32 | tag << 29 | refs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// The generation of the slot's current value, or of its next value while vacant.
    pub(crate) generation: u32,
    /// What the slot holds.
    pub(crate) tag: Tag,
    /// `Ref` guards alive (only non-zero in `Occupied` and `Removed`).
    pub(crate) refs: u32,
}

impl State {
    /// Encodes the state.
    #[inline]
    pub(crate) const fn pack(self) -> u64 {
        ((self.generation as u64) << 32) | ((self.tag as u64) << TAG_SHIFT) | self.refs as u64
    }

    /// Decodes a word made by [`State::pack`]. (Tags 5..=7 are never written; they decode as
    /// `Retired`, the state in which nothing can be done with a slot.)
    #[inline]
    pub(crate) const fn unpack(word: u64) -> State {
        let tag = match (word >> TAG_SHIFT) & TAG_MASK {
            0 => Tag::Vacant,
            1 => Tag::Occupied,
            2 => Tag::Removed,
            3 => Tag::Owned,
            _ => Tag::Retired,
        };
        State {
            generation: (word >> 32) as u32,
            tag,
            refs: (word as u32) & MAX_REFS,
        }
    }

    #[inline]
    const fn with(generation: u32, tag: Tag) -> u64 {
        State {
            generation,
            tag,
            refs: 0,
        }
        .pack()
    }
}

/// The word of a fresh slot: vacant, first generation.
#[inline]
pub(crate) const fn fresh() -> u64 {
    State::with(generation::FIRST, Tag::Vacant)
}

/// The word after an inserter published its value under `generation`.
#[inline]
pub(crate) const fn occupied(generation: u32) -> u64 {
    State::with(generation, Tag::Occupied)
}

/// The word of a slot owned by one party (guard or remover) under `generation`.
#[inline]
pub(crate) const fn owned(generation: u32) -> u64 {
    State::with(generation, Tag::Owned)
}

/// Why [`acquire_ref`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefError {
    /// The handle's value is gone (other generation, removed, or never published).
    Stale,
    /// [`MAX_REFS`] guards are alive already.
    Overflow,
}

/// `get`: the word after one more `Ref` on the value of `generation`, if it is still there.
#[inline]
pub(crate) fn acquire_ref(word: u64, generation: u32) -> Result<u64, RefError> {
    if word & !REFS_MASK != occupied(generation) {
        return Err(RefError::Stale);
    }
    if word & REFS_MASK >= REFS_MASK {
        return Err(RefError::Overflow);
    }
    Ok(word + 1)
}

/// Dropping a `Ref`: the word after it, and whether this was the last guard of a removed value
/// (then the new word is `Owned` and the caller must drop the value and vacate the slot).
///
/// Precondition: the word is `Occupied` or `Removed` with `refs >= 1` (a live `Ref` counts
/// itself). `None` if not, which the pool treats as a broken invariant.
#[inline]
pub(crate) fn release_ref(word: u64) -> Option<(u64, bool)> {
    let refs = word & REFS_MASK;
    if refs == 0 {
        return None;
    }
    match tag_bits(word) {
        t if t == Tag::Occupied as u64 => Some((word - 1, false)),
        t if t == Tag::Removed as u64 && refs == 1 => Some((owned(generation_of(word)), true)),
        t if t == Tag::Removed as u64 => Some((word - 1, false)),
        _ => None,
    }
}

/// `remove`: the word after removing the value of `generation`, and whether the caller drops
/// it now (no guard reads it: the word is `Owned`) or the last `Ref` will (`Removed`). `None`
/// if the handle is stale.
#[inline]
pub(crate) fn remove(word: u64, generation: u32) -> Option<(u64, bool)> {
    if word & !REFS_MASK != occupied(generation) {
        return None;
    }
    let refs = word & REFS_MASK;
    if refs == 0 {
        Some((owned(generation), true))
    } else {
        Some((State::with(generation, Tag::Removed) | refs, false))
    }
}

/// The word of a slot whose value of `generation` just left: vacant under the next
/// generation, or retired (then the slot must not go back to the bitmap) if the generation
/// would pass `max_generation`.
#[inline]
pub(crate) fn vacate(generation: u32, max_generation: u32) -> u64 {
    match generation::next(generation, max_generation) {
        Some(next) => State::with(next, Tag::Vacant),
        None => State::with(generation, Tag::Retired),
    }
}

/// Whether a word is `Retired`.
#[inline]
pub(crate) fn is_retired(word: u64) -> bool {
    tag_bits(word) >= Tag::Retired as u64 // 5..=7 decode as `Retired`
}

/// Whether the slot's value is initialised (`Occupied`, `Removed` or `Owned`).
#[inline]
pub(crate) fn holds_value(word: u64) -> bool {
    matches!(
        State::unpack(word).tag,
        Tag::Occupied | Tag::Removed | Tag::Owned
    )
}

// ---------------------------------------------------------------------------------------------
// Pages: page `k` holds `first << k` slots (the last one truncated at `MAX_SLOTS`) and starts
// at global index `first * (2^k - 1)`.

/// Pages a pool can have (enough for `MAX_SLOTS` slots even when `first == 1`).
pub(crate) const MAX_PAGES: usize = 32;

/// First global index of page `page`, or `None` past `MAX_SLOTS`.
#[inline]
pub(crate) fn page_start(page: usize, first: u32) -> Option<u32> {
    if page >= MAX_PAGES || first == 0 {
        return None;
    }
    let start = u64::from(first) * ((1u64 << page) - 1);
    (start < u64::from(MAX_SLOTS)).then_some(start as u32)
}

/// Slots of page `page`, or `None` if the page would start past `MAX_SLOTS`.
#[inline]
pub(crate) fn page_len(page: usize, first: u32) -> Option<u32> {
    let start = page_start(page, first)?;
    let len = (u64::from(first) << page).min(u64::from(MAX_SLOTS - start));
    Some(len as u32)
}

/// `(page, offset)` of global slot `index`: the page is `ilog2(index / first + 1)`.
#[inline]
pub(crate) fn locate(index: u32, first: u32) -> Option<(usize, u32)> {
    if index < first {
        return Some((0, index)); // the common case, without a division
    }
    if first == 0 || index >= MAX_SLOTS {
        return None;
    }
    let page = (u64::from(index) / u64::from(first) + 1).ilog2() as usize;
    let start = page_start(page, first)?;
    Some((page, index - start))
}

/// The generation of a state word (what [`State::unpack`] would give, without the rest).
#[inline]
pub(crate) const fn generation_of(word: u64) -> u32 {
    (word >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    fn st(generation: u32, tag: Tag, refs: u32) -> u64 {
        State {
            generation,
            tag,
            refs,
        }
        .pack()
    }

    #[test]
    fn transitions() {
        // get / drop guard
        assert_eq!(acquire_ref(occupied(3), 3), Ok(st(3, Tag::Occupied, 1)));
        assert_eq!(acquire_ref(occupied(3), 2), Err(RefError::Stale));
        assert_eq!(acquire_ref(owned(3), 3), Err(RefError::Stale));
        assert_eq!(acquire_ref(st(3, Tag::Removed, 1), 3), Err(RefError::Stale));
        assert_eq!(acquire_ref(fresh(), 1), Err(RefError::Stale));
        assert_eq!(
            acquire_ref(st(3, Tag::Occupied, MAX_REFS), 3),
            Err(RefError::Overflow)
        );
        assert_eq!(
            release_ref(st(3, Tag::Occupied, 1)),
            Some((occupied(3), false))
        );
        assert_eq!(
            release_ref(st(3, Tag::Removed, 2)),
            Some((st(3, Tag::Removed, 1), false))
        );
        assert_eq!(release_ref(st(3, Tag::Removed, 1)), Some((owned(3), true)));
        assert_eq!(release_ref(occupied(3)), None);
        assert_eq!(release_ref(owned(3)), None);
        // remove
        assert_eq!(remove(occupied(3), 3), Some((owned(3), true)));
        assert_eq!(
            remove(st(3, Tag::Occupied, 2), 3),
            Some((st(3, Tag::Removed, 2), false))
        );
        assert_eq!(remove(st(3, Tag::Removed, 2), 3), None); // removed once only
        assert_eq!(remove(occupied(3), 4), None);
        assert_eq!(remove(owned(3), 3), None);
        // vacate / retire
        assert_eq!(vacate(3, 5), st(4, Tag::Vacant, 0));
        assert_eq!(vacate(5, 5), st(5, Tag::Retired, 0));
        assert!(is_retired(vacate(u32::MAX, u32::MAX)));
        assert!(!holds_value(fresh()) && holds_value(owned(1)));
    }

    #[test]
    fn pages_and_bitmap() {
        assert_eq!(page_start(0, 8), Some(0));
        assert_eq!(page_start(1, 8), Some(8));
        assert_eq!(page_start(2, 8), Some(24));
        assert_eq!(page_len(2, 8), Some(32));
        assert_eq!(locate(0, 8), Some((0, 0)));
        assert_eq!(locate(7, 8), Some((0, 7)));
        assert_eq!(locate(8, 8), Some((1, 0)));
        assert_eq!(locate(24, 8), Some((2, 0)));
        assert_eq!(locate(MAX_SLOTS, 8), None);
        assert_eq!(locate(3, 0), None);
        // first == 1: 32 pages cover every index, the last one truncated.
        let total: u64 = (0..MAX_PAGES)
            .filter_map(|p| page_len(p, 1))
            .map(u64::from)
            .sum();
        assert_eq!(total, u64::from(MAX_SLOTS));
        assert_eq!(page_start(MAX_PAGES, 1), None);
    }

    /// The naive model of a slot: `None` = vacant, `Some(refs)` with a removed flag.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Model {
        Vacant,
        Occupied(u32),
        Removed(u32),
        Owned,
        Retired,
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 8 } else { 1024 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn pack_roundtrips(generation: u32, tag in 0u8..5, refs in 0..=MAX_REFS) {
            let tag = [Tag::Vacant, Tag::Occupied, Tag::Removed, Tag::Owned, Tag::Retired]
                [tag as usize];
            let s = State { generation, tag, refs };
            prop_assert_eq!(State::unpack(s.pack()), s);
        }

        /// Random programs of the protocol's transitions on one slot, against the model: the
        /// value is dropped exactly once per generation, by exactly one party, only when no
        /// guard reads it; generations never repeat; a retired slot stays retired.
        #[test]
        fn protocol_matches_model(ops in proptest::collection::vec(0u8..6, 1..200),
                                  max in 1u32..6) {
            let mut word = fresh();
            let mut model = Model::Vacant;
            let mut generation = generation::FIRST;
            let mut seen = Vec::new();
            for op in ops {
                match op {
                    // insert (claim + publish) / acquire (claim + own)
                    0 | 1 => {
                        if model == Model::Vacant {
                            prop_assert_eq!(State::unpack(word).generation, generation);
                            prop_assert!(!seen.contains(&generation));
                            seen.push(generation);
                            if op == 0 {
                                word = occupied(generation);
                                model = Model::Occupied(0);
                            } else {
                                word = owned(generation);
                                model = Model::Owned;
                            }
                        }
                    }
                    // get with the current handle
                    2 => match (acquire_ref(word, generation), model) {
                        (Ok(w), Model::Occupied(r)) => { word = w; model = Model::Occupied(r + 1); }
                        (Err(RefError::Stale), m) => prop_assert!(!matches!(m, Model::Occupied(_))),
                        (r, m) => prop_assert!(false, "get {:?} in {:?}", r, m),
                    },
                    // drop a guard
                    3 => match model {
                        Model::Occupied(r) | Model::Removed(r) if r > 0 => {
                            let (w, last) = release_ref(word).unwrap();
                            word = w;
                            let removed = matches!(model, Model::Removed(_));
                            prop_assert_eq!(last, removed && r == 1);
                            model = match model {
                                Model::Removed(1) => Model::Owned,
                                Model::Removed(r) => Model::Removed(r - 1),
                                _ => Model::Occupied(r - 1),
                            };
                        }
                        _ => prop_assert!(release_ref(word).is_none()),
                    },
                    // remove with the current handle, and a stale one
                    4 => {
                        prop_assert!(remove(word, generation.wrapping_sub(1)).is_none());
                        match (remove(word, generation), model) {
                            (Some((w, now)), Model::Occupied(r)) => {
                                word = w;
                                prop_assert_eq!(now, r == 0);
                                model = if r == 0 { Model::Owned } else { Model::Removed(r) };
                            }
                            (None, m) => prop_assert!(!matches!(m, Model::Occupied(_))),
                            (r, m) => prop_assert!(false, "remove {:?} in {:?}", r, m),
                        }
                    }
                    // the owner drops the value and vacates
                    _ => if model == Model::Owned {
                        prop_assert!(holds_value(word));
                        word = vacate(generation, max);
                        if is_retired(word) {
                            prop_assert_eq!(generation, max);
                            model = Model::Retired;
                        } else {
                            generation += 1;
                            model = Model::Vacant;
                        }
                    },
                }
                prop_assert_eq!(
                    holds_value(word),
                    matches!(model, Model::Occupied(_) | Model::Removed(_) | Model::Owned)
                );
                prop_assert!(generation <= max);
            }
        }

        /// The word-level transitions equal their field-by-field definitions (decode, decide,
        /// re-encode) on every word, unused tags and counts at the limit included.
        #[test]
        fn word_transitions_match_their_definitions(generation: u32, tag in 0u64..8,
                                                    refs in prop_oneof![0..4u32, (MAX_REFS - 2)..=MAX_REFS],
                                                    asked: u32, same: bool) {
            let word = (u64::from(generation) << 32) | (tag << TAG_SHIFT) | u64::from(refs);
            let asked = if same { generation } else { asked };
            let s = State::unpack(word);
            let live = s.tag == Tag::Occupied && s.generation == asked;
            let want_ref = if !live {
                Err(RefError::Stale)
            } else if s.refs >= MAX_REFS {
                Err(RefError::Overflow)
            } else {
                Ok(State { refs: s.refs + 1, ..s }.pack())
            };
            prop_assert_eq!(acquire_ref(word, asked), want_ref);
            let want_release = match s.tag {
                _ if s.refs == 0 => None,
                Tag::Occupied => Some((State { refs: s.refs - 1, ..s }.pack(), false)),
                Tag::Removed if s.refs == 1 => Some((owned(s.generation), true)),
                Tag::Removed => Some((State { refs: s.refs - 1, ..s }.pack(), false)),
                _ => None,
            };
            prop_assert_eq!(release_ref(word), want_release);
            let want_remove = match live {
                false => None,
                true if s.refs == 0 => Some((owned(asked), true)),
                true => Some((State { tag: Tag::Removed, ..s }.pack(), false)),
            };
            prop_assert_eq!(remove(word, asked), want_remove);
            prop_assert_eq!(is_retired(word), s.tag == Tag::Retired);
            prop_assert_eq!(generation_of(word), s.generation);
        }

        #[test]
        fn locate_matches_a_linear_walk(index in 0u32..1 << 20, first in 1u32..300) {
            let mut page = 0;
            let mut start = 0u32;
            while start + page_len(page, first).unwrap() <= index {
                start += page_len(page, first).unwrap();
                page += 1;
            }
            prop_assert_eq!(page_start(page, first), Some(start));
            prop_assert_eq!(locate(index, first), Some((page, index - start)));
        }
    }
}
