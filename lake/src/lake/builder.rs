//! [`LakeBuilder`]: capacity, limit, growth cap, fixed size and zeroing.

use crate::error::AllocError;
use crate::math::chunk::{self, CHUNK_ALIGN, DEFAULT_FIRST_CHUNK, DEFAULT_MAX_CHUNK};

use super::chunk::Chunk;
use super::Lake;

/// The settings a lake keeps after it is built.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    /// Size of the first chunk a growing lake takes when it has none.
    pub(crate) first_chunk: usize,
    /// Growth cap: chunks double up to this size.
    pub(crate) max_chunk: usize,
    /// Hard cap on the total bytes of all chunks.
    pub(crate) limit: Option<usize>,
    /// One chunk, never grows.
    pub(crate) fixed: bool,
    /// Zero the used bytes of the kept chunk on reset.
    pub(crate) zero_on_reset: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            first_chunk: DEFAULT_FIRST_CHUNK,
            max_chunk: DEFAULT_MAX_CHUNK,
            limit: None,
            fixed: false,
            zero_on_reset: false,
        }
    }
}

/// Configures a [`Lake`]; made by [`Lake::builder`].
///
/// ```
/// use lake::{AllocError, Lake};
///
/// // A lake that may hold at most 8 KiB in total, however it grows.
/// let lake = Lake::builder().capacity(1024).limit(8 << 10).build();
/// assert!(lake.try_alloc_slice_zeroed::<u8>(4096).is_ok());
/// let err = lake.try_alloc_slice_zeroed::<u8>(8192).unwrap_err();
/// assert!(matches!(err, AllocError::LimitExceeded { limit: 8192, .. }));
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct LakeBuilder {
    capacity: Option<usize>,
    config: Config,
}

impl LakeBuilder {
    /// Allocates a first chunk of `bytes` bytes when the lake is built (for a fixed lake: its
    /// only chunk). Without it a growing lake starts empty and a fixed lake has no room.
    ///
    /// ```
    /// let lake = lake::Lake::builder().capacity(10_000).build();
    /// assert!(lake.stats().capacity >= 10_000);
    /// ```
    pub fn capacity(mut self, bytes: usize) -> LakeBuilder {
        self.capacity = Some(bytes);
        self
    }

    /// Caps the total bytes of all chunks: growth that would cross it fails with
    /// [`AllocError::LimitExceeded`]. A new chunk is shrunk to fit under the limit when the
    /// request still fits.
    ///
    /// ```
    /// let lake = lake::Lake::builder().limit(1024).build();
    /// assert!(lake.try_alloc_slice_zeroed::<u8>(2048).is_err());
    /// ```
    pub fn limit(mut self, bytes: usize) -> LakeBuilder {
        self.config.limit = Some(bytes);
        self
    }

    /// Sets the growth cap: each new chunk doubles the previous one up to this size (default
    /// 4 MiB). A single request larger than the cap still gets a chunk of its own size.
    ///
    /// ```
    /// let lake = lake::Lake::builder().max_chunk_size(1024).build();
    /// for _ in 0..100 {
    ///     lake.alloc([0u8; 100]);
    /// }
    /// assert!(lake.stats().capacity <= 100 * 1024);
    /// ```
    pub fn max_chunk_size(mut self, bytes: usize) -> LakeBuilder {
        self.config.max_chunk = bytes;
        // A cap below the default first chunk applies to the first chunk too.
        self.config.first_chunk = self.config.first_chunk.min(bytes.max(CHUNK_ALIGN));
        self
    }

    /// Makes the lake fixed: its one chunk (of [`capacity`](LakeBuilder::capacity) bytes) is
    /// all it will ever have, and a full lake fails with [`AllocError::CapacityExceeded`].
    ///
    /// ```
    /// let lake = lake::Lake::builder().capacity(8).fixed().build();
    /// assert!(lake.try_alloc(1u64).is_ok());
    /// assert!(lake.try_alloc(1u8).is_err());
    /// ```
    pub fn fixed(mut self) -> LakeBuilder {
        self.config.fixed = true;
        self
    }

    /// Zeroes the used bytes of the chunk that [`Lake::reset`] keeps, so data from one round
    /// (keys, personal data) is not left in memory that the next round receives.
    ///
    /// ```
    /// let mut lake = lake::Lake::builder().capacity(64).zero_on_reset(true).build();
    /// lake.alloc_slice_copy(b"secret");
    /// lake.reset();
    /// assert_eq!(lake.alloc_slice_fill_with(6, |_| 1u8), &[1; 6]);
    /// ```
    pub fn zero_on_reset(mut self, zero: bool) -> LakeBuilder {
        self.config.zero_on_reset = zero;
        self
    }

    /// Builds the lake.
    ///
    /// # Panics
    ///
    /// If [`try_build`](LakeBuilder::try_build) would return an error.
    ///
    /// ```
    /// let lake = lake::Lake::builder().build();
    /// assert_eq!(*lake.alloc(5), 5);
    /// ```
    #[track_caller]
    pub fn build(self) -> Lake {
        self.try_build().unwrap_or_else(|e| e.panic())
    }

    /// Builds the lake, allocating its first chunk if a capacity was set.
    ///
    /// # Errors
    ///
    /// [`AllocError::LimitExceeded`] if the capacity is above the limit;
    /// [`AllocError::OutOfMemory`] if the chunk cannot be allocated.
    ///
    /// ```
    /// use lake::{AllocError, Lake};
    /// let err = Lake::builder().capacity(4096).limit(1024).try_build().unwrap_err();
    /// assert!(matches!(err, AllocError::LimitExceeded { requested: 4096, limit: 1024, .. }));
    /// ```
    pub fn try_build(self) -> Result<Lake, AllocError> {
        let lake = Lake::from_config(self.config);
        let requested = match self.capacity {
            Some(bytes) => bytes,
            // A fixed lake without a capacity is a valid (if useless) zero-byte lake.
            None if self.config.fixed => 0,
            None => return Ok(lake),
        };
        if let Some(limit) = self.config.limit {
            if requested > limit {
                return Err(AllocError::LimitExceeded {
                    requested,
                    limit,
                    allocated: 0,
                });
            }
        }
        let size = chunk::round_chunk(requested).ok_or(AllocError::OutOfMemory { requested })?;
        let mut first = Chunk::try_new(size).ok_or(AllocError::OutOfMemory { requested: size })?;
        // The lake offers exactly the bytes asked for, not the rounded-up allocation: a fixed
        // lake never holds more, and a limit is never crossed by rounding.
        first.limit_to(requested);
        let usable = first.capacity();
        let start = first.start();
        {
            let mut list = lake.chunks.borrow_mut();
            list.capacity = usable;
            list.chunks.push(first);
        }
        // SAFETY: the lake's first chunk, fresh; nothing was handed out from it.
        unsafe { lake.enter_chunk(start, usable) };
        Ok(lake)
    }
}
