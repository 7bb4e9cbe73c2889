//! Classic libpcap files (the `.pcap` format of tcpdump and Wireshark, not pcapng): a streaming
//! reader that copies each record into a [`Lake`], and a writer for making captures.
//!
//! A file is a 24-byte global header followed by records, each a 16-byte record header and
//! `incl_len` captured bytes. The magic number `0xa1b2c3d4` (microsecond timestamps) or
//! `0xa1b23c4d` (nanosecond timestamps), read in either byte order, says the file's byte order
//! and timestamp precision; every other integer in the file uses that byte order.
//!
//! ```
//! use lake::Lake;
//! use lake_examples::pcap::{Endian, PcapReader, PcapWriter, Precision, LINKTYPE_ETHERNET};
//!
//! let mut w = PcapWriter::new(Vec::new(), Endian::Big, Precision::Nano, LINKTYPE_ETHERNET)?;
//! w.write_record(1, 500, 3, &[1, 2, 3])?;
//! let file = w.into_inner();
//!
//! let mut r = PcapReader::new(&file[..])?;
//! assert_eq!((r.header().endian, r.header().precision), (Endian::Big, Precision::Nano));
//! let lake = Lake::new();
//! let rec = r.next_record(&lake)?.expect("one record");
//! assert_eq!((rec.ts_nanos(), rec.data), (1_000_000_500, &[1u8, 2, 3][..]));
//! assert!(r.next_record(&lake)?.is_none());
//! # Ok::<(), lake_examples::pcap::PcapError>(())
//! ```

use std::fmt;
use std::io::{self, Read, Write};

use lake::Lake;

/// Link type of Ethernet II frames (`LINKTYPE_ETHERNET`).
pub const LINKTYPE_ETHERNET: u32 = 1;

/// Magic number of microsecond-resolution files, as written in the file's own byte order.
pub const MAGIC_MICROS: u32 = 0xa1b2_c3d4;

/// Magic number of nanosecond-resolution files, as written in the file's own byte order.
pub const MAGIC_NANOS: u32 = 0xa1b2_3c4d;

/// Largest record this reader accepts (bytes captured per record); larger is treated as a
/// corrupt file rather than an allocation request.
pub const MAX_RECORD: u32 = 256 * 1024;

/// Byte order of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    /// Little-endian (written by x86 and most ARM machines).
    Little,
    /// Big-endian.
    Big,
}

impl Endian {
    fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        }
    }

    fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        }
    }

    fn put_u32(self, v: u32) -> [u8; 4] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }

    fn put_u16(self, v: u16) -> [u8; 2] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }
}

/// Resolution of the fractional part of record timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Microseconds (magic `0xa1b2c3d4`).
    Micro,
    /// Nanoseconds (magic `0xa1b23c4d`).
    Nano,
}

/// The global header of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcapHeader {
    /// Byte order of the file.
    pub endian: Endian,
    /// Timestamp resolution.
    pub precision: Precision,
    /// Format version (major, minor); 2.4 in every current writer.
    pub version: (u16, u16),
    /// Largest number of bytes captured per packet.
    pub snaplen: u32,
    /// Link-layer type of every record ([`LINKTYPE_ETHERNET`] for Ethernet).
    pub linktype: u32,
}

/// Why a capture file could not be read.
#[derive(Debug)]
pub enum PcapError {
    /// Reading failed.
    Io(io::Error),
    /// The first four bytes are not a pcap magic number in either byte order.
    BadMagic(u32),
    /// The file ends inside a header or a record.
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes there were.
        got: usize,
    },
    /// A record claims more captured bytes than the file's snaplen or [`MAX_RECORD`].
    RecordTooLong {
        /// `incl_len` of the record.
        incl_len: u32,
        /// The limit it broke.
        limit: u32,
    },
    /// The lake could not hold the record.
    Alloc(lake::AllocError),
}

impl fmt::Display for PcapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcapError::Io(e) => write!(f, "read error: {e}"),
            PcapError::BadMagic(m) => write!(f, "not a pcap file (magic {m:#010x})"),
            PcapError::Truncated { what, needed, got } => {
                write!(
                    f,
                    "file ends inside a {what}: need {needed} bytes, got {got}"
                )
            }
            PcapError::RecordTooLong { incl_len, limit } => {
                write!(f, "record of {incl_len} bytes exceeds the limit of {limit}")
            }
            PcapError::Alloc(e) => write!(f, "lake: {e}"),
        }
    }
}

impl std::error::Error for PcapError {}

impl From<io::Error> for PcapError {
    fn from(e: io::Error) -> Self {
        PcapError::Io(e)
    }
}

/// One record: its timestamp, original length and captured bytes (in the lake it was read
/// into).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Seconds since the Unix epoch.
    pub ts_sec: u32,
    /// Fraction of a second, in the file's [`Precision`].
    pub ts_frac: u32,
    /// Timestamp resolution of `ts_frac`.
    pub precision: Precision,
    /// Length of the packet on the wire (may exceed `data.len()` when the capture was cut at
    /// the snaplen).
    pub orig_len: u32,
    /// The captured bytes.
    pub data: &'a [u8],
}

impl Record<'_> {
    /// The timestamp in nanoseconds since the Unix epoch.
    pub fn ts_nanos(&self) -> u64 {
        let frac = match self.precision {
            Precision::Micro => u64::from(self.ts_frac) * 1_000,
            Precision::Nano => u64::from(self.ts_frac),
        };
        u64::from(self.ts_sec) * 1_000_000_000 + frac
    }
}

/// Reads `buf.len()` bytes, or fewer at end of input; returns how many.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A streaming reader of a classic pcap file.
///
/// [`next_record`](PcapReader::next_record) copies each record's bytes into a [`Lake`] the
/// caller owns, so a loop that resets the lake every batch reads any number of packets in
/// the same few chunks of memory.
#[derive(Debug)]
pub struct PcapReader<R> {
    input: R,
    header: PcapHeader,
}

impl<R: Read> PcapReader<R> {
    /// Reads and checks the global header.
    ///
    /// # Errors
    ///
    /// [`PcapError::BadMagic`] for a file that is not classic pcap, `Truncated` for one
    /// shorter than 24 bytes, `Io` when reading fails.
    pub fn new(mut input: R) -> Result<Self, PcapError> {
        let mut h = [0u8; 24];
        let got = read_full(&mut input, &mut h)?;
        if got < 4 {
            return Err(PcapError::Truncated {
                what: "global header",
                needed: 24,
                got,
            });
        }
        let magic_le = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
        let magic_be = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        let (endian, precision) = match (magic_le, magic_be) {
            (MAGIC_MICROS, _) => (Endian::Little, Precision::Micro),
            (MAGIC_NANOS, _) => (Endian::Little, Precision::Nano),
            (_, MAGIC_MICROS) => (Endian::Big, Precision::Micro),
            (_, MAGIC_NANOS) => (Endian::Big, Precision::Nano),
            _ => return Err(PcapError::BadMagic(magic_be)),
        };
        if got < 24 {
            return Err(PcapError::Truncated {
                what: "global header",
                needed: 24,
                got,
            });
        }
        let header = PcapHeader {
            endian,
            precision,
            version: (endian.u16([h[4], h[5]]), endian.u16([h[6], h[7]])),
            // Bytes 8..16: time zone offset and timestamp accuracy, always 0 in practice.
            snaplen: endian.u32([h[16], h[17], h[18], h[19]]),
            linktype: endian.u32([h[20], h[21], h[22], h[23]]),
        };
        Ok(PcapReader { input, header })
    }

    /// The global header.
    pub fn header(&self) -> &PcapHeader {
        &self.header
    }

    /// Reads the next record into `lake`; `Ok(None)` at a clean end of file.
    ///
    /// # Errors
    ///
    /// `Truncated` when the file ends inside a record, `RecordTooLong` when a record claims
    /// more than `max(snaplen, 65 535)` or [`MAX_RECORD`] bytes (a corrupt file), `Alloc` when
    /// the lake is full, `Io` when reading fails.
    pub fn next_record<'l>(&mut self, lake: &'l Lake) -> Result<Option<Record<'l>>, PcapError> {
        let mut h = [0u8; 16];
        let got = read_full(&mut self.input, &mut h)?;
        if got == 0 {
            return Ok(None);
        }
        if got < 16 {
            return Err(PcapError::Truncated {
                what: "record header",
                needed: 16,
                got,
            });
        }
        let e = self.header.endian;
        let incl_len = e.u32([h[8], h[9], h[10], h[11]]);
        let limit = self.header.snaplen.clamp(65_535, MAX_RECORD);
        if incl_len > limit {
            return Err(PcapError::RecordTooLong { incl_len, limit });
        }
        let data = lake
            .try_alloc_slice_zeroed::<u8>(incl_len as usize)
            .map_err(PcapError::Alloc)?;
        let got = read_full(&mut self.input, data)?;
        if got < data.len() {
            return Err(PcapError::Truncated {
                what: "record",
                needed: data.len(),
                got,
            });
        }
        Ok(Some(Record {
            ts_sec: e.u32([h[0], h[1], h[2], h[3]]),
            ts_frac: e.u32([h[4], h[5], h[6], h[7]]),
            precision: self.header.precision,
            orig_len: e.u32([h[12], h[13], h[14], h[15]]),
            data,
        }))
    }
}

/// Writes a classic pcap file (version 2.4, snaplen 65 535).
#[derive(Debug)]
pub struct PcapWriter<W> {
    out: W,
    endian: Endian,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the global header.
    ///
    /// # Errors
    ///
    /// When writing fails.
    pub fn new(
        mut out: W,
        endian: Endian,
        precision: Precision,
        linktype: u32,
    ) -> io::Result<Self> {
        let magic = match precision {
            Precision::Micro => MAGIC_MICROS,
            Precision::Nano => MAGIC_NANOS,
        };
        out.write_all(&endian.put_u32(magic))?;
        out.write_all(&endian.put_u16(2))?;
        out.write_all(&endian.put_u16(4))?;
        out.write_all(&[0; 8])?; // time zone offset, timestamp accuracy
        out.write_all(&endian.put_u32(65_535))?;
        out.write_all(&endian.put_u32(linktype))?;
        Ok(PcapWriter { out, endian })
    }

    /// Writes one record: timestamp (`frac` in the file's precision), the length the packet
    /// had on the wire, and the captured bytes.
    ///
    /// # Errors
    ///
    /// When writing fails, or `data` is longer than `u32::MAX`.
    pub fn write_record(
        &mut self,
        sec: u32,
        frac: u32,
        orig_len: u32,
        data: &[u8],
    ) -> io::Result<()> {
        let len = u32::try_from(data.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "record too long"))?;
        let e = self.endian;
        self.out.write_all(&e.put_u32(sec))?;
        self.out.write_all(&e.put_u32(frac))?;
        self.out.write_all(&e.put_u32(len))?;
        self.out.write_all(&e.put_u32(orig_len))?;
        self.out.write_all(data)
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written byte by byte, independently of `PcapWriter`: little-endian, µs.
    #[test]
    fn reads_a_hand_made_little_endian_file() {
        let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&[0xff, 0xff, 0, 0, 1, 0, 0, 0]); // snaplen 65535, Ethernet
        f.extend_from_slice(&[10, 0, 0, 0, 0x40, 0x42, 0x0f, 0]); // 10 s, 0x000f4240 µs
        f.extend_from_slice(&[2, 0, 0, 0, 60, 0, 0, 0, 0xaa, 0xbb]);
        let mut r = PcapReader::new(&f[..]).unwrap();
        assert_eq!(
            *r.header(),
            PcapHeader {
                endian: Endian::Little,
                precision: Precision::Micro,
                version: (2, 4),
                snaplen: 65_535,
                linktype: LINKTYPE_ETHERNET
            }
        );
        let lake = Lake::new();
        let rec = r.next_record(&lake).unwrap().unwrap();
        // 0x000f4240 = 1 000 000 µs.
        assert_eq!((rec.ts_sec, rec.ts_frac, rec.orig_len), (10, 1_000_000, 60));
        assert_eq!(rec.ts_nanos(), 11_000_000_000);
        assert_eq!(rec.data, &[0xaa, 0xbb]);
        assert!(r.next_record(&lake).unwrap().is_none());
    }

    #[test]
    fn round_trips_every_byte_order_and_precision() {
        for endian in [Endian::Little, Endian::Big] {
            for precision in [Precision::Micro, Precision::Nano] {
                let mut w = PcapWriter::new(Vec::new(), endian, precision, 1).unwrap();
                w.write_record(7, 123, 100, &[1, 2, 3, 4]).unwrap();
                w.write_record(8, 0, 0, &[]).unwrap();
                let file = w.into_inner();
                let mut r = PcapReader::new(&file[..]).unwrap();
                assert_eq!(
                    (r.header().endian, r.header().precision),
                    (endian, precision)
                );
                let lake = Lake::new();
                let a = r.next_record(&lake).unwrap().unwrap();
                assert_eq!(
                    (a.ts_sec, a.ts_frac, a.orig_len, a.data),
                    (7, 123, 100, &[1u8, 2, 3, 4][..])
                );
                let b = r.next_record(&lake).unwrap().unwrap();
                assert_eq!((b.ts_sec, b.data.len()), (8, 0));
                assert!(r.next_record(&lake).unwrap().is_none());
            }
        }
    }

    #[test]
    fn rejects_bad_and_truncated_files() {
        assert!(matches!(
            PcapReader::new(&b"GIF89a.................."[..]),
            Err(PcapError::BadMagic(_))
        ));
        assert!(matches!(
            PcapReader::new(&[0xd4, 0xc3][..]),
            Err(PcapError::Truncated { got: 2, .. })
        ));
        let mut w = PcapWriter::new(Vec::new(), Endian::Little, Precision::Micro, 1).unwrap();
        w.write_record(1, 2, 10, &[9; 10]).unwrap();
        let file = w.into_inner();
        let lake = Lake::new();
        for cut in [24 + 5, file.len() - 1] {
            let mut r = PcapReader::new(&file[..cut]).unwrap();
            let err = r.next_record(&lake).unwrap_err();
            assert!(matches!(err, PcapError::Truncated { .. }), "{err}");
        }
        // A record length beyond the limit is refused before allocating.
        let mut bad = file.clone();
        bad[24 + 8..24 + 12].copy_from_slice(&(MAX_RECORD + 1).to_le_bytes());
        let mut r = PcapReader::new(&bad[..]).unwrap();
        assert!(matches!(
            r.next_record(&lake),
            Err(PcapError::RecordTooLong { .. })
        ));
    }
}
