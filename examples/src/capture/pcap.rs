//! Walking the records of a classic pcap file in place.

use std::marker::PhantomData;

use super::headers::{be, le};
use super::{ContainerError, ContainerErrorKind, Record, MAX_CAPTURED};

/// A byte order of classic pcap files, chosen once per file so the record loop is
/// compiled for it.
pub trait PcapOrder: Copy + Send + Sync + std::fmt::Debug + 'static {
    /// Reads the record header at the start of `buf`: `[ts_sec, ts_frac, incl_len,
    /// orig_len]`, or `None` when fewer than 16 bytes are left.
    fn record_header(buf: &[u8]) -> Option<[u32; 4]>;
}

/// Little-endian files.
#[derive(Clone, Copy, Debug)]
pub struct Le;
/// Big-endian files.
#[derive(Clone, Copy, Debug)]
pub struct Be;

impl PcapOrder for Le {
    #[inline]
    fn record_header(buf: &[u8]) -> Option<[u32; 4]> {
        let (h, _) = le::PcapRecordHeader::parse(buf).ok()?;
        Some([h.ts_sec(), h.ts_frac(), h.incl_len(), h.orig_len()])
    }
}

impl PcapOrder for Be {
    #[inline]
    fn record_header(buf: &[u8]) -> Option<[u32; 4]> {
        let (h, _) = be::PcapRecordHeader::parse(buf).ok()?;
        Some([h.ts_sec(), h.ts_frac(), h.incl_len(), h.orig_len()])
    }
}

/// The records of a classic pcap file from a byte position on, borrowed from the file's
/// bytes (a memory map): no record is copied.
#[derive(Clone, Debug)]
pub struct PcapWalker<'a, O> {
    data: &'a [u8],
    pos: usize,
    read: u64,
    nanos: bool,
    linktype: u32,
    _order: PhantomData<O>,
}

impl<'a, O: PcapOrder> PcapWalker<'a, O> {
    /// A walker over `data` (the whole file) starting at byte `pos`, which must be the start
    /// of a record for the records to make sense (any `pos` is memory-safe).
    pub fn new(data: &'a [u8], pos: usize, nanos: bool, linktype: u32) -> Self {
        PcapWalker {
            data,
            pos,
            read: 0,
            nanos,
            linktype,
            _order: PhantomData,
        }
    }

    /// Moves to byte `pos` and sets the record count to 0.
    pub fn reset_to(&mut self, pos: usize) {
        self.pos = pos;
        self.read = 0;
    }

    /// Byte position of the next record.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Records returned so far.
    pub fn records_read(&self) -> u64 {
        self.read
    }

    /// The next record; `Ok(None)` at the end of the file.
    ///
    /// # Errors
    ///
    /// A [`ContainerError`] at the record's offset when its header or bytes run past the
    /// end of the file or it declares more than [`MAX_CAPTURED`] bytes.
    #[inline]
    pub fn next_record(&mut self) -> Result<Option<Record<'a>>, ContainerError> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        if rest.is_empty() {
            return Ok(None);
        }
        let err = |kind| ContainerError {
            offset: self.pos as u64,
            record: self.read + 1,
            kind,
        };
        let Some([sec, frac, incl, orig]) = O::record_header(rest) else {
            return Err(err(ContainerErrorKind::TruncatedHeader {
                what: "record header",
                needed: 16,
                available: rest.len() as u64,
            }));
        };
        if incl > MAX_CAPTURED {
            return Err(err(ContainerErrorKind::CaptureTooLong {
                captured: u64::from(incl),
                limit: u64::from(MAX_CAPTURED),
            }));
        }
        let body = &rest[16..];
        let Some(data) = body.get(..incl as usize) else {
            return Err(err(ContainerErrorKind::TruncatedRecord {
                captured: u64::from(incl),
                available: body.len() as u64,
            }));
        };
        let frac_ns = if self.nanos {
            u64::from(frac)
        } else {
            u64::from(frac) * 1_000
        };
        let record = Record {
            offset: self.pos as u64,
            ts_nanos: u64::from(sec) * 1_000_000_000 + frac_ns,
            linktype: self.linktype,
            orig_len: orig.max(incl),
            data,
        };
        self.pos += 16 + incl as usize;
        self.read += 1;
        Ok(Some(record))
    }
}
