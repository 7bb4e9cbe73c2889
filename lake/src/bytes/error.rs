//! [`ArenaError`]: why a byte arena could not serve a request or be built.

use core::fmt;

/// Why a byte arena could not hand out a buffer, or could not be built.
///
/// Every infallible allocation function has a `try_` twin that returns this instead of
/// panicking. The variants separate what a caller can wait for ([`Full`](Self::Full): a later
/// free can serve the request) from what it cannot ([`TooLarge`](Self::TooLarge),
/// [`Closed`](Self::Closed)), so `allocate_async` (feature `async`) waits only on `Full`.
///
/// ```
/// use lake::bytes::{ArenaError, FixedArena};
///
/// let arena = FixedArena::builder(64, 1).build()?;
/// let held = arena.try_allocate()?;
/// let err = arena.try_allocate().unwrap_err();
/// assert_eq!(err, ArenaError::Full { requested: 64, largest_free: 0 });
/// assert!(err.to_string().contains("full"));
/// drop(held);
/// assert!(arena.try_allocate().is_ok());
/// # Ok::<(), ArenaError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArenaError {
    /// No free block is large enough right now; a later free can serve the request.
    Full {
        /// Bytes asked for (for a fixed arena, its slot size).
        requested: usize,
        /// The largest block free when the request failed (0: none).
        largest_free: usize,
    },
    /// The request is larger than any block the arena can ever hand out; waiting cannot help.
    TooLarge {
        /// Bytes asked for.
        requested: usize,
        /// The largest block this arena has.
        max: usize,
    },
    /// The arena was closed with `close()`: it hands out no more buffers.
    Closed,
    /// The builder's parameters describe no arena this type can serve.
    InvalidGeometry {
        /// Which rule the parameters broke.
        reason: &'static str,
    },
    /// The global allocator could not provide the arena's region.
    OutOfMemory {
        /// Region bytes asked for.
        requested: usize,
    },
}

impl fmt::Display for ArenaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ArenaError::Full { requested, largest_free } => write!(
                f,
                "byte arena full: requested {requested} bytes but the largest free block is \
                 {largest_free} bytes; drop buffers (and their `Bytes`) or wait with allocate_async"
            ),
            ArenaError::TooLarge { requested, max } => write!(
                f,
                "request too large: {requested} bytes, but this byte arena's largest block is \
                 {max} bytes; it can never serve it"
            ),
            ArenaError::Closed => f.write_str("the byte arena is closed"),
            ArenaError::InvalidGeometry { reason } => {
                write!(f, "invalid byte arena geometry: {reason}")
            }
            ArenaError::OutOfMemory { requested } => write!(
                f,
                "out of memory: the global allocator could not provide a {requested}-byte arena region"
            ),
        }
    }
}

impl core::error::Error for ArenaError {}
