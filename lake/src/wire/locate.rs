//! The one place that decides how many bytes a packet spans, shared by `View` and `ViewMut`.
//!
//! It trusts nothing: the `Packet` impl's answer is re-checked against the buffer here, and the
//! cast that follows is zerocopy's size-checked one anyway.

use super::{Error, ErrorKind, Packet};

/// Where a packet lies in a buffer: options and payload as counted after the fixed header.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    /// Bytes between the fixed header and the payload.
    pub(crate) options_len: usize,
    /// Options plus payload: the element count of `WithPayload<P>::payload`.
    pub(crate) tail_len: usize,
}

pub(crate) fn truncated<P: Packet>(needed: usize, available: usize) -> Error {
    Error::new(P::NAME, ErrorKind::Truncated { needed, available })
}

/// Validates the header at the start of `buf` and returns the span it declares.
pub(crate) fn locate<P: Packet>(buf: &[u8]) -> Result<Span, Error> {
    let available = buf.len();
    let Ok((header, _)) = P::ref_from_prefix(buf) else {
        return Err(truncated::<P>(P::FIXED_LEN, available));
    };
    let extent = header.extent(available)?;
    let Some(options_len) = extent.header_len.checked_sub(P::FIXED_LEN) else {
        return Err(Error::new(
            P::NAME,
            ErrorKind::HeaderLen {
                field: "header_len",
                value: extent.header_len as u64,
                min: P::FIXED_LEN as u64,
            },
        ));
    };
    let total = extent
        .total_len()
        .ok_or(truncated::<P>(usize::MAX, available))?;
    if total > available {
        return Err(truncated::<P>(total, available));
    }
    // `total >= header_len >= FIXED_LEN`, checked above.
    Ok(Span {
        options_len,
        tail_len: total - P::FIXED_LEN,
    })
}
