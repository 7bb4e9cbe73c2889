//! One layer of a possibly cut frame, read through a `#[lake::packet]` definition.
//!
//! [`lake::wire::View::parse`] checks a header against the bytes it is given. A record cut
//! at the snap length has fewer bytes than its headers' length fields count, and that is
//! not corruption: [`Cut::parse`] checks the definition's rules (through
//! [`Packet::extent`]) against the length the packet had *on the wire*, then hands out the
//! header and whatever part of its payload was captured, and says how much is missing.

use lake::wire::{ErrorKind, Packet};

use super::fault::{Fault, FaultKind, Layer, Reason};

/// A header, its captured options and payload, and how many payload bytes the capture cut.
///
/// ```
/// use lake_examples::decode::{Cut, Layer};
/// use lake_examples::proto::Ipv4Header;
///
/// let frame = lake_examples::sample::dns_query_frame();
/// let ip = Cut::<Ipv4Header>::parse(&frame[14..], 0, Layer::Ipv4).unwrap();
/// assert_eq!((ip.header.ttl(), ip.missing, ip.length_cut), (64, 0, false));
/// ```
#[derive(Debug)]
pub struct Cut<'a, P> {
    /// The fixed header, in place in the frame.
    pub header: &'a P,
    /// Captured payload bytes (up to the header's own length field, if it has one).
    pub payload: &'a [u8],
    /// Payload bytes that were on the wire but not captured.
    pub missing: usize,
    /// Whether a length field counts past the captured bytes (within the wire length).
    pub length_cut: bool,
}

impl<P> Clone for Cut<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P> Copy for Cut<'_, P> {}

/// The reason a layer's length rule broke, named by the layer.
fn length_reason(layer: Layer) -> Reason {
    match layer {
        Layer::Ipv4 => Reason::BadTotalLength,
        Layer::Ipv6 => Reason::BadPayloadLength,
        Layer::Udp => Reason::BadUdpLength,
        Layer::Tcp => Reason::BadDataOffset,
        Layer::Ipv6Ext => Reason::ExtHeaderPastFrame,
        _ => Reason::TruncatedHeader,
    }
}

fn reason_of(layer: Layer, kind: &ErrorKind) -> Reason {
    match *kind {
        ErrorKind::Value { .. } => Reason::BadVersion,
        ErrorKind::HeaderLen { .. } if layer == Layer::Ipv4 => Reason::BadIhl,
        ErrorKind::HeaderLen { .. } if layer == Layer::Tcp => Reason::BadDataOffset,
        ErrorKind::LengthField { .. } => length_reason(layer),
        // The fixed header is there (checked before): its header-length field reaches past
        // the packet.
        ErrorKind::Truncated { .. } => length_reason(layer),
        _ => Reason::Invalid,
    }
}

impl<'a, P: Packet> Cut<'a, P> {
    /// Reads a `P` at the start of `buf`, whose packet had `missing` more bytes on the wire
    /// after `buf`'s end. With `missing == 0` it accepts exactly what
    /// [`View::parse`](lake::wire::View::parse) accepts.
    ///
    /// # Errors
    ///
    /// A [`Fault`] at `layer`: [`FaultKind::Truncated`] when the captured bytes end inside
    /// the header but the wire length holds it, [`FaultKind::Malformed`] when the header
    /// breaks a rule of `P` even at the wire length.
    ///
    /// ```
    /// use lake_examples::decode::{Cut, FaultKind, Layer, Reason};
    /// use lake_examples::proto::UdpHeader;
    ///
    /// // A UDP header whose length (100) runs past the 10 captured bytes…
    /// let udp = [0, 53, 0, 53, 0, 100, 0, 0, 1, 2];
    /// // …is a cut datagram when 90 more bytes were on the wire,
    /// let cut = Cut::<UdpHeader>::parse(&udp, 90, Layer::Udp).unwrap();
    /// assert_eq!((cut.header.length(), cut.payload, cut.missing), (100, &[1u8, 2][..], 90));
    /// // and a malformed one when they were not.
    /// let err = Cut::<UdpHeader>::parse(&udp, 0, Layer::Udp).unwrap_err();
    /// assert_eq!((err.reason, err.kind), (Reason::BadUdpLength, FaultKind::Malformed));
    /// ```
    pub fn parse(buf: &'a [u8], missing: usize, layer: Layer) -> Result<Self, Fault> {
        let wire = buf.len().saturating_add(missing);
        let fault = |reason, cut: bool| Fault {
            layer,
            reason,
            kind: if cut {
                FaultKind::Truncated
            } else {
                FaultKind::Malformed
            },
        };
        let Ok((header, _)) = P::ref_from_prefix(buf) else {
            return Err(fault(Reason::TruncatedHeader, wire >= P::FIXED_LEN));
        };
        let extent = header
            .extent(wire)
            .map_err(|e| fault(reason_of(layer, &e.kind), false))?;
        let header_len = extent.header_len.max(P::FIXED_LEN);
        let total = extent
            .total_len()
            .filter(|&t| t <= wire)
            .ok_or(fault(length_reason(layer), false))?;
        if header_len > buf.len() {
            // The header's own length field (IHL, data offset) reaches past the capture.
            return Err(fault(Reason::TruncatedHeader, header_len <= wire));
        }
        let end = total.min(buf.len());
        Ok(Cut {
            header,
            payload: buf.get(header_len..end).unwrap_or(&[]),
            missing: total - end,
            length_cut: total > buf.len(),
        })
    }
}
