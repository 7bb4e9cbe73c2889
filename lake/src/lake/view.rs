//! Views: sub-lakes over a region of a parent lake (`lake.split(len)`).
//!
//! A view is a fixed [`Lake`] whose only chunk is a region borrowed from the parent, so every
//! lake feature (the allocation family, snapshots, marks, droplets, scopes, nested views) works
//! on it, with its own reset. It reaches them through `Deref<Target = Lake>` for `&self`
//! methods and through forwarders below for the `&mut self` ones — never through `DerefMut`,
//! which would let `mem::swap`/`mem::replace` move the inner lake (and the parent's memory it
//! borrows) out from under the view's lifetime.

use core::alloc::Layout;
use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;

use crate::error::{AllocError, RewindError};
use crate::math::chunk::CHUNK_ALIGN;

use super::builder::Config;
use super::chunk::Chunk;
use super::{Lake, Sandbox, Scope, ScopeGuard, Snapshot};

/// A sub-lake over `len` bytes of a parent lake, made by [`Lake::split`]. Allocations in a view
/// never touch the parent or its other views; the view resets on its own; the parent cannot be
/// reset while a view lives (it is borrowed). A view is `Send`, so the parts of one lake can be
/// handed to worker threads.
///
/// ```
/// let mut lake = lake::Lake::new();
/// let mut headers = lake.split(1024);
/// let mut bodies = lake.split(4096);
/// for request in 0..3 {
///     headers.alloc_fmt(format_args!("x-request: {request}"));
///     bodies.alloc_slice_copy(&[0u8; 2000]);
///     headers.reset(); // each view rewinds on its own
///     bodies.reset();
/// }
/// drop((headers, bodies));
/// lake.reset(); // the parent, once its views are gone
/// ```
pub struct LakeView<'a> {
    inner: Lake,
    /// The region is borrowed from the parent for `'a`. (`&'a ()` rather than `&'a Lake`: the
    /// view never touches the parent's state, so it may move to another thread.)
    _parent: PhantomData<&'a ()>,
}

impl Lake {
    /// Splits off `len` bytes of this lake as a [`LakeView`].
    ///
    /// # Panics
    ///
    /// If the lake cannot provide the region; see [`try_split`](Lake::try_split).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let view = lake.split(256);
    /// assert_eq!(view.stats().capacity, 256);
    /// ```
    #[track_caller]
    pub fn split(&self, len: usize) -> LakeView<'_> {
        self.try_split(len).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`split`](Lake::split).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(100);
    /// assert!(lake.try_split(64).is_ok());
    /// assert!(lake.try_split(64).is_err());
    /// ```
    pub fn try_split(&self, len: usize) -> Result<LakeView<'_>, AllocError> {
        let layout =
            Layout::from_size_align(len, CHUNK_ALIGN).map_err(|_| AllocError::InvalidLayout {
                elem_size: 1,
                len,
                align: CHUNK_ALIGN,
            })?;
        let region = self.try_alloc_layout(layout)?;
        let inner = Lake::from_config(Config {
            fixed: true,
            ..Config::default()
        });
        {
            let mut list = inner.chunks.borrow_mut();
            list.chunks
                .try_reserve(1)
                .map_err(|_| AllocError::OutOfMemory { requested: len })?;
            // The region is a fresh block of `len` bytes at a 16-aligned address, with the
            // parent chunk's provenance, that the parent hands to no one else until it is reset
            // or rewound past it, which the view's borrow `'_` rules out for safe code.
            list.chunks.push(Chunk::borrowed(region, len));
            list.capacity = len;
        }
        // SAFETY: the view's only chunk, the fresh region pushed above; nothing was handed out
        // from it.
        unsafe { inner.enter_chunk(region, len) };
        Ok(LakeView {
            inner,
            _parent: PhantomData,
        })
    }
}

impl Deref for LakeView<'_> {
    type Target = Lake;

    fn deref(&self) -> &Lake {
        &self.inner
    }
}

impl<'a> LakeView<'a> {
    /// Frees everything allocated in the view (the parent is untouched); with
    /// [`set_zeroing`](LakeView::set_zeroing) the used bytes are zeroed first.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// view.alloc(1u64);
    /// view.reset();
    /// assert_eq!(view.stats().used, 0);
    /// ```
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Another name for [`reset`](LakeView::reset), for code that speaks of clearing a view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// view.alloc(1u64);
    /// view.clear();
    /// assert_eq!(view.stats().used, 0);
    /// ```
    pub fn clear(&mut self) {
        self.inner.reset();
    }

    /// Whether memory is wiped when it is given back (by a reset, a rewind, or the end of a
    /// scope), so the next user of the view's bytes never sees the previous one's data.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(16);
    /// view.set_zeroing(true);
    /// view.alloc_slice_copy(b"password");
    /// view.reset();
    /// let reused = view.alloc_layout(core::alloc::Layout::new::<[u8; 8]>());
    /// // SAFETY: zeroing wiped the 8 bytes given back, so they are initialised.
    /// assert_eq!(unsafe { reused.cast::<[u8; 8]>().read() }, [0; 8]);
    /// ```
    pub fn set_zeroing(&mut self, zero: bool) {
        self.inner.config.zero_on_reset = zero;
    }

    /// Whether [`set_zeroing`](LakeView::set_zeroing) is on.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// assert!(!lake.split(8).zeroing());
    /// ```
    pub fn zeroing(&self) -> bool {
        self.inner.config.zero_on_reset
    }

    /// [`Lake::mark`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// view.mark();
    /// view.alloc(1u32);
    /// view.reset_to_mark().unwrap();
    /// assert_eq!(view.stats().used, 0);
    /// ```
    #[track_caller]
    pub fn mark(&mut self) {
        self.inner.mark();
    }

    /// [`Lake::reset_to_mark`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// assert!(lake.split(8).reset_to_mark().is_err());
    /// ```
    pub fn reset_to_mark(&mut self) -> Result<(), RewindError> {
        self.inner.reset_to_mark()
    }

    /// [`Lake::move_mark`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(8);
    /// view.mark();
    /// assert!(view.move_mark().is_ok());
    /// ```
    #[track_caller]
    pub fn move_mark(&mut self) -> Result<(), RewindError> {
        self.inner.move_mark()
    }

    /// [`Lake::pop_mark`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(8);
    /// view.mark();
    /// assert!(view.pop_mark().is_ok());
    /// ```
    pub fn pop_mark(&mut self) -> Result<(), RewindError> {
        self.inner.pop_mark()
    }

    /// [`Lake::rewind`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// let snap = view.snapshot();
    /// view.alloc(1u64);
    /// view.rewind(&snap).unwrap();
    /// assert_eq!(view.stats().used, 0);
    /// ```
    pub fn rewind(&mut self, snapshot: &Snapshot) -> Result<(), RewindError> {
        self.inner.rewind(snapshot)
    }

    /// [`Lake::scope`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// let n = view.scope(|s| *s.alloc(3));
    /// assert_eq!((n, view.stats().used), (3, 0));
    /// ```
    pub fn scope<R>(&mut self, f: impl for<'t> FnOnce(&mut Scope<'t>) -> R) -> R {
        self.inner.scope(f)
    }

    /// [`Lake::scope_guard`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// view.scope_guard().scope().alloc(1u8);
    /// assert_eq!(view.stats().used, 0);
    /// ```
    pub fn scope_guard(&mut self) -> ScopeGuard<'_> {
        self.inner.scope_guard()
    }

    /// [`Lake::sandbox`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// view.sandbox().commit();
    /// ```
    pub fn sandbox(&mut self) -> Sandbox<'_> {
        self.inner.sandbox()
    }

    /// [`Lake::sandboxed`] for the view.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let mut view = lake.split(64);
    /// let r: Result<u8, ()> = view.sandboxed(|s| Ok(*s.alloc(1)));
    /// assert_eq!(r, Ok(1));
    /// ```
    pub fn sandboxed<R, E>(
        &mut self,
        f: impl for<'t> FnOnce(&mut Scope<'t>) -> Result<R, E>,
    ) -> Result<R, E> {
        self.inner.sandboxed(f)
    }
}

impl fmt::Debug for LakeView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LakeView")
            .field("stats", &self.inner.stats())
            .field("zeroing", &self.zeroing())
            .finish_non_exhaustive()
    }
}
