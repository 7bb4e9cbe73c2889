//! Scopes, scope guards and sandboxes: nested regions of a lake that are discarded (or, for a
//! committed sandbox, kept) as a whole.
//!
//! A [`Scope<'s>`] is a handle through which allocations get the lifetime `'s` of the scope
//! itself rather than of a borrow of the handle (bump-scope's `BumpScope<'a>` design), so
//! allocations made in a scope stay usable while a nested scope runs and after it ends. Nesting
//! takes `&mut Scope`, so a parent cannot allocate while a child is alive (its allocations
//! would land above the child's start and be discarded with the child). A closure scope hands
//! its body a `&mut Scope<'t>` for a higher-ranked `'t`, so nothing allocated in it can escape;
//! a guard's scope borrows the guard, so nothing allocated through it outlives the guard.

use core::fmt;
use core::marker::PhantomData;

use crate::error::AllocError;

use super::drop_list::DropList;
use super::rewind::Checkpoint;
use super::{Droplet, DropletDyn, DropletWriter, Lake, LakeBox, LakeStats, LakeView};

/// A region of a lake that ends as a whole; allocations through it live as long as it (`'s`).
/// Made by [`Lake::scope`], [`ScopeGuard::scope`], [`Sandbox::scope`] and nested
/// [`Scope::scope`] calls.
///
/// ```
/// let mut lake = lake::Lake::new();
/// lake.scope(|outer| {
///     let config = outer.alloc_str("verbose");
///     for line in ["a=1", "b=2"] {
///         outer.scope(|inner| {
///             let parts = inner.alloc_iter(line.split('='));
///             assert_eq!(parts.len(), 2);
///             assert_eq!(config, "verbose"); // the outer allocation is still usable
///         }); // `parts` is discarded here
///     }
/// });
/// assert_eq!(lake.stats().used, 0);
/// ```
pub struct Scope<'s> {
    lake: &'s Lake,
    drops: &'s DropList,
}

/// Discards everything allocated through it when dropped; made by [`Lake::scope_guard`] or
/// [`Scope::scope_guard`].
///
/// ```
/// let mut lake = lake::Lake::new();
/// {
///     let mut guard = lake.scope_guard();
///     let s = guard.scope();
///     s.alloc_slice_copy(&[0u8; 1000]);
/// } // rewound here
/// assert_eq!(lake.stats().used, 0);
/// ```
pub struct ScopeGuard<'g> {
    region: Region<'g>,
}

/// A scope that either keeps its memory ([`commit`](Sandbox::commit)) or gives it all back
/// (dropped uncommitted); made by [`Lake::sandbox`] or [`Scope::sandbox`].
///
/// Typed allocations never outlive the sandbox (they borrow it), so after a rollback nothing
/// allocated in it is reachable. What a commit keeps is the memory itself and the droplets made
/// in the sandbox, which stay valid; `alloc_dropping` values are dropped when the sandbox ends
/// either way. Return owned data or droplets to carry results out.
///
/// ```
/// let mut lake = lake::Lake::new();
/// let parsed = {
///     let mut sb = lake.sandbox();
///     let d = sb.scope().droplet_copy(b"valid input");
///     sb.commit();
///     d
/// };
/// let rejected = {
///     let mut sb = lake.sandbox();
///     sb.scope().droplet_copy(b"bad input")
/// }; // rolled back
/// assert!(parsed.is_valid(&lake));
/// assert!(!rejected.is_valid(&lake));
/// ```
pub struct Sandbox<'g> {
    region: Region<'g>,
    committed: bool,
}

/// What scope guards and sandboxes share: where they started and their drop list. Ending it
/// runs the drop list and, unless kept, rewinds to the start.
struct Region<'g> {
    lake: &'g Lake,
    start: Checkpoint,
    drops: DropList,
    /// The drop list of the scope this region is nested in (`None` on the lake itself): a
    /// kept (committed) region hands its registered destructors to it.
    parent: Option<&'g DropList>,
    /// A region holds the exclusive borrow its creator gave up.
    _exclusive: PhantomData<&'g mut Lake>,
}

impl<'g> Region<'g> {
    /// Starts a region at the lake's current position.
    ///
    /// # Safety
    ///
    /// The caller gives the region exclusive use of `lake` for `'g` (it holds `&'g mut Lake`,
    /// or the `&mut Scope` of the enclosing region): nothing else allocates from the lake or
    /// rewinds it while the region lives, and nothing allocated through the region is used
    /// after it ends (its `Scope`s borrow it), since ending it rewinds to its start.
    #[inline]
    unsafe fn new(lake: &'g Lake, parent: Option<&'g DropList>) -> Region<'g> {
        Region {
            lake,
            start: lake.scope_checkpoint(),
            drops: DropList::default(),
            parent,
            _exclusive: PhantomData,
        }
    }

    #[inline]
    fn scope(&mut self) -> Scope<'_> {
        Scope {
            lake: self.lake,
            drops: &self.drops,
        }
    }

    /// Rewinds unless `keep`. Runs the destructors first — except when a kept region has a
    /// parent scope: its values and their memory then live on in the parent, so the parent
    /// takes over the destructors and runs them when it ends.
    ///
    /// On every path the rewind happens: if destructors panic, the rest still run, then the
    /// region is rewound, then the first panic propagates (see `drop_list::drain`).
    ///
    /// Always inlined, so that ending a scope in a loop costs what the common case needs: an
    /// empty-drop-list test and [`Lake::rewind_scope_fast`]'s compares and one store. Running
    /// destructors, handing them to a parent and the general rewind stay out of line, and none
    /// of them gets a pointer into the region: one that escapes into an out-of-line call keeps
    /// the whole region in memory, so `drop(guard)` would copy the guard on every scope.
    #[inline(always)]
    fn end(&mut self, keep: bool) {
        // The list is moved out (a list is only its head; its entries link to each other, not
        // to it) and this region's left empty. No `Scope` of this region is alive any more
        // (each borrows the region). If the region is ended again (a closure scope's guard
        // while a panic unwinds), it finds nothing left to drop, only the rewind to do.
        let drops = core::mem::take(&mut self.drops);
        if !drops.is_empty() {
            end_region_dropping(self.lake, self.start, drops, keep, self.parent);
        } else if !keep {
            // SAFETY: the region ends: its `Scope`s borrowed it, so everything allocated
            // through them is dead, and the region held the lake exclusively since `start`.
            if !unsafe { self.lake.rewind_scope_fast(&self.start) } {
                // SAFETY: as above.
                unsafe { rewind_region_slow(self.lake, self.start) };
            }
        }
    }
}

/// [`Region::end`] with registered destructors: hands them to the parent (kept with a
/// parent), or runs them and then rewinds unless kept, on every path. Takes everything by
/// value (see [`Region::end`]).
#[cold]
#[inline(never)]
fn end_region_dropping(
    lake: &Lake,
    start: Checkpoint,
    drops: DropList,
    keep: bool,
    parent: Option<&DropList>,
) {
    match (keep, parent) {
        // SAFETY: the region ends; its entries lie in its memory, which a commit keeps inside
        // the parent's region until the parent runs its list.
        (true, Some(parent)) => unsafe { drops.move_into(parent) },
        // SAFETY: the region ends, so no reference to its values is alive (its `Scope`s
        // borrowed it).
        (true, None) => unsafe { drops.run_then(|| {}) },
        // SAFETY: as above; and the rewind is sound because everything allocated in the region
        // is dead and the region held the lake exclusively since `start`.
        (false, _) => unsafe {
            drops.run_then(|| {
                if !lake.rewind_scope_fast(&start) {
                    rewind_region_slow(lake, start);
                }
            })
        },
    }
}

/// The rewind of [`Region::end`] when [`Lake::rewind_scope_fast`] does not apply. Takes the
/// checkpoint by value, not a reference into the region (see [`Region::end`]).
///
/// # Safety
///
/// Called as a region ends: nothing allocated after `start` is used any more.
#[cold]
#[inline(never)]
unsafe fn rewind_region_slow(lake: &Lake, start: Checkpoint) {
    // Cannot fail: the region's exclusive borrow kept anything from rewinding past its start
    // (no rewind API is reachable through a `Scope`).
    // SAFETY: this function's contract is `rewind_to`'s.
    let rewound = unsafe { lake.rewind_to(&start) };
    debug_assert!(rewound.is_ok());
}

impl Drop for ScopeGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        self.region.end(false);
    }
}

impl Drop for Sandbox<'_> {
    #[inline]
    fn drop(&mut self) {
        let keep = self.committed;
        self.region.end(keep);
    }
}

impl<'g> ScopeGuard<'g> {
    /// The scope to allocate through; its allocations borrow the guard.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let mut guard = lake.scope_guard();
    /// let s = guard.scope();
    /// assert_eq!(*s.alloc(5), 5);
    /// ```
    #[inline]
    pub fn scope(&mut self) -> Scope<'_> {
        self.region.scope()
    }
}

impl<'g> Sandbox<'g> {
    /// The scope to allocate through; its allocations borrow the sandbox.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let mut sb = lake.sandbox();
    /// assert_eq!(sb.scope().alloc_str("x"), "x");
    /// ```
    #[inline]
    pub fn scope(&mut self) -> Scope<'_> {
        self.region.scope()
    }

    /// Keeps the sandbox's memory and its droplets (and runs its `alloc_dropping` destructors).
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let mut sb = lake.sandbox();
    /// sb.scope().alloc([0u8; 64]);
    /// sb.commit();
    /// assert_eq!(lake.stats().used, 64);
    /// ```
    pub fn commit(mut self) {
        self.committed = true;
    }
}

impl Lake {
    /// Runs `f` in a scope: everything allocated through the scope is discarded when `f`
    /// returns (or panics), and values registered with
    /// [`alloc_dropping`](Scope::alloc_dropping) are dropped, newest first.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let total: usize = lake.scope(|s| s.alloc_iter(1..=4usize).iter().sum());
    /// assert_eq!(total, 10);
    /// assert_eq!(lake.stats().used, 0);
    /// ```
    pub fn scope<R>(&mut self, f: impl for<'t> FnOnce(&mut Scope<'t>) -> R) -> R {
        // SAFETY: `&mut self` is held for the call.
        unsafe { run_scope(self, f) }
    }

    /// Opens a scope that ends when the returned guard is dropped.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let mut guard = lake.scope_guard();
    /// guard.scope().alloc(1u64);
    /// drop(guard);
    /// assert_eq!(lake.stats().used, 0);
    /// ```
    #[inline]
    pub fn scope_guard(&mut self) -> ScopeGuard<'_> {
        ScopeGuard {
            // SAFETY: the guard holds the `&mut self` borrow for its lifetime.
            region: unsafe { Region::new(&*self, None) },
        }
    }

    /// Opens a sandbox: dropped uncommitted it gives back everything allocated in it.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// drop(lake.sandbox()); // nothing committed
    /// assert_eq!(lake.stats().used, 0);
    /// ```
    pub fn sandbox(&mut self) -> Sandbox<'_> {
        Sandbox {
            // SAFETY: the guard holds the `&mut self` borrow for its lifetime.
            region: unsafe { Region::new(&*self, None) },
            committed: false,
        }
    }

    /// Runs `f` in a sandbox that is committed if it returns `Ok` and rolled back if it returns
    /// `Err` (or panics).
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// let ok: Result<lake::DropletDyn, ()> = lake.sandboxed(|s| Ok(s.droplet_copy(b"ok")));
    /// let bad: Result<(), &str> = lake.sandboxed(|s| {
    ///     s.alloc_slice_copy(&[0u8; 100]);
    ///     Err("rejected")
    /// });
    /// assert!(ok.unwrap().is_valid(&lake) && bad.is_err());
    /// assert_eq!(lake.stats().used, 2);
    /// ```
    pub fn sandboxed<R, E>(
        &mut self,
        f: impl for<'t> FnOnce(&mut Scope<'t>) -> Result<R, E>,
    ) -> Result<R, E> {
        // SAFETY: `&mut self` is held for the call.
        unsafe { run_sandboxed(self, None, f) }
    }
}

/// Runs `f` in a scope of `lake` that ends (drop list run, cursor rewound) when `f` returns or
/// unwinds.
///
/// # Safety
///
/// The caller holds the exclusive access the scope needs (`&mut Lake`, or `&mut Scope` of the
/// enclosing region) for the duration of the call; see [`Region::new`].
#[inline]
unsafe fn run_scope<R>(lake: &Lake, f: impl for<'t> FnOnce(&mut Scope<'t>) -> R) -> R {
    // The guard ends the scope if `f` unwinds; on return the scope is ended here, inline, and
    // the guard forgotten (its drop glue is not inlined across crates, and a scope loop would
    // pay that call every iteration).
    let mut guard = ScopeGuard {
        // SAFETY: this function's contract; `f`'s allocations carry the higher-ranked `'t`, so
        // none outlives the call.
        region: unsafe { Region::new(lake, None) },
    };
    let result = f(&mut guard.scope());
    guard.region.end(false);
    core::mem::forget(guard);
    result
}

/// Runs `f` in a sandbox of `lake`, committed if it returns `Ok` (rolled back on `Err` or
/// unwinding).
///
/// # Safety
///
/// As for [`run_scope`]; `parent` is the drop list of the region the caller's exclusive
/// access comes from, if any.
#[inline]
unsafe fn run_sandboxed<'g, R, E>(
    lake: &'g Lake,
    parent: Option<&'g DropList>,
    f: impl for<'t> FnOnce(&mut Scope<'t>) -> Result<R, E>,
) -> Result<R, E> {
    let mut sandbox = Sandbox {
        // SAFETY: this function's contract, as in `run_scope`.
        region: unsafe { Region::new(lake, parent) },
        committed: false,
    };
    let result = f(&mut sandbox.scope());
    // Ended inline on return, as in `run_scope`; the sandbox's `Drop` rolls back if `f`
    // unwinds. Marked committed first, so that a destructor panicking in a committed
    // sandbox's list does not roll it back as the panic leaves through that `Drop`.
    sandbox.committed = result.is_ok();
    sandbox.region.end(sandbox.committed);
    core::mem::forget(sandbox);
    result
}

/// Generates a method of `Scope` that forwards to the `Lake` method of the same name, with the
/// scope's lifetime on the result.
macro_rules! forward {
    ($(#[$attr:meta])* $name:ident [$($gen:tt)*] ($($arg:ident: $ty:ty),*) -> $ret:ty, $example:literal) => {
        #[doc = concat!("Like [`Lake::", stringify!($name), "`]; the result lives as long as the scope.")]
        ///
        /// ```
        /// let mut lake = lake::Lake::new();
        #[doc = concat!("lake.scope(|s| { let _ = ", $example, "; });")]
        /// ```
        $(#[$attr])*
        #[inline]
        pub fn $name<$($gen)*>(&self, $($arg: $ty),*) -> $ret {
            self.lake.$name($($arg),*)
        }
    };
}

// `&self -> &'s mut T` is the point of a scope: every call gets a fresh block (see `Lake::bump`).
#[allow(clippy::mut_from_ref)]
impl<'s> Scope<'s> {
    forward!(#[track_caller] alloc[T](value: T) -> &'s mut T, "s.alloc(1)");
    forward!(try_alloc[T](value: T) -> Result<&'s mut T, AllocError>, "s.try_alloc(1)");
    forward!(#[track_caller] alloc_with[T, F: FnOnce() -> T](f: F) -> &'s mut T, "s.alloc_with(|| 1)");
    forward!(try_alloc_with[T, F: FnOnce() -> T](f: F) -> Result<&'s mut T, AllocError>, "s.try_alloc_with(|| 1)");
    forward!(#[track_caller] alloc_zeroed[T: bytemuck::Zeroable]() -> &'s mut T, "s.alloc_zeroed::<u64>()");
    forward!(try_alloc_zeroed[T: bytemuck::Zeroable]() -> Result<&'s mut T, AllocError>, "s.try_alloc_zeroed::<u64>()");
    forward!(#[track_caller] alloc_slice_copy[T: Copy](src: &[T]) -> &'s mut [T], "s.alloc_slice_copy(&[1, 2])");
    forward!(try_alloc_slice_copy[T: Copy](src: &[T]) -> Result<&'s mut [T], AllocError>, "s.try_alloc_slice_copy(&[1, 2])");
    forward!(#[track_caller] alloc_slice_clone[T: Clone](src: &[T]) -> &'s mut [T], "s.alloc_slice_clone(&[1, 2])");
    forward!(try_alloc_slice_clone[T: Clone](src: &[T]) -> Result<&'s mut [T], AllocError>, "s.try_alloc_slice_clone(&[1, 2])");
    forward!(#[track_caller] alloc_slice_fill_with[T, F: FnMut(usize) -> T](len: usize, f: F) -> &'s mut [T], "s.alloc_slice_fill_with(3, |i| i)");
    forward!(try_alloc_slice_fill_with[T, F: FnMut(usize) -> T](len: usize, f: F) -> Result<&'s mut [T], AllocError>, "s.try_alloc_slice_fill_with(3, |i| i)");
    forward!(#[track_caller] alloc_slice_zeroed[T: bytemuck::Zeroable](len: usize) -> &'s mut [T], "s.alloc_slice_zeroed::<u8>(8)");
    forward!(try_alloc_slice_zeroed[T: bytemuck::Zeroable](len: usize) -> Result<&'s mut [T], AllocError>, "s.try_alloc_slice_zeroed::<u8>(8)");
    forward!(#[track_caller] alloc_str[](src: &str) -> &'s mut str, "s.alloc_str(\"hi\")");
    forward!(try_alloc_str[](src: &str) -> Result<&'s mut str, AllocError>, "s.try_alloc_str(\"hi\")");
    forward!(#[track_caller] alloc_fmt[](args: fmt::Arguments<'_>) -> &'s mut str, "s.alloc_fmt(format_args!(\"{}\", 1))");
    forward!(try_alloc_fmt[](args: fmt::Arguments<'_>) -> Result<&'s mut str, AllocError>, "s.try_alloc_fmt(format_args!(\"{}\", 1))");
    forward!(#[track_caller] alloc_iter[I: IntoIterator](iter: I) -> &'s mut [I::Item], "s.alloc_iter(0..3)");
    forward!(try_alloc_iter[I: IntoIterator](iter: I) -> Result<&'s mut [I::Item], AllocError>, "s.try_alloc_iter(0..3)");
    forward!(#[track_caller] alloc_layout[](layout: core::alloc::Layout) -> core::ptr::NonNull<u8>, "s.alloc_layout(core::alloc::Layout::new::<u32>())");
    forward!(try_alloc_layout[](layout: core::alloc::Layout) -> Result<core::ptr::NonNull<u8>, AllocError>, "s.try_alloc_layout(core::alloc::Layout::new::<u32>())");
    forward!(#[track_caller] alloc_box[T](value: T) -> LakeBox<'s, T>, "s.alloc_box(String::from(\"x\"))");
    forward!(try_alloc_box[T](value: T) -> Result<LakeBox<'s, T>, AllocError>, "s.try_alloc_box(String::from(\"x\"))");
    forward!(#[track_caller] droplet[const N: usize]() -> Droplet<N>, "s.droplet::<4>()");
    forward!(try_droplet[const N: usize]() -> Result<Droplet<N>, AllocError>, "s.try_droplet::<4>()");
    forward!(#[track_caller] droplet_copy[](bytes: &[u8]) -> DropletDyn, "s.droplet_copy(b\"x\")");
    forward!(try_droplet_copy[](bytes: &[u8]) -> Result<DropletDyn, AllocError>, "s.try_droplet_copy(b\"x\")");
    forward!(#[track_caller] droplet_with[F: FnOnce(&mut DropletWriter<'_>)](write: F) -> DropletDyn, "s.droplet_with(|w| w.push(1))");
    forward!(try_droplet_with[F: FnOnce(&mut DropletWriter<'_>)](write: F) -> Result<DropletDyn, AllocError>, "s.try_droplet_with(|w| w.push(1))");
    forward!(stats[]() -> LakeStats, "s.stats()");
    forward!(#[track_caller] split[](len: usize) -> LakeView<'s>, "s.split(64)");
    forward!(try_split[](len: usize) -> Result<LakeView<'s>, AllocError>, "s.try_split(64)");

    /// The lake this scope allocates from, borrowed for as long as this handle is: for the
    /// `&Lake` APIs (resolving droplets, `Vec<T, &Lake>` and other `Allocator` collections).
    /// Anything allocated through it lives no longer than that borrow, and while it lasts the
    /// scope cannot open a nested scope (that needs `&mut`), so it cannot be used to allocate
    /// in a parent while a child runs.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     let d = s.droplet_copy(b"abc");
    ///     assert_eq!(d.get(s.as_lake()), Some(&b"abc"[..]));
    ///     let mut v = allocator_api2::vec::Vec::new_in(s.as_lake());
    ///     v.extend_from_slice(&[1, 2, 3]);
    ///     assert_eq!(v.len(), 3);
    /// });
    /// ```
    pub fn as_lake(&self) -> &Lake {
        self.lake
    }

    /// Moves `value` into the scope and registers its destructor, which runs when the scope
    /// ends (rewinds, or a sandbox commits or rolls back): newest first, exactly once, even if
    /// another registered destructor panics.
    ///
    /// `T: 'static` is what makes this sound: a registered value cannot hold a reference into
    /// the lake, so no destructor can read another arena value that was already dropped (the
    /// typed-arena #24 / sycamore #494 hole).
    ///
    /// # Panics
    ///
    /// If the lake cannot grow; see [`try_alloc_dropping`](Scope::try_alloc_dropping).
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let shared = Rc::new(());
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     let v: &mut Vec<Rc<()>> = s.alloc_dropping(vec![Rc::clone(&shared)]);
    ///     v.push(Rc::clone(&shared));
    ///     assert_eq!(Rc::strong_count(&shared), 3);
    /// });
    /// assert_eq!(Rc::strong_count(&shared), 1); // dropped when the scope ended
    /// ```
    #[track_caller]
    pub fn alloc_dropping<T: 'static>(&self, value: T) -> &'s mut T {
        self.try_alloc_dropping(value).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`alloc_dropping`](Scope::alloc_dropping); on failure `value` is dropped.
    ///
    /// ```
    /// let mut lake = lake::Lake::fixed(8);
    /// lake.scope(|s| assert!(s.try_alloc_dropping(String::from("too big")).is_err()));
    /// ```
    pub fn try_alloc_dropping<T: 'static>(&self, value: T) -> Result<&'s mut T, AllocError> {
        // SAFETY: the list belongs to the region this scope was made from, which runs it when it
        // ends, before rewinding; the reference has the scope's lifetime `'s`, which ends before
        // the region does (closure scopes: the higher-ranked lifetime; guards: the borrow).
        unsafe { self.drops.alloc(self.lake, value) }
    }

    /// Runs `f` in a nested scope; see [`Lake::scope`]. Allocations of this scope stay usable.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     let kept = s.alloc(1);
    ///     s.scope(|inner| { inner.alloc([0u8; 100]); });
    ///     assert_eq!(*kept, 1);
    /// });
    /// ```
    pub fn scope<R>(&mut self, f: impl for<'t> FnOnce(&mut Scope<'t>) -> R) -> R {
        // SAFETY: `&mut self` (this scope) is held for the call, so the enclosing region
        // allocates nothing meanwhile.
        unsafe { run_scope(self.lake, f) }
    }

    /// Opens a nested scope that ends when the guard drops; see [`Lake::scope_guard`].
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     let mut guard = s.scope_guard();
    ///     guard.scope().alloc(1);
    /// });
    /// ```
    #[inline]
    pub fn scope_guard(&mut self) -> ScopeGuard<'_> {
        ScopeGuard {
            // SAFETY: the guard holds the `&mut self` borrow of this scope for its lifetime.
            region: unsafe { Region::new(self.lake, None) },
        }
    }

    /// Opens a nested sandbox; see [`Lake::sandbox`].
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     let mut sb = s.sandbox();
    ///     sb.scope().alloc(1);
    ///     sb.commit();
    /// });
    /// ```
    pub fn sandbox(&mut self) -> Sandbox<'_> {
        Sandbox {
            // SAFETY: the sandbox holds the `&mut self` borrow of this scope for its lifetime.
            region: unsafe { Region::new(self.lake, Some(self.drops)) },
            committed: false,
        }
    }

    /// Runs `f` in a nested sandbox, committed on `Ok`; see [`Lake::sandboxed`].
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     let r: Result<(), ()> = s.sandboxed(|sb| { sb.alloc(1); Err(()) });
    ///     assert!(r.is_err());
    /// });
    /// ```
    pub fn sandboxed<R, E>(
        &mut self,
        f: impl for<'t> FnOnce(&mut Scope<'t>) -> Result<R, E>,
    ) -> Result<R, E> {
        // SAFETY: `&mut self` (this scope) is held for the call.
        unsafe { run_sandboxed(self.lake, Some(self.drops), f) }
    }

    /// Runs `f` in a nested sandbox and, if it returns `Ok`, commits it and hands the returned
    /// allocation to this scope: the result lives as long as the scope, like the scope's own
    /// allocations. On `Err` (or a panic) everything `f` allocated is rolled back and its
    /// destructors run.
    ///
    /// This is how a sandbox's work outlives it: inside `f`, allocations carry the sandbox's
    /// own lifetime, so nothing can leak out of a sandbox that may still roll back; only the
    /// `Ok` value is re-tied to the scope, after the commit. `T: 'static` means the value
    /// holds no reference into the lake whose lifetime would also need re-tying. Destructors
    /// registered in the sandbox ([`alloc_dropping`](Scope::alloc_dropping)) move to this
    /// scope and run when it ends, so a committed value stays alive and usable until then.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// lake.scope(|s| {
    ///     // Parse a record; keep it only if it validates.
    ///     let name: &mut String = s
    ///         .sandboxed_ref(|sb| -> Result<_, &str> {
    ///             let scratch = sb.alloc_slice_copy(b"  ada  ");
    ///             let trimmed = core::str::from_utf8(scratch).unwrap().trim();
    ///             Ok(sb.alloc_dropping(String::from(trimmed)))
    ///         })
    ///         .unwrap();
    ///     let rejected = s.sandboxed_ref(|sb| -> Result<&mut u64, &str> {
    ///         sb.alloc_slice_copy(&[0u8; 256]);
    ///         Err("checksum mismatch")
    ///     });
    ///     assert_eq!(rejected, Err("checksum mismatch"));
    ///     name.push_str(" lovelace"); // still alive: committed to this scope
    ///     assert_eq!(name, "ada lovelace");
    /// });
    /// ```
    pub fn sandboxed_ref<T: ?Sized + 'static, E>(
        &mut self,
        f: impl for<'t> FnOnce(&mut Scope<'t>) -> Result<&'t mut T, E>,
    ) -> Result<&'s mut T, E> {
        // SAFETY: `&mut self` (this scope) is held for the call.
        let committed = unsafe {
            run_sandboxed(self.lake, Some(self.drops), |sb| {
                f(sb).map(core::ptr::NonNull::from)
            })
        }?;
        // SAFETY: `Ok` means the sandbox committed: its memory, after this scope's start, is
        // kept and not rewound or reused until this scope ends, i.e. until `'s` ends. The value
        // is initialised (it was a live `&mut T`) and unaliased (that `&'t mut T` ended with
        // `f`). A registered destructor moved to this scope's list, which runs only when the
        // scope ends. `T: 'static`: no sandbox-bound reference inside.
        Ok(unsafe { &mut *committed.as_ptr() })
    }
}

impl fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("stats", &self.lake.stats())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ScopeGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeGuard").finish_non_exhaustive()
    }
}

impl fmt::Debug for Sandbox<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("committed", &self.committed)
            .finish_non_exhaustive()
    }
}
