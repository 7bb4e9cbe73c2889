//! Packet definitions the wire tests share: written only with `#[lake::packet]`, the way users
//! write them.

use lake::be::{U16, U32};

/// Ethernet II header (no VLAN tag).
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct EthernetHeader {
    pub dst: [u8; 6],
    pub src: [u8; 6],
    pub ethertype: U16,
}

/// IPv4 header with options (IHL × 4 bytes) and a total-length field.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Ipv4Header {
    #[lake(
        bits(version = 4, ihl = 4),
        value(version = 4),
        header_len(ihl, scale = 4)
    )]
    pub ver_ihl: u8,
    #[lake(bits(dscp = 6, ecn = 2))]
    pub tos: u8,
    #[lake(length(total, min = 20))]
    pub total_len: U16,
    pub id: U16,
    #[lake(bits(flags = 3, frag_offset = 13))]
    pub frag: U16,
    pub ttl: u8,
    pub proto: u8,
    pub checksum: U16,
    pub src: [u8; 4],
    pub dst: [u8; 4],
}

/// UDP header; `length` counts header + payload.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct UdpHeader {
    pub src_port: U16,
    pub dst_port: U16,
    #[lake(length(total, min = 8))]
    pub length: U16,
    pub checksum: U16,
}

/// TCP header with options (data offset × 4 bytes); no length field, so the payload is the
/// rest of the buffer.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct TcpHeader {
    pub src_port: U16,
    pub dst_port: U16,
    pub seq: U32,
    pub ack: U32,
    #[lake(
        bits(data_offset = 4, reserved = 3, flags = 9),
        header_len(data_offset, scale = 4)
    )]
    pub off_flags: U16,
    pub window: U16,
    pub checksum: U16,
    pub urgent: U16,
}

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

/// IPv6 fixed header: 32-bit bit fields, a payload-counting length.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Ipv6Header {
    #[lake(
        bits(version = 4, traffic_class = 8, flow_label = 20),
        value(version = 6)
    )]
    pub ver_tc_flow: U32,
    #[lake(length(payload))]
    pub payload_len: U16,
    pub next_header: u8,
    pub hop_limit: u8,
    pub src: [u8; 16],
    pub dst: [u8; 16],
}
