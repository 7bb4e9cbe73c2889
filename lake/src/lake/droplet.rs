//! Droplets: lifetime-free keys to bytes in a lake, checked on every access.
//!
//! A droplet stores where its bytes are (chunk index, offset, length), which lake made it, and a
//! key on the lake's key stack (see `math::keys`). Resolving it through the lake checks the lake
//! and the key first, so after a reset, or a rewind past the droplet, it resolves to `None` —
//! in release builds too — never to bytes that now belong to a newer allocation.

use core::fmt;
use core::ptr::NonNull;

use crate::error::{AllocError, DropletError};
use crate::math::bump;
use crate::math::keys::Key;

use super::growing::Growing;
use super::Lake;

/// Where a droplet's bytes are and how to check they are still its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Place {
    lake: usize,
    key: Key,
    chunk: usize,
    offset: usize,
    len: usize,
}

/// `N` bytes in a lake, reached through a lifetime-free key: store it anywhere (it is `Copy`,
/// `Send` and `'static`), then resolve it with [`get`](Droplet::get) or
/// [`get_mut`](Droplet::get_mut) while the bytes are still its own. Made by
/// [`Lake::droplet`].
///
/// ```
/// let mut lake = lake::Lake::new();
/// let id = lake.droplet::<16>();
/// id.get_mut(&mut lake).unwrap()[..5].copy_from_slice(b"hello");
/// assert_eq!(&id.get(&lake).unwrap()[..5], b"hello");
/// lake.reset();
/// assert_eq!(id.get(&lake), None); // stale: never the new owner's bytes
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Droplet<const N: usize>(Place);

/// A run of bytes of a length chosen at run time, reached like [`Droplet`]. Made by
/// [`Lake::droplet_with`] or [`Lake::droplet_copy`].
///
/// ```
/// let lake = lake::Lake::new();
/// let line = lake.droplet_copy(b"GET / HTTP/1.1");
/// assert_eq!(line.len(), 14);
/// assert_eq!(line.get(&lake), Some(&b"GET / HTTP/1.1"[..]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DropletDyn(Place);

/// Writes the bytes of a new [`DropletDyn`] inside [`Lake::droplet_with`]; the bytes go straight
/// into the lake, growing in place.
///
/// ```
/// use std::fmt::Write;
///
/// let lake = lake::Lake::new();
/// let d = lake.droplet_with(|w| {
///     w.extend_from_slice(b"id=");
///     write!(w, "{}", 42).unwrap();
/// });
/// assert_eq!(d.get(&lake), Some(&b"id=42"[..]));
/// ```
pub struct DropletWriter<'a> {
    bytes: Growing<'a, u8>,
    failure: Option<AllocError>,
}

impl DropletWriter<'_> {
    /// Appends bytes. After an allocation failure, further bytes are ignored and
    /// [`Lake::try_droplet_with`] returns the error.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        if self.failure.is_none() {
            if let Err(e) = self.bytes.extend_from_slice(bytes) {
                self.failure = Some(e);
            }
        }
    }

    /// Appends one byte.
    pub fn push(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Write for DropletWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.extend_from_slice(s.as_bytes());
        match self.failure {
            None => Ok(()),
            Some(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for DropletWriter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DropletWriter")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl Lake {
    /// Allocates `N` zeroed bytes and returns a [`Droplet`] key to them.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow; see [`try_droplet`](Lake::try_droplet).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let d = lake.droplet::<4>();
    /// assert_eq!(d.get(&lake), Some(&[0u8; 4]));
    /// ```
    #[track_caller]
    pub fn droplet<const N: usize>(&self) -> Droplet<N> {
        self.try_droplet().unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`droplet`](Lake::droplet).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(4);
    /// assert!(lake.try_droplet::<4>().is_ok());
    /// assert!(lake.try_droplet::<4>().is_err());
    /// ```
    pub fn try_droplet<const N: usize>(&self) -> Result<Droplet<N>, AllocError> {
        let bytes = self.try_alloc_slice_zeroed::<u8>(N)?;
        let block = NonNull::from(&mut *bytes).cast::<u8>();
        self.place(block, N).map(Droplet)
    }

    /// Copies `bytes` into the lake and returns a [`DropletDyn`] key to the copy.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow; see [`try_droplet_copy`](Lake::try_droplet_copy).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let d = lake.droplet_copy(&[1, 2, 3]);
    /// assert_eq!(d.get(&lake), Some(&[1u8, 2, 3][..]));
    /// ```
    #[track_caller]
    pub fn droplet_copy(&self, bytes: &[u8]) -> DropletDyn {
        self.try_droplet_copy(bytes).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`droplet_copy`](Lake::droplet_copy).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(2);
    /// assert!(lake.try_droplet_copy(&[1, 2, 3]).is_err());
    /// ```
    pub fn try_droplet_copy(&self, bytes: &[u8]) -> Result<DropletDyn, AllocError> {
        let copy = self.try_alloc_slice_copy(bytes)?;
        let block = NonNull::from(&mut *copy).cast::<u8>();
        self.place(block, bytes.len()).map(DropletDyn)
    }

    /// Builds a [`DropletDyn`] by writing into the lake through a [`DropletWriter`] (the seed
    /// crate's `process`, without its intermediate `Vec`): the bytes grow in place.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow; see [`try_droplet_with`](Lake::try_droplet_with).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let csv = lake.droplet_with(|w| {
    ///     for n in 1..=3 {
    ///         w.push(b'0' + n);
    ///         w.push(b',');
    ///     }
    /// });
    /// assert_eq!(csv.get(&lake), Some(&b"1,2,3,"[..]));
    /// ```
    #[track_caller]
    pub fn droplet_with<F: FnOnce(&mut DropletWriter<'_>)>(&self, write: F) -> DropletDyn {
        self.try_droplet_with(write).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`droplet_with`](Lake::droplet_with): if any write did not fit, the error is
    /// returned and the partial bytes are given back.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(4);
    /// assert!(lake.try_droplet_with(|w| w.extend_from_slice(b"too long")).is_err());
    /// assert!(lake.try_droplet_with(|w| w.extend_from_slice(b"fits")).is_ok());
    /// ```
    pub fn try_droplet_with<F: FnOnce(&mut DropletWriter<'_>)>(
        &self,
        write: F,
    ) -> Result<DropletDyn, AllocError> {
        let mut writer = DropletWriter {
            bytes: Growing::with_capacity(self, 0)?,
            failure: None,
        };
        write(&mut writer);
        if let Some(e) = writer.failure {
            return Err(e);
        }
        let bytes = writer.bytes.into_slice();
        let len = bytes.len();
        let block = NonNull::from(bytes).cast::<u8>();
        self.place(block, len).map(DropletDyn)
    }

    /// Records where a freshly allocated block lives and pushes its key.
    ///
    /// The chunk is found from the block's address, not taken to be the current one: a
    /// [`droplet_with`](Lake::droplet_with) writer may allocate from the same lake, and such an
    /// allocation can move the lake on to another chunk while the droplet's bytes stay where
    /// they were written. The current chunk is tried first because it almost always holds them.
    fn place(&self, block: NonNull<u8>, len: usize) -> Result<Place, AllocError> {
        let mut list = self.chunks.borrow_mut();
        let (chunk, offset) = if len == 0 {
            // A zero-length block may be a dangling address outside any chunk; it is never read.
            (0, 0)
        } else {
            let addr = block.as_ptr().addr();
            let current = list.current;
            let candidates = (current..list.chunks.len()).chain(0..current);
            let mut found = None;
            for i in candidates {
                let c = &mut list.chunks[i];
                let start = c.start().as_ptr().addr();
                if let Some(offset) = bump::offset_within(addr, len, start, c.capacity()) {
                    found = Some((i, offset));
                    break;
                }
            }
            // Every block a lake hands out lies in one of its chunks, so this is unreachable;
            // an error is still better than recording a place that `locate` would misread.
            found.ok_or(AllocError::OutOfMemory { requested: len })?
        };
        let key = list.keys.push().ok_or(AllocError::OutOfMemory {
            requested: core::mem::size_of::<u64>(),
        })?;
        Ok(Place {
            lake: self.id,
            key,
            chunk,
            offset,
            len,
        })
    }

    /// Checks a place and returns a pointer to its bytes, with the chunk's provenance.
    fn locate(&self, place: &Place) -> Result<NonNull<u8>, DropletError> {
        if place.lake != self.id {
            return Err(DropletError::ForeignLake);
        }
        let mut list = self.chunks.borrow_mut();
        if !list.keys.is_valid(place.key) {
            return Err(DropletError::Stale);
        }
        if place.len == 0 {
            return Ok(NonNull::dangling());
        }
        // A valid key means no reset happened since the droplet was made, so its chunk is still
        // in the list (chunks are only removed by reset).
        let chunk = list
            .chunks
            .get_mut(place.chunk)
            .ok_or(DropletError::Stale)?;
        let start = chunk.start();
        // SAFETY: `place` found the chunk whose bytes contain the block `offset..offset + len`
        // (checked with `bump::offset_within` against this chunk's start and capacity), so the
        // offset is in bounds of the chunk's allocation, whose provenance `start` carries.
        Ok(unsafe { start.add(place.offset) })
    }
}

impl Place {
    fn status(&self, lake: &Lake) -> Result<(), DropletError> {
        lake.locate(self).map(drop)
    }

    fn bytes<'a>(&self, lake: &'a Lake) -> Option<&'a [u8]> {
        let start = lake.locate(self).ok()?;
        // SAFETY: the key is valid, so the `len` bytes at `start` are still this droplet's block:
        // they were initialised when it was made (zeroed, copied or written) and no allocation
        // handed out since overlaps them (a rewind or reset past them would have popped the key).
        // The only other access to them is `get_mut`, which needs `&mut Lake`, and this shared
        // borrow of the lake lasts as long as the slice.
        Some(unsafe { core::slice::from_raw_parts(start.as_ptr(), self.len) })
    }

    fn bytes_mut<'a>(&self, lake: &'a mut Lake) -> Option<&'a mut [u8]> {
        let start = lake.locate(self).ok()?;
        // SAFETY: as in `bytes`; the exclusive borrow of the lake for as long as the slice lives
        // rules out any other access to the block through a droplet.
        Some(unsafe { core::slice::from_raw_parts_mut(start.as_ptr(), self.len) })
    }
}

impl<const N: usize> Droplet<N> {
    /// The bytes, if this droplet belongs to `lake` and is not stale.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let d = lake.droplet::<2>();
    /// assert_eq!(d.get(&lake), Some(&[0, 0]));
    /// ```
    pub fn get<'a>(&self, lake: &'a Lake) -> Option<&'a [u8; N]> {
        self.0.bytes(lake)?.try_into().ok()
    }

    /// The bytes, mutably, if this droplet belongs to `lake` and is not stale.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let d = lake.droplet::<2>();
    /// d.get_mut(&mut lake).unwrap()[1] = 7;
    /// assert_eq!(d.get(&lake), Some(&[0, 7]));
    /// ```
    pub fn get_mut<'a>(&self, lake: &'a mut Lake) -> Option<&'a mut [u8; N]> {
        self.0.bytes_mut(lake)?.try_into().ok()
    }

    /// Whether [`get`](Droplet::get) would succeed.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let d = lake.droplet::<2>();
    /// assert!(d.is_valid(&lake));
    /// lake.reset();
    /// assert!(!d.is_valid(&lake));
    /// ```
    pub fn is_valid(&self, lake: &Lake) -> bool {
        self.0.status(lake).is_ok()
    }

    /// Why [`get`](Droplet::get) would fail, if it would.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let d = lake.droplet::<2>();
    /// assert_eq!(d.status(&lake), Ok(()));
    /// ```
    pub fn status(&self, lake: &Lake) -> Result<(), DropletError> {
        self.0.status(lake)
    }
}

impl DropletDyn {
    /// The bytes, if this droplet belongs to `lake` and is not stale.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let d = lake.droplet_copy(b"ab");
    /// assert_eq!(d.get(&lake), Some(&b"ab"[..]));
    /// ```
    pub fn get<'a>(&self, lake: &'a Lake) -> Option<&'a [u8]> {
        self.0.bytes(lake)
    }

    /// The bytes, mutably, if this droplet belongs to `lake` and is not stale.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let d = lake.droplet_copy(b"ab");
    /// d.get_mut(&mut lake).unwrap().make_ascii_uppercase();
    /// assert_eq!(d.get(&lake), Some(&b"AB"[..]));
    /// ```
    pub fn get_mut<'a>(&self, lake: &'a mut Lake) -> Option<&'a mut [u8]> {
        self.0.bytes_mut(lake)
    }

    /// Whether [`get`](DropletDyn::get) would succeed.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// assert!(lake.droplet_copy(b"x").is_valid(&lake));
    /// ```
    pub fn is_valid(&self, lake: &Lake) -> bool {
        self.0.status(lake).is_ok()
    }

    /// Why [`get`](DropletDyn::get) would fail, if it would.
    ///
    /// ```
    /// use lake::DropletError;
    /// let d = lake::Lake::new().droplet_copy(b"x");
    /// assert_eq!(d.status(&lake::Lake::new()), Err(DropletError::ForeignLake));
    /// ```
    pub fn status(&self, lake: &Lake) -> Result<(), DropletError> {
        self.0.status(lake)
    }

    /// Length in bytes.
    ///
    /// ```
    /// assert_eq!(lake::Lake::new().droplet_copy(b"abc").len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the droplet has no bytes.
    ///
    /// ```
    /// assert!(lake::Lake::new().droplet_copy(b"").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }
}
