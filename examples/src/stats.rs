//! The counters of an analysis: packets and bytes by protocol, malformed and truncated
//! frames by layer and reason (with the first few packet numbers), and the flow table.
//! Their size depends on the number of flows, never on the number of packets.

use std::collections::BTreeMap;

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
/// # use lake_examples::capture::Record;
/// # use lake_examples::decode::decode_frame;
/// # use lake_examples::stats::Stats;
/// let rec = Record { offset: 24, ts_nanos: 1, linktype: 1, orig_len: 5, data: &[0; 5] };
/// let mut s = Stats::new();
/// s.add(3, &rec, &decode_frame(1, rec.data, 0));
/// let tally = s.malformed.values().next().unwrap();
/// assert_eq!((tally.count, tally.first.as_slice()), (1, &[3][..]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Frames.
    pub count: u64,
    /// The first [`FIRST_EXAMPLES`] packet numbers, ascending.
    pub first: Vec<u64>,
}

/// Faulty frames by (layer, reason).
///
/// ```
/// let t = lake_examples::stats::FaultTable::new();
/// assert!(t.is_empty());
/// ```
pub type FaultTable = BTreeMap<(Layer, Reason), Tally>;

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
    let t = table.entry((fault.layer, fault.reason)).or_default();
    t.count += 1;
    if t.first.len() < FIRST_EXAMPLES {
        t.first.push(number);
    }
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
    /// assert_eq!(first.malformed.values().next().unwrap().first, [1, 2]);
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
        for (mine, theirs) in [
            (&mut self.malformed, other.malformed),
            (&mut self.truncated, other.truncated),
        ] {
            for (k, t) in theirs {
                let m = mine.entry(k).or_default();
                m.count += t.count;
                for n in t.first {
                    if m.first.len() < FIRST_EXAMPLES {
                        m.first.push(n + before);
                    }
                }
            }
        }
        self.flows.merge(other.flows);
    }

    /// Malformed frames in total.
    ///
    /// ```
    /// assert_eq!(lake_examples::stats::Stats::new().malformed_total(), 0);
    /// ```
    pub fn malformed_total(&self) -> u64 {
        self.malformed.values().map(|t| t.count).sum()
    }

    /// Truncated frames in total.
    ///
    /// ```
    /// assert_eq!(lake_examples::stats::Stats::new().truncated_total(), 0);
    /// ```
    pub fn truncated_total(&self) -> u64 {
        self.truncated.values().map(|t| t.count).sum()
    }
}
