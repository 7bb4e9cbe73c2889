#!/usr/bin/env python3
"""Writes the hand-made bad inputs in this directory (deterministic, no capture needed).

    python3 examples/data/make_broken.py

malformed.pcap / malformed.expected.tsv
    A classic pcap (Ethernet) whose frames are malformed one reason at a time,
    plus three records cut by the snap length (caplen < len) whose length fields
    point past the captured bytes (kind `truncated`). Frame 1 is a valid UDP
    frame and is not listed in the expected file. Columns: frame (1-based),
    layer, reason, kind. Each listed frame has exactly one problem, at the
    listed layer; the layers below it are well formed. For a `truncated`
    record the listed layer is the first one whose header or length field runs
    past the captured bytes (layers above it may run past them too).

broken/*.pcap(ng) / broken/expected.tsv
    Containers that cannot be read to the end. Columns: file, offset, record.
    `offset` is the byte offset of the structure that cannot be read: the file
    header (0) or the start of the record's header / the pcapng block.
    `record` is 1 + the number of packet records read before the failure (so a
    bad file header is record 1, a bad second packet record is record 2).
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

LO4 = bytes([127, 0, 0, 1])
LO6 = bytes(15) + b"\x01"
MACS = bytes(12)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return (~total) & 0xFFFF


def eth(ethertype, payload):
    return MACS + struct.pack("!H", ethertype) + payload


def ipv4(payload, proto, *, ihl=5, total=None, version=4, ident=0x4C00, options=b""):
    total = 20 + len(options) + len(payload) if total is None else total
    hdr = struct.pack(
        "!BBHHHBBH4s4s", (version << 4) | ihl, 0, total, ident, 0x4000, 64, proto, 0, LO4, LO4
    ) + options
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(payload, nxt, *, plen=None, version=6):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", version << 28, plen, nxt, 64, LO6, LO6) + payload


def udp(payload, *, length=None, sport=47003, dport=47002):
    length = 8 + len(payload) if length is None else length
    return struct.pack("!HHHH", sport, dport, length, 0) + payload


def tcp(payload, *, offset=5, sport=47100, dport=47001):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, offset << 4, 0x18, 512, 0, 0) + payload


def icmp_echo(payload):
    return struct.pack("!BBHHH", 8, 0, 0, 0x4C4B, 1) + payload


# ---------------------------------------------------------------- malformed.pcap

# (frame bytes, original length or None for caplen == len, layer, reason, kind)
FRAMES = [
    # 1: a well-formed frame, not listed in the expected file.
    (eth(0x0800, ipv4(udp(b"ok"), 17)), None, None, None, None),
    (MACS[:10], None, "ethernet", "truncated-header", "malformed"),
    (eth(0x8100, b"\x00\x0a"), None, "vlan", "truncated-header", "malformed"),
    (eth(0x0800, ipv4(b"", 17)[:12]), None, "ipv4", "truncated-header", "malformed"),
    (eth(0x0800, ipv4(udp(b"v"), 17, version=6)), None, "ipv4", "bad-version", "malformed"),
    (eth(0x0800, ipv4(udp(b"ihl"), 17, ihl=3)), None, "ipv4", "bad-ihl", "malformed"),
    (eth(0x0800, ipv4(udp(b"long"), 17, total=200)), None, "ipv4", "bad-total-length", "malformed"),
    (eth(0x0800, ipv4(udp(b"short"), 17, total=10)), None, "ipv4", "bad-total-length", "malformed"),
    (eth(0x86DD, ipv6(udp(b"x"), 17)[:20]), None, "ipv6", "truncated-header", "malformed"),
    (eth(0x86DD, ipv6(udp(b"v"), 17, version=4)), None, "ipv6", "bad-version", "malformed"),
    (eth(0x86DD, ipv6(udp(b"plen"), 17, plen=300)), None, "ipv6", "bad-payload-length", "malformed"),
    # Hop-by-Hop header whose length field (1 -> 16 bytes) runs past the 8 bytes present.
    (eth(0x86DD, ipv6(bytes([17, 1, 1, 4, 0, 0, 0, 0]), 0)), None, "ipv6-ext", "ext-header-past-frame", "malformed"),
    # Destination Options after a valid Hop-by-Hop header; its length (3 -> 32 bytes) runs past.
    (
        eth(0x86DD, ipv6(bytes([60, 0, 1, 4, 0, 0, 0, 0]) + bytes([17, 3, 1, 4, 0, 0, 0, 0]) + bytes(8), 0)),
        None, "ipv6-ext", "ext-header-past-frame", "malformed",
    ),
    # Routing header (length 2 -> 24 bytes) with 16 bytes present.
    (eth(0x86DD, ipv6(bytes([17, 2, 0, 0, 0, 0, 0, 0]) + bytes(8), 43)), None, "ipv6-ext", "ext-header-past-frame", "malformed"),
    (eth(0x0800, ipv4(tcp(b"")[:10], 6)), None, "tcp", "truncated-header", "malformed"),
    (eth(0x0800, ipv4(tcp(b"do4", offset=4), 6)), None, "tcp", "bad-data-offset", "malformed"),
    (eth(0x0800, ipv4(tcp(b"", offset=15), 6)), None, "tcp", "bad-data-offset", "malformed"),
    (eth(0x86DD, ipv6(tcp(b"")[:12], 6)), None, "tcp", "truncated-header", "malformed"),
    (eth(0x0800, ipv4(udp(b"")[:4], 17)), None, "udp", "truncated-header", "malformed"),
    (eth(0x0800, ipv4(udp(b"len4", length=4), 17)), None, "udp", "bad-udp-length", "malformed"),
    (eth(0x0800, ipv4(udp(b"len100", length=100), 17)), None, "udp", "bad-udp-length", "malformed"),
    (eth(0x86DD, ipv6(udp(b"")[:6], 17)), None, "udp", "truncated-header", "malformed"),
    (eth(0x0800, ipv4(icmp_echo(b"")[:3], 1)), None, "icmp", "truncated-header", "malformed"),
    (eth(0x86DD, ipv6(b"\x80\x00\x00", 58)), None, "icmpv6", "truncated-header", "malformed"),
    # Cut by the snap length: the IPv4 total length (1040) points past the 60 captured
    # bytes but within the original 1054; the TCP header is complete.
    (eth(0x0800, ipv4(tcp(bytes(1000)), 6))[:60], 1054, "ipv4", "bad-total-length", "truncated"),
    # IPv6 payload length past the captured bytes, within the original length.
    (eth(0x86DD, ipv6(udp(bytes(500)), 17))[:66], 14 + 40 + 508, "ipv6", "bad-payload-length", "truncated"),
    # Cut inside the IPv4 header itself.
    (eth(0x0800, ipv4(udp(bytes(100)), 17))[:26], 14 + 20 + 108, "ipv4", "truncated-header", "truncated"),
]


def pcap_header(linktype=1, snaplen=65535, magic=0xA1B2C3D4, endian="<"):
    return struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(data, orig=None, ts=1_700_000_000, usec=0, endian="<", caplen=None):
    caplen = len(data) if caplen is None else caplen
    orig = len(data) if orig is None else orig
    return struct.pack(endian + "IIII", ts, usec, caplen, orig) + data


def write(path, data):
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(data)


def make_malformed():
    out = bytearray(pcap_header())
    rows = ["frame\tlayer\treason\tkind"]
    for i, (frame, orig, layer, reason, kind) in enumerate(FRAMES):
        out += pcap_record(frame, orig, usec=i)
        if layer is not None:
            rows.append("%d\t%s\t%s\t%s" % (i + 1, layer, reason, kind))
    write("malformed.pcap", bytes(out))
    write("malformed.expected.tsv", ("\n".join(rows) + "\n").encode())


# ---------------------------------------------------------------- broken containers

GOOD = eth(0x0800, ipv4(udp(b"lake-pcap broken container"), 17))  # 68 bytes


def pcapng_block(btype, body, endian="<", total=None):
    pad = (-len(body)) % 4
    length = 12 + len(body) + pad if total is None else total
    return struct.pack(endian + "II", btype, length) + body + bytes(pad) + struct.pack(endian + "I", length)


def pcapng_shb(endian="<"):
    body = struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1)
    return pcapng_block(0x0A0D0D0A, body, endian)


def pcapng_idb(endian="<", linktype=1):
    return pcapng_block(0x00000001, struct.pack(endian + "HHI", linktype, 0, 262144), endian)


def pcapng_epb(data, endian="<", total=None):
    body = struct.pack(endian + "IIIII", 0, 0x00060000, 0, len(data), len(data)) + data
    return pcapng_block(0x00000006, body, endian, total)


def make_broken():
    os.makedirs(os.path.join(HERE, "broken"), exist_ok=True)
    rows = ["file\toffset\trecord"]

    def add(name, data, offset, record):
        write(os.path.join("broken", name), data)
        rows.append("%s\t%d\t%d" % (name, offset, record))

    # The 24-byte file header cut to 10 bytes.
    add("short-global-header.pcap", pcap_header()[:10], 0, 1)

    # Three good records, then a fourth whose 68 captured bytes stop after 20.
    data = pcap_header() + b"".join(pcap_record(GOOD, usec=i) for i in range(3))
    fourth = len(data)
    data += pcap_record(GOOD, usec=3)[: 16 + 20]
    add("truncated-last-record.pcap", data, fourth, 4)

    # Two good records, then a record header cut after 8 of its 16 bytes.
    data = pcap_header() + b"".join(pcap_record(GOOD, usec=i) for i in range(2))
    third = len(data)
    data += pcap_record(GOOD, usec=2)[:8]
    add("truncated-record-header.pcap", data, third, 3)

    # A good record, then one claiming 0xFFFFFFF0 captured bytes (60 present).
    data = pcap_header() + pcap_record(GOOD)
    second = len(data)
    data += pcap_record(GOOD[:60], orig=60, caplen=0xFFFFFFF0, usec=1)
    add("huge-caplen.pcap", data, second, 2)

    # The same in a big-endian nanosecond pcap.
    data = pcap_header(magic=0xA1B23C4D, endian=">") + pcap_record(GOOD, endian=">")
    second = len(data)
    data += pcap_record(GOOD[:60], orig=60, caplen=0xFFFFFFF0, usec=1, endian=">")
    add("huge-caplen-be-ns.pcap", data, second, 2)

    # pcapng: SHB, IDB, one good EPB, then an EPB whose total length (98, within the
    # file) is not a multiple of 4; a good EPB follows it.
    good_epb = pcapng_epb(GOOD)
    data = pcapng_shb() + pcapng_idb() + good_epb
    bad = len(data)
    data += pcapng_epb(GOOD, total=len(good_epb) - 2) + good_epb
    add("pcapng-len-not-multiple-of-4.pcapng", data, bad, 2)

    # Big-endian pcapng: SHB, IDB, two good EPBs, then an EPB whose total length runs past EOF.
    data = pcapng_shb(">") + pcapng_idb(">") + pcapng_epb(GOOD, ">") + pcapng_epb(GOOD, ">")
    bad = len(data)
    data += pcapng_epb(GOOD, ">")[:40]
    add("pcapng-block-past-eof.pcapng", data, bad, 3)

    write(os.path.join("broken", "expected.tsv"), ("\n".join(rows) + "\n").encode())


if __name__ == "__main__":
    make_malformed()
    make_broken()
