//! Writing classic pcap files (little-endian, microseconds), for tests and samples.

use std::io::{self, Write};

/// Writes a classic pcap file: little-endian, microsecond timestamps, version 2.4, snap
/// length 262 144.
///
/// ```
/// use lake_examples::capture::PcapWriter;
///
/// let mut w = PcapWriter::new(Vec::new(), 1)?;
/// w.write_record(7, 0, 3, &[1, 2, 3])?;
/// assert_eq!(w.into_inner().len(), 24 + 16 + 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct PcapWriter<W> {
    out: W,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the global header for link type `linktype`.
    ///
    /// # Errors
    ///
    /// When writing fails.
    ///
    /// ```
    /// # use lake_examples::capture::PcapWriter;
    /// let w = PcapWriter::new(Vec::new(), 1)?;
    /// assert_eq!(w.into_inner().len(), 24);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(mut out: W, linktype: u32) -> io::Result<Self> {
        out.write_all(&super::MAGIC_MICROS.to_le_bytes())?;
        out.write_all(&2u16.to_le_bytes())?;
        out.write_all(&4u16.to_le_bytes())?;
        out.write_all(&[0; 8])?;
        out.write_all(&super::MAX_CAPTURED.to_le_bytes())?;
        out.write_all(&linktype.to_le_bytes())?;
        Ok(PcapWriter { out })
    }

    /// Writes one record: seconds, microseconds, the packet's length on the wire, and the
    /// captured bytes.
    ///
    /// # Errors
    ///
    /// When writing fails or `data` is longer than `u32::MAX` bytes.
    ///
    /// ```
    /// # use lake_examples::capture::PcapWriter;
    /// let mut w = PcapWriter::new(Vec::new(), 1)?;
    /// w.write_record(1, 2, 100, &[0; 10])?;
    /// assert_eq!(w.into_inner().len(), 24 + 16 + 10);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn write_record(
        &mut self,
        sec: u32,
        usec: u32,
        orig_len: u32,
        data: &[u8],
    ) -> io::Result<()> {
        let len = u32::try_from(data.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "record too long"))?;
        for v in [sec, usec, len, orig_len] {
            self.out.write_all(&v.to_le_bytes())?;
        }
        self.out.write_all(data)
    }

    /// The underlying writer.
    ///
    /// ```
    /// # use lake_examples::capture::PcapWriter;
    /// let file = PcapWriter::new(Vec::new(), 1)?.into_inner();
    /// assert_eq!(&file[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn into_inner(self) -> W {
        self.out
    }
}
