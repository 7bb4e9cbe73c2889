//! Model test for the rewind family: random programs of droplets, snapshots, marks, rewinds
//! and resets, checked after every step against a model of which keys are still valid.
//!
//! The model: every snapshot, mark and droplet ever made has an id; the live ones form a stack
//! in creation order. Rewinding to a live snapshot truncates the stack just above it; a reset
//! empties it. After every step: exactly the live droplets resolve, each to the bytes it was
//! given; stale and foreign keys are refused with the right error; `used` never exceeds what
//! the live droplets and padding can explain after a rewind to the very start.

use lake::{DropletDyn, DropletError, Lake, RewindError, Snapshot};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// A droplet of `len` bytes, each `fill`.
    Droplet {
        len: usize,
        fill: u8,
    },
    /// Overwrite a droplet (by index among those ever made) with `fill`.
    Write {
        index: usize,
        fill: u8,
    },
    Snapshot,
    /// Rewind to a snapshot (by index among those ever made).
    Rewind(usize),
    Mark,
    ResetToMark,
    MoveMark,
    PopMark,
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..200, any::<u8>()).prop_map(|(len, fill)| Op::Droplet { len, fill }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(index, fill)| Op::Write { index, fill }),
        2 => Just(Op::Snapshot),
        2 => any::<usize>().prop_map(Op::Rewind),
        1 => Just(Op::Mark),
        1 => Just(Op::ResetToMark),
        1 => Just(Op::MoveMark),
        1 => Just(Op::PopMark),
        1 => Just(Op::Reset),
    ]
}

fn lake_kind() -> impl Strategy<Value = Lake> {
    prop_oneof![
        Just(()).prop_map(|_| Lake::new()),
        // Tiny chunks: nearly every droplet takes a new chunk, so rewinds cross chunks and
        // retained chunks are reused.
        (0usize..96).prop_map(|cap| Lake::builder().capacity(cap).max_chunk_size(256).build()),
        (0usize..64).prop_map(|cap| Lake::builder().capacity(cap).zero_on_reset(true).build()),
    ]
}

/// What the model knows about every key ever made.
#[derive(Default)]
struct Model {
    /// Ids of live keys, bottom first.
    stack: Vec<usize>,
    next_id: usize,
    droplets: Vec<(usize, DropletDyn, Vec<u8>)>,
    snapshots: Vec<(usize, Snapshot)>,
    /// Ids of the marks, bottom first.
    marks: Vec<usize>,
}

impl Model {
    fn make_key(&mut self) -> usize {
        let id = self.next_id;
        self.next_id += 1;
        self.stack.push(id);
        id
    }

    fn is_live(&self, id: usize) -> bool {
        self.stack.contains(&id)
    }

    /// Rewind to the key `id`: everything after it is gone, and marks with it.
    fn rewind_to(&mut self, id: usize) {
        let at = self.stack.iter().position(|&k| k == id).expect("live");
        self.stack.truncate(at + 1);
        let stack = &self.stack;
        self.marks.retain(|m| stack.contains(m));
    }
}

fn run(mut lake: Lake, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let other = Lake::new();
    let mut model = Model::default();
    for op in ops {
        match op {
            Op::Droplet { len, fill } => {
                let bytes = vec![fill; len];
                let d = lake.droplet_copy(&bytes);
                let id = model.make_key();
                model.droplets.push((id, d, bytes));
            }
            Op::Write { index, fill } if !model.droplets.is_empty() => {
                let index = index % model.droplets.len();
                let (id, d, expected) = &mut model.droplets[index];
                let live = model.stack.contains(id);
                match d.get_mut(&mut lake) {
                    Some(bytes) => {
                        prop_assert!(live, "a stale droplet resolved");
                        bytes.fill(fill);
                        expected.fill(fill);
                    }
                    None => prop_assert!(!live, "a live droplet did not resolve"),
                }
            }
            Op::Write { .. } => {}
            Op::Snapshot => {
                let s = lake.snapshot();
                let id = model.make_key();
                model.snapshots.push((id, s));
            }
            Op::Rewind(n) if !model.snapshots.is_empty() => {
                let (id, s) = model.snapshots[n % model.snapshots.len()];
                let got = lake.rewind(&s);
                if model.is_live(id) {
                    prop_assert_eq!(got, Ok(()));
                    model.rewind_to(id);
                } else {
                    prop_assert_eq!(got, Err(RewindError::Stale));
                }
            }
            Op::Rewind(_) => {}
            Op::Mark => {
                lake.mark();
                let id = model.make_key();
                model.marks.push(id);
            }
            Op::ResetToMark => match model.marks.last().copied() {
                Some(id) => {
                    prop_assert_eq!(lake.reset_to_mark(), Ok(()));
                    model.rewind_to(id);
                }
                None => prop_assert_eq!(lake.reset_to_mark(), Err(RewindError::NoMark)),
            },
            Op::MoveMark => match model.marks.pop() {
                Some(_) => {
                    prop_assert_eq!(lake.move_mark(), Ok(()));
                    let id = model.make_key();
                    model.marks.push(id);
                }
                None => prop_assert_eq!(lake.move_mark(), Err(RewindError::NoMark)),
            },
            Op::PopMark => match model.marks.pop() {
                Some(_) => prop_assert_eq!(lake.pop_mark(), Ok(())),
                None => prop_assert_eq!(lake.pop_mark(), Err(RewindError::NoMark)),
            },
            Op::Reset => {
                lake.reset();
                model.stack.clear();
                model.marks.clear();
            }
        }

        // Every droplet resolves exactly while live, to its own bytes; foreign lakes refuse.
        for (id, d, expected) in &model.droplets {
            let live = model.is_live(*id);
            prop_assert_eq!(d.is_valid(&lake), live);
            match d.get(&lake) {
                Some(bytes) => prop_assert_eq!(bytes, &expected[..]),
                None => prop_assert!(!live),
            }
            let status = if live {
                Ok(())
            } else {
                Err(DropletError::Stale)
            };
            prop_assert_eq!(d.status(&lake), status);
            prop_assert_eq!(d.status(&other), Err(DropletError::ForeignLake));
        }
        prop_assert_eq!(lake.marks(), model.marks.len());
        for (_, s) in &model.snapshots {
            let mut foreign = Lake::new();
            prop_assert_eq!(foreign.rewind(s), Err(RewindError::ForeignLake));
        }
        let live_bytes: usize = model
            .droplets
            .iter()
            .filter(|(id, ..)| model.is_live(*id))
            .map(|(_, _, b)| b.len())
            .sum();
        prop_assert!(lake.stats().used >= live_bytes);
    }
    // Rewinding to a snapshot taken on the empty lake, if still live, gives back everything.
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn rewinds_invalidate_exactly_what_they_go_past(
        lake in lake_kind(),
        ops in proptest::collection::vec(op(), 1..if cfg!(miri) { 16 } else { 64 }),
    ) {
        run(lake, ops)?;
    }
}
