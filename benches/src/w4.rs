//! W4, shared by the criterion bench (`benches/w4_pool.rs`) and the callgrind
//! driver (`src/bin/callgrind_w4.rs`): 1 000 live 64-byte objects; 100 000 × { remove a
//! pseudo-random one, read one word of it, insert a new one } per round, the same position
//! sequence for every keyed contender.

use std::hint::black_box;

pub const LIVE: usize = 1_000;
pub const ROUNDS: usize = 100_000;

/// A 64-byte object.
#[derive(Clone, Copy, Debug)]
pub struct Obj(pub [u64; 8]);

const _: () = assert!(std::mem::size_of::<Obj>() == 64);

pub fn obj(i: u64) -> Obj {
    Obj([i; 8])
}

/// xorshift64: the same position sequence for every contender.
#[derive(Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next position in `0..LIVE`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % LIVE as u64) as usize
    }
}

/// What W4 needs from a contender.
pub trait Store {
    /// The contender's key type.
    type Key: Copy;
    /// Inserts `value`, returning its key.
    fn insert(&mut self, value: Obj) -> Self::Key;
    /// Removes and returns the value of a live key.
    fn remove(&mut self, key: Self::Key) -> Obj;
}

impl Store for lake::Pool<Obj> {
    type Key = lake::Handle;
    #[inline]
    fn insert(&mut self, value: Obj) -> lake::Handle {
        lake::Pool::insert(self, value)
    }
    #[inline]
    fn remove(&mut self, key: lake::Handle) -> Obj {
        lake::Pool::remove(self, key).expect("live key")
    }
}

impl Store for slab::Slab<Obj> {
    type Key = usize;
    #[inline]
    fn insert(&mut self, value: Obj) -> usize {
        slab::Slab::insert(self, value)
    }
    #[inline]
    fn remove(&mut self, key: usize) -> Obj {
        slab::Slab::remove(self, key)
    }
}

impl Store for slotmap::SlotMap<slotmap::DefaultKey, Obj> {
    type Key = slotmap::DefaultKey;
    #[inline]
    fn insert(&mut self, value: Obj) -> slotmap::DefaultKey {
        slotmap::SlotMap::insert(self, value)
    }
    #[inline]
    fn remove(&mut self, key: slotmap::DefaultKey) -> Obj {
        slotmap::SlotMap::remove(self, key).expect("live key")
    }
}

impl Store for sharded_slab::Slab<Obj> {
    type Key = usize;
    #[inline]
    fn insert(&mut self, value: Obj) -> usize {
        sharded_slab::Slab::insert(self, value).expect("sharded-slab has room")
    }
    #[inline]
    fn remove(&mut self, key: usize) -> Obj {
        sharded_slab::Slab::take(self, key).expect("live key")
    }
}

/// One W4 round: the same position sequence for every contender.
pub fn round<S: Store>(store: &mut S, keys: &mut [S::Key]) -> u64 {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut sum = 0u64;
    for i in 0..ROUNDS {
        let at = rng.next();
        let old = store.remove(keys[at]);
        sum = sum.wrapping_add(old.0[i & 7]);
        keys[at] = store.insert(obj(i as u64));
    }
    sum
}

/// A keyed contender of W4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keyed {
    Lake,
    Slab,
    Slotmap,
    ShardedSlab,
}

/// The keyed contenders `run` knows, in table order: the one place their names are written
/// (object-pool and `Box` have no keys: they live in the criterion bench only).
const TABLE: [(&str, Keyed); 4] = [
    ("lake", Keyed::Lake),
    ("slab", Keyed::Slab),
    ("slotmap", Keyed::Slotmap),
    ("sharded-slab", Keyed::ShardedSlab),
];

/// The names of [`TABLE`], in its order.
const fn names<const K: usize>(table: &[(&'static str, Keyed); K]) -> [&'static str; K] {
    let mut out = [""; K];
    let mut i = 0;
    while i < K {
        out[i] = table[i].0;
        i += 1;
    }
    out
}

/// The keyed contenders' names (from the contender table); [`BASELINE`] is not among them.
pub const CONTENDERS: &[&str] = &names(&TABLE);

/// The same loop without a store: the 64-byte value is read from and written to a plain array.
pub const BASELINE: &str = "baseline";

/// Fills `store` with `LIVE` values and runs `rounds` rounds; the wrapped sum of the words read.
pub fn run_store<S: Store>(mut store: S, rounds: usize) -> u64 {
    let mut keys: Vec<S::Key> = (0..LIVE as u64).map(|i| store.insert(obj(i))).collect();
    let mut sum = 0u64;
    for _ in 0..rounds {
        sum = sum.wrapping_add(black_box(round(&mut store, &mut keys)));
    }
    sum
}

/// What to do with a freshly made keyed contender: [`with_contender`] is the one place that
/// names and builds them.
pub trait WithStore {
    /// The result.
    type Out;
    /// Runs on the contender.
    fn with<S: Store>(self, store: S) -> Self::Out;
}

/// Builds the keyed contender `name` (one of [`CONTENDERS`]) and hands it to `w`; `None` for
/// another name.
pub fn with_contender<W: WithStore>(name: &str, w: W) -> Option<W::Out> {
    let &(_, keyed) = TABLE.iter().find(|(n, _)| *n == name)?;
    Some(match keyed {
        Keyed::Lake => w.with(lake::Pool::<Obj>::with_capacity(LIVE)),
        Keyed::Slab => w.with(slab::Slab::<Obj>::with_capacity(LIVE)),
        Keyed::Slotmap => w.with(slotmap::SlotMap::<slotmap::DefaultKey, Obj>::with_capacity(
            LIVE,
        )),
        Keyed::ShardedSlab => w.with(sharded_slab::Slab::<Obj>::new()),
    })
}

/// Runs `rounds` W4 rounds of the contender `name` (one of [`CONTENDERS`] or [`BASELINE`]);
/// `None` for an unknown name.
pub fn run(name: &str, rounds: usize) -> Option<u64> {
    struct Run(usize);
    impl WithStore for Run {
        type Out = u64;
        fn with<S: Store>(self, store: S) -> u64 {
            run_store(store, self.0)
        }
    }
    if name != BASELINE {
        return with_contender(name, Run(rounds));
    }
    let mut values: Vec<Obj> = (0..LIVE as u64).map(obj).collect();
    let mut sum = 0u64;
    for _ in 0..rounds {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..ROUNDS {
            let at = rng.next();
            let old = black_box(values[at]);
            sum = sum.wrapping_add(old.0[i & 7]);
            values[at] = obj(i as u64);
        }
    }
    Some(sum)
}

/// Times `rounds` W4 rounds of a filled `store` after 20 untimed ones: (fastest, median) in ns.
pub fn time_store<S: Store>(mut store: S, rounds: usize) -> (u128, u128) {
    let mut keys: Vec<S::Key> = (0..LIVE as u64).map(|i| store.insert(obj(i))).collect();
    for _ in 0..20 {
        black_box(round(&mut store, &mut keys));
    }
    let mut times: Vec<u128> = (0..rounds.max(1))
        .map(|_| {
            let start = std::time::Instant::now();
            black_box(round(&mut store, &mut keys));
            start.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    (times[0], times[times.len() / 2])
}

/// [`time_store`] for the contender `name` (one of [`CONTENDERS`]); `None` for another name.
pub fn time(name: &str, rounds: usize) -> Option<(u128, u128)> {
    struct Time(usize);
    impl WithStore for Time {
        type Out = (u128, u128);
        fn with<S: Store>(self, store: S) -> (u128, u128) {
            time_store(store, self.0)
        }
    }
    with_contender(name, Time(rounds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_contenders_read_the_same_words() {
        let expected = run("baseline", 1).unwrap();
        for name in CONTENDERS {
            assert_eq!(run(name, 1), Some(expected), "{name}");
        }
        assert_eq!(run("nope", 1), None);
    }
}
