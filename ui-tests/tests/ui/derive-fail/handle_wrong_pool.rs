use lake::{LakeAlloc, Pool};

#[derive(LakeAlloc)]
#[lake(pool)]
pub struct Conn {
    pub fd: i32,
}

#[derive(LakeAlloc)]
#[lake(pool)]
pub struct Session {
    pub id: u64,
}

fn main() {
    let mut conns: Pool<Conn, ConnHandle> = Pool::typed(4);
    let mut sessions: Pool<Session, SessionHandle> = Pool::typed(4);
    let s: SessionHandle = sessions.insert(Session { id: 1 });
    let _ = conns.get(s);
}
