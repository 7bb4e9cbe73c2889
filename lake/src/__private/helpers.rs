//! Runtime halves of the derive's checks: the generated `Packet` impls are calls to these, so
//! the expansion stays small and the logic is tested once, here.

use super::markers::WireUint;
use crate::wire::{Error, ErrorKind, Extent};

/// Bit mask of the low `width` bits (`width` in 1..=64).
#[inline(always)]
const fn mask(width: u32) -> u64 {
    if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

/// Reads the sub-field `shift..shift + width` (counted from the least significant bit).
#[inline(always)]
pub fn bits_get<T: WireUint>(storage: &T, shift: u32, width: u32) -> u64 {
    (storage.load() >> shift) & mask(width)
}

/// Writes the sub-field `shift..shift + width`; bits of `v` above `width` are ignored.
#[inline(always)]
pub fn bits_set<T: WireUint>(storage: &mut T, shift: u32, width: u32, v: u64) {
    let m = mask(width) << shift;
    storage.store((storage.load() & !m) | ((v << shift) & m));
}

/// `#[lake(value = ..)]`: the field holds its constant.
#[inline]
pub fn expect_value(
    packet: &'static str,
    field: &'static str,
    value: u64,
    expected: u64,
) -> Result<(), Error> {
    if value == expected {
        Ok(())
    } else {
        Err(Error::new(
            packet,
            ErrorKind::Value {
                field,
                value,
                expected,
            },
        ))
    }
}

/// `#[lake(check = f)]`: maps the user's reason to an error.
#[inline]
pub fn check(packet: &'static str, result: Result<(), &'static str>) -> Result<(), Error> {
    result.map_err(|reason| Error::new(packet, ErrorKind::Check { reason }))
}

/// `#[lake(header_len(.., scale = N))]` while parsing: the declared header length, at least the
/// fixed header and within the buffer.
#[inline]
pub fn header_len(
    packet: &'static str,
    field: &'static str,
    raw: u64,
    scale: u64,
    fixed: usize,
    available: usize,
) -> Result<usize, Error> {
    let len = header_len_at_least(packet, field, raw, scale, fixed)?;
    if len > available {
        return Err(Error::new(
            packet,
            ErrorKind::Truncated {
                needed: len,
                available,
            },
        ));
    }
    Ok(len)
}

/// [`header_len`] without the upper bound, for packets whose total-length field is checked
/// next (`length_total` requires `header_len <= total <= available`, so a header length past
/// the buffer is rejected there, as a length-field error).
#[inline]
pub fn header_len_at_least(
    packet: &'static str,
    field: &'static str,
    raw: u64,
    scale: u64,
    fixed: usize,
) -> Result<usize, Error> {
    let len = raw.saturating_mul(scale);
    if len < fixed as u64 {
        return Err(Error::new(
            packet,
            ErrorKind::HeaderLen {
                field,
                value: len,
                min: fixed as u64,
            },
        ));
    }
    // Saturates only past `usize::MAX`, which `length_total` then rejects (it exceeds any
    // buffer).
    Ok(usize::try_from(len).unwrap_or(usize::MAX))
}

/// `#[lake(header_len(..))]` while building: the raw field value for `header_len` bytes, which
/// must be a multiple of `scale` whose quotient fits in `width` bits.
#[inline]
pub fn header_len_raw(
    packet: &'static str,
    field: &'static str,
    header_len: usize,
    scale: u64,
    fixed: usize,
    width: u32,
) -> Result<u64, Error> {
    let len = header_len as u64;
    let raw = len / scale;
    if len < fixed as u64 || len % scale != 0 || raw > mask(width) {
        return Err(Error::new(
            packet,
            ErrorKind::HeaderLen {
                field,
                value: len,
                min: fixed as u64,
            },
        ));
    }
    Ok(raw)
}

/// `#[lake(length(total, ..))]` while parsing: the field counts header + payload bytes.
/// Returns the payload length.
#[inline]
pub fn length_total(
    packet: &'static str,
    field: &'static str,
    value: u64,
    (min, max): (u64, u64),
    header_len: usize,
    available: usize,
) -> Result<usize, Error> {
    let lo = min.max(header_len as u64);
    let hi = max.min(available as u64);
    if value < lo || value > hi {
        return Err(Error::new(
            packet,
            ErrorKind::LengthField {
                field,
                value,
                min: lo,
                max: hi,
            },
        ));
    }
    // `header_len <= value <= available`, so both fit in usize and the difference is >= 0.
    Ok(value as usize - header_len)
}

/// `#[lake(length(payload, ..))]` while parsing: the field counts payload bytes only.
#[inline]
pub fn length_payload(
    packet: &'static str,
    field: &'static str,
    value: u64,
    (min, max): (u64, u64),
    header_len: usize,
    available: usize,
) -> Result<usize, Error> {
    let room = available.saturating_sub(header_len) as u64;
    let hi = max.min(room);
    if value < min || value > hi {
        return Err(Error::new(
            packet,
            ErrorKind::LengthField {
                field,
                value,
                min,
                max: hi,
            },
        ));
    }
    // `value <= room <= usize::MAX`.
    Ok(value as usize)
}

/// `#[lake(length(..))]` while building: the value to stamp for `extent`, checked against the
/// attribute's range and the field's width.
#[inline]
pub fn length_value(
    packet: &'static str,
    field: &'static str,
    total: bool,
    (min, max): (u64, u64),
    extent: Extent,
    bits: u32,
) -> Result<u64, Error> {
    let value = if total {
        extent.total_len()
    } else {
        Some(extent.payload_len)
    };
    let Some(value) = value else {
        return Err(Error::new(
            packet,
            ErrorKind::Overflow {
                field,
                needed: u64::MAX,
            },
        ));
    };
    let value = value as u64;
    if value > mask(bits) {
        return Err(Error::new(
            packet,
            ErrorKind::Overflow {
                field,
                needed: value,
            },
        ));
    }
    if value < min || value > max {
        return Err(Error::new(
            packet,
            ErrorKind::LengthField {
                field,
                value,
                min,
                max,
            },
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_msb_first_and_masked() {
        let mut b = 0x45u8;
        assert_eq!(bits_get(&b, 4, 4), 4);
        assert_eq!(bits_get(&b, 0, 4), 5);
        bits_set(&mut b, 0, 4, 0x1f); // high bit of 0x1f ignored
        assert_eq!(b, 0x4f);
        let mut w = crate::be::U16::new(0);
        bits_set(&mut w, 13, 3, 0b010);
        assert_eq!(w.get(), 0x4000);
        let mut q = crate::be::U64::new(0);
        bits_set(&mut q, 0, 64, u64::MAX);
        assert_eq!(bits_get(&q, 0, 64), u64::MAX);
    }

    #[test]
    fn length_ranges() {
        assert_eq!(length_total("P", "len", 28, (20, u64::MAX), 20, 30), Ok(8));
        assert!(length_total("P", "len", 19, (20, u64::MAX), 20, 30).is_err());
        assert!(length_total("P", "len", 31, (20, u64::MAX), 20, 30).is_err());
        assert_eq!(length_payload("P", "len", 10, (0, 10), 2, 100), Ok(10));
        assert!(length_payload("P", "len", 11, (0, 10), 2, 100).is_err());
        let e = Extent {
            header_len: 8,
            payload_len: 70_000,
        };
        assert_eq!(
            length_value("P", "len", true, (8, u64::MAX), e, 16)
                .unwrap_err()
                .kind,
            ErrorKind::Overflow {
                field: "len",
                needed: 70_008
            }
        );
    }

    #[test]
    fn header_len_bounds() {
        assert_eq!(header_len("P", "ihl", 6, 4, 20, 24), Ok(24));
        assert!(header_len("P", "ihl", 4, 4, 20, 100).is_err());
        assert!(header_len("P", "ihl", 7, 4, 20, 24).is_err());
        assert_eq!(header_len_raw("P", "ihl", 60, 4, 20, 4), Ok(15));
        assert!(header_len_raw("P", "ihl", 64, 4, 20, 4).is_err());
        assert!(header_len_raw("P", "ihl", 22, 4, 20, 4).is_err());
    }
}
