//! Integer arithmetic of a free bitmap: one bit per unit (a pool slot, an arena slot), set =
//! free. A unit is claimed by clearing its bit with `fetch_and`; whoever's `fetch_and` returned
//! the bit set owns the unit. The bit is set again with `fetch_or` when the unit is freed.
//! Ownership is decided by one atomic RMW on the bit itself, so there is no pointer or counter
//! to recycle and no ABA. The atomic shell is `crate::sync::bitmap::AtomicBitmap`.

/// Words of a bitmap of `len` bits.
#[inline]
pub const fn words(len: u32) -> usize {
    (len as usize).div_ceil(64)
}

/// The initial value of word `word` of a bitmap of `len` bits, all free: the bits that exist are
/// set, the padding bits of the last word are clear (so they can never be claimed).
#[inline]
pub fn initial_word(word: usize, len: u32) -> u64 {
    let lo = word * 64;
    let len = len as usize;
    if lo >= len {
        0
    } else if len - lo >= 64 {
        u64::MAX
    } else {
        (1u64 << (len - lo)) - 1
    }
}

/// A start word in `0..words` from any `hint`, without a division (a hot path):
/// `hint mod 2^k`, with `2^k` the next power of two ≥ `words`, minus `words` if still too big.
/// Not uniform for non-powers of two, which does not matter for a hint. `words > 0`.
/// `mask` is [`hint_mask`]`(words)`, which a bitmap computes once.
#[inline]
pub const fn wrap_hint(hint: usize, mask: usize, words: usize) -> usize {
    let h = hint & mask;
    if h >= words {
        h - words
    } else {
        h
    }
}

/// The mask of [`wrap_hint`] for a bitmap of `words` words.
#[inline]
pub const fn hint_mask(words: usize) -> usize {
    words.next_power_of_two() - 1
}

/// The lowest free (set) bit of a word, if any.
#[inline]
pub const fn lowest_free(word: u64) -> Option<u32> {
    if word == 0 {
        None
    } else {
        Some(word.trailing_zeros())
    }
}

/// The mask of bit `bit`.
#[inline]
pub const fn bit(bit: u32) -> u64 {
    1u64 << bit
}

/// `(word, bit)` of a bit index.
#[inline]
pub const fn word_bit(offset: u32) -> (usize, u32) {
    ((offset / 64) as usize, offset % 64)
}

/// The bit index of `(word, bit)`.
#[inline]
pub const fn offset(word: usize, bit: u32) -> u32 {
    (word as u32) * 64 + bit
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_and_initial_words() {
        assert_eq!(words(0), 0);
        assert_eq!(words(64), 1);
        assert_eq!(words(65), 2);
        assert_eq!(initial_word(0, 3), 0b111);
        assert_eq!(initial_word(0, 64), u64::MAX);
        assert_eq!(initial_word(1, 65), 1);
        assert_eq!(initial_word(2, 65), 0);
        assert_eq!(lowest_free(0), None);
        assert_eq!(lowest_free(0b1000), Some(3));
        assert_eq!(word_bit(130), (2, 2));
        assert_eq!(offset(2, 2), 130);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: if cfg!(miri) { 8 } else { 1024 },
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn wrap_hint_stays_in_range(hint: usize, words in 1usize..10_000) {
            let w = wrap_hint(hint, hint_mask(words), words);
            prop_assert!(w < words);
            if words.is_power_of_two() {
                prop_assert_eq!(w, hint % words);
            }
        }

        #[test]
        fn bitmap_words_cover_exactly_len(len in 0u32..1000) {
            let ones: u32 = (0..words(len)).map(|w| initial_word(w, len).count_ones()).sum();
            prop_assert_eq!(ones, len);
            for o in 0..len {
                let (w, b) = word_bit(o);
                prop_assert!(initial_word(w, len) & bit(b) != 0);
                prop_assert_eq!(offset(w, b), o);
            }
        }
    }
}
