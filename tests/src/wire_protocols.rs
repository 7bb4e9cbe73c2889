//! Packet definitions the wire tests share: written only with `#[lake::packet]`, the way users
//! write them. The internet headers are the examples crate's (`lake_examples::proto`, also used
//! by the pcap analyzer and the W7 benchmark); the rest exercise attributes those do not.

pub use lake_examples::proto::udp::UdpHeaderViewMut;
pub use lake_examples::proto::{
    EthernetHeader, Ipv4Header, Ipv6Header, TcpHeader, UdpHeader, UdpHeaderView,
};

use lake::be::U16;

/// A type-length-value record: constant type, payload-counting length with bounds, and a
/// custom check.
#[lake::packet]
#[repr(C)]
#[lake(check = tlv_check)]
#[derive(Debug)]
pub struct Tlv {
    #[lake(value = 0x7e)]
    pub kind: u8,
    pub flags: u8,
    #[lake(length(payload, min = 1, max = 16))]
    pub len: U16,
}

/// `Tlv`'s custom rule: flag bit 7 is reserved and must be clear.
pub fn tlv_check(tlv: &Tlv) -> Result<(), &'static str> {
    if tlv.flags & 0x80 == 0 {
        Ok(())
    } else {
        Err("reserved flag bit 7 set")
    }
}

/// A header that embeds another packet header as a field (a nested packet).
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Encapsulated {
    pub tag: u8,
    pub inner: UdpHeader,
    #[lake(length(payload))]
    pub len: u8,
}

/// A pcap record header: little-endian fields (written on x86 hosts), no length attribute
/// because `incl_len` counts bytes of a separate capture, checked with `check`.
#[lake::packet]
#[repr(C)]
#[lake(check = pcap_record_check)]
#[derive(Debug)]
pub struct PcapRecord {
    pub ts_sec: lake::le::U32,
    pub ts_usec: lake::le::U32,
    pub incl_len: lake::le::U32,
    pub orig_len: lake::le::U32,
}

/// A record never captures more than the original packet had.
pub fn pcap_record_check(r: &PcapRecord) -> Result<(), &'static str> {
    if r.incl_len() <= r.orig_len() {
        Ok(())
    } else {
        Err("incl_len exceeds orig_len")
    }
}
