//! The flow table: direction-normalised 5-tuples and their counters, the counters kept in a
//! [`lake::Pool`] and found by key through a hash index of [`Handle`]s.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use lake::{Handle, Pool};

use crate::decode::Decoded;
use crate::proto::{icmp, icmpv6, ip_proto};

/// Most flows one table tracks; packets of further flows are counted in
/// [`FlowTable::untracked_packets`], so a capture of random addresses cannot grow memory
/// without bound.
pub const MAX_FLOWS: usize = 1 << 20;

/// A direction-normalised 5-tuple: the lower (address, port) end first, so both directions
/// of a conversation share one key. ICMP and ICMPv6 echo messages use the echo identifier
/// as both ports; other ICMP messages use 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    /// 4 or 6.
    pub ip_version: u8,
    /// Transport protocol number.
    pub proto: u8,
    /// Lower endpoint's address (IPv4 in the first 4 bytes).
    pub addr_a: [u8; 16],
    /// Lower endpoint's port (or echo identifier).
    pub port_a: u16,
    /// Higher endpoint's address.
    pub addr_b: [u8; 16],
    /// Higher endpoint's port (or echo identifier).
    pub port_b: u16,
}

fn addr16(a: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    out[..a.len()].copy_from_slice(a);
    out
}

impl FlowKey {
    /// The flow of a decoded frame: `None` for frames without an IP layer, and for TCP or
    /// UDP packets whose transport header did not decode (or non-first fragments).
    ///
    /// ```
    /// use lake_examples::decode::{decode_frame, LINKTYPE_ETHERNET};
    /// use lake_examples::flow::FlowKey;
    ///
    /// let frame = lake_examples::sample::dns_query_frame();
    /// let key = FlowKey::of(&decode_frame(LINKTYPE_ETHERNET, &frame, 0)).unwrap();
    /// assert_eq!((key.proto, key.port_a.min(key.port_b)), (17, 53));
    /// ```
    pub fn of(d: &Decoded<'_>) -> Option<FlowKey> {
        let (ip_version, src, dst) = match (d.ipv4, d.ipv6) {
            (Some(ip), _) => (4, addr16(ip.src()), addr16(ip.dst())),
            (None, Some(ip)) => (6, addr16(ip.src()), addr16(ip.dst())),
            _ => return None,
        };
        let proto = d.transport?;
        if d.later_fragment {
            return None;
        }
        let (sport, dport) = match proto {
            ip_proto::TCP => d.tcp.map(|t| (t.src_port(), t.dst_port()))?,
            ip_proto::UDP => d.udp.map(|u| (u.src_port(), u.dst_port()))?,
            ip_proto::ICMP => {
                let m = d.icmp?;
                match m.msg_type() {
                    icmp::ECHO_REQUEST | icmp::ECHO_REPLY => (m.ident(), m.ident()),
                    _ => (0, 0),
                }
            }
            ip_proto::ICMPV6 => {
                let m = d.icmpv6?;
                match m.msg_type() {
                    icmpv6::ECHO_REQUEST | icmpv6::ECHO_REPLY => (m.ident(), m.ident()),
                    _ => (0, 0),
                }
            }
            _ => (0, 0),
        };
        let (a, b) = if (src, sport) <= (dst, dport) {
            ((src, sport), (dst, dport))
        } else {
            ((dst, dport), (src, sport))
        };
        Some(FlowKey {
            ip_version,
            proto,
            addr_a: a.0,
            port_a: a.1,
            addr_b: b.0,
            port_b: b.1,
        })
    }

    fn addr(&self, a: [u8; 16]) -> IpAddr {
        if self.ip_version == 4 {
            IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
        } else {
            IpAddr::V6(Ipv6Addr::from(a))
        }
    }

    /// The lower endpoint's address.
    pub fn a(&self) -> IpAddr {
        self.addr(self.addr_a)
    }

    /// The higher endpoint's address.
    pub fn b(&self) -> IpAddr {
        self.addr(self.addr_b)
    }

    /// The transport protocol's name (`"TCP"`, `"UDP"`, `"ICMP"`, `"ICMPv6"`, or the number).
    pub fn proto_name(&self) -> String {
        match self.proto {
            ip_proto::TCP => "TCP".into(),
            ip_proto::UDP => "UDP".into(),
            ip_proto::ICMP => "ICMP".into(),
            ip_proto::ICMPV6 => "ICMPv6".into(),
            p => format!("proto {p}"),
        }
    }
}

/// The counters of one flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The flow's key.
    pub key: FlowKey,
    /// Packets in both directions.
    pub packets: u64,
    /// Bytes on the wire (original lengths) in both directions.
    pub bytes: u64,
    /// Timestamp of the first packet, ns since the epoch.
    pub first_ns: u64,
    /// Timestamp of the last packet, ns since the epoch.
    pub last_ns: u64,
    /// Union of the TCP flags seen (the 9 flag bits).
    pub tcp_flags: u16,
}

/// Flows by key: the counters live in a [`Pool`], the index maps keys to pool [`Handle`]s.
///
/// ```
/// use lake_examples::flow::{FlowKey, FlowTable};
///
/// let key = FlowKey { ip_version: 4, proto: 17, addr_a: [0; 16], port_a: 1, addr_b: [1; 16], port_b: 2 };
/// let mut t = FlowTable::new();
/// t.add(key, 100, 5, 0);
/// t.add(key, 50, 9, 0);
/// let f = t.top(1)[0];
/// assert_eq!((f.packets, f.bytes, f.first_ns, f.last_ns), (2, 150, 5, 9));
/// ```
#[derive(Debug, Default)]
pub struct FlowTable {
    index: HashMap<FlowKey, Handle>,
    pool: Pool<Flow>,
    untracked: u64,
}

impl FlowTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one packet of `bytes` wire bytes at `ts_ns` with TCP flags `tcp_flags`.
    #[inline]
    pub fn add(&mut self, key: FlowKey, bytes: u64, ts_ns: u64, tcp_flags: u16) {
        self.add_flow(Flow {
            key,
            packets: 1,
            bytes,
            first_ns: ts_ns,
            last_ns: ts_ns,
            tcp_flags,
        });
    }

    /// Adds the counters of `flow` to the flow with its key.
    pub fn add_flow(&mut self, flow: Flow) {
        if let Some(&h) = self.index.get(&flow.key) {
            if let Some(f) = self.pool.get_mut(h) {
                f.packets += flow.packets;
                f.bytes += flow.bytes;
                f.first_ns = f.first_ns.min(flow.first_ns);
                f.last_ns = f.last_ns.max(flow.last_ns);
                f.tcp_flags |= flow.tcp_flags;
            }
        } else if self.pool.len() < MAX_FLOWS {
            let h = self.pool.insert(flow);
            self.index.insert(flow.key, h);
        } else {
            self.untracked += flow.packets;
        }
    }

    /// Adds every flow of `other` (in key order, so the result does not depend on how the
    /// packets were split between tables while the table has room).
    pub fn merge(&mut self, other: FlowTable) {
        let mut flows: Vec<Flow> = other.pool.iter().map(|(_, f)| *f).collect();
        flows.sort_unstable_by_key(|f| f.key);
        for f in flows {
            self.add_flow(f);
        }
        self.untracked += other.untracked;
    }

    /// Flows tracked.
    pub fn len(&self) -> usize {
        self.pool.len()
    }

    /// Whether no flow is tracked.
    pub fn is_empty(&self) -> bool {
        self.pool.is_empty()
    }

    /// Packets of flows beyond [`MAX_FLOWS`].
    pub fn untracked_packets(&self) -> u64 {
        self.untracked
    }

    /// The `n` flows with the most bytes, largest first (ties: more packets, then key order).
    pub fn top(&self, n: usize) -> Vec<Flow> {
        let mut all: Vec<Flow> = self.pool.iter().map(|(_, f)| *f).collect();
        all.sort_unstable_by(|x, y| {
            y.bytes
                .cmp(&x.bytes)
                .then(y.packets.cmp(&x.packets))
                .then(x.key.cmp(&y.key))
        });
        all.truncate(n);
        all
    }
}
