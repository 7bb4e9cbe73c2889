//! `#[lake(pool)]`: the generated handle newtype works with `Pool::typed`.

use std::collections::HashSet;

use lake::pool::{Handle, PoolKey, Pooled};
use lake::{LakeAlloc, Pool};

#[derive(LakeAlloc, Debug)]
#[lake(pool)]
pub struct Conn {
    pub fd: i32,
    pub buf: Vec<u8>, // pools drop values: owning resources is fine here
}

#[derive(LakeAlloc, Debug)]
#[lake(pool)]
pub struct Session(pub u64);

#[test]
fn typed_pool_takes_and_returns_the_generated_handle() {
    let mut conns: Pool<Conn, ConnHandle> = Pool::typed(4);
    let a: ConnHandle = conns.insert(Conn {
        fd: 3,
        buf: vec![1],
    });
    let b = conns.insert(Conn {
        fd: 4,
        buf: Vec::new(),
    });
    assert_ne!(a, b);
    assert_eq!(conns[a].fd, 3);
    assert_eq!(conns.get(b).map(|c| c.fd), Some(4));
    let removed = conns.remove(a).unwrap();
    assert_eq!(removed.buf, vec![1]);
    assert!(
        conns.get(a).is_none(),
        "stale generated handle finds nothing"
    );
    let set: HashSet<ConnHandle> = [b, b].into_iter().collect();
    assert_eq!(set.len(), 1);
    assert!(format!("{b:?}").starts_with("ConnHandle("));
}

#[test]
fn handle_newtype_is_transparent_and_round_trips() {
    assert_eq!(
        core::mem::size_of::<ConnHandle>(),
        core::mem::size_of::<Handle>()
    );
    assert_eq!(
        core::mem::size_of::<Option<ConnHandle>>(),
        core::mem::size_of::<Option<Handle>>()
    );
    let mut pool: Pool<Session, <Session as Pooled>::Handle> = Pool::typed(1);
    let h = pool.insert(Session(9));
    assert_eq!(SessionHandle::from_handle(h.handle()), h);
    assert_eq!(pool[h].0, 9);
}

#[test]
fn shared_pools_take_and_return_the_generated_handle_across_threads() {
    let conns: lake::SharedPool<Conn, ConnHandle> = lake::SharedPool::typed(8);
    let handles: Vec<ConnHandle> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|t| {
                let conns = &conns;
                s.spawn(move || {
                    conns.insert(Conn {
                        fd: t,
                        buf: vec![t as u8],
                    })
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let fds: HashSet<i32> = handles.iter().map(|&h| conns.get(h).unwrap().fd).collect();
    assert_eq!(fds, HashSet::from([0, 1]));
    let guarded: ConnHandle = conns
        .acquire(|| Conn {
            fd: 9,
            buf: Vec::new(),
        })
        .into_handle();
    assert!(conns.discard(guarded));
    assert!(conns.get(guarded).is_none(), "stale after remove");
}

#[test]
fn generated_handles_are_ordered_as_their_handles() {
    use std::collections::BTreeMap;
    let mut sessions: Pool<Session, SessionHandle> = Pool::typed(4);
    let hs: Vec<SessionHandle> = (0..4).map(|i| sessions.insert(Session(i))).collect();
    // Reuse slot of hs[1] under a later generation.
    sessions.remove(hs[1]);
    let again = sessions.insert(Session(9));
    assert_eq!(again.handle().index(), hs[1].handle().index());
    let mut sorted = vec![again, hs[3], hs[0], hs[1], hs[2]];
    sorted.sort();
    assert_eq!(sorted, vec![hs[0], hs[1], again, hs[2], hs[3]]);
    for w in sorted.windows(2) {
        assert_eq!(w[0].cmp(&w[1]), w[0].handle().cmp(&w[1].handle()));
    }
    let by_handle: BTreeMap<SessionHandle, u64> = sorted
        .iter()
        .map(|&h| (h, sessions.get(h).map_or(0, |s| s.0)))
        .collect();
    assert_eq!(
        by_handle.values().copied().collect::<Vec<_>>(),
        [0, 0, 9, 2, 3]
    );
}
