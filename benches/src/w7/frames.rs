//! W7's input: a deterministic corpus of Ethernet II + IPv4 + UDP frames, packed back to back
//! in one buffer with an offset index, built outside any timed code.
//!
//! Every frame is well formed: IPv4 version 4, IHL 5..=8 (about one frame in four carries
//! options: NOPs ending in an end-of-list byte), a correct IPv4 header checksum, a UDP length
//! that covers header and payload, and a correct UDP checksum over the IPv4 pseudo-header.
//! Short frames are zero-padded to Ethernet's 60-byte minimum (no FCS), so in those frames the
//! IPv4 `total_len` is shorter than the frame and a parser must cut the UDP datagram at
//! `total_len`, not at the end of the frame.
//!
//! The generator records the fields it wrote, so [`Frames::expected_sum`] is computed from the
//! generator's own values, independently of every parser under test.

/// Frames in one W7 round.
pub const FRAMES: usize = 100_000;

/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;

/// IP protocol number of UDP.
pub const IPPROTO_UDP: u8 = 17;

/// Ethernet's minimum frame length without the frame check sequence.
pub const MIN_FRAME: usize = 60;

/// The three fields W7 reads from every frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fields {
    /// IPv4 source address, as a big-endian `u32`.
    pub src: u32,
    /// UDP destination port.
    pub dst_port: u16,
    /// UDP length field (header + payload bytes).
    pub udp_len: u16,
}

impl Fields {
    /// What a round adds to its sum for this frame: `src + dst_port + udp_len`.
    #[inline(always)]
    pub fn value(self) -> u64 {
        u64::from(self.src) + u64::from(self.dst_port) + u64::from(self.udp_len)
    }
}

/// xorshift64 (Marsaglia, shifts 13/7/17): the corpus's only source of variation.
#[derive(Clone, Debug)]
pub struct XorShift64(pub u64);

impl XorShift64 {
    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A value in `0..n` (`n > 0`; modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The RFC 1071 internet checksum of `data` (one's-complement sum of big-endian 16-bit
/// words, an odd last byte padded with zero), folded and complemented, starting from the
/// partial sum `initial`.
pub fn internet_checksum(initial: u32, data: &[u8]) -> u16 {
    let mut sum = u64::from(initial);
    let mut chunks = data.chunks_exact(2);
    for pair in &mut chunks {
        sum += u64::from(u16::from_be_bytes([pair[0], pair[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u64::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// One frame's parameters, as the generator chose them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameSpec {
    /// Destination MAC address.
    pub dst_mac: [u8; 6],
    /// Source MAC address.
    pub src_mac: [u8; 6],
    /// IPv4 type of service byte.
    pub tos: u8,
    /// IPv4 identification.
    pub id: u16,
    /// IPv4 flags (3 bits) and fragment offset (13 bits); always offset 0 here.
    pub flags_frag: u16,
    /// IPv4 time to live.
    pub ttl: u8,
    /// IPv4 source address.
    pub src: [u8; 4],
    /// IPv4 destination address.
    pub dst: [u8; 4],
    /// IPv4 option bytes (a multiple of 4, at most 40).
    pub options: Vec<u8>,
    /// UDP source port.
    pub src_port: u16,
    /// UDP destination port.
    pub dst_port: u16,
    /// UDP payload.
    pub payload: Vec<u8>,
}

impl FrameSpec {
    /// A pseudo-random frame: about one in four with 4..=12 option bytes, payload 0..=127
    /// bytes, destination ports drawn from a few well-known ones or at random.
    pub fn random(rng: &mut XorShift64) -> FrameSpec {
        let mac = |rng: &mut XorShift64| {
            let b = rng.next_u64().to_be_bytes();
            // Locally administered, unicast.
            [(b[0] & 0xfc) | 0x02, b[1], b[2], b[3], b[4], b[5]]
        };
        let dst_mac = mac(rng);
        let src_mac = mac(rng);
        let options = if rng.below(4) == 0 {
            let words = 1 + rng.below(3) as usize; // IHL 6..=8
            let mut o = vec![1u8; words * 4]; // NOP
            *o.last_mut().expect("non-empty") = 0; // end of option list
            o
        } else {
            Vec::new()
        };
        let bits = rng.next_u64();
        let dst_port = match rng.below(4) {
            0 => 53,
            1 => 123,
            2 => 443,
            _ => (rng.below(65_535) + 1) as u16,
        };
        let payload_len = rng.below(128) as usize;
        let payload: Vec<u8> = (0..payload_len).map(|_| rng.next_u64() as u8).collect();
        FrameSpec {
            dst_mac,
            src_mac,
            tos: bits as u8,
            id: (bits >> 8) as u16,
            flags_frag: if bits & (1 << 24) != 0 { 0x4000 } else { 0 }, // DF or nothing
            ttl: [64, 128, 255][(bits >> 25) as usize % 3],
            src: (rng.next_u64() as u32).to_be_bytes(),
            dst: (rng.next_u64() as u32).to_be_bytes(),
            options,
            src_port: (rng.below(64_511) + 1024) as u16,
            dst_port,
            payload,
        }
    }

    /// The IPv4 header length in bytes (20 + options).
    pub fn ip_header_len(&self) -> usize {
        20 + self.options.len()
    }

    /// The UDP length field: header + payload.
    pub fn udp_len(&self) -> u16 {
        (8 + self.payload.len()) as u16
    }

    /// The IPv4 total length field: IPv4 header + UDP datagram.
    pub fn total_len(&self) -> u16 {
        (self.ip_header_len() + usize::from(self.udp_len())) as u16
    }

    /// The fields W7 reads, straight from the generator's values.
    pub fn fields(&self) -> Fields {
        Fields {
            src: u32::from_be_bytes(self.src),
            dst_port: self.dst_port,
            udp_len: self.udp_len(),
        }
    }

    /// Appends the encoded frame to `out` (zero-padded to [`MIN_FRAME`]).
    pub fn encode(&self, out: &mut Vec<u8>) {
        assert!(self.options.len() % 4 == 0 && self.options.len() <= 40);
        let start = out.len();
        out.extend_from_slice(&self.dst_mac);
        out.extend_from_slice(&self.src_mac);
        out.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());

        let ip_start = out.len();
        let ihl = (self.ip_header_len() / 4) as u8;
        out.push(0x40 | ihl);
        out.push(self.tos);
        out.extend_from_slice(&self.total_len().to_be_bytes());
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&self.flags_frag.to_be_bytes());
        out.push(self.ttl);
        out.push(IPPROTO_UDP);
        out.extend_from_slice(&[0, 0]); // checksum, filled below
        out.extend_from_slice(&self.src);
        out.extend_from_slice(&self.dst);
        out.extend_from_slice(&self.options);
        let ip_sum = internet_checksum(0, &out[ip_start..]);
        out[ip_start + 10..ip_start + 12].copy_from_slice(&ip_sum.to_be_bytes());

        let udp_start = out.len();
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&self.udp_len().to_be_bytes());
        out.extend_from_slice(&[0, 0]); // checksum, filled below
        out.extend_from_slice(&self.payload);
        // Pseudo-header: source, destination, zero + protocol, UDP length.
        let mut pseudo = 0u32;
        for pair in self.src.chunks(2).chain(self.dst.chunks(2)) {
            pseudo += u32::from(u16::from_be_bytes([pair[0], pair[1]]));
        }
        pseudo += u32::from(IPPROTO_UDP) + u32::from(self.udp_len());
        let udp_sum = match internet_checksum(pseudo, &out[udp_start..]) {
            0 => 0xffff, // RFC 768: a computed zero is sent as all ones
            s => s,
        };
        out[udp_start + 6..udp_start + 8].copy_from_slice(&udp_sum.to_be_bytes());

        if out.len() - start < MIN_FRAME {
            out.resize(start + MIN_FRAME, 0);
        }
    }
}

/// The W7 corpus: frames back to back in [`data`](Frames::data), frame `i` at
/// `data[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Debug)]
pub struct Frames {
    /// All frames, back to back.
    pub data: Vec<u8>,
    /// `len() + 1` offsets into `data`; the last is `data.len()`.
    pub offsets: Vec<usize>,
    /// The fields of every frame, from the generator.
    pub fields: Vec<Fields>,
}

impl Frames {
    /// The one W7 corpus every run uses: [`FRAMES`] frames from a fixed seed.
    pub fn w7() -> Frames {
        Frames::generate(FRAMES, 0x5eed_0f1a_4e00_0007)
    }

    /// `n` frames from `seed` (non-zero).
    pub fn generate(n: usize, seed: u64) -> Frames {
        let mut rng = XorShift64(seed);
        let specs: Vec<FrameSpec> = (0..n).map(|_| FrameSpec::random(&mut rng)).collect();
        Frames::from_specs(&specs)
    }

    /// Encodes `specs` back to back.
    pub fn from_specs(specs: &[FrameSpec]) -> Frames {
        let mut data = Vec::with_capacity(specs.len() * 128);
        let mut offsets = Vec::with_capacity(specs.len() + 1);
        offsets.push(0);
        for spec in specs {
            spec.encode(&mut data);
            offsets.push(data.len());
        }
        Frames {
            data,
            offsets,
            fields: specs.iter().map(FrameSpec::fields).collect(),
        }
    }

    /// The number of frames.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no frames.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frame `i`.
    pub fn frame(&self, i: usize) -> &[u8] {
        &self.data[self.offsets[i]..self.offsets[i + 1]]
    }

    /// All frames, in order.
    #[inline(always)]
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.offsets.windows(2).map(|w| &self.data[w[0]..w[1]])
    }

    /// The round sum every contender must compute: `Σ (src + dst_port + udp_len)`, wrapping,
    /// from the generator's values.
    pub fn expected_sum(&self) -> u64 {
        self.fields
            .iter()
            .fold(0u64, |sum, f| sum.wrapping_add(f.value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071 §3's worked example: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's
    /// complement), so the checksum is !ddf2 = 220d.
    #[test]
    fn checksum_matches_rfc1071_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(internet_checksum(0, &data), 0x220d);
    }

    #[test]
    fn headers_verify_and_shape_varies() {
        let frames = Frames::generate(2_000, 7);
        let (mut with_options, mut padded) = (0, 0);
        for (i, f) in frames.iter().enumerate() {
            assert!(f.len() >= MIN_FRAME);
            let ihl = usize::from(f[14] & 0x0f) * 4;
            // A correct header checksums to zero.
            assert_eq!(internet_checksum(0, &f[14..14 + ihl]), 0, "frame {i}");
            let total = usize::from(u16::from_be_bytes([f[16], f[17]]));
            if 14 + total < f.len() {
                padded += 1;
            }
            if ihl > 20 {
                with_options += 1;
            }
            assert_eq!(frames.fields[i].udp_len as usize, total - ihl);
            // So does the UDP datagram with its pseudo-header.
            let mut pseudo = 0u32;
            for pair in f[26..34].chunks(2) {
                pseudo += u32::from(u16::from_be_bytes([pair[0], pair[1]]));
            }
            pseudo += u32::from(IPPROTO_UDP) + (total - ihl) as u32;
            assert_eq!(
                internet_checksum(pseudo, &f[14 + ihl..14 + total]),
                0,
                "frame {i}"
            );
        }
        assert!(with_options > 300 && with_options < 700, "{with_options}");
        assert!(padded > 0);
    }

    #[test]
    fn corpus_is_deterministic() {
        let a = Frames::generate(100, 3);
        let b = Frames::generate(100, 3);
        assert_eq!(a.data, b.data);
        assert_eq!(a.offsets.len(), 101);
        assert_ne!(a.data, Frames::generate(100, 4).data);
    }
}
