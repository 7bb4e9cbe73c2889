//! The key stack: which lifetime-free keys (snapshots, marks, droplets) are still valid.
//!
//! Keys are created in order and invalidated in reverse order: a rewind to key `k` invalidates
//! every key created after `k` (their memory lies above `k`'s checkpoint and may be handed out
//! again), and a reset invalidates all of them. That is a stack. Each stack slot keeps a
//! generation that is bumped whenever the slot is popped, so a key is `(slot, generation)` and
//! is valid exactly while its slot is on the stack with the same generation — an old key can
//! never match a newer key that reuses its slot. Generations are `u64`: bumping one slot once
//! per nanosecond would take 584 years to wrap.

use alloc::vec::Vec;

/// A key: the stack slot it was pushed to and that slot's generation at the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Stack slot.
    pub slot: usize,
    /// Generation of the slot when the key was made.
    pub generation: u64,
}

/// The stack of live keys.
#[derive(Debug, Default)]
pub struct KeyStack {
    /// Current generation of every slot ever used; slots `len..` are not on the stack.
    generations: Vec<u64>,
    /// Number of slots on the stack.
    len: usize,
}

impl KeyStack {
    /// Pushes a new key. Fails only if the generation table cannot grow (out of memory).
    pub fn push(&mut self) -> Option<Key> {
        let slot = self.len;
        if slot == self.generations.len() {
            self.generations.try_reserve(1).ok()?;
            self.generations.push(0);
        }
        self.len += 1;
        Some(Key {
            slot,
            generation: self.generations[slot],
        })
    }

    /// Whether `key` is still on the stack.
    pub fn is_valid(&self, key: Key) -> bool {
        key.slot < self.len && self.generations[key.slot] == key.generation
    }

    /// Pops every key above `key` (created after it), keeping `key` itself. Returns `false`
    /// (and pops nothing) if `key` is not valid.
    pub fn pop_above(&mut self, key: Key) -> bool {
        if !self.is_valid(key) {
            return false;
        }
        self.truncate(key.slot + 1);
        true
    }

    /// Pops every key at or above slot `len`.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        for generation in &mut self.generations[len..self.len] {
            *generation = generation.wrapping_add(1);
        }
        self.len = len;
    }

    /// Number of keys on the stack.
    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Push,
        /// Rewind to the n-th key ever made (modulo the count).
        PopAbove(usize),
        Truncate(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Push),
            1 => any::<usize>().prop_map(Op::PopAbove),
            1 => (0usize..8).prop_map(Op::Truncate),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 16 } else { 1024 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Model: the live keys are exactly a stack of "key ids"; every key ever made is valid
        /// iff its id is on the model stack.
        #[test]
        fn keys_are_valid_exactly_while_on_the_stack(ops in proptest::collection::vec(op(), 1..64)) {
            let mut stack = KeyStack::default();
            let mut made: Vec<Key> = Vec::new();
            let mut model: Vec<usize> = Vec::new(); // ids of live keys, bottom to top
            for op in ops {
                match op {
                    Op::Push => {
                        let key = stack.push().unwrap();
                        model.push(made.len());
                        made.push(key);
                    }
                    Op::PopAbove(n) if !made.is_empty() => {
                        let id = n % made.len();
                        let popped = stack.pop_above(made[id]);
                        match model.iter().position(|&m| m == id) {
                            Some(at) => { prop_assert!(popped); model.truncate(at + 1); }
                            None => prop_assert!(!popped),
                        }
                    }
                    Op::PopAbove(_) => {}
                    Op::Truncate(len) => {
                        stack.truncate(len);
                        model.truncate(len);
                    }
                }
                prop_assert_eq!(stack.len(), model.len());
                for (id, &key) in made.iter().enumerate() {
                    prop_assert_eq!(stack.is_valid(key), model.contains(&id), "key {}", id);
                }
            }
        }
    }
}
