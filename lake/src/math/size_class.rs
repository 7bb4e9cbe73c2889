//! Integer arithmetic of the size-class arena (`crate::bytes::size_class`): which class serves a
//! length, how large each class's blocks are, and where block `k` of a page lies.
//!
//! **Classes.** 41 classes from 64 B to 64 KiB: 64 B, then four evenly spaced classes per
//! doubling (`2^b + q·2^(b-2)` for `q = 1..=4`): 80, 96, 112, 128, 160, 192, 224, 256, …,
//! 57 344, 65 536. A request of `len` bytes gets the smallest class `≥ len`, so at most a quarter
//! of a block above 64 B is unused (a power-of-two ladder wastes up to half). Every class size is
//! a multiple of 16, so blocks carved back to back from a 16-aligned page are 16-aligned.
//!
//! **Pages.** The region is cut into equal pages (a power of two, 64 KiB ..= 2 MiB). A page
//! serves one class at a time: block `k` of a page of class `c` starts `k × class_size(c)` bytes
//! into it, and the page holds `page_size / class_size(c)` blocks (the remainder is unused). A
//! block inside a page is named by its index `k`, which fits in a `u16` because a page holds at
//! most `2 MiB / 64 B = 32 768` blocks.
//!
//! Everything here maps integers to integers (`None` where the answer does not exist or does not
//! fit); the arena turns the checked results into pointers.

/// The smallest class: 64 bytes.
pub const MIN_CLASS_SIZE: usize = 64;
/// The largest class: 64 KiB. A longer request cannot be served by a size-class arena.
pub const MAX_CLASS_SIZE: usize = 64 * 1024;
/// Number of classes (64 B, then 4 per doubling up to 64 KiB).
pub const CLASSES: usize = 41;
/// Every class size is a multiple of this, and so is every block's offset in its page.
pub const CLASS_ALIGN: usize = 16;
/// The smallest page: one block of the largest class.
pub const MIN_PAGE_SIZE: usize = MAX_CLASS_SIZE;
/// The largest page: its block indices still fit in a `u16` below [`NO_BLOCK`].
pub const MAX_PAGE_SIZE: usize = 2 * 1024 * 1024;
/// The "no block" index of a page-local free list (never a real block index).
pub const NO_BLOCK: u16 = u16::MAX;

/// `log2(MIN_CLASS_SIZE)`.
const MIN_SHIFT: u32 = 6;

/// The class that serves a request of `len` bytes: the smallest class whose size is `≥ len`
/// (a zero-length request gets the smallest class). `None` above [`MAX_CLASS_SIZE`].
#[inline]
pub const fn class_of(len: usize) -> Option<usize> {
    if len <= MIN_CLASS_SIZE {
        return Some(0);
    }
    if len > MAX_CLASS_SIZE {
        return None;
    }
    // `len` lies in (2^b, 2^(b+1)] with b = floor(log2(len - 1)) ≥ 6; the quarter of that
    // doubling it falls in picks one of the 4 classes 2^b + (q+1)·2^(b-2).
    let n = len - 1;
    let b = usize::BITS - 1 - n.leading_zeros();
    let q = (n >> (b - 2)) & 3;
    Some(((b - MIN_SHIFT) as usize) * 4 + q + 1)
}

/// The class that serves `len` bytes at alignment `align` (a power of two ≤ 4096): the
/// smallest class `≥ max(len, align)` whose size is a multiple of `align`, so that its blocks,
/// carved back to back from a page aligned to `align`, all are. `None` if there is none.
#[inline]
pub const fn class_for(len: usize, align: usize) -> Option<usize> {
    let need = if len > align { len } else { align };
    let Some(mut class) = class_of(need) else {
        return None;
    };
    while class < CLASSES {
        match class_size(class) {
            Some(size) if size % align == 0 => return Some(class),
            _ => class += 1,
        }
    }
    None
}

/// The block size of class `class`; `None` for `class ≥ CLASSES`.
#[inline]
pub const fn class_size(class: usize) -> Option<usize> {
    if class == 0 {
        return Some(MIN_CLASS_SIZE);
    }
    if class >= CLASSES {
        return None;
    }
    let b = MIN_SHIFT as usize + (class - 1) / 4;
    let q = (class - 1) % 4;
    Some((1 << b) + (q + 1) * (1 << (b - 2)))
}

/// Whether `page_size` is a page size the arena accepts: a power of two in
/// [`MIN_PAGE_SIZE`]`..=`[`MAX_PAGE_SIZE`].
#[inline]
pub const fn valid_page_size(page_size: usize) -> bool {
    page_size.is_power_of_two() && page_size >= MIN_PAGE_SIZE && page_size <= MAX_PAGE_SIZE
}

/// The number of whole pages of `page_size` bytes in a region of `region_size` bytes, if the
/// geometry is usable: a valid page size, at least one page, and a page count that fits a `u32`
/// (pages are named by `u32`). The tail of the region past the last whole page is unused.
#[inline]
pub const fn pages_in(region_size: usize, page_size: usize) -> Option<u32> {
    if !valid_page_size(page_size) {
        return None;
    }
    let pages = region_size / page_size;
    if pages == 0 || pages > u32::MAX as usize {
        return None;
    }
    Some(pages as u32)
}

/// How many blocks of `class` a page of `page_size` bytes holds (≥ 1 for a valid page size).
/// `None` for an unknown class or an invalid page size.
#[inline]
pub const fn blocks_per_page(class: usize, page_size: usize) -> Option<u16> {
    if !valid_page_size(page_size) {
        return None;
    }
    match class_size(class) {
        // ≤ 2 MiB / 64 = 32 768 < NO_BLOCK: the cast is exact.
        Some(size) => Some((page_size / size) as u16),
        None => None,
    }
}

/// Byte offset (from the start of the region) of block `block` of a page `page` carved into
/// `class`. `None` if the block is past the page's last block, the class or page size is
/// invalid, or the offset overflows.
#[inline]
pub const fn block_offset(page: u32, page_size: usize, class: usize, block: u16) -> Option<usize> {
    let Some(blocks) = blocks_per_page(class, page_size) else {
        return None;
    };
    if block >= blocks {
        return None;
    }
    let Some(size) = class_size(class) else {
        return None;
    };
    let Some(page_start) = (page as usize).checked_mul(page_size) else {
        return None;
    };
    // block < blocks = page_size / size, so block · size < page_size: no overflow.
    page_start.checked_add(block as usize * size)
}

/// The (page, block) at byte offset `offset` of a region cut into `page_size` pages, the page
/// carved into `class`: the inverse of [`block_offset`]. `None` unless `offset` is exactly the
/// start of a block of that page.
#[inline]
pub const fn block_at(offset: usize, page_size: usize, class: usize) -> Option<(u32, u16)> {
    let Some(blocks) = blocks_per_page(class, page_size) else {
        return None;
    };
    let Some(size) = class_size(class) else {
        return None;
    };
    let page = offset / page_size;
    if page > u32::MAX as usize {
        return None;
    }
    let within = offset % page_size;
    if within % size != 0 || within / size >= blocks as usize {
        return None;
    }
    Some((page as u32, (within / size) as u16))
}

/// Index into a table with one entry per potential block of every page (`page_size /
/// MIN_CLASS_SIZE` entries per page): the entry of block `block` of page `page`. The arena keeps
/// its free-list links there. `None` on overflow or for a block index no page can have.
#[inline]
pub const fn link_index(page: u32, page_size: usize, block: u16) -> Option<usize> {
    let per_page = page_size / MIN_CLASS_SIZE;
    if block as usize >= per_page {
        return None;
    }
    match (page as usize).checked_mul(per_page) {
        Some(base) => base.checked_add(block as usize),
        None => None,
    }
}

/// Length of the link table of [`link_index`] for `pages` pages.
#[inline]
pub const fn link_table_len(pages: u32, page_size: usize) -> Option<usize> {
    (pages as usize).checked_mul(page_size / MIN_CLASS_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    /// Every class size, computed naively: 64, then 4 steps of a quarter per doubling.
    fn naive_sizes() -> Vec<usize> {
        let mut v = vec![64];
        let mut base = 64;
        while base < MAX_CLASS_SIZE {
            for q in 1..=4 {
                v.push(base + q * base / 4);
            }
            base *= 2;
        }
        v
    }

    #[test]
    fn table_matches_the_naive_ladder() {
        let naive = naive_sizes();
        assert_eq!(naive.len(), CLASSES);
        for (c, &s) in naive.iter().enumerate() {
            assert_eq!(class_size(c), Some(s), "class {c}");
            assert_eq!(s % CLASS_ALIGN, 0);
        }
        assert_eq!(class_size(CLASSES), None);
        assert_eq!(class_size(CLASSES - 1), Some(MAX_CLASS_SIZE));
        assert_eq!(class_of(0), Some(0));
        assert_eq!(class_of(MAX_CLASS_SIZE + 1), None);
        assert_eq!(class_of(usize::MAX), None);
    }

    #[test]
    fn page_geometry_rejects_bad_sizes() {
        assert_eq!(pages_in(1 << 20, 3 << 16), None); // not a power of two
        assert_eq!(pages_in(1 << 20, 32 << 10), None); // below one 64 KiB block
        assert_eq!(pages_in(1 << 30, 4 << 20), None); // above 2 MiB
        assert_eq!(pages_in(60 << 10, 64 << 10), None); // no whole page
        assert_eq!(pages_in((1 << 20) + 5, 64 << 10), Some(16)); // tail unused
        assert_eq!(blocks_per_page(0, MAX_PAGE_SIZE), Some(32_768));
        assert!(blocks_per_page(0, MAX_PAGE_SIZE).unwrap() < NO_BLOCK);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 16 } else { 4096 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// `class_of` is the smallest class that fits, found by a linear scan of the table.
        #[test]
        fn class_of_is_the_smallest_fit(len in 0usize..=(MAX_CLASS_SIZE + 4096)) {
            let naive = naive_sizes().iter().position(|&s| s >= len);
            prop_assert_eq!(class_of(len), naive);
            if let Some(c) = naive {
                let size = class_size(c).unwrap();
                // At most a quarter wasted above the smallest class.
                prop_assert!(len <= 64 || size - len < size / 4 + 1, "{} -> {}", len, size);
            }
        }

        /// `class_for` is the smallest aligned class that fits.
        #[test]
        fn class_for_is_the_smallest_aligned_fit(
            len in 0usize..=(MAX_CLASS_SIZE + 16),
            shift in 0u32..=12,
        ) {
            let align = 1usize << shift;
            let naive = naive_sizes().iter().position(|&s| s >= len && s % align == 0);
            prop_assert_eq!(class_for(len, align), naive);
        }

        /// Monotone: a longer request never gets a smaller class.
        #[test]
        fn class_of_is_monotone(a in 0usize..=MAX_CLASS_SIZE, b in 0usize..=MAX_CLASS_SIZE) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(class_of(lo).unwrap() <= class_of(hi).unwrap());
        }

        /// Blocks of a page are disjoint, inside the page, aligned, and map back to themselves.
        #[test]
        fn blocks_round_trip(
            shift in 16u32..=21,
            class in 0usize..CLASSES,
            page in 0u32..10_000,
            block in 0u16..=u16::MAX,
        ) {
            let page_size = 1usize << shift;
            let blocks = blocks_per_page(class, page_size).unwrap();
            let size = class_size(class).unwrap();
            prop_assert!(blocks >= 1);
            prop_assert!(blocks as usize * size <= page_size);
            prop_assert!((blocks as usize + 1) * size > page_size);
            match block_offset(page, page_size, class, block) {
                None => prop_assert!(block >= blocks),
                Some(off) => {
                    prop_assert!(block < blocks);
                    prop_assert_eq!(off % CLASS_ALIGN, 0);
                    prop_assert_eq!(off / page_size, page as usize);
                    prop_assert!(off + size <= (page as usize + 1) * page_size);
                    prop_assert_eq!(block_at(off, page_size, class), Some((page, block)));
                    if block > 0 {
                        let prev = block_offset(page, page_size, class, block - 1).unwrap();
                        prop_assert_eq!(off - prev, size);
                    }
                    let link = link_index(page, page_size, block).unwrap();
                    prop_assert!(link < link_table_len(page + 1, page_size).unwrap());
                    prop_assert!(link >= link_table_len(page, page_size).unwrap());
                }
            }
        }

        /// `block_at` accepts exactly the block starts.
        #[test]
        fn block_at_only_at_block_starts(
            shift in 16u32..=21,
            class in 0usize..CLASSES,
            offset in 0usize..(1 << 24),
        ) {
            let page_size = 1usize << shift;
            let size = class_size(class).unwrap();
            let within = offset % page_size;
            let expected = within % size == 0
                && within / size < blocks_per_page(class, page_size).unwrap() as usize;
            prop_assert_eq!(block_at(offset, page_size, class).is_some(), expected);
        }

        /// Geometry: a usable region has `region / page` pages, each wholly inside it.
        #[test]
        fn pages_fit_the_region(shift in 10u32..=22, region in 0usize..(1 << 28)) {
            let page_size = 1usize << shift;
            match pages_in(region, page_size) {
                None => prop_assert!(!valid_page_size(page_size) || region < page_size),
                Some(p) => {
                    prop_assert!(valid_page_size(page_size));
                    prop_assert!(p as usize * page_size <= region);
                    prop_assert!((p as usize + 1) * page_size > region);
                }
            }
        }
    }
}
