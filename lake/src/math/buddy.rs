//! Order and index arithmetic of a buddy arena (`lake::bytes::BuddyArena`).
//!
//! A region of `min_block << top` bytes is a binary tree of blocks: order `k` has
//! `1 << (top - k)` blocks of `min_block << k` bytes; block `i` of order `k` starts at byte
//! `i * (min_block << k)`, its buddy is `i ^ 1`, its parent is block `i >> 1` of order `k + 1`,
//! its halves are blocks `2i` and `2i + 1` of order `k - 1`.
//!
//! The arena keeps one free bit per block and order, all orders in one array of 64-bit words:
//! order `k`'s bits start at word [`word_base`]`(top, k)`, block `i`'s bit is bit `i % 64` of
//! word `i / 64` after that. Buddies `2j` and `2j + 1` always share a word (64 is even), so the
//! pair's state is one word and one atomic RMW can decide a merge ([`pair_mask`]).

use super::bitmap;

/// The top order of a buddy arena of `region` bytes with `min_block`-byte smallest blocks:
/// `log2(region / min_block)`.
///
/// # Errors
///
/// Which rule is broken: both powers of two, `min_block <= region`.
pub fn geometry(region: usize, min_block: usize) -> Result<u32, &'static str> {
    if !region.is_power_of_two() {
        return Err("the region size of a buddy arena must be a power of two");
    }
    if !min_block.is_power_of_two() {
        return Err("the smallest block of a buddy arena must be a power of two");
    }
    if min_block > region {
        return Err("the smallest block of a buddy arena cannot exceed its region");
    }
    Ok(region.trailing_zeros() - min_block.trailing_zeros())
}

/// The smallest order `<= top` whose blocks hold `len` bytes, or `None` if even the whole
/// region is too small. `min_block` is a power of two.
#[inline]
pub fn order_for(len: usize, min_block: usize, top: u32) -> Option<u32> {
    if len <= min_block {
        return Some(0);
    }
    // `len > min_block >= 1`: the block size is `len` rounded up to a power of two.
    let order = len.checked_next_power_of_two()?.trailing_zeros() - min_block.trailing_zeros();
    (order <= top).then_some(order)
}

/// Bytes in a block of `order`.
#[inline]
pub const fn block_size(min_block: usize, order: u32) -> usize {
    min_block << order
}

/// Blocks of `order` in a tree of `top` orders.
#[inline]
pub const fn blocks_at(top: u32, order: u32) -> usize {
    1usize << (top - order)
}

/// First word of `order`'s bits; `word_base(top, top + 1)` is the total number of words.
#[inline]
pub fn word_base(top: u32, order: u32) -> usize {
    (0..order).map(|o| blocks_at(top, o).div_ceil(64)).sum()
}

/// Word (relative to the order's base) and bit of block `index`.
#[inline]
pub const fn word_bit(index: usize) -> (usize, u32) {
    (index / 64, (index % 64) as u32)
}

/// Block index of `bit` of relative word `word`.
#[inline]
pub const fn index(word: usize, bit: u32) -> usize {
    word * 64 + bit as usize
}

/// The bit of `bit`'s buddy (in the same word).
#[inline]
pub const fn buddy_bit(bit: u32) -> u32 {
    bit ^ 1
}

/// The bits of `bit` and its buddy.
#[inline]
pub const fn pair_mask(bit: u32) -> u64 {
    0b11 << (bit & !1)
}

/// The single bit `bit`.
#[inline]
pub const fn bit(bit: u32) -> u64 {
    bitmap::bit(bit)
}

/// Lowest set (free) bit of `word`.
#[inline]
pub const fn lowest_free(word: u64) -> Option<u32> {
    bitmap::lowest_free(word)
}

/// Byte offset of block `index` of `order` (`index < blocks_at(top, order)`, so it is below
/// the region size and cannot overflow).
#[inline]
pub const fn offset(min_block: usize, order: u32, index: usize) -> usize {
    index * block_size(min_block, order)
}

/// Order and index of the block of `capacity` bytes at `offset` (the inverse of
/// [`block_size`] and [`offset`]).
#[inline]
pub const fn locate(min_block: usize, capacity: usize, offset: usize) -> (u32, usize) {
    (
        capacity.trailing_zeros() - min_block.trailing_zeros(),
        offset / capacity,
    )
}

/// The parent of block `index` (one order up).
#[inline]
pub const fn parent(index: usize) -> usize {
    index >> 1
}

/// The lower half of block `index` (one order down); the upper half is `+ 1`.
#[inline]
pub const fn lower_half(index: usize) -> usize {
    index << 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    #[test]
    fn geometry_rules() {
        assert_eq!(geometry(1 << 20, 64), Ok(14));
        assert_eq!(geometry(64, 64), Ok(0));
        assert!(geometry(96, 32).is_err());
        assert!(geometry(64, 48).is_err());
        assert!(geometry(64, 128).is_err());
        assert!(geometry(0, 1).is_err());
    }

    /// A sequential buddy allocator written only with this module's functions, the same
    /// algorithm the atomic arena runs (claim the lowest order with a free block, split down,
    /// free = set the bit and merge while the buddy's bit is set).
    struct Seq {
        min: usize,
        top: u32,
        words: Vec<u64>,
    }

    impl Seq {
        fn new(region: usize, min: usize) -> Seq {
            let top = geometry(region, min).unwrap();
            let mut words = vec![0u64; word_base(top, top + 1)];
            words[word_base(top, top)] = 1;
            Seq { min, top, words }
        }

        fn claim(&mut self, order: u32) -> Option<usize> {
            let base = word_base(self.top, order);
            let n = blocks_at(self.top, order).div_ceil(64);
            for w in 0..n {
                if let Some(b) = lowest_free(self.words[base + w]) {
                    self.words[base + w] &= !bit(b);
                    return Some(index(w, b));
                }
            }
            None
        }

        fn set(&mut self, order: u32, i: usize) -> u64 {
            let (w, b) = word_bit(i);
            let word = &mut self.words[word_base(self.top, order) + w];
            let prev = *word;
            *word |= bit(b);
            prev
        }

        /// `(offset, capacity)` of a block for `len` bytes.
        fn alloc(&mut self, len: usize) -> Option<(usize, usize)> {
            let want = order_for(len, self.min, self.top)?;
            let (mut order, mut i) =
                (want..=self.top).find_map(|o| self.claim(o).map(|i| (o, i)))?;
            while order > want {
                order -= 1;
                i = lower_half(i);
                let prev = self.set(order, i + 1);
                assert_eq!(prev & bit(word_bit(i).1), 0);
            }
            Some((offset(self.min, order, i), block_size(self.min, order)))
        }

        fn free(&mut self, off: usize, cap: usize) {
            let (mut order, mut i) = locate(self.min, cap, off);
            loop {
                let prev = self.set(order, i);
                let (w, b) = word_bit(i);
                if order == self.top || prev & bit(buddy_bit(b)) == 0 {
                    return;
                }
                self.words[word_base(self.top, order) + w] &= !pair_mask(b);
                order += 1;
                i = parent(i);
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Alloc(usize),
        Free(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..600).prop_map(Op::Alloc),
            any::<usize>().prop_map(Op::Free)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 8 } else { 256 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Against a naive model (a byte-occupancy map): blocks are in the region, aligned to
        /// their size, big enough, the smallest power of two that fits, never overlapping; a
        /// request fails only if no aligned run of free bytes of its block size exists; once
        /// everything is freed the region is one free block again.
        #[test]
        fn sequential_allocator_matches_a_byte_map(
            min_shift in 0u32..5,
            extra in 0u32..6,
            ops in proptest::collection::vec(op(), 1..80),
        ) {
            let min = 1usize << min_shift;
            let region = min << extra;
            let mut seq = Seq::new(region, min);
            let mut used = vec![false; region];
            let mut live: Vec<(usize, usize)> = Vec::new();
            for op in ops {
                match op {
                    Op::Alloc(len) => match seq.alloc(len) {
                        Some((off, cap)) => {
                            prop_assert!(cap >= len.max(1) && cap.is_power_of_two());
                            prop_assert!(cap == min || cap / 2 < len, "not the smallest block");
                            prop_assert!(off % cap == 0 && off + cap <= region);
                            prop_assert!(used[off..off + cap].iter().all(|u| !u), "overlap");
                            used[off..off + cap].iter_mut().for_each(|u| *u = true);
                            live.push((off, cap));
                        }
                        None => {
                            let cap = len.max(min).next_power_of_two();
                            let fits = cap <= region
                                && (0..region / cap).any(|k| used[k * cap..(k + 1) * cap].iter().all(|u| !u));
                            prop_assert!(!fits, "a free aligned run of {} bytes was missed", cap);
                        }
                    },
                    Op::Free(k) if !live.is_empty() => {
                        let (off, cap) = live.swap_remove(k % live.len());
                        used[off..off + cap].iter_mut().for_each(|u| *u = false);
                        seq.free(off, cap);
                    }
                    Op::Free(_) => {}
                }
            }
            for (off, cap) in live.drain(..) {
                seq.free(off, cap);
            }
            prop_assert_eq!(seq.alloc(region), Some((0, region)));
        }

        #[test]
        fn tree_relations(min_shift in 0u32..8, top in 0u32..12, order in 0u32..12, i in any::<usize>()) {
            prop_assume!(order <= top);
            let min = 1usize << min_shift;
            let i = i % blocks_at(top, order);
            let (off, size) = (offset(min, order, i), block_size(min, order));
            prop_assert!(off + size <= min << top);
            prop_assert_eq!(locate(min, size, off), (order, i));
            let (w, b) = word_bit(i);
            prop_assert_eq!(index(w, b), i);
            prop_assert_eq!(word_bit(i ^ 1), (w, buddy_bit(b)));
            prop_assert_eq!(pair_mask(b), bit(b) | bit(buddy_bit(b)));
            if order < top {
                // The parent covers exactly this block and its buddy.
                let p = parent(i);
                let (poff, psize) = (offset(min, order + 1, p), block_size(min, order + 1));
                prop_assert_eq!(psize, 2 * size);
                prop_assert_eq!(poff, off.min(offset(min, order, i ^ 1)));
            }
            if order > 0 {
                let lo = lower_half(i);
                prop_assert_eq!(offset(min, order - 1, lo), off);
                prop_assert_eq!(offset(min, order - 1, lo + 1), off + size / 2);
                prop_assert_eq!(parent(lo + 1), i);
            }
            // Word bases: each order's bits fit before the next order's.
            prop_assert!(word_base(top, order) + blocks_at(top, order).div_ceil(64) <= word_base(top, order + 1));
        }

        #[test]
        fn order_for_is_the_smallest_fitting_order(len in 0usize..1 << 20, min_shift in 0u32..10, top in 0u32..12) {
            let min = 1usize << min_shift;
            let naive = (0..=top).find(|&o| block_size(min, o) >= len);
            prop_assert_eq!(order_for(len, min, top), naive);
        }
    }

    #[test]
    fn order_for_huge_lengths() {
        assert_eq!(order_for(usize::MAX, 64, 10), None);
        assert_eq!(order_for((1 << 63) + 1, 1, 63), None);
        assert_eq!(order_for(1 << 63, 1, 63), Some(63));
    }
}
