//! A TCP echo server whose reads land in byte-arena buffers and whose replies are the frozen
//! `bytes::Bytes` of those buffers: no copy between the socket read and the socket write, and
//! no heap allocation per message (each buffer is a slot of one `FixedArena`).
//!
//! `cargo run -p lake-examples --example bytes_echo` starts the server on 127.0.0.1 (a free
//! port), runs a few clients against it, prints the arena's counters and exits. The same
//! `serve` runs under a bounded load in `examples/tests/bytes_echo.rs`.

use std::io;

use lake::bytes::{ArenaError, FixedArena};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Bytes per read: one arena slot.
pub const SLOT: usize = 2048;

/// Accepts `connections` connections on `listener` and echoes each until its client closes,
/// then returns (after every connection has finished). Each read waits for a free slot of
/// `arena` (`allocate_async`: a client that floods the server is slowed down, not served from
/// the heap) and reads into it; the reply is the frozen slot.
pub async fn serve(listener: TcpListener, arena: FixedArena, connections: usize) -> io::Result<()> {
    let mut tasks = JoinSet::new();
    for _ in 0..connections {
        let (socket, _) = listener.accept().await?;
        tasks.spawn(echo(socket, arena.clone()));
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(io::Error::other)??;
    }
    Ok(())
}

/// Echoes one connection.
async fn echo(mut socket: TcpStream, arena: FixedArena) -> io::Result<()> {
    loop {
        let mut buf = arena
            .allocate_async()
            .await
            .map_err(|e: ArenaError| io::Error::other(e))?;
        // `Buffer` is a `bytes::BufMut`: tokio reads straight into the arena slot.
        if socket.read_buf(&mut buf).await? == 0 {
            return Ok(()); // the client closed; dropping `buf` frees the slot
        }
        let reply = buf.freeze(); // no copy: the `Bytes` points into the slot
        socket.write_all(&reply).await?;
        // `reply` drops here and the slot goes back to the arena.
    }
}

/// One client: sends `messages` messages of varying length and checks every echoed byte.
pub async fn client(addr: std::net::SocketAddr, id: usize, messages: usize) -> io::Result<u64> {
    let mut socket = TcpStream::connect(addr).await?;
    let mut echoed = 0u64;
    let mut back = vec![0u8; 8192];
    for m in 0..messages {
        let len = 1 + (id * 131 + m * 977) % 6000;
        let msg: Vec<u8> = (0..len).map(|i| (id * 31 + m * 7 + i) as u8).collect();
        socket.write_all(&msg).await?;
        socket.read_exact(&mut back[..len]).await?;
        if back[..len] != msg[..] {
            return Err(io::Error::other(format!(
                "client {id}, message {m}: echo differs"
            )));
        }
        echoed += len as u64;
    }
    Ok(echoed)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
#[allow(dead_code)] // the integration test includes this file for `serve` and `client`
async fn main() -> io::Result<()> {
    let arena = FixedArena::builder(SLOT, 64)
        .build()
        .map_err(io::Error::other)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("echo server on {addr}");
    let (clients, messages) = (4, 50);
    let server = tokio::spawn(serve(listener, arena.clone(), clients));
    let mut load = JoinSet::new();
    for id in 0..clients {
        load.spawn(client(addr, id, messages));
    }
    let mut bytes = 0;
    while let Some(done) = load.join_next().await {
        bytes += done.map_err(io::Error::other)??;
    }
    server.await.map_err(io::Error::other)??;
    let s = arena.stats();
    println!(
        "{clients} clients echoed {bytes} bytes through {} arena buffers (high water {} B); \
         live bytes now {}",
        s.allocations, s.high_water, s.live_bytes
    );
    Ok(())
}
