//! Capture files read in place from their bytes (a memory map): classic pcap in both byte
//! orders with micro- or nanosecond timestamps, and pcapng.
//!
//! [`Capture::open`] reads the file header; [`Capture::walker`] returns a [`Walker`] whose
//! [`next_record`](Walker::next_record) hands out each [`Record`] as a slice of the file: no
//! record is copied. Every header is read through a `#[lake::packet]` view of the file's byte
//! order ([`headers`]); a file that cannot be read on gives a [`ContainerError`] with the
//! byte offset and the 1-based record number.
//!
//! ```
//! use lake_examples::capture::{Capture, Format, PcapWriter};
//!
//! let mut w = PcapWriter::new(Vec::new(), 1)?;
//! w.write_record(1, 500, 60, &[0xab; 42])?;
//! let file = w.into_inner();
//!
//! let cap = Capture::open(&file)?;
//! assert!(matches!(cap.format(), Format::Pcap { nanos: false, .. }));
//! let mut records = cap.walker();
//! let rec = records.next_record()?.expect("one record");
//! assert_eq!((rec.offset, rec.ts_nanos, rec.orig_len, rec.data.len()), (24, 1_000_500_000, 60, 42));
//! assert!(records.next_record()?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod headers;
pub mod pcap;
pub mod pcapng;
pub mod split;
mod writer;

pub use error::{ContainerError, ContainerErrorKind};
pub use writer::PcapWriter;

use headers::{be, le};
use pcap::{Be, Le, PcapWalker};
use pcapng::PcapngWalker;

/// Largest captured length accepted in one record (256 KiB, libpcap's own limit); a larger
/// one is a broken file, not an allocation request.
pub const MAX_CAPTURED: u32 = 256 * 1024;

/// Most interfaces one pcapng section may declare.
pub const MAX_INTERFACES: u32 = 65_536;

/// Magic number of microsecond classic pcap files.
pub const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
/// Magic number of nanosecond classic pcap files.
pub const MAGIC_NANOS: u32 = 0xa1b2_3c4d;

/// One captured packet, in place in the file.
///
/// ```
/// use lake_examples::capture::Record;
///
/// let rec = Record { offset: 24, ts_nanos: 0, linktype: 1, orig_len: 1500, data: &[0; 96] };
/// assert_eq!(rec.missing(), 1404); // cut at a snap length of 96
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Byte offset of the record header (pcap) or block (pcapng) in the file.
    pub offset: u64,
    /// Timestamp in nanoseconds since the Unix epoch.
    pub ts_nanos: u64,
    /// Link type of the packet.
    pub linktype: u32,
    /// Length of the packet on the wire (at least `data.len()`).
    pub orig_len: u32,
    /// The captured bytes.
    pub data: &'a [u8],
}

impl Record<'_> {
    /// Bytes of the packet that were not captured (`orig_len − data.len()`).
    ///
    /// ```
    /// # use lake_examples::capture::Record;
    /// let rec = Record { offset: 24, ts_nanos: 0, linktype: 1, orig_len: 60, data: &[0; 60] };
    /// assert_eq!(rec.missing(), 0);
    /// ```
    pub fn missing(&self) -> usize {
        (self.orig_len as usize).saturating_sub(self.data.len())
    }
}

/// The container format of a capture.
///
/// ```
/// use lake_examples::capture::{Capture, Format, PcapWriter};
///
/// let file = PcapWriter::new(Vec::new(), 101)?.into_inner();
/// let cap = Capture::open(&file)?;
/// assert_eq!(cap.format(), Format::Pcap { big_endian: false, nanos: false, snaplen: 262_144, linktype: 101 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Classic libpcap.
    Pcap {
        /// Big-endian file.
        big_endian: bool,
        /// Nanosecond timestamps.
        nanos: bool,
        /// Snap length of the file.
        snaplen: u32,
        /// Link type of every record.
        linktype: u32,
    },
    /// pcapng.
    Pcapng,
}

impl Format {
    /// `"pcap"` or `"pcapng"`.
    ///
    /// ```
    /// assert_eq!(lake_examples::capture::Format::Pcapng.name(), "pcapng");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Format::Pcap { .. } => "pcap",
            Format::Pcapng => "pcapng",
        }
    }
}

/// A capture file's bytes with its format known.
///
/// ```
/// use lake_examples::capture::Capture;
///
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// assert_eq!((cap.format().name(), cap.first_record()), ("pcap", 24));
/// assert_eq!(cap.bytes().len(), lake_examples::embedded::LOOPBACK_PCAP.len());
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Capture<'a> {
    data: &'a [u8],
    format: Format,
}

impl<'a> Capture<'a> {
    /// Reads the file header of `data` (a whole capture file).
    ///
    /// # Errors
    ///
    /// [`ContainerErrorKind::UnknownFormat`] or [`ContainerErrorKind::TruncatedHeader`] at
    /// offset 0, record 1.
    pub fn open(data: &'a [u8]) -> Result<Self, ContainerError> {
        let err = |kind| ContainerError {
            offset: 0,
            record: 1,
            kind,
        };
        let Some(first) = data.get(..4) else {
            return Err(err(ContainerErrorKind::TruncatedHeader {
                what: "file header",
                needed: 24,
                available: data.len() as u64,
            }));
        };
        let first = [first[0], first[1], first[2], first[3]];
        if u32::from_le_bytes(first) == pcapng::SECTION_HEADER {
            return Ok(Capture {
                data,
                format: Format::Pcapng,
            });
        }
        let short = || {
            err(ContainerErrorKind::TruncatedHeader {
                what: "global header",
                needed: 24,
                available: data.len() as u64,
            })
        };
        let format = match (u32::from_le_bytes(first), u32::from_be_bytes(first)) {
            (m @ (MAGIC_MICROS | MAGIC_NANOS), _) => {
                let (h, _) = le::PcapGlobalHeader::parse(data).map_err(|_| short())?;
                Format::Pcap {
                    big_endian: false,
                    nanos: m == MAGIC_NANOS,
                    snaplen: h.snaplen(),
                    linktype: h.linktype() & 0x0fff_ffff,
                }
            }
            (_, m @ (MAGIC_MICROS | MAGIC_NANOS)) => {
                let (h, _) = be::PcapGlobalHeader::parse(data).map_err(|_| short())?;
                Format::Pcap {
                    big_endian: true,
                    nanos: m == MAGIC_NANOS,
                    snaplen: h.snaplen(),
                    linktype: h.linktype() & 0x0fff_ffff,
                }
            }
            _ => {
                return Err(err(ContainerErrorKind::UnknownFormat {
                    magic: u32::from_be_bytes(first),
                }))
            }
        };
        Ok(Capture { data, format })
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Byte offset of the first record (classic pcap) or block (pcapng).
    pub fn first_record(&self) -> usize {
        match self.format {
            Format::Pcap { .. } => 24,
            Format::Pcapng => 0,
        }
    }

    /// A walker over every record, from the first.
    pub fn walker(&self) -> Walker<'a> {
        match self.format {
            Format::Pcap {
                big_endian: false,
                nanos,
                linktype,
                ..
            } => Walker::PcapLe(PcapWalker::new(self.data, 24, nanos, linktype)),
            Format::Pcap {
                big_endian: true,
                nanos,
                linktype,
                ..
            } => Walker::PcapBe(PcapWalker::new(self.data, 24, nanos, linktype)),
            Format::Pcapng => Walker::Pcapng(PcapngWalker::new(self.data)),
        }
    }
}

/// The records of a capture from some position on: one of the format walkers.
///
/// ```
/// use lake_examples::capture::Capture;
///
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let mut w = cap.walker();
/// let first = w.next_record()?.expect("a record");
/// assert_eq!((first.offset, w.records_read(), w.epoch()), (24, 1, 0));
/// // Another walker from the second record on, as a thread would start there.
/// let mut rest = w.resumed_at(w.position());
/// assert_eq!(rest.next_record()?.map(|r| r.offset), w.next_record()?.map(|r| r.offset));
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug)]
pub enum Walker<'a> {
    /// Little-endian classic pcap.
    PcapLe(PcapWalker<'a, Le>),
    /// Big-endian classic pcap.
    PcapBe(PcapWalker<'a, Be>),
    /// pcapng.
    Pcapng(PcapngWalker<'a>),
}

impl<'a> Walker<'a> {
    /// The next record; `Ok(None)` at the end of the file.
    ///
    /// # Errors
    ///
    /// A [`ContainerError`] naming the offset and record number where the file breaks.
    #[inline]
    pub fn next_record(&mut self) -> Result<Option<Record<'a>>, ContainerError> {
        match self {
            Walker::PcapLe(w) => w.next_record(),
            Walker::PcapBe(w) => w.next_record(),
            Walker::Pcapng(w) => w.next_record(),
        }
    }

    /// Byte position of the next record or block.
    pub fn position(&self) -> usize {
        match self {
            Walker::PcapLe(w) => w.position(),
            Walker::PcapBe(w) => w.position(),
            Walker::Pcapng(w) => w.position(),
        }
    }

    /// Records returned so far.
    pub fn records_read(&self) -> u64 {
        match self {
            Walker::PcapLe(w) => w.records_read(),
            Walker::PcapBe(w) => w.records_read(),
            Walker::Pcapng(w) => w.records_read(),
        }
    }

    /// Section and interface blocks passed (pcapng; always 0 for classic pcap).
    pub fn epoch(&self) -> u64 {
        match self {
            Walker::Pcapng(w) => w.epoch(),
            _ => 0,
        }
    }

    /// The same walker moved to byte `pos` with its record count at 0, in the same section
    /// context (pcapng interfaces).
    pub fn resumed_at(&self, pos: usize) -> Self {
        match self {
            Walker::PcapLe(w) => {
                let mut w = w.clone();
                w.reset_to(pos);
                Walker::PcapLe(w)
            }
            Walker::PcapBe(w) => {
                let mut w = w.clone();
                w.reset_to(pos);
                Walker::PcapBe(w)
            }
            Walker::Pcapng(w) => Walker::Pcapng(w.resumed_at(pos)),
        }
    }
}
