//! W3: W3_SCOPES × { open a scope, W3_PER_SCOPE × a 32-byte struct, rewind }.
//!
//! Inside a scope every contender runs W1's loop body: build `Item::from_index(j)` (j counts
//! through the round, 0..W3_ALLOCATIONS), allocate it, pass the returned reference through
//! `black_box`, add `checksum()` to the sum. The arena is pre-sized when the state is made (see
//! `w3_presize_lake`), so a scope never leaves the one chunk and a round never calls the global
//! allocator; what differs between contenders is the per-allocation path and the cost of opening
//! and ending a scope, amortised over W3_PER_SCOPE allocations.

use std::hint::black_box;

use lake::Lake;

use crate::{Item, W3_PER_SCOPE, W3_SCOPES};

/// How often the W3 pre-sizing fills and resets an arena.
const W3_PRESIZE_ROUNDS: usize = 3;

/// Makes a fresh `lake` hold one chunk big enough for a whole W3 scope: [`W3_PRESIZE_ROUNDS`]
/// × { [`W3_PER_SCOPE`] × `alloc`, `reset` } (a reset keeps the largest chunk). Done before
/// the mark or snapshot is taken: a reset would invalidate them, and a checkpoint taken while
/// the lake still had its small first chunk would make every scope cross into later chunks.
pub fn w3_presize_lake(mut lake: Lake) -> Lake {
    for _ in 0..W3_PRESIZE_ROUNDS {
        for i in 0..W3_PER_SCOPE {
            black_box(lake.alloc(Item::from_index(i)));
        }
        lake.reset();
    }
    lake
}

/// [`w3_presize_lake`] for bump-scope (`Bump::reset` keeps the last, largest chunk).
pub fn w3_presize_bump_scope(mut bump: bump_scope::Bump) -> bump_scope::Bump {
    for _ in 0..W3_PRESIZE_ROUNDS {
        for i in 0..W3_PER_SCOPE {
            black_box(bump.alloc(Item::from_index(i)).into_mut());
        }
        bump.reset();
    }
    bump
}

/// W3 on `lake` with closure scopes: per scope, `Lake::scope(|s| W3_PER_SCOPE × s.alloc)`; the
/// scope's end rewinds.
#[inline(never)]
pub fn w3_lake_scope(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        let part = lake.scope(|s| {
            let mut part = 0u64;
            for i in 0..W3_PER_SCOPE {
                let r = black_box(s.alloc(Item::from_index(base + i)));
                part = part.wrapping_add(r.checksum());
            }
            part
        });
        sum = sum.wrapping_add(part);
    }
    sum
}

/// W3 on `lake` with guard scopes: per scope, `let mut g = Lake::scope_guard()`,
/// `let s = g.scope()`, W3_PER_SCOPE × `s.alloc`, `drop(g)` (which rewinds).
#[inline(never)]
pub fn w3_lake_guard(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        let mut guard = lake.scope_guard();
        let s = guard.scope();
        for i in 0..W3_PER_SCOPE {
            let r = black_box(s.alloc(Item::from_index(base + i)));
            sum = sum.wrapping_add(r.checksum());
        }
        drop(guard);
    }
    sum
}

/// W3 on `lake` with a mark (set once, when the state was made): per scope, W3_PER_SCOPE ×
/// `Lake::alloc`, then `Lake::reset_to_mark` (the mark stays set).
#[inline(never)]
pub fn w3_lake_mark(lake: &mut Lake) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        for i in 0..W3_PER_SCOPE {
            let r = black_box(lake.alloc(Item::from_index(base + i)));
            sum = sum.wrapping_add(r.checksum());
        }
        lake.reset_to_mark().unwrap();
    }
    sum
}

/// W3 on `lake` with a snapshot (taken once, when the state was made): per scope,
/// W3_PER_SCOPE × `Lake::alloc`, then `Lake::rewind(&snapshot)` (the snapshot stays valid).
#[inline(never)]
pub fn w3_lake_snapshot(lake: &mut Lake, snapshot: &lake::Snapshot) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        for i in 0..W3_PER_SCOPE {
            let r = black_box(lake.alloc(Item::from_index(base + i)));
            sum = sum.wrapping_add(r.checksum());
        }
        lake.rewind(snapshot).unwrap();
    }
    sum
}

/// W3 on bump-scope with closure scopes: per scope, `Bump::scoped(|bump| W3_PER_SCOPE ×
/// bump.alloc(..).into_mut())`; the scope's end resets to where it started. `into_mut` turns
/// the `BumpBox` into `&mut Item`, so no destructor runs (as in W1).
#[inline(never)]
pub fn w3_bump_scope_scoped(bump: &mut bump_scope::Bump) -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        let part = bump.scoped(|bump| {
            let mut part = 0u64;
            for i in 0..W3_PER_SCOPE {
                let r = black_box(bump.alloc(Item::from_index(base + i)).into_mut());
                part = part.wrapping_add(r.checksum());
            }
            part
        });
        sum = sum.wrapping_add(part);
    }
    sum
}

pub use w3_checkpoint::{w3_bump_scope_checkpoint, CheckpointedBump};

/// The one contender that needs `unsafe`: bump-scope's `reset_to` is an `unsafe fn` (it cannot
/// check that the allocations it discards are dead). Kept in its own module so the crate-wide
/// `deny(unsafe_code)` covers everything else.
#[allow(unsafe_code)]
mod w3_checkpoint {
    use std::hint::black_box;

    use super::{Item, W3_PER_SCOPE, W3_SCOPES};

    /// A bump-scope `Bump` and a checkpoint taken on it after pre-sizing. The fields are
    /// private and nothing hands out the bump, so the checkpoint is always this bump's, taken
    /// while it was unclaimed, and the bump is never reset after it: the conditions `reset_to`
    /// requires of the checkpoint itself.
    pub struct CheckpointedBump {
        bump: bump_scope::Bump,
        checkpoint: bump_scope::Checkpoint,
    }

    impl CheckpointedBump {
        /// Pre-sizes `bump` (see [`super::w3_presize_bump_scope`]), then takes the checkpoint.
        pub fn new(bump: bump_scope::Bump) -> CheckpointedBump {
            let bump = super::w3_presize_bump_scope(bump);
            let checkpoint = bump.checkpoint();
            CheckpointedBump { bump, checkpoint }
        }

        /// The bump's chunk count and bytes allocated (for tests).
        #[cfg(test)]
        pub(crate) fn chunks_and_allocated(&self) -> (usize, usize) {
            (self.bump.stats().count(), self.bump.stats().allocated())
        }
    }

    impl std::fmt::Debug for CheckpointedBump {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("CheckpointedBump")
                .field("checkpoint", &self.checkpoint)
                .finish_non_exhaustive()
        }
    }

    /// W3 on bump-scope with a checkpoint (taken once, when the state was made): per scope,
    /// W3_PER_SCOPE × `Bump::alloc(..).into_mut()`, then `unsafe { Bump::reset_to(checkpoint) }`.
    #[inline(never)]
    pub fn w3_bump_scope_checkpoint(state: &mut CheckpointedBump) -> u64 {
        let bump = &state.bump;
        let mut sum = 0u64;
        for scope in 0..W3_SCOPES {
            let base = scope * W3_PER_SCOPE;
            for i in 0..W3_PER_SCOPE {
                let r = black_box(bump.alloc(Item::from_index(base + i)).into_mut());
                sum = sum.wrapping_add(r.checksum());
            }
            // SAFETY: `reset_to` requires that the checkpoint was made by this bump (and so
            // with the same `GUARANTEED_ALLOCATED` setting), that the bump was not reset since,
            // that it is unclaimed now and was when the checkpoint was made, and that nothing
            // allocated since the checkpoint is used afterwards. The first three are
            // `CheckpointedBump`'s invariant: `new` takes the checkpoint on the bump it owns,
            // and the private bump is only ever used here, where it is neither reset nor
            // claimed. The last: the only allocations since the checkpoint are this scope's
            // items; each `r` is dead after the line that reads it, `into_mut` left no
            // `BumpBox` to drop later, and `black_box` keeps no reference past its call. The
            // next scope's items reuse the memory.
            unsafe { bump.reset_to(state.checkpoint) };
        }
        sum
    }
}

/// W3 without allocation: the items stay on the stack, no scopes (callgrind baseline only).
#[inline(never)]
pub fn w3_baseline() -> u64 {
    let mut sum = 0u64;
    for scope in 0..W3_SCOPES {
        let base = scope * W3_PER_SCOPE;
        for i in 0..W3_PER_SCOPE {
            let mut item = Item::from_index(base + i);
            let r = black_box(&mut item);
            sum = sum.wrapping_add(r.checksum());
        }
    }
    sum
}
