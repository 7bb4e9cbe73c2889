//! The thread-local lake: `lake::with_lake(|lake| …)`.

use crate::error::PerThreadError;
use crate::lake::{Lake, LakeBuilder};
use core::cell::RefCell;

std::thread_local! {
    /// This thread's lake. Lazily created (empty: [`Lake::new`] allocates nothing) on first
    /// use; its chunks are freed by the thread-local destructor when the thread exits.
    ///
    /// Borrow discipline: `with_lake` holds a shared borrow (`Ref`) for the duration of the
    /// user's closure, so nested calls borrow it again, shared; a mutable borrow is only ever
    /// tried (never forced) between outermost calls, by the reset and by `thread_lake_init`.
    static THREAD_LAKE: RefCell<Lake> = RefCell::new(Lake::new());
}

/// Runs `f` with this thread's lake, then frees everything `f` allocated.
///
/// The lake is created empty on the thread's first call and kept for the thread's lifetime:
/// after each **outermost** `with_lake` call returns (or unwinds), the lake is
/// [reset](Lake::reset), which keeps its largest chunk. So a steady stream of calls reuses the
/// same memory and, once warm, never touches the global allocator. The chunks are released when
/// the thread exits. Size the first chunk up front with [`thread_lake_init`].
///
/// Allocations cannot escape: `f` receives `&'a Lake` for a lifetime `'a` it cannot name in
/// its return type (`for<'a> FnOnce(&'a Lake) -> R`), so returning or storing a reference into
/// the lake is a compile error.
///
/// **Nesting**: a `with_lake` call inside another on the same thread receives the same lake
/// (sound: allocation only needs `&Lake`). Its allocations stay alive until the outermost call
/// returns, and the outer closure's allocations are never invalidated by the inner call.
///
/// # Panics
///
/// If called from another thread-local's destructor after this thread's lake was destroyed
/// (see [`try_with_lake`]), or if `f` panics.
///
/// ```
/// use lake::with_lake;
///
/// fn parse(line: &str) -> usize {
///     with_lake(|lake| {
///         let words = lake.alloc_iter(line.split_whitespace());
///         words.len()
///     })
/// }
/// assert_eq!(parse("a b c"), 3);
/// // Memory is reused: the second call allocates in the chunk the first one warmed.
/// assert_eq!(parse("d e"), 2);
///
/// // Nested calls share the lake.
/// let total = with_lake(|outer| {
///     let a = outer.alloc(1);
///     let b = with_lake(|inner| *inner.alloc(2));
///     *a + b // `a` is still valid after the nested call
/// });
/// assert_eq!(total, 3);
/// ```
#[track_caller]
pub fn with_lake<R, F: FnOnce(&Lake) -> R>(f: F) -> R {
    match try_with_lake(f) {
        Ok(r) => r,
        Err(e) => panic!("lake::with_lake: {e}"),
    }
}

/// [`with_lake`] that returns [`PerThreadError::Destroyed`] instead of panicking when the
/// thread's lake was already destroyed (during thread exit). `f` is not called then.
///
/// ```
/// let len = lake::try_with_lake(|lake| lake.alloc_str("hi").len());
/// assert_eq!(len, Ok(2));
/// ```
pub fn try_with_lake<R, F: FnOnce(&Lake) -> R>(f: F) -> Result<R, PerThreadError> {
    THREAD_LAKE
        .try_with(|cell| {
            // Declared first, dropped last: resets after the borrow below has ended, also when
            // `f` unwinds.
            let _reset = ResetWhenOutermost(cell);
            // Mutable borrows are only taken by `ResetWhenOutermost` and `thread_lake_init`,
            // which run no user code while they hold them; the one way to get here during such a
            // borrow is a global allocator that itself calls `with_lake` while the reset frees
            // chunks — that panics here (a clear error), it is never undefined behaviour.
            let lake = cell.borrow();
            f(&lake)
        })
        .map_err(|_| PerThreadError::Destroyed)
}

/// Resets the thread lake when dropped, if no other borrow of it is alive — that is, when the
/// `with_lake` call that created it was the outermost one.
struct ResetWhenOutermost<'c>(&'c RefCell<Lake>);

impl Drop for ResetWhenOutermost<'_> {
    fn drop(&mut self) {
        if let Ok(mut lake) = self.0.try_borrow_mut() {
            lake.reset();
        }
    }
}

/// Replaces this thread's lake with one whose first chunk of `bytes` bytes is allocated now,
/// so the first [`with_lake`] calls do not grow it chunk by chunk.
///
/// Call it before the thread's first `with_lake`, or between calls (the old lake, which holds
/// no allocations then, is dropped).
///
/// # Errors
///
/// [`PerThreadError::InUse`] if called inside a `with_lake` call on this thread;
/// [`PerThreadError::Alloc`] if the chunk cannot be allocated; [`PerThreadError::Destroyed`]
/// during thread exit.
///
/// ```
/// std::thread::spawn(|| {
///     lake::thread_lake_init(256 << 10).unwrap();
///     lake::with_lake(|lake| assert!(lake.stats().capacity >= 256 << 10));
/// })
/// .join()
/// .unwrap();
/// ```
pub fn thread_lake_init(bytes: usize) -> Result<(), PerThreadError> {
    thread_lake_init_with(Lake::builder().capacity(bytes))
}

/// [`thread_lake_init`] with full control: fixed size, limit, growth cap, zeroing on reset.
///
/// # Errors
///
/// As [`thread_lake_init`], with [`PerThreadError::Alloc`] for any build error.
///
/// ```
/// use lake::{thread_lake_init_with, with_lake, Lake};
///
/// std::thread::spawn(|| {
///     // A real-time thread: one 64 KiB chunk, never grows, wiped between calls.
///     thread_lake_init_with(Lake::builder().capacity(64 << 10).fixed().zero_on_reset(true))
///         .unwrap();
///     with_lake(|lake| assert!(lake.try_alloc_slice_copy(&[0u8; 100 << 10]).is_err()));
/// })
/// .join()
/// .unwrap();
/// ```
pub fn thread_lake_init_with(builder: LakeBuilder) -> Result<(), PerThreadError> {
    THREAD_LAKE
        .try_with(|cell| {
            // Check before building, so a busy lake costs no allocation.
            drop(cell.try_borrow_mut().map_err(|_| PerThreadError::InUse)?);
            let fresh = builder.try_build().map_err(PerThreadError::Alloc)?;
            let mut lake = cell.try_borrow_mut().map_err(|_| PerThreadError::InUse)?;
            let old = core::mem::replace(&mut *lake, fresh);
            drop(lake);
            drop(old);
            Ok(())
        })
        .map_err(|_| PerThreadError::Destroyed)?
}
