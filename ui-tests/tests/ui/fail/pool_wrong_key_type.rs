// A pool of `Conn` with typed keys refuses the key of a pool of another type at compile time.
use lake::pool::{Handle, Pool, PoolKey, Pooled};

struct Conn;
struct Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ConnHandle(Handle);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SessionHandle(Handle);

impl PoolKey for ConnHandle {
    fn from_handle(h: Handle) -> Self {
        ConnHandle(h)
    }
    fn handle(self) -> Handle {
        self.0
    }
}
impl PoolKey for SessionHandle {
    fn from_handle(h: Handle) -> Self {
        SessionHandle(h)
    }
    fn handle(self) -> Handle {
        self.0
    }
}
impl Pooled for Conn {
    type Handle = ConnHandle;
}
impl Pooled for Session {
    type Handle = SessionHandle;
}

fn main() {
    let mut conns = Pool::typed(4);
    let mut sessions = Pool::typed(4);
    let _c: ConnHandle = conns.insert(Conn);
    let s: SessionHandle = sessions.insert(Session);
    let _ = conns.get(s);
}
