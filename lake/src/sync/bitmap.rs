//! A lock-free free bitmap: one bit per unit of capacity (a `SharedPool` slot, a byte arena's
//! fixed slot), set = free, claimed with `fetch_and` and released with `fetch_or`. The integer
//! arithmetic is `math::bitmap`; this file is only the atomic shell.
//!
//! A claim starts at a word chosen from a hint ([`thread_hint`] gives each thread its own
//! starting region), so threads claiming at once rarely touch the same cache line, and a claim
//! does not rescan from word 0 every time.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::math::bitmap;
use crate::sync::{AtomicU64, Ordering};

/// `len` bits of free/claimed state.
pub(crate) struct AtomicBitmap {
    words: Box<[AtomicU64]>,
    /// [`bitmap::hint_mask`] of the number of words (precomputed for `claim`).
    hint_mask: usize,
}

impl AtomicBitmap {
    /// A bitmap of `len` bits, all free.
    pub(crate) fn new(len: u32) -> Self {
        let words: Vec<AtomicU64> = (0..bitmap::words(len))
            .map(|w| AtomicU64::new(bitmap::initial_word(w, len)))
            .collect();
        let hint_mask = bitmap::hint_mask(words.len());
        AtomicBitmap {
            words: words.into_boxed_slice(),
            hint_mask,
        }
    }

    /// Claims a free bit, looking from word `hint % words` on: clears it and returns its index;
    /// `None` if none was free.
    ///
    /// The `fetch_and` that clears the bit returns the word before it: the claim succeeded iff
    /// the bit was set in it, so two claimers can never both own a unit, however the word
    /// changed in between (no ABA: the decision is made on the bit itself, atomically).
    /// Acquire pairs with [`AtomicBitmap::release`]'s Release: whatever the previous owner did
    /// before releasing happens before this claim returns.
    #[inline]
    pub(crate) fn claim(&self, hint: usize) -> Option<u32> {
        let n = self.words.len();
        if n == 0 {
            return None;
        }
        let start = bitmap::wrap_hint(hint, self.hint_mask, n);
        for i in 0..n {
            let w = if start + i >= n {
                start + i - n
            } else {
                start + i
            };
            let word = &self.words[w];
            let mut cur = word.load(Ordering::Relaxed);
            while let Some(b) = bitmap::lowest_free(cur) {
                let prev = word.fetch_and(!bitmap::bit(b), Ordering::Acquire);
                if prev & bitmap::bit(b) != 0 {
                    return Some(bitmap::offset(w, b));
                }
                cur = prev;
            }
        }
        None
    }

    /// Marks bit `index` free again. The caller must own it (its claim returned `index`).
    #[inline]
    pub(crate) fn release(&self, index: u32) {
        let (w, b) = bitmap::word_bit(index);
        let prev = self.words[w].fetch_or(bitmap::bit(b), Ordering::Release);
        debug_assert!(prev & bitmap::bit(b) == 0, "bit released twice");
    }

    /// Free bits now (a snapshot).
    pub(crate) fn free_count(&self) -> usize {
        self.words
            .iter()
            .map(|w| w.load(Ordering::Relaxed).count_ones() as usize)
            .sum()
    }
}

/// Where this thread starts looking for a free bit: threads get starting words 8 apart (one
/// cache line of bitmap, 512 units), so threads claiming at once rarely touch the same bitmap
/// line or neighbouring units. Only a hint: any value is correct. Without `std` (no thread
/// locals) and under loom (deterministic models), every thread starts at word 0.
#[cfg(all(feature = "std", not(loom)))]
#[inline]
pub(crate) fn thread_hint() -> usize {
    use core::sync::atomic::AtomicUsize;
    use std::cell::Cell;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local! {
        static HINT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    HINT.try_with(|h| {
        let mut v = h.get();
        if v == usize::MAX {
            v = NEXT
                .fetch_add(1, core::sync::atomic::Ordering::Relaxed)
                .wrapping_mul(8)
                & (usize::MAX >> 1);
            h.set(v);
        }
        v
    })
    .unwrap_or(0)
}

/// Every thread starts at word 0 (see the `std` version).
#[cfg(any(not(feature = "std"), loom))]
#[inline]
pub(crate) fn thread_hint() -> usize {
    0
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn claims_every_bit_once_then_none() {
        for len in [0u32, 1, 63, 64, 65, 200] {
            let map = AtomicBitmap::new(len);
            assert_eq!(map.free_count(), len as usize);
            let mut seen = alloc::vec![false; len as usize];
            for hint in 0..len as usize {
                let i = map.claim(hint * 7).expect("a free bit") as usize;
                assert!(!seen[i], "bit {i} claimed twice");
                seen[i] = true;
            }
            assert_eq!(map.claim(0), None);
            assert_eq!(map.free_count(), 0);
            if len > 0 {
                map.release(len / 2);
                assert_eq!(map.claim(12345), Some(len / 2));
            }
        }
    }
}
