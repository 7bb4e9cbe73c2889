//! Walking the records of a classic pcap file in place.

use std::marker::PhantomData;

use super::headers::{be, le};
use super::{ContainerError, ContainerErrorKind, Record, MAX_CAPTURED};

/// A byte order of classic pcap files, chosen once per file so the record loop is
/// compiled for it.
///
/// ```
/// use lake_examples::capture::pcap::{Be, Le, PcapOrder};
///
/// let h = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4];
/// assert_eq!(Be::record_header(&h), Some([1, 2, 3, 4]));
/// assert_eq!(Le::record_header(&h), Some([1 << 24, 2 << 24, 3 << 24, 4 << 24]));
/// assert_eq!(Le::record_header(&h[..15]), None);
/// ```
pub trait PcapOrder: Copy + Send + Sync + std::fmt::Debug + 'static {
    /// Reads the record header at the start of `buf`: `[ts_sec, ts_frac, incl_len,
    /// orig_len]`, or `None` when fewer than 16 bytes are left.
    fn record_header(buf: &[u8]) -> Option<[u32; 4]>;
}

/// Little-endian files.
///
/// ```
/// # use lake_examples::capture::pcap::{Le, PcapOrder};
/// assert_eq!(Le::record_header(&[1; 16]), Some([0x0101_0101; 4]));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Le;
/// Big-endian files.
///
/// ```
/// # use lake_examples::capture::pcap::{Be, PcapOrder};
/// assert_eq!(Be::record_header(&[0; 16]), Some([0; 4]));
/// ```
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
///
/// ```
/// use lake_examples::capture::pcap::{Le, PcapWalker};
/// use lake_examples::capture::PcapWriter;
///
/// let mut w = PcapWriter::new(Vec::new(), 1)?;
/// w.write_record(1, 2, 10, &[7; 4])?;
/// let file = w.into_inner();
/// let mut walk = PcapWalker::<Le>::new(&file, 24, false, 1);
/// let rec = walk.next_record()?.unwrap();
/// assert_eq!((rec.ts_nanos, rec.orig_len, rec.data), (1_000_002_000, 10, &[7u8; 4][..]));
/// assert_eq!((walk.position(), walk.records_read()), (file.len(), 1));
/// assert!(walk.next_record()?.is_none());
/// walk.reset_to(24);
/// assert_eq!(walk.next_record()?.map(|r| r.offset), Some(24));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
