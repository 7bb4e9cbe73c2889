//! The counters of an analysis: packets and bytes by protocol, malformed and truncated
//! frames by layer and reason (with the first few packet numbers), and the flow table.
//! Their size depends on the number of flows, never on the number of packets.

use crate::capture::Record;
use crate::decode::{Decoded, Fault, FaultKind, Layer, Reason};
use crate::flow::{FlowKey, FlowTable};
use crate::proto::{ethernet, ip_proto};

/// Packet numbers kept per (layer, reason) as examples.
pub const FIRST_EXAMPLES: usize = 5;

/// Protocol classes of the per-protocol table, by the innermost layer decoded.
///
/// ```
/// # use lake_examples::capture::Record;
/// # use lake_examples::decode::decode_frame;
/// # use lake_examples::stats::{Proto, Stats};
/// let frame = lake_examples::sample::dns_query_frame();
/// let rec = Record { offset: 24, ts_nanos: 1, linktype: 1, orig_len: frame.len() as u32, data: &frame };
/// let d = decode_frame(1, &frame, 0);
/// assert_eq!(Proto::of(&d), Proto::Ipv4Udp);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// TCP over IPv4.
    Ipv4Tcp,
    /// UDP over IPv4.
    Ipv4Udp,
    /// ICMP over IPv4.
    Ipv4Icmp,
    /// A non-first IPv4 fragment.
    Ipv4Fragment,
    /// Another protocol over IPv4.
    Ipv4Other,
    /// TCP over IPv6.
    Ipv6Tcp,
    /// UDP over IPv6.
    Ipv6Udp,
    /// ICMPv6.
    Ipv6Icmpv6,
    /// A non-first IPv6 fragment.
    Ipv6Fragment,
    /// Another protocol over IPv6.
    Ipv6Other,
    /// ARP.
    Arp,
    /// Another EtherType.
    OtherEthertype,
    /// A link type this analyzer does not decode.
    OtherLink,
    /// A malformed frame.
    Malformed,
}

impl Proto {
    /// Number of classes.
    pub const COUNT: usize = 14;

    /// Every class, in table order.
    pub const ALL: [Proto; Proto::COUNT] = [
        Proto::Ipv4Tcp,
        Proto::Ipv4Udp,
        Proto::Ipv4Icmp,
        Proto::Ipv4Fragment,
        Proto::Ipv4Other,
        Proto::Ipv6Tcp,
        Proto::Ipv6Udp,
        Proto::Ipv6Icmpv6,
        Proto::Ipv6Fragment,
        Proto::Ipv6Other,
        Proto::Arp,
        Proto::OtherEthertype,
        Proto::OtherLink,
        Proto::Malformed,
    ];

    /// The class's name in reports and JSON (`"IPv4/TCP"`, …).
    ///
    /// ```
    /// assert_eq!(lake_examples::stats::Proto::Ipv6Icmpv6.name(), "IPv6/ICMPv6");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Proto::Ipv4Tcp => "IPv4/TCP",
            Proto::Ipv4Udp => "IPv4/UDP",
            Proto::Ipv4Icmp => "IPv4/ICMP",
            Proto::Ipv4Fragment => "IPv4/fragment",
            Proto::Ipv4Other => "IPv4/other",
            Proto::Ipv6Tcp => "IPv6/TCP",
            Proto::Ipv6Udp => "IPv6/UDP",
            Proto::Ipv6Icmpv6 => "IPv6/ICMPv6",
            Proto::Ipv6Fragment => "IPv6/fragment",
            Proto::Ipv6Other => "IPv6/other",
            Proto::Arp => "ARP",
            Proto::OtherEthertype => "other-ethertype",
            Proto::OtherLink => "other-link",
            Proto::Malformed => "malformed",
        }
    }

    /// The class of a decoded frame.
    ///
    /// ```
    /// # use lake_examples::capture::Record;
    /// # use lake_examples::decode::decode_frame;
    /// # use lake_examples::stats::{Proto, Stats};
    /// let frame = lake_examples::sample::dns_query_frame();
    /// let rec = Record { offset: 24, ts_nanos: 1, linktype: 1, orig_len: frame.len() as u32, data: &frame };
    /// let d = decode_frame(1, &frame, 0);
    /// assert_eq!(Proto::of(&d).name(), "IPv4/UDP");
    /// ```
    pub fn of(d: &Decoded<'_>) -> Proto {
        if d.is_malformed() {
            return Proto::Malformed;
        }
        let transport = d.transport.unwrap_or(255);
        if d.ipv4.is_some() {
            return match transport {
                _ if d.later_fragment => Proto::Ipv4Fragment,
                ip_proto::TCP => Proto::Ipv4Tcp,
                ip_proto::UDP => Proto::Ipv4Udp,
                ip_proto::ICMP => Proto::Ipv4Icmp,
                _ => Proto::Ipv4Other,
            };
        }
        if d.ipv6.is_some() {
            return match transport {
                _ if d.later_fragment => Proto::Ipv6Fragment,
                ip_proto::TCP => Proto::Ipv6Tcp,
                ip_proto::UDP => Proto::Ipv6Udp,
                ip_proto::ICMPV6 => Proto::Ipv6Icmpv6,
                _ => Proto::Ipv6Other,
            };
        }
        match d.ethertype {
            Some(ethernet::ETHERTYPE_ARP) => Proto::Arp,
            Some(_) => Proto::OtherEthertype,
            None => Proto::OtherLink,
        }
    }
}

/// Packets and bytes.
///
/// ```
/// # use lake_examples::capture::Record;
/// # use lake_examples::decode::decode_frame;
/// # use lake_examples::stats::{Proto, Stats};
/// let frame = lake_examples::sample::dns_query_frame();
/// let rec = Record { offset: 24, ts_nanos: 1, linktype: 1, orig_len: frame.len() as u32, data: &frame };
/// let d = decode_frame(1, &frame, 0);
/// let mut s = Stats::new();
/// s.add(1, &rec, &d);
/// assert_eq!(s.protocols[Proto::Ipv4Udp as usize].bytes, frame.len() as u64);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    /// Packets.
    pub packets: u64,
    /// Captured bytes.
    pub bytes: u64,
}

/// Frames of one (layer, reason): how many, and the first packet numbers (1-based).
///
/// ```
/// use lake_examples::stats::Tally;
///
/// let mut t = Tally::default();
/// for n in [4, 9, 12, 20, 31, 40] {
///     t.push(n);
/// }
/// assert_eq!((t.count, t.first()), (6, &[4, 9, 12, 20, 31][..]));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Frames.
    pub count: u64,
    first: [u64; FIRST_EXAMPLES],
    kept: u8,
}

impl Tally {
    /// Counts frame `number`, keeping it as an example while fewer than [`FIRST_EXAMPLES`]
    /// are kept.
    #[inline]
    pub fn push(&mut self, number: u64) {
        self.count += 1;
        if let Some(slot) = self.first.get_mut(usize::from(self.kept)) {
            *slot = number;
            self.kept += 1;
        }
    }

    /// The first packet numbers, in the order counted.
    pub fn first(&self) -> &[u64] {
        &self.first[..usize::from(self.kept)]
    }
}

/// Faulty frames by (layer, reason): a fixed table with a slot for every pair, so counting a
/// frame is an index, and memory does not depend on the input.
///
/// ```
/// use lake_examples::decode::{Layer, Reason};
/// use lake_examples::stats::FaultTable;
///
/// let mut t = FaultTable::default();
/// t.push(Layer::Udp, Reason::BadUdpLength, 7);
/// t.push(Layer::Ipv4, Reason::BadIhl, 9);
/// let keys: Vec<_> = t.keys().collect();
/// assert_eq!(keys, [(Layer::Ipv4, Reason::BadIhl), (Layer::Udp, Reason::BadUdpLength)]);
/// assert_eq!((t.total(), t.is_empty()), (2, false));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultTable {
    slots: [Tally; Layer::COUNT * Reason::COUNT],
}

impl Default for FaultTable {
    fn default() -> Self {
        FaultTable {
            slots: [Tally::default(); Layer::COUNT * Reason::COUNT],
        }
    }
}

impl FaultTable {
    /// Counts frame `number` under (`layer`, `reason`).
    #[inline]
    pub fn push(&mut self, layer: Layer, reason: Reason, number: u64) {
        self.slots[layer as usize * Reason::COUNT + reason as usize].push(number);
    }

    /// The (layer, reason) pairs with at least one frame and their tallies, in layer order
    /// then reason order.
    pub fn iter(&self) -> impl Iterator<Item = ((Layer, Reason), &Tally)> + '_ {
        Layer::ALL
            .iter()
            .flat_map(|&l| Reason::ALL.iter().map(move |&r| (l, r)))
            .zip(self.slots.iter())
            .filter(|(_, t)| t.count > 0)
    }

    /// The (layer, reason) pairs with at least one frame.
    pub fn keys(&self) -> impl Iterator<Item = (Layer, Reason)> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The tallies with at least one frame.
    pub fn values(&self) -> impl Iterator<Item = &Tally> + '_ {
        self.iter().map(|(_, t)| t)
    }

    /// Frames in total.
    pub fn total(&self) -> u64 {
        self.slots.iter().map(|t| t.count).sum()
    }

    /// Whether no frame is counted.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// Adds `other`, whose packet numbers are `before` lower than they are here.
    pub fn merge(&mut self, other: &FaultTable, before: u64) {
        for (mine, theirs) in self.slots.iter_mut().zip(&other.slots) {
            let count = mine.count + theirs.count;
            for &n in theirs.first() {
                mine.push(n + before);
            }
            mine.count = count;
        }
    }
}

/// The counters of an analysis.
///
/// ```
/// # use lake_examples::capture::Record;
/// # use lake_examples::decode::decode_frame;
/// # use lake_examples::stats::{Proto, Stats};
/// let frame = lake_examples::sample::dns_query_frame();
/// let rec = Record { offset: 24, ts_nanos: 1, linktype: 1, orig_len: frame.len() as u32, data: &frame };
/// let d = decode_frame(1, &frame, 0);
/// let mut s = Stats::new();
/// s.add(1, &rec, &d);
/// assert_eq!((s.packets, s.flows.len(), s.malformed_total()), (1, 1, 0));
/// ```
#[derive(Debug, Default)]
pub struct Stats {
    /// Records read.
    pub packets: u64,
    /// Captured bytes.
    pub bytes: u64,
    /// Bytes on the wire (original lengths).
    pub wire_bytes: u64,
    /// Packets and captured bytes per [`Proto`] (indexed by `Proto as usize`).
    pub protocols: [Count; Proto::COUNT],
    /// Malformed frames.
    pub malformed: FaultTable,
    /// Frames cut by the capture's snap length.
    pub truncated: FaultTable,
    /// Flows.
    pub flows: FlowTable,
    /// Earliest timestamp seen (ns), `u64::MAX` when none.
    pub first_ns: u64,
    /// Latest timestamp seen (ns).
    pub last_ns: u64,
}

fn tally(table: &mut FaultTable, fault: Fault, number: u64) {
    table.push(fault.layer, fault.reason, number);
}

impl Stats {
    /// Empty counters.
    ///
    /// ```
    /// assert_eq!(lake_examples::stats::Stats::new().packets, 0);
    /// ```
    pub fn new() -> Self {
        Stats {
            first_ns: u64::MAX,
            ..Stats::default()
        }
    }

    /// Counts record number `number` (1-based) and its decoding.
    ///
    /// ```
    /// use lake_examples::capture::Record;
    /// use lake_examples::decode::{decode_frame, LINKTYPE_ETHERNET};
    /// use lake_examples::stats::{Proto, Stats};
    ///
    /// let frame = lake_examples::sample::dns_query_frame();
    /// let rec = Record { offset: 24, ts_nanos: 7, linktype: 1, orig_len: frame.len() as u32, data: &frame };
    /// let mut s = Stats::new();
    /// s.add(1, &rec, &decode_frame(LINKTYPE_ETHERNET, &frame, 0));
    /// assert_eq!(s.protocols[Proto::Ipv4Udp as usize].packets, 1);
    /// assert_eq!(s.flows.len(), 1);
    /// ```
    #[inline]
    pub fn add(&mut self, number: u64, rec: &Record<'_>, d: &Decoded<'_>) {
        let captured = rec.data.len() as u64;
        self.packets += 1;
        self.bytes += captured;
        self.wire_bytes += u64::from(rec.orig_len);
        self.first_ns = self.first_ns.min(rec.ts_nanos);
        self.last_ns = self.last_ns.max(rec.ts_nanos);
        let c = &mut self.protocols[Proto::of(d) as usize];
        c.packets += 1;
        c.bytes += captured;
        match d.fault {
            Some(f) if f.kind == FaultKind::Malformed => tally(&mut self.malformed, f, number),
            Some(f) => tally(&mut self.truncated, f, number),
            None => {}
        }
        if d.is_malformed() {
            return;
        }
        if let Some(key) = FlowKey::of(d) {
            let flags = d.tcp.map_or(0, |t| t.flags());
            self.flows
                .add(key, u64::from(rec.orig_len), rec.ts_nanos, flags);
        }
    }

    /// Adds `other`, whose packet numbers count from the start of its own part of the file,
    /// `before` packets after this one's start.
    ///
    /// ```
    /// # use lake_examples::capture::Record;
    /// # use lake_examples::decode::decode_frame;
    /// # use lake_examples::stats::Stats;
    /// let rec = Record { offset: 24, ts_nanos: 1, linktype: 1, orig_len: 5, data: &[0; 5] };
    /// let (mut first, mut second) = (Stats::new(), Stats::new());
    /// first.add(1, &rec, &decode_frame(1, rec.data, 0));
    /// second.add(1, &rec, &decode_frame(1, rec.data, 0)); // packet 1 of the second part…
    /// first.merge(second, 1); // …which starts after 1 packet
    /// assert_eq!(first.malformed.values().next().unwrap().first(), [1, 2]);
    /// ```
    pub fn merge(&mut self, other: Stats, before: u64) {
        self.packets += other.packets;
        self.bytes += other.bytes;
        self.wire_bytes += other.wire_bytes;
        self.first_ns = self.first_ns.min(other.first_ns);
        self.last_ns = self.last_ns.max(other.last_ns);
        for (mine, theirs) in self.protocols.iter_mut().zip(other.protocols) {
            mine.packets += theirs.packets;
            mine.bytes += theirs.bytes;
        }
        self.malformed.merge(&other.malformed, before);
        self.truncated.merge(&other.truncated, before);
        self.flows.merge(other.flows);
    }

    /// Malformed frames in total.
    ///
    /// ```
    /// assert_eq!(lake_examples::stats::Stats::new().malformed_total(), 0);
    /// ```
    pub fn malformed_total(&self) -> u64 {
        self.malformed.total()
    }

    /// Truncated frames in total.
    ///
    /// ```
    /// assert_eq!(lake_examples::stats::Stats::new().truncated_total(), 0);
    /// ```
    pub fn truncated_total(&self) -> u64 {
        self.truncated.total()
    }
}
