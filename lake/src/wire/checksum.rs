//! The internet checksum (RFC 1071): the ones'-complement of the ones'-complement sum of
//! 16-bit big-endian words, used by IPv4, ICMP, UDP and TCP.

/// Computes the internet checksum of `bytes` (an odd trailing byte is padded with zero).
///
/// To verify a header that contains its checksum, check that the checksum over the whole
/// header is 0. To fill one in, zero the field, compute, and store the result big-endian.
///
/// ```
/// // An IPv4 header with checksum 0xb861 (RFC 1071 example header from Wikipedia).
/// let header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
///     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// assert_eq!(lake::wire::checksum(&header), 0);
/// let mut zeroed = header;
/// zeroed[10..12].copy_from_slice(&[0, 0]);
/// assert_eq!(lake::wire::checksum(&zeroed), 0xb861);
/// ```
#[inline]
pub fn checksum(bytes: &[u8]) -> u16 {
    Checksum::new().add_bytes(bytes).finish()
}

/// An incremental internet checksum, for data in pieces (a UDP/TCP pseudo-header, then the
/// segment). Pieces may have odd lengths; bytes are paired across them as if concatenated.
///
/// ```
/// use lake::wire::{checksum, Checksum};
///
/// let data = [1u8, 2, 3, 4, 5, 6, 7];
/// let split = Checksum::new().add_bytes(&data[..3]).add_bytes(&data[3..]).finish();
/// assert_eq!(split, checksum(&data));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checksum {
    /// Running sum of 16-bit words; folded on `finish`. A `u64` cannot overflow before
    /// 2^48 words are added (petabytes), and `add` folds anyway.
    sum: u64,
    /// The high byte of a word whose low byte is still to come (odd-length piece).
    pending: Option<u8>,
}

impl Checksum {
    /// An empty sum.
    ///
    /// ```
    /// assert_eq!(lake::wire::Checksum::new().finish(), 0xffff);
    /// ```
    #[inline]
    pub const fn new() -> Self {
        Checksum {
            sum: 0,
            pending: None,
        }
    }

    /// Adds `bytes` to the sum.
    ///
    /// ```
    /// let c = lake::wire::Checksum::new().add_bytes(&[0x00, 0x01]);
    /// assert_eq!(c.finish(), !0x0001);
    /// ```
    #[must_use]
    pub fn add_bytes(mut self, mut bytes: &[u8]) -> Self {
        if let (Some(high), Some((&low, rest))) = (self.pending, bytes.split_first()) {
            self.sum += u64::from(u16::from_be_bytes([high, low]));
            self.pending = None;
            bytes = rest;
        }
        let mut words = bytes.chunks_exact(2);
        for w in &mut words {
            self.sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
        }
        if let [last] = words.remainder() {
            self.pending = Some(*last);
        }
        self.sum = fold(self.sum);
        self
    }

    /// Adds one big-endian 16-bit word (e.g. a pseudo-header length).
    ///
    /// ```
    /// use lake::wire::Checksum;
    /// assert_eq!(Checksum::new().add_u16(0x1234).finish(), Checksum::new().add_bytes(&[0x12, 0x34]).finish());
    /// ```
    #[must_use]
    pub fn add_u16(self, word: u16) -> Self {
        self.add_bytes(&word.to_be_bytes())
    }

    /// The checksum: the ones'-complement of the folded sum.
    #[must_use]
    pub fn finish(self) -> u16 {
        let mut sum = self.sum;
        if let Some(high) = self.pending {
            sum += u64::from(u16::from_be_bytes([high, 0]));
        }
        // After two folds the value fits in 16 bits.
        !(fold(fold(sum)) as u16)
    }
}

/// Adds the carries above bit 15 back into the low 16 bits (end-around carry).
#[inline]
fn fold(sum: u64) -> u64 {
    let sum = (sum & 0xffff_ffff) + (sum >> 32);
    let sum = (sum & 0xffff) + (sum >> 16);
    (sum & 0xffff) + (sum >> 16)
}
