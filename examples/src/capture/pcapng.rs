//! Walking the packet blocks of a pcapng file in place: sections of either byte order,
//! interface descriptions (link type, `if_tsresol`), enhanced and simple packet blocks;
//! every other block is skipped by its length.

use super::headers::{be, le};
use super::{ContainerError, ContainerErrorKind, Record, MAX_CAPTURED, MAX_INTERFACES};

/// Block type of a Section Header Block (the same in both byte orders).
pub const SECTION_HEADER: u32 = 0x0a0d_0d0a;
/// Block type of an Interface Description Block.
pub const INTERFACE_DESCRIPTION: u32 = 1;
/// Block type of a Simple Packet Block.
pub const SIMPLE_PACKET: u32 = 3;
/// Block type of an Enhanced Packet Block.
pub const ENHANCED_PACKET: u32 = 6;
/// The byte-order magic of a section header, as read in the section's own order.
pub const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

/// An interface of the current section.
///
/// ```
/// use lake_examples::capture::pcapng::Interface;
///
/// let ns = Interface { linktype: 1, snaplen: 0, tsresol: 9 };
/// assert_eq!(ns.nanos(42), 42);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Link type of its packets.
    pub linktype: u32,
    /// Snap length (0: none).
    pub snaplen: u32,
    /// `if_tsresol`: timestamp units are 10^-n s, or 2^-n s with the top bit set (default 6).
    pub tsresol: u8,
}

impl Interface {
    /// A timestamp in this interface's units, in nanoseconds (saturating).
    ///
    /// ```
    /// use lake_examples::capture::pcapng::Interface;
    /// let us = Interface { linktype: 1, snaplen: 0, tsresol: 6 };
    /// assert_eq!(us.nanos(1_500_000), 1_500_000_000);
    /// let bin = Interface { tsresol: 0x80 | 10, ..us }; // 1/1024 s
    /// assert_eq!(bin.nanos(1024), 1_000_000_000);
    /// ```
    pub fn nanos(&self, ts: u64) -> u64 {
        let exp = u32::from(self.tsresol & 0x7f);
        if self.tsresol & 0x80 != 0 {
            let ns = (u128::from(ts) * 1_000_000_000) >> exp.min(127);
            u64::try_from(ns).unwrap_or(u64::MAX)
        } else if exp <= 9 {
            ts.saturating_mul(10u64.pow(9 - exp))
        } else {
            ts / 10u64.checked_pow(exp - 9).unwrap_or(u64::MAX)
        }
    }
}

/// Byte order of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Little,
    Big,
}

/// The packets of a pcapng file from a block position on, borrowed from the file's bytes.
///
/// ```
/// use lake_examples::capture::pcapng::PcapngWalker;
///
/// // A little-endian section header, an Ethernet interface, and one enhanced packet block.
/// let mut f = Vec::new();
/// let mut put = |words: &[u32]| words.iter().for_each(|w| f.extend_from_slice(&w.to_le_bytes()));
/// put(&[0x0a0d_0d0a, 28, 0x1a2b_3c4d, 1, u32::MAX, u32::MAX, 28]);
/// put(&[1, 20, 1, 0, 20]);
/// put(&[6, 36, 0, 0, 1_000_000, 4, 60, 0xdead_beef, 36]);
/// let mut walk = PcapngWalker::new(&f);
/// let rec = walk.next_record()?.unwrap();
/// assert_eq!((rec.offset, rec.ts_nanos, rec.orig_len, rec.data.len()), (48, 1_000_000_000, 60, 4));
/// assert_eq!((walk.interfaces().len(), walk.records_read(), walk.epoch()), (1, 1, 2));
/// assert!(walk.next_record()?.is_none());
/// assert_eq!(walk.resumed_at(48).next_record()?.map(|r| r.offset), Some(48));
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PcapngWalker<'a> {
    data: &'a [u8],
    pos: usize,
    read: u64,
    order: Option<Order>,
    interfaces: Vec<Interface>,
    epoch: u64,
}

fn u32_at(order: Order, b: &[u8]) -> Option<u32> {
    Some(match order {
        Order::Little => le::SimplePacket::parse(b).ok()?.0.orig_len(),
        Order::Big => be::SimplePacket::parse(b).ok()?.0.orig_len(),
    })
}

impl<'a> PcapngWalker<'a> {
    /// A walker over `data` (the whole file) from its first byte, which must be a section
    /// header.
    pub fn new(data: &'a [u8]) -> Self {
        PcapngWalker {
            data,
            pos: 0,
            read: 0,
            order: None,
            interfaces: Vec::new(),
            epoch: 0,
        }
    }

    /// The same walker (same section and interfaces) moved to byte `pos` with its record
    /// count at 0: for a thread that starts at a block boundary found by a scan.
    pub fn resumed_at(&self, pos: usize) -> Self {
        PcapngWalker {
            pos,
            read: 0,
            ..self.clone()
        }
    }

    /// Byte position of the next block.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Packets returned so far.
    pub fn records_read(&self) -> u64 {
        self.read
    }

    /// Section and interface blocks passed so far: packets read with different values of
    /// this were read in different contexts.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The interfaces of the current section.
    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    fn err(&self, kind: ContainerErrorKind) -> ContainerError {
        ContainerError {
            offset: self.pos as u64,
            record: self.read + 1,
            kind,
        }
    }

    /// The next packet; `Ok(None)` at the end of the file.
    ///
    /// # Errors
    ///
    /// A [`ContainerError`] at the block's offset for a block length below 12, not a
    /// multiple of 4, past the end of the file or different from its trailing copy, a bad
    /// section header, a packet of an undeclared interface, or a packet longer than
    /// [`MAX_CAPTURED`].
    pub fn next_record(&mut self) -> Result<Option<Record<'a>>, ContainerError> {
        loop {
            let rest = self.data.get(self.pos..).unwrap_or(&[]);
            if rest.is_empty() {
                return Ok(None);
            }
            if rest.len() < 12 {
                return Err(self.err(ContainerErrorKind::TruncatedHeader {
                    what: "block header",
                    needed: 12,
                    available: rest.len() as u64,
                }));
            }
            let raw_type = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            if raw_type == SECTION_HEADER {
                self.section_header(rest)?;
            }
            let Some(order) = self.order else {
                return Err(self.err(ContainerErrorKind::NoSectionHeader));
            };
            let (block_type, len) = match order {
                Order::Little => {
                    let (h, _) = le::BlockHeader::parse(rest).map_err(|_| self.short())?;
                    (h.block_type(), h.total_len())
                }
                Order::Big => {
                    let (h, _) = be::BlockHeader::parse(rest).map_err(|_| self.short())?;
                    (h.block_type(), h.total_len())
                }
            };
            if len < 12 || len % 4 != 0 {
                return Err(self.err(ContainerErrorKind::BadBlockLength {
                    len: u64::from(len),
                }));
            }
            let Some(block) = rest.get(..len as usize) else {
                return Err(self.err(ContainerErrorKind::BlockPastEnd {
                    len: u64::from(len),
                    available: rest.len() as u64,
                }));
            };
            let trailing = u32_at(order, &block[block.len() - 4..]).unwrap_or(0);
            if trailing != len {
                return Err(self.err(ContainerErrorKind::BlockLengthMismatch {
                    leading: u64::from(len),
                    trailing: u64::from(trailing),
                }));
            }
            let body = &block[8..block.len() - 4];
            let found = match block_type {
                INTERFACE_DESCRIPTION => {
                    self.interface(order, body)?;
                    None
                }
                ENHANCED_PACKET => Some(self.enhanced(order, body)?),
                SIMPLE_PACKET => Some(self.simple(order, body)?),
                _ => None,
            };
            let offset = self.pos as u64;
            self.pos += len as usize;
            if let Some(mut record) = found {
                record.offset = offset;
                self.read += 1;
                return Ok(Some(record));
            }
        }
    }

    fn short(&self) -> ContainerError {
        self.err(ContainerErrorKind::TruncatedHeader {
            what: "block header",
            needed: 12,
            available: (self.data.len() - self.pos.min(self.data.len())) as u64,
        })
    }

    fn section_header(&mut self, rest: &[u8]) -> Result<(), ContainerError> {
        let Some(magic) = rest.get(8..12) else {
            return Err(self.err(ContainerErrorKind::TruncatedHeader {
                what: "section header",
                needed: 28,
                available: rest.len() as u64,
            }));
        };
        let magic = [magic[0], magic[1], magic[2], magic[3]];
        self.order = Some(if u32::from_le_bytes(magic) == BYTE_ORDER_MAGIC {
            Order::Little
        } else if u32::from_be_bytes(magic) == BYTE_ORDER_MAGIC {
            Order::Big
        } else {
            return Err(self.err(ContainerErrorKind::BadByteOrderMagic {
                magic: u32::from_be_bytes(magic),
            }));
        });
        self.interfaces.clear();
        self.epoch += 1;
        Ok(())
    }

    fn interface(&mut self, order: Order, body: &[u8]) -> Result<(), ContainerError> {
        let short = || {
            self.err(ContainerErrorKind::TruncatedHeader {
                what: "interface description",
                needed: 8,
                available: body.len() as u64,
            })
        };
        let (linktype, snaplen, mut options) = match order {
            Order::Little => {
                let (h, _) = le::InterfaceDescription::parse(body).map_err(|_| short())?;
                (h.linktype(), h.snaplen(), &body[8..])
            }
            Order::Big => {
                let (h, _) = be::InterfaceDescription::parse(body).map_err(|_| short())?;
                (h.linktype(), h.snaplen(), &body[8..])
            }
        };
        let mut tsresol = 6;
        // Options: code, length, value padded to 4; a malformed list just ends the search.
        while options.len() >= 4 {
            let (code, len) = match order {
                Order::Little => {
                    let (o, _) = le::BlockOption::parse(options).map_err(|_| short())?;
                    (o.code(), usize::from(o.len()))
                }
                Order::Big => {
                    let (o, _) = be::BlockOption::parse(options).map_err(|_| short())?;
                    (o.code(), usize::from(o.len()))
                }
            };
            let value = options.get(4..4 + len).unwrap_or(&[]);
            if code == 0 || value.len() != len {
                break;
            }
            if code == 9 && len == 1 {
                tsresol = value[0];
            }
            options = options.get(4 + len.next_multiple_of(4)..).unwrap_or(&[]);
        }
        if self.interfaces.len() >= MAX_INTERFACES as usize {
            return Err(self.err(ContainerErrorKind::TooManyInterfaces {
                limit: MAX_INTERFACES,
            }));
        }
        self.interfaces.push(Interface {
            linktype: u32::from(linktype),
            snaplen,
            tsresol,
        });
        self.epoch += 1;
        Ok(())
    }

    fn iface(&self, id: u32) -> Result<Interface, ContainerError> {
        self.interfaces.get(id as usize).copied().ok_or(self.err(
            ContainerErrorKind::UnknownInterface {
                interface: id,
                declared: self.interfaces.len() as u32,
            },
        ))
    }

    fn enhanced(&self, order: Order, body: &'a [u8]) -> Result<Record<'a>, ContainerError> {
        let short = || {
            self.err(ContainerErrorKind::TruncatedHeader {
                what: "enhanced packet block",
                needed: 20,
                available: body.len() as u64,
            })
        };
        let [id, high, low, cap, orig] = match order {
            Order::Little => {
                let (h, _) = le::EnhancedPacket::parse(body).map_err(|_| short())?;
                [
                    h.interface_id(),
                    h.ts_high(),
                    h.ts_low(),
                    h.cap_len(),
                    h.orig_len(),
                ]
            }
            Order::Big => {
                let (h, _) = be::EnhancedPacket::parse(body).map_err(|_| short())?;
                [
                    h.interface_id(),
                    h.ts_high(),
                    h.ts_low(),
                    h.cap_len(),
                    h.orig_len(),
                ]
            }
        };
        if cap > MAX_CAPTURED {
            return Err(self.err(ContainerErrorKind::CaptureTooLong {
                captured: u64::from(cap),
                limit: u64::from(MAX_CAPTURED),
            }));
        }
        let Some(data) = body.get(20..20 + cap as usize) else {
            return Err(self.err(ContainerErrorKind::TruncatedRecord {
                captured: u64::from(cap),
                available: body.len().saturating_sub(20) as u64,
            }));
        };
        let iface = self.iface(id)?;
        Ok(Record {
            offset: 0,
            ts_nanos: iface.nanos((u64::from(high) << 32) | u64::from(low)),
            linktype: iface.linktype,
            orig_len: orig.max(cap),
            data,
        })
    }

    fn simple(&self, order: Order, body: &'a [u8]) -> Result<Record<'a>, ContainerError> {
        let iface = self.iface(0)?;
        let orig = u32_at(order, body).ok_or(self.err(ContainerErrorKind::TruncatedHeader {
            what: "simple packet block",
            needed: 4,
            available: body.len() as u64,
        }))?;
        let mut cap = (body.len() - 4).min(orig as usize);
        if iface.snaplen != 0 {
            cap = cap.min(iface.snaplen as usize);
        }
        Ok(Record {
            offset: 0,
            ts_nanos: 0,
            linktype: iface.linktype,
            orig_len: orig,
            data: &body[4..4 + cap],
        })
    }
}
