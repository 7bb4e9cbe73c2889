//! Why a frame did not decode to the end: the layer, the reason, and whether the bytes are
//! wrong (malformed) or merely missing because the capture cut the frame (truncated).

use std::fmt;

/// A protocol layer, as named in reports (`ethernet`, `vlan`, `ipv4`, …).
///
/// ```
/// use lake_examples::decode::{decode_frame, Layer};
///
/// let d = decode_frame(1, &[0; 10], 0); // 10 bytes: not even an Ethernet header
/// assert_eq!(d.fault.map(|f| f.layer), Some(Layer::Ethernet));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// Ethernet II header.
    Ethernet,
    /// 802.1Q / 802.1ad VLAN tag.
    Vlan,
    /// Linux cooked header (SLL or SLL2).
    Sll,
    /// IPv4 header.
    Ipv4,
    /// IPv6 fixed header.
    Ipv6,
    /// IPv6 extension header.
    Ipv6Ext,
    /// TCP header.
    Tcp,
    /// UDP header.
    Udp,
    /// ICMP header.
    Icmp,
    /// ICMPv6 header.
    Icmpv6,
}

impl Layer {
    /// Number of layers.
    pub const COUNT: usize = 10;

    /// Every layer, in report order.
    pub const ALL: [Layer; Layer::COUNT] = [
        Layer::Ethernet,
        Layer::Vlan,
        Layer::Sll,
        Layer::Ipv4,
        Layer::Ipv6,
        Layer::Ipv6Ext,
        Layer::Tcp,
        Layer::Udp,
        Layer::Icmp,
        Layer::Icmpv6,
    ];

    /// The layer's name in reports and JSON.
    ///
    /// ```
    /// assert_eq!(lake_examples::decode::Layer::Ipv6Ext.name(), "ipv6-ext");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Layer::Ethernet => "ethernet",
            Layer::Vlan => "vlan",
            Layer::Sll => "sll",
            Layer::Ipv4 => "ipv4",
            Layer::Ipv6 => "ipv6",
            Layer::Ipv6Ext => "ipv6-ext",
            Layer::Tcp => "tcp",
            Layer::Udp => "udp",
            Layer::Icmp => "icmp",
            Layer::Icmpv6 => "icmpv6",
        }
    }
}

/// What was wrong at a layer.
///
/// ```
/// use lake_examples::decode::{decode_frame, Reason};
///
/// let mut frame = lake_examples::sample::dns_query_frame();
/// frame[14] = 0x44; // IHL 4: 16 bytes, below the 20 of the fixed header
/// assert_eq!(decode_frame(1, &frame, 0).fault.map(|f| f.reason), Some(Reason::BadIhl));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// Fewer bytes than the header needs.
    TruncatedHeader,
    /// IPv4 header length below 5 words.
    BadIhl,
    /// IPv4 total length past the frame or below the header.
    BadTotalLength,
    /// IPv6 payload length past the frame.
    BadPayloadLength,
    /// TCP data offset below 5 words or past the segment.
    BadDataOffset,
    /// UDP length below 8 or past the datagram.
    BadUdpLength,
    /// An IPv6 extension header runs past the packet.
    ExtHeaderPastFrame,
    /// An IP version that is not the one the link layer announced.
    BadVersion,
    /// Any other rule of the header's definition.
    Invalid,
}

impl Reason {
    /// Number of reasons.
    pub const COUNT: usize = 9;

    /// Every reason, in report order.
    pub const ALL: [Reason; Reason::COUNT] = [
        Reason::TruncatedHeader,
        Reason::BadIhl,
        Reason::BadTotalLength,
        Reason::BadPayloadLength,
        Reason::BadDataOffset,
        Reason::BadUdpLength,
        Reason::ExtHeaderPastFrame,
        Reason::BadVersion,
        Reason::Invalid,
    ];

    /// The reason's name in reports and JSON.
    ///
    /// ```
    /// assert_eq!(lake_examples::decode::Reason::BadIhl.name(), "bad-ihl");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Reason::TruncatedHeader => "truncated-header",
            Reason::BadIhl => "bad-ihl",
            Reason::BadTotalLength => "bad-total-length",
            Reason::BadPayloadLength => "bad-payload-length",
            Reason::BadDataOffset => "bad-data-offset",
            Reason::BadUdpLength => "bad-udp-length",
            Reason::ExtHeaderPastFrame => "ext-header-past-frame",
            Reason::BadVersion => "bad-version",
            Reason::Invalid => "invalid",
        }
    }
}

/// Whether the frame's bytes are wrong or only cut short by the capture's snap length.
///
/// ```
/// use lake_examples::decode::{decode_frame, FaultKind};
///
/// let frame = lake_examples::sample::dns_query_frame();
/// let kind = |missing| decode_frame(1, &frame[..30], missing).fault.map(|f| f.kind);
/// assert_eq!(kind(0), Some(FaultKind::Malformed)); // 30 bytes was the whole packet
/// assert_eq!(kind(frame.len() - 30), Some(FaultKind::Truncated)); // the rest was not captured
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// The bytes contradict the protocol: no snap length explains them.
    Malformed,
    /// The record's captured length is below its original length and the missing bytes
    /// explain the fault: the frame was decoded as far as its captured bytes go.
    Truncated,
}

impl FaultKind {
    /// `"malformed"` or `"truncated"`.
    ///
    /// ```
    /// assert_eq!(lake_examples::decode::FaultKind::Truncated.name(), "truncated");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Malformed => "malformed",
            FaultKind::Truncated => "truncated",
        }
    }
}

/// Where and why a frame stopped decoding (or, for [`FaultKind::Truncated`], where the
/// capture cut it).
///
/// ```
/// use lake_examples::decode::{Fault, FaultKind, Layer, Reason};
///
/// let f = Fault { layer: Layer::Udp, reason: Reason::BadUdpLength, kind: FaultKind::Malformed };
/// assert_eq!(f.to_string(), "malformed udp: bad-udp-length");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fault {
    /// The layer at fault.
    pub layer: Layer,
    /// What was wrong.
    pub reason: Reason,
    /// Malformed or truncated.
    pub kind: FaultKind,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.kind.name(),
            self.layer.name(),
            self.reason.name()
        )
    }
}
