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
