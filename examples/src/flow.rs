//! The flow table: direction-normalised 5-tuples and their counters, the counters kept in a
//! [`lake::Pool`] and found by key through a hash index of [`Handle`]s.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
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
///
/// ```
/// use lake_examples::flow::FlowKey;
///
/// let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
/// assert_eq!((key.a().to_string(), key.proto_name()), ("127.0.0.1".to_string(), "TCP".to_string()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowKey {
    /// 4 or 6.
    pub ip_version: u8,
    /// Transport protocol number.
    pub proto: u8,
    /// Lower endpoint's address, as a big-endian number (an IPv4 address in the low 32 bits).
    pub addr_a: u128,
    /// Lower endpoint's port (or echo identifier).
    pub port_a: u16,
    /// Higher endpoint's address.
    pub addr_b: u128,
    /// Higher endpoint's port (or echo identifier).
    pub port_b: u16,
}

impl Hash for FlowKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.addr_a as u64);
        state.write_u64((self.addr_a >> 64) as u64);
        state.write_u64(self.addr_b as u64);
        state.write_u64((self.addr_b >> 64) as u64);
        state.write_u64(
            u64::from(self.ip_version)
                | u64::from(self.proto) << 8
                | u64::from(self.port_a) << 16
                | u64::from(self.port_b) << 32,
        );
    }
}

/// A fast keyed hash for [`FlowKey`]s: each 64-bit word is mixed in with a folded 128-bit
/// multiply (the high and low halves of the product xored), starting from a per-table
/// random seed, so a crafted capture cannot aim its flows at one bucket without knowing
/// the seed. About a fifth of the cost of SipHash on a key.
///
/// ```
/// use std::hash::BuildHasher;
/// use lake_examples::flow::{FlowHashBuilder, FlowKey};
///
/// let build = FlowHashBuilder::default();
/// let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
/// assert_eq!(build.hash_one(key), build.hash_one(key));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FlowHasher {
    state: u64,
    seed: u64,
}

const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline]
fn folded_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

impl Hasher for FlowHasher {
    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.state = folded_mul(self.state ^ word, self.seed | 1);
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        folded_mul(self.state, MUL)
    }
}

/// Builds [`FlowHasher`]s with a seed drawn once per table from the standard library's
/// random hash keys.
///
/// ```
/// use std::collections::HashMap;
/// use lake_examples::flow::FlowHashBuilder;
///
/// let mut m: HashMap<u64, &str, FlowHashBuilder> = HashMap::default();
/// m.insert(7, "seven");
/// assert_eq!(m[&7], "seven");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FlowHashBuilder {
    seed: u64,
    start: u64,
}

impl Default for FlowHashBuilder {
    fn default() -> Self {
        let r = std::collections::hash_map::RandomState::new();
        FlowHashBuilder {
            seed: r.hash_one(0x5eed_u64),
            start: r.hash_one(0x57a7_u64),
        }
    }
}

impl BuildHasher for FlowHashBuilder {
    type Hasher = FlowHasher;
    #[inline]
    fn build_hasher(&self) -> FlowHasher {
        FlowHasher {
            state: self.start,
            seed: self.seed,
        }
    }
}

fn addr_v4(a: &[u8; 4]) -> u128 {
    u128::from(u32::from_be_bytes(*a))
}

fn addr_v6(a: &[u8; 16]) -> u128 {
    u128::from_be_bytes(*a)
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
            (Some(ip), _) => (4, addr_v4(ip.src()), addr_v4(ip.dst())),
            (None, Some(ip)) => (6, addr_v6(ip.src()), addr_v6(ip.dst())),
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
        let forward = src < dst || (src == dst && sport <= dport);
        let (a, b) = if forward {
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

    fn addr(&self, a: u128) -> IpAddr {
        if self.ip_version == 4 {
            IpAddr::V4(Ipv4Addr::from(a as u32))
        } else {
            IpAddr::V6(Ipv6Addr::from(a))
        }
    }

    /// The lower endpoint's address.
    ///
    /// ```
    /// # use lake_examples::flow::FlowKey;
    /// let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// assert_eq!(key.a().to_string(), "127.0.0.1");
    /// ```
    pub fn a(&self) -> IpAddr {
        self.addr(self.addr_a)
    }

    /// The higher endpoint's address.
    ///
    /// ```
    /// # use lake_examples::flow::FlowKey;
    /// let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// assert_eq!(key.b().to_string(), "127.0.0.1");
    /// ```
    pub fn b(&self) -> IpAddr {
        self.addr(self.addr_b)
    }

    /// The transport protocol's name (`"TCP"`, `"UDP"`, `"ICMP"`, `"ICMPv6"`, or the number).
    ///
    /// ```
    /// # use lake_examples::flow::FlowKey;
    /// let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// assert_eq!(key.proto_name(), "TCP");
    /// ```
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
///
/// ```
/// use lake_examples::flow::{FlowKey, FlowTable};
///
/// let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
/// let mut t = FlowTable::new();
/// t.add(key, 60, 1, 0x002); // SYN
/// t.add(key, 60, 2, 0x012); // SYN+ACK
/// let flow = t.top(1)[0];
/// assert_eq!((flow.packets, flow.tcp_flags), (2, 0x012));
/// ```
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
/// let key = FlowKey { ip_version: 4, proto: 17, addr_a: 1, port_a: 1, addr_b: 2, port_b: 2 };
/// let mut t = FlowTable::new();
/// t.add(key, 100, 5, 0);
/// t.add(key, 50, 9, 0);
/// let f = t.top(1)[0];
/// assert_eq!((f.packets, f.bytes, f.first_ns, f.last_ns), (2, 150, 5, 9));
/// ```
#[derive(Debug, Default)]
pub struct FlowTable {
    index: HashMap<FlowKey, Handle, FlowHashBuilder>,
    pool: Pool<Flow>,
    /// The flow of the previous packet: consecutive packets of one flow skip the hash.
    last: Option<(FlowKey, Handle)>,
    untracked: u64,
}

impl FlowTable {
    /// An empty table.
    ///
    /// ```
    /// # use lake_examples::flow::FlowTable;
    /// assert!(lake_examples::flow::FlowTable::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one packet of `bytes` wire bytes at `ts_ns` with TCP flags `tcp_flags`.
    ///
    /// ```
    /// # use lake_examples::flow::{FlowKey, FlowTable};
    /// # let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// let mut t = FlowTable::new();
    /// t.add(key, 100, 5, 0);
    /// assert_eq!(t.len(), 1);
    /// ```
    #[inline]
    pub fn add(&mut self, key: FlowKey, bytes: u64, ts_ns: u64, tcp_flags: u16) {
        let handle = match self.last {
            Some((last, h)) if last == key => Some(h),
            _ => self.index.get(&key).copied(),
        };
        if let Some(f) = handle.and_then(|h| self.pool.get_mut(h)) {
            // The common case: a packet of a known flow updates its counters in place.
            f.packets += 1;
            f.bytes += bytes;
            f.first_ns = f.first_ns.min(ts_ns);
            f.last_ns = f.last_ns.max(ts_ns);
            f.tcp_flags |= tcp_flags;
            self.last = handle.map(|h| (key, h));
            return;
        }
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
    ///
    /// ```
    /// # use lake_examples::flow::{FlowKey, FlowTable};
    /// # let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// let mut t = FlowTable::new();
    /// t.add(key, 1, 1, 0);
    /// let mut copy = t.top(1)[0];
    /// copy.packets = 9;
    /// t.add_flow(copy);
    /// assert_eq!(t.top(1)[0].packets, 10);
    /// ```
    pub fn add_flow(&mut self, flow: Flow) {
        let cached = match self.last {
            Some((key, h)) if key == flow.key => Some(h),
            _ => self.index.get(&flow.key).copied(),
        };
        if let Some(h) = cached {
            self.last = Some((flow.key, h));
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
            self.last = Some((flow.key, h));
        } else {
            self.untracked += flow.packets;
        }
    }

    /// Adds every flow of `other` (in key order, so the result does not depend on how the
    /// packets were split between tables while the table has room).
    ///
    /// ```
    /// # use lake_examples::flow::{FlowKey, FlowTable};
    /// # let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// let (mut a, mut b) = (FlowTable::new(), FlowTable::new());
    /// a.add(key, 10, 1, 0);
    /// b.add(key, 20, 2, 0);
    /// a.merge(b);
    /// assert_eq!((a.len(), a.top(1)[0].bytes), (1, 30));
    /// ```
    pub fn merge(&mut self, other: FlowTable) {
        let mut flows: Vec<Flow> = other.pool.iter().map(|(_, f)| *f).collect();
        flows.sort_unstable_by_key(|f| f.key);
        for f in flows {
            self.add_flow(f);
        }
        self.untracked += other.untracked;
    }

    /// Flows tracked.
    ///
    /// ```
    /// # use lake_examples::flow::{FlowKey, FlowTable};
    /// # let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// let mut t = FlowTable::new();
    /// t.add(key, 1, 1, 0);
    /// t.add(key, 1, 2, 0);
    /// assert_eq!(t.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.pool.len()
    }

    /// Whether no flow is tracked.
    ///
    /// ```
    /// assert!(lake_examples::flow::FlowTable::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pool.is_empty()
    }

    /// Packets of flows beyond [`MAX_FLOWS`].
    ///
    /// ```
    /// assert_eq!(lake_examples::flow::FlowTable::new().untracked_packets(), 0);
    /// ```
    pub fn untracked_packets(&self) -> u64 {
        self.untracked
    }

    /// The `n` flows with the most bytes, largest first (ties: more packets, then key order).
    ///
    /// ```
    /// # use lake_examples::flow::{FlowKey, FlowTable};
    /// # let key = FlowKey { ip_version: 4, proto: 6, addr_a: 0x7f00_0001, port_a: 80, addr_b: 0x7f00_0001, port_b: 40000 };
    /// let mut t = FlowTable::new();
    /// t.add(key, 10, 1, 0);
    /// t.add(FlowKey { port_b: 1, ..key }, 99, 1, 0);
    /// assert_eq!(t.top(1)[0].bytes, 99);
    /// assert_eq!(t.top(5).len(), 2);
    /// ```
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
