//! One page of a size-class arena: its owner-private free list and its remote-free stack.
//!
//! A page is carved into blocks of one class while a heap holds it. Three ways a block can be
//! free, as in mimalloc:
//!
//! - never handed out yet: `bump..blocks` (carving is lazy, so claiming a page costs O(1));
//! - freed by the owning thread: the **local** list, a singly linked list through the
//!   arena's link table, touched only by the heap's owner with plain loads and stores;
//! - freed by any other thread: the **remote** stack, an atomic push-only stack (one CAS per
//!   push) that only the owner empties, all at once, with one `swap`.
//!
//! `used` counts blocks handed out minus blocks back on the local list; a block on the remote
//! stack is still counted until the owner collects it. So `used == 0` means every block is
//! free *and* collected: nobody can push onto the stack any more, and the page can go back to
//! the arena's page bitmap.
//!
//! **Why the remote stack has no ABA problem.** Pushers only ever CAS the head from the value
//! they read to their own block, having linked their block to that value first; the owner never
//! pops one node, it swaps the whole stack out. If the head went A → (swapped out) → A again
//! between a pusher's load and its CAS, A is the head again and linking to it is still right.
//!
//! **Ordering.** A push writes its block's link, then CASes with Release; the owner's `swap`
//! is Acquire, so it synchronises with every push in the head's release sequence (every
//! later push is an RMW) and reads their links after they were written. The links of blocks on
//! the local list are written and read by the owner only.

use crate::math::size_class::NO_BLOCK;
use crate::sync::cell::UnsafeCell;
use crate::sync::{AtomicUsize, Ordering};

/// The remote stack's head when it is empty.
const EMPTY: usize = usize::MAX;

/// The page state only the owning heap's thread touches.
#[derive(Clone, Copy, Debug)]
pub(super) struct Local {
    /// The class the page is carved into.
    pub(super) class: u8,
    /// Head of the local free list, or `NO_BLOCK`.
    pub(super) free: u16,
    /// Blocks `bump..blocks` were never handed out.
    pub(super) bump: u16,
    /// Blocks in the page.
    pub(super) blocks: u16,
    /// Blocks handed out and not back on the local list.
    pub(super) used: u16,
    /// Whether the page is its class's current page in its heap (the owner's free path reads
    /// this instead of the heap's lists; a current page is kept even when empty).
    pub(super) current: bool,
}

impl Local {
    const IDLE: Local = Local {
        class: 0,
        free: NO_BLOCK,
        bump: 0,
        blocks: 0,
        used: 0,
        current: false,
    };

    /// Whether a block can be popped without collecting remote frees.
    pub(super) fn has_free(&self) -> bool {
        self.free != NO_BLOCK || self.bump < self.blocks
    }
}

/// A page's shared and owner-private state.
pub(super) struct Page {
    /// The heap holding the page (an index into the arena's heaps): written by the heap's
    /// owner when it claims the page from the bitmap, read by whoever frees a block of it.
    /// The block itself carries the happens-before: it was handed out after this store.
    pub(super) heap: AtomicUsize,
    /// Head of the remote-free stack: a block index, or `EMPTY`.
    remote: AtomicUsize,
    local: UnsafeCell<Local>,
}

impl core::fmt::Debug for Page {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Page").finish_non_exhaustive()
    }
}

/// Reads link `k` of a page's link table.
#[inline(always)]
fn link(links: &[UnsafeCell<u16>], k: u16) -> u16 {
    // SAFETY: only the owner reads a link, and only of a block on its local list or just
    // collected from the remote stack, whose writers happen before (see the module docs).
    links[k as usize].with(|p| unsafe { *p })
}

/// Writes link `k` of a page's link table.
#[inline(always)]
fn set_link(links: &[UnsafeCell<u16>], k: u16, next: u16) {
    // SAFETY: block `k` is free and ours to link: the owner links blocks it holds (freed
    // locally or collected), a remote freer links the block it is freeing, which no list
    // holds and nobody else touches until the push publishes it.
    links[k as usize].with_mut(|p| unsafe { *p = next })
}

impl Page {
    pub(super) fn new() -> Page {
        Page {
            heap: AtomicUsize::new(usize::MAX),
            remote: AtomicUsize::new(EMPTY),
            local: UnsafeCell::new(Local::IDLE),
        }
    }

    /// The owner-private state, by value.
    ///
    /// # Safety
    ///
    /// The calling thread owns (or has borrowed) the heap holding the page.
    #[inline(always)]
    pub(super) unsafe fn local(&self) -> Local {
        // SAFETY: the caller holds the heap, so no other thread reads or writes `local`.
        self.local.with(|p| unsafe { *p })
    }

    /// Runs `f` on the owner-private state.
    ///
    /// # Safety
    ///
    /// As [`Page::local`].
    #[inline(always)]
    unsafe fn with_local<R>(&self, f: impl FnOnce(&mut Local) -> R) -> R {
        // SAFETY: as in `local`; the `&mut` does not escape `f`.
        self.local.with_mut(|p| f(unsafe { &mut *p }))
    }

    /// Starts carving a page freshly claimed from the bitmap into `blocks` blocks of `class`.
    ///
    /// # Safety
    ///
    /// The caller claimed the page (its bitmap bit) and holds heap `heap`.
    pub(super) unsafe fn start(&self, heap: usize, class: u8, blocks: u16) {
        debug_assert_eq!(self.remote.load(Ordering::Relaxed), EMPTY);
        self.heap.store(heap, Ordering::Relaxed);
        // SAFETY: caller (nobody else can reach a page that no heap holds).
        unsafe {
            self.with_local(|l| {
                *l = Local {
                    class,
                    free: NO_BLOCK,
                    bump: 0,
                    blocks,
                    used: 0,
                    current: false,
                }
            })
        }
    }

    /// Marks the page as its class's current page, or not.
    ///
    /// # Safety
    ///
    /// As [`Page::local`].
    #[inline]
    pub(super) unsafe fn set_current(&self, current: bool) {
        // SAFETY: caller.
        unsafe { self.with_local(|l| l.current = current) }
    }

    /// Takes a free block: the local list first, then the uncarved tail. No atomics.
    ///
    /// # Safety
    ///
    /// As [`Page::local`]; `links` is this page's link table.
    #[inline(always)]
    pub(super) unsafe fn pop(&self, links: &[UnsafeCell<u16>]) -> Option<u16> {
        // SAFETY: caller.
        unsafe {
            self.with_local(|l| {
                let k = if l.free != NO_BLOCK {
                    let k = l.free;
                    l.free = link(links, k);
                    k
                } else if l.bump < l.blocks {
                    let k = l.bump;
                    l.bump += 1;
                    k
                } else {
                    return None;
                };
                l.used += 1;
                Some(k)
            })
        }
    }

    /// Puts block `k` back on the local list (a free by the owner). No atomics. Returns whether
    /// the page is now empty.
    ///
    /// # Safety
    ///
    /// As [`Page::pop`]; `k` was handed out by this page and is freed once.
    #[inline(always)]
    pub(super) unsafe fn push_local(&self, links: &[UnsafeCell<u16>], k: u16) -> bool {
        // SAFETY: caller.
        unsafe {
            self.with_local(|l| {
                set_link(links, k, l.free);
                l.free = k;
                l.used -= 1;
                l.used == 0
            })
        }
    }

    /// Pushes block `k` onto the remote stack (a free by any thread but the owner).
    ///
    /// # Safety
    ///
    /// `k` was handed out by this page, is freed once, and nothing uses its bytes any more.
    #[inline]
    pub(super) unsafe fn push_remote(&self, links: &[UnsafeCell<u16>], k: u16) {
        let mut head = self.remote.load(Ordering::Relaxed);
        loop {
            set_link(links, k, if head == EMPTY { NO_BLOCK } else { head as u16 });
            // Release: publishes the link (and the block's last use) to the owner's swap.
            match self.remote.compare_exchange_weak(
                head,
                k as usize,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(now) => head = now,
            }
        }
    }

    /// Moves every remotely freed block onto the local list (one `swap`); returns how many.
    ///
    /// # Safety
    ///
    /// As [`Page::pop`].
    pub(super) unsafe fn collect(&self, links: &[UnsafeCell<u16>]) -> u16 {
        if self.remote.load(Ordering::Relaxed) == EMPTY {
            return 0;
        }
        // Acquire: pairs with every push's Release (module docs, "Ordering").
        let head = self.remote.swap(EMPTY, Ordering::Acquire);
        if head == EMPTY {
            return 0;
        }
        let head = head as u16;
        let mut tail = head;
        let mut n = 1u16;
        loop {
            let next = link(links, tail);
            if next == NO_BLOCK {
                break;
            }
            tail = next;
            n += 1;
        }
        // SAFETY: caller.
        unsafe {
            self.with_local(|l| {
                set_link(links, tail, l.free);
                l.free = head;
                l.used -= n;
            })
        };
        n
    }

    /// Forgets the page's carving before it goes back to the bitmap.
    ///
    /// # Safety
    ///
    /// As [`Page::pop`], and the page's `used` is 0 (so its remote stack is empty for good).
    pub(super) unsafe fn retire(&self) {
        debug_assert_eq!(self.remote.load(Ordering::Relaxed), EMPTY);
        // SAFETY: caller.
        unsafe {
            self.with_local(|l| {
                debug_assert_eq!(l.used, 0);
                *l = Local::IDLE;
            })
        };
    }
}
