//! The key stack: which lifetime-free keys (snapshots, marks, droplets) are still valid.
//!
//! Keys are created in order and invalidated in reverse order: a rewind to key `k` invalidates
//! every key created after `k` (their memory lies above `k`'s checkpoint and may be handed out
//! again), and a reset invalidates all of them. That is a stack, and each key has a *depth*:
//! its position on it (the number of live keys below it). A rewind to a key of depth `d` pops
//! the depths above `d`; a scope records the depth at its start and pops back to it.
//!
//! The stack is stored in *slots*, not one entry per key, so that snapshot, mark and rewind
//! loops run in constant memory while every key stays valid exactly as long as it would on a
//! plain stack (the tests check that against such a stack):
//!
//! - **Runs.** A slot holds a run of consecutive depths: snapshots taken one after another at
//!   the same [`Spot`] share the newest slot ([`KeyStack::push_at`]), each with its own depth.
//!   Popping depths above `d` inside a run lowers the run's top to `d`; depths above the top
//!   are invalid. A run grows only while nothing above its top was ever popped (`top == max`),
//!   so a popped depth is never handed out again in the same slot generation.
//! - **Generations.** Each slot keeps a generation that is bumped whenever the slot leaves the
//!   stack, so a key is `(slot, generation, depth)` and an old key never matches a newer one
//!   that reuses its slot. Generations are `u64`: bumping one slot once per nanosecond would
//!   take 584 years to wrap.
//! - **Release.** A key held by one owner only (a mark's) is released when the owner is gone
//!   ([`KeyStack::release`]); a released slot leaves the stack as soon as it is on top.
//!
//! Invariants: the top slot is never a released one; `depth` is one more than the top slot's
//! top (0 when empty); slot `i` holds depths `base..=top` with `base` above the slot below's
//! top.

use alloc::vec::Vec;

/// A key: its stack slot, that slot's generation at the time, and its depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Stack slot.
    pub slot: usize,
    /// Generation of the slot when the key was made.
    pub generation: u64,
    /// Number of live keys below this one when it was made.
    pub depth: usize,
}

/// A position in a lake as far as the key stack is concerned: two snapshots with equal spots
/// rewind to the same place (the lake uses the chunk index and the cursor address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Spot {
    /// Which chunk (the lake counts "no chunk yet" as its own value).
    pub chunk: usize,
    /// Where in it.
    pub pos: usize,
}

/// What a slot on the stack is held by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holder {
    /// A run of snapshot keys at this spot.
    Shared(Spot),
    /// A key of one owner (a droplet, a mark, a drop-list entry): a run of one.
    Private,
    /// A private key whose owner released it; popped once it is on top.
    Released,
}

/// One slot: its generation and, while on the stack, its holder and run of depths.
#[derive(Clone, Copy, Debug)]
struct Slot {
    generation: u64,
    holder: Holder,
    /// First depth of the run.
    base: usize,
    /// Last valid depth of the run.
    top: usize,
    /// Last depth ever handed out in this slot generation (`>= top`).
    max: usize,
}

/// The stack of live keys.
#[derive(Debug, Default)]
pub struct KeyStack {
    /// Every slot ever used; slots `len..` are not on the stack.
    slots: Vec<Slot>,
    /// Number of slots on the stack.
    len: usize,
    /// Number of live keys (released ones included): the depth of the next key.
    depth: usize,
}

impl KeyStack {
    /// Pushes a new private key (droplets, marks, drop-list entries). Fails only if the slot
    /// table cannot grow (out of memory).
    pub fn push(&mut self) -> Option<Key> {
        self.push_slot(Holder::Private)
    }

    /// A key for a snapshot at `spot`: the next depth of the newest slot if that is a run of
    /// snapshots at the same spot from which nothing was popped, otherwise a new slot. Fails
    /// only if the slot table cannot grow.
    pub fn push_at(&mut self, spot: Spot) -> Option<Key> {
        if let Some(top) = self.len.checked_sub(1) {
            let depth = self.depth;
            let slot = &mut self.slots[top];
            if slot.holder == Holder::Shared(spot) && slot.top == slot.max {
                slot.top = depth;
                slot.max = depth;
                self.depth = depth.checked_add(1)?;
                return Some(Key {
                    slot: top,
                    generation: slot.generation,
                    depth,
                });
            }
        }
        self.push_slot(Holder::Shared(spot))
    }

    fn push_slot(&mut self, holder: Holder) -> Option<Key> {
        let index = self.len;
        let depth = self.depth;
        let next_depth = depth.checked_add(1)?;
        if index == self.slots.len() {
            self.slots.try_reserve(1).ok()?;
            self.slots.push(Slot {
                generation: 0,
                holder,
                base: depth,
                top: depth,
                max: depth,
            });
        }
        let slot = &mut self.slots[index];
        slot.holder = holder;
        slot.base = depth;
        slot.top = depth;
        slot.max = depth;
        self.len = index + 1;
        self.depth = next_depth;
        Some(Key {
            slot: index,
            generation: slot.generation,
            depth,
        })
    }

    /// Whether `key` is still on the stack (and not released).
    pub fn is_valid(&self, key: Key) -> bool {
        key.slot < self.len && {
            let slot = &self.slots[key.slot];
            slot.generation == key.generation
                && key.depth <= slot.top
                && slot.holder != Holder::Released
        }
    }

    /// Whether `key` is valid and the newest key: a rewind to it pops nothing.
    ///
    /// Cheaper than [`KeyStack::is_valid`] (the rewind fast path asks this): a key of the top
    /// depth is in the top slot, which is never released and whose top is that depth, and
    /// within one slot generation each depth is handed out once (a run grows only while
    /// nothing was popped from it), so the slot and generation settle it.
    #[inline]
    pub fn is_top(&self, key: Key) -> bool {
        key.depth.wrapping_add(1) == self.depth
            && key.slot.wrapping_add(1) == self.len
            && self.slots.get(key.slot).map(|s| s.generation) == Some(key.generation)
    }

    /// Pops every key above `key` (created after it), keeping `key` itself. Returns `false`
    /// (and pops nothing) if `key` is not valid.
    pub fn pop_above(&mut self, key: Key) -> bool {
        if !self.is_valid(key) {
            return false;
        }
        self.truncate(key.depth + 1);
        true
    }

    /// Pops every key of depth `depth` or more, then any released keys left on top.
    pub fn truncate(&mut self, depth: usize) {
        while let Some(top) = self.len.checked_sub(1) {
            let slot = &mut self.slots[top];
            if slot.base >= depth {
                slot.generation = slot.generation.wrapping_add(1);
                self.len = top;
            } else {
                // `base < depth`: part of the run stays.
                slot.top = slot.top.min(depth - 1);
                break;
            }
        }
        self.depth = self.depth.min(depth);
        self.pop_released();
    }

    /// Releases a private key whose only owner is gone: it becomes invalid, and leaves the
    /// stack as soon as no live key is above it. Does nothing for an invalid or shared key.
    pub fn release(&mut self, key: Key) {
        if self.is_valid(key) && self.slots[key.slot].holder == Holder::Private {
            self.slots[key.slot].holder = Holder::Released;
            self.pop_released();
        }
    }

    /// Pops released keys off the top (restores the invariant that the top is not released).
    fn pop_released(&mut self) {
        while let Some(top) = self.len.checked_sub(1) {
            let slot = &mut self.slots[top];
            if slot.holder != Holder::Released {
                break;
            }
            slot.generation = slot.generation.wrapping_add(1);
            self.len = top;
            self.depth = slot.base;
        }
    }

    /// Number of live keys: the depth a scope records at its start and pops back to.
    #[inline]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Number of slots ever used: what the stack's memory grows with.
    #[cfg(test)]
    pub fn slots(&self) -> usize {
        self.slots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        /// Allocate: the cursor moves up.
        Alloc,
        /// A droplet: allocate, then a private key.
        Droplet,
        /// A snapshot at the cursor.
        Snapshot,
        /// A mark at the cursor (a private key held until `PopMark`).
        Mark,
        /// Drop the n-th mark still held (modulo their count).
        PopMark(usize),
        /// Rewind to the n-th snapshot or mark ever made (modulo the count); not inside a scope.
        Rewind(usize),
        /// Open a scope (records the depth).
        Open,
        /// Close the innermost scope (truncates to its depth, cursor back to its start).
        Close,
        /// Reset (not inside a scope).
        Reset,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Alloc),
            1 => Just(Op::Droplet),
            3 => Just(Op::Snapshot),
            1 => Just(Op::Mark),
            1 => any::<usize>().prop_map(Op::PopMark),
            2 => any::<usize>().prop_map(Op::Rewind),
            1 => Just(Op::Open),
            1 => Just(Op::Close),
            1 => Just(Op::Reset),
        ]
    }

    /// A key ever made (its index is the model's id for it): the real key, its spot, whether
    /// it is a droplet's, and whether it was a mark's that has been popped.
    #[derive(Clone, Copy, Debug)]
    struct Made {
        key: Key,
        spot: usize,
        droplet: bool,
        released: bool,
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 16 } else { 2048 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Against a naive model that never forgets a key (every key gets an entry of its own on
        /// a plain stack; a mark's key stays after the mark is gone): every key that is not a
        /// popped mark's is valid exactly when the model says so, after every step; the stack
        /// is never deeper than the model's, and rewinds succeed exactly for model-valid keys.
        #[test]
        fn keys_agree_with_a_model_that_never_forgets(ops in proptest::collection::vec(op(), 1..96)) {
            let mut stack = KeyStack::default();
            let mut made: Vec<Made> = Vec::new();
            let mut model: Vec<usize> = Vec::new(); // ids of live keys, bottom to top
            let mut scopes: Vec<(usize, usize, usize)> = Vec::new(); // (depth, model len, cursor)
            let mut marks: Vec<usize> = Vec::new(); // ids of marks held
            let mut cursor = 0usize;
            for op in ops {
                match op {
                    Op::Alloc => cursor += 1,
                    Op::Droplet => {
                        cursor += 1;
                        let key = stack.push().unwrap();
                        model.push(made.len());
                        made.push(Made { key, spot: cursor, droplet: true, released: false });
                    }
                    Op::Snapshot => {
                        let key = stack.push_at(Spot { chunk: 0, pos: cursor }).unwrap();
                        model.push(made.len());
                        made.push(Made { key, spot: cursor, droplet: false, released: false });
                    }
                    Op::Mark if scopes.is_empty() => {
                        let key = stack.push().unwrap();
                        model.push(made.len());
                        marks.push(made.len());
                        made.push(Made { key, spot: cursor, droplet: false, released: false });
                    }
                    Op::PopMark(n) if scopes.is_empty() && !marks.is_empty() => {
                        let id = marks.remove(n % marks.len());
                        stack.release(made[id].key);
                        made[id].released = true;
                    }
                    Op::Rewind(n) if scopes.is_empty() && !made.is_empty() => {
                        let id = n % made.len();
                        let target = made[id];
                        // Droplets are not rewind targets; a popped mark is gone.
                        if !target.released && !target.droplet {
                            let popped = stack.pop_above(target.key);
                            match model.iter().position(|&m| m == id) {
                                Some(at) => {
                                    prop_assert!(popped, "a valid key was refused");
                                    model.truncate(at + 1);
                                    cursor = target.spot;
                                    marks.retain(|m| model.contains(m));
                                }
                                None => prop_assert!(!popped, "a stale key was accepted"),
                            }
                        }
                    }
                    Op::Open => scopes.push((stack.depth(), model.len(), cursor)),
                    Op::Close => {
                        if let Some((depth, model_len, at)) = scopes.pop() {
                            stack.truncate(depth);
                            model.truncate(model_len);
                            cursor = at;
                        }
                    }
                    Op::Reset if scopes.is_empty() => {
                        stack.truncate(0);
                        model.clear();
                        marks.clear();
                        cursor = 0;
                    }
                    _ => {}
                }
                prop_assert!(stack.depth() <= model.len(), "{} > {}", stack.depth(), model.len());
                prop_assert!(stack.slots() <= made.len().max(1));
                // The newest key a rewind can name (popped marks' keys are gone for good).
                let newest = model.iter().rev().find(|&&t| !made[t].released);
                for (id, m) in made.iter().enumerate() {
                    if !m.released {
                        prop_assert_eq!(stack.is_valid(m.key), model.contains(&id), "key {}", id);
                        prop_assert_eq!(stack.is_top(m.key), newest == Some(&id), "top {}", id);
                    }
                }
            }
        }
    }

    /// The loops of the issue keep the slot table at a fixed size, and every snapshot they
    /// took stays valid.
    #[test]
    fn snapshot_mark_and_rewind_loops_use_a_fixed_number_of_slots() {
        let spot = Spot { chunk: 1, pos: 64 };
        let mut stack = KeyStack::default();
        let mut taken = Vec::new();
        for _ in 0..1000 {
            let key = stack.push_at(spot).unwrap();
            assert!(stack.pop_above(key));
            taken.push(key);
        }
        assert_eq!((stack.len, stack.slots(), stack.depth()), (1, 1, 1000));
        assert!(taken.iter().all(|&k| stack.is_valid(k)));
        // A rewind to the first pops the other 999.
        assert!(stack.pop_above(taken[0]));
        assert!(taken[1..].iter().all(|&k| !stack.is_valid(k)));
        // Snapshots taken now get a new slot, so the popped depths never come back.
        let again = stack.push_at(spot).unwrap();
        assert_eq!(again.depth, 1);
        assert!(!stack.is_valid(taken[1]) && stack.is_valid(again));

        let mut stack = KeyStack::default();
        let mut mark = stack.push().unwrap();
        for _ in 0..1000 {
            stack.release(mark); // move_mark: the old mark goes ...
            mark = stack.push().unwrap(); // ... and a new one is pushed
            assert!(stack.pop_above(mark)); // reset_to_mark
        }
        assert_eq!((stack.len, stack.slots()), (1, 1));

        let mut stack = KeyStack::default();
        for _ in 0..1000 {
            let mark = stack.push().unwrap();
            stack.release(mark);
        }
        assert_eq!((stack.len, stack.slots(), stack.depth()), (0, 1, 0));
    }

    #[test]
    fn a_released_key_below_a_live_one_leaves_with_it() {
        let mut stack = KeyStack::default();
        let base = stack.push_at(Spot { chunk: 0, pos: 0 }).unwrap();
        let mark = stack.push().unwrap();
        let snap = stack.push_at(Spot { chunk: 0, pos: 8 }).unwrap();
        stack.release(mark);
        assert!(!stack.is_valid(mark));
        assert_eq!(stack.len, 3);
        assert!(stack.pop_above(base));
        assert_eq!((stack.len, stack.depth()), (1, 1));
        assert!(!stack.is_valid(snap));
        let again = stack.push().unwrap();
        assert_eq!(again.slot, 1);
        assert_ne!(again, mark);
        assert!(!stack.is_valid(mark));
    }

    #[test]
    fn snapshots_share_a_slot_only_at_the_same_spot_and_only_while_nothing_was_popped() {
        let mut stack = KeyStack::default();
        let spot = Spot { chunk: 0, pos: 16 };
        let a = stack.push_at(spot).unwrap();
        let b = stack.push_at(spot).unwrap();
        assert_eq!((a.slot, b.slot, a.depth, b.depth), (0, 0, 0, 1));
        let c = stack.push_at(Spot { chunk: 0, pos: 32 }).unwrap();
        assert_eq!(c.slot, 1);
        let d = stack.push().unwrap(); // a droplet's key is never shared
        assert_ne!(
            stack.push_at(Spot { chunk: 0, pos: 32 }).unwrap().slot,
            d.slot
        );
        assert_eq!(stack.len, 4);
        // A scope that started after `a` pops `b` (depth 1) but keeps `a`.
        stack.truncate(1);
        assert!(stack.is_valid(a) && !stack.is_valid(b) && !stack.is_valid(c));
        let e = stack.push_at(spot).unwrap();
        assert_eq!((e.slot, e.depth), (1, 1));
        assert!(!stack.is_valid(b) && stack.is_valid(e));
    }
}
