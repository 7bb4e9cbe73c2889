//! The memory a byte arena carves into blocks: an owned, page-aligned heap region or a
//! caller-supplied `&'static mut [u8]`.
//!
//! The region is only ever touched through raw pointers derived from its base: no reference
//! to the whole region exists after construction, so a `&mut [u8]` a buffer makes over its own
//! block never aliases another block's.

use core::alloc::Layout;
use core::ptr::NonNull;

use super::ArenaError;
use crate::math::bump;
use crate::sync::heap;

/// Alignment of an owned region: one page, so blocks never share a page with foreign data.
pub(crate) const PAGE: usize = 4096;

/// Where a region's bytes come from (a builder option).
#[derive(Debug, Default)]
pub(crate) enum Source {
    /// Allocate a page-aligned region from the global allocator.
    #[default]
    Heap,
    /// The caller's memory, for the life of the program.
    Static(&'static mut [u8]),
}

/// A region of `len` bytes at `base`, aligned to at least the arena's buffer alignment.
#[derive(Debug)]
pub(crate) struct Region {
    base: NonNull<u8>,
    len: usize,
    /// The layout to free with, if the region is owned.
    owned: Option<Layout>,
}

// SAFETY: the region is plain bytes; which thread may touch which block is decided by the
// arena's atomics, and the region itself is only freed on drop (by whoever drops it last).
unsafe impl Send for Region {}
// SAFETY: as above; `&Region` only hands out the base pointer.
unsafe impl Sync for Region {}

impl Region {
    /// A region of `len` bytes (`len > 0`) aligned to `align` (a power of two) from `source`.
    pub(crate) fn new(source: Source, len: usize, align: usize) -> Result<Region, ArenaError> {
        debug_assert!(align.is_power_of_two());
        if len == 0 {
            return Err(ArenaError::InvalidGeometry {
                reason: "the region would hold no bytes",
            });
        }
        match source {
            Source::Heap => {
                let layout = Layout::from_size_align(len, align.max(PAGE)).map_err(|_| {
                    ArenaError::InvalidGeometry {
                        reason: "the region size exceeds isize::MAX",
                    }
                })?;
                // SAFETY: `layout` has a non-zero size (`len > 0`).
                let base = unsafe { heap::alloc(layout) };
                let base = NonNull::new(base).ok_or(ArenaError::OutOfMemory { requested: len })?;
                Ok(Region {
                    base,
                    len,
                    owned: Some(layout),
                })
            }
            Source::Static(memory) => {
                let addr = memory.as_ptr() as usize;
                let pad = bump::align_up(addr, align)
                    .map(|a| a - addr)
                    .filter(|&pad| pad <= memory.len() && memory.len() - pad >= len)
                    .ok_or(ArenaError::InvalidGeometry {
                        reason: "the supplied memory is too small for the arena once aligned",
                    })?;
                // `pad + len <= memory.len()`: the rest of the memory is simply not used.
                let base = NonNull::from(&mut memory[pad..]).cast::<u8>();
                Ok(Region {
                    base,
                    len,
                    owned: None,
                })
            }
        }
    }

    /// Pointer to byte `offset` of the region.
    ///
    /// # Safety
    ///
    /// `offset <= len`.
    #[inline(always)]
    pub(crate) unsafe fn at(&self, offset: usize) -> NonNull<u8> {
        debug_assert!(offset <= self.len);
        // SAFETY: `offset <= len` (caller), so the result stays inside the region (or one past
        // it), which is one allocation; derived from `base`, it keeps the region's provenance.
        unsafe { self.base.add(offset) }
    }

    /// Offset of `ptr`, a pointer into the region, from its base.
    #[inline(always)]
    #[allow(dead_code)] // for arenas that find a block's page from its address
    pub(crate) fn offset_of(&self, ptr: NonNull<u8>) -> usize {
        (ptr.as_ptr() as usize).wrapping_sub(self.base.as_ptr() as usize)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        if let Some(layout) = self.owned {
            // SAFETY: allocated in `new` with this layout; the arena drops its region only
            // when no buffer holds a block any more (buffers keep the arena alive).
            unsafe { heap::dealloc(self.base.as_ptr(), layout) }
        }
    }
}
