#!/usr/bin/env python3
"""Generate the traffic recorded into the embedded capture.

Every packet goes to 127.0.0.1 or ::1 only (the loopback interface); nothing is
sent anywhere else. Run as root (raw and packet sockets). `make_captures.sh`
starts tcpdump on `lo`, runs this script, and stops tcpdump.

All sockets use ports 47000-47999 so that the capture filter in
`make_captures.sh` keeps other loopback traffic on the machine out of the file.

    python3 gen_traffic.py full    # the embedded capture (loopback.pcap)
    python3 gen_traffic.py small   # the short session recorded with `-i any`
"""

import socket
import struct
import sys
import threading
import time

V4 = "127.0.0.1"
V6 = "::1"
TCP_PORT = 47001
UDP_PORT = 47002
UDP_CLIENT_PORT = 47003
TCP_CLIENT_BASE = 47100
ICMP_IDENT = 0x4C4B  # "LK"

# Linux socket option numbers Python does not export everywhere.
IPV6_HOPOPTS = getattr(socket, "IPV6_HOPOPTS", 54)
IPV6_DSTOPTS = getattr(socket, "IPV6_DSTOPTS", 59)


def pattern(n, seed=0):
    """A readable, deterministic payload of n bytes."""
    base = b"lake-pcap loopback capture %d " % seed
    return (base * (n // len(base) + 1))[:n]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return (~total) & 0xFFFF


# ---------------------------------------------------------------- servers


def tcp_server(family, addr, ready, stop):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, TCP_PORT))
    srv.listen(16)
    srv.settimeout(0.2)
    ready.set()
    while not stop.is_set():
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        with conn:
            got = 0
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                got += len(chunk)
            # Reply with a short line whose size depends on what arrived.
            conn.sendall(b"received %d bytes\n" % got)
    srv.close()


def udp_server(family, addr, ready, stop):
    srv = socket.socket(family, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, UDP_PORT))
    srv.settimeout(0.2)
    ready.set()
    while not stop.is_set():
        try:
            data, peer = srv.recvfrom(65535)
        except socket.timeout:
            continue
        # Echo back at most 256 bytes so replies have sizes of their own.
        srv.sendto(data[:256], peer)
    srv.close()


# ---------------------------------------------------------------- clients


def tcp_session(family, addr, client_port, size):
    c = socket.socket(family, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((addr, client_port))
    c.connect((addr, TCP_PORT))
    if size:
        c.sendall(pattern(size, size))
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()
    time.sleep(0.02)


def udp_client(family, addr):
    c = socket.socket(family, socket.SOCK_DGRAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((addr, UDP_CLIENT_PORT))
    c.settimeout(1.0)
    return c


def udp_exchange(c, addr, size):
    c.sendto(pattern(size, size), (addr, UDP_PORT))
    c.recvfrom(65535)
    time.sleep(0.005)


def udp6_with_ext(addr, option, sizes):
    """UDP over IPv6 with a Hop-by-Hop or Destination Options header (sticky option)."""
    c = udp_client(socket.AF_INET6, addr)
    # Next header (filled by the kernel), length 0 (8 bytes), PadN of 4 bytes.
    c.setsockopt(socket.IPPROTO_IPV6, option, b"\x00\x00\x01\x04\x00\x00\x00\x00")
    for size in sizes:
        udp_exchange(c, addr, size)
    c.close()


def udp6_fragmented(size, frag_payload=1232):
    """A UDP datagram to ::1 sent as IPv6 Fragment-header packets.

    The kernel does not fragment locally generated UDP on lo (its MTU is 65536),
    so the fragments are written onto lo with a packet socket; the kernel
    reassembles them and the UDP server echoes the datagram.
    """
    listener = udp_client(socket.AF_INET6, V6)  # receives the (unfragmented) echo
    addr = socket.inet_pton(socket.AF_INET6, V6)
    payload = pattern(size, size)
    ulen = 8 + len(payload)
    pseudo = addr + addr + struct.pack("!I3xB", ulen, 17)
    hdr = struct.pack("!HHHH", UDP_CLIENT_PORT, UDP_PORT, ulen, 0)
    csum = checksum(pseudo + hdr + payload) or 0xFFFF
    datagram = struct.pack("!HHHH", UDP_CLIENT_PORT, UDP_PORT, ulen, csum) + payload
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("lo", 0))
    ident = 0x4C4B0001
    offset = 0
    while offset < len(datagram):
        part = datagram[offset : offset + frag_payload]
        more = offset + len(part) < len(datagram)
        frag = struct.pack("!BBHI", 17, 0, offset | (1 if more else 0), ident)
        ip6 = struct.pack("!IHBB16s16s", 0x60000000, 8 + len(part), 44, 64, addr, addr)
        s.send(b"\x00" * 12 + struct.pack("!H", 0x86DD) + ip6 + frag + part)
        offset += len(part)
    s.close()
    listener.recvfrom(65535)
    listener.close()


def udp4_fragmented(size, frag_payload=1480):
    """A UDP datagram to 127.0.0.1 sent as IPv4 fragments through a raw socket."""
    listener = udp_client(socket.AF_INET, V4)  # receives the (unfragmented) echo
    src = dst = socket.inet_aton(V4)
    payload = pattern(size, size)
    ulen = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
    hdr = struct.pack("!HHHH", UDP_CLIENT_PORT, UDP_PORT, ulen, 0)
    csum = checksum(pseudo + hdr + payload) or 0xFFFF
    datagram = struct.pack("!HHHH", UDP_CLIENT_PORT, UDP_PORT, ulen, csum) + payload
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    ident = 0x4C01
    offset = 0
    while offset < len(datagram):
        part = datagram[offset : offset + frag_payload]
        more = offset + len(part) < len(datagram)
        flags = (0x2000 if more else 0) | (offset // 8)
        ip = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(part), ident, flags, 64, 17, 0, src, dst
        )
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        raw.sendto(ip + part, (V4, 0))
        offset += len(part)
    raw.close()
    listener.recvfrom(65535)
    listener.close()


def icmp4_echo(seqs_and_sizes):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(1.0)
    for seq, size in seqs_and_sizes:
        body = struct.pack("!HH", ICMP_IDENT, seq) + pattern(size, seq)
        msg = struct.pack("!BBH", 8, 0, 0) + body
        msg = struct.pack("!BBH", 8, 0, checksum(msg)) + body
        s.sendto(msg, (V4, 0))
        s.recvfrom(65535)
        time.sleep(0.005)
    s.close()


def icmp6_echo(seqs_and_sizes):
    # The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets.
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.settimeout(1.0)
    for seq, size in seqs_and_sizes:
        msg = struct.pack("!BBHHH", 128, 0, 0, ICMP_IDENT, seq) + pattern(size, seq)
        s.sendto(msg, (V6, 0))
        s.settimeout(1.0)
        while True:  # the raw socket also sees our own request
            data = s.recv(65535)
            if data[0] == 129:
                break
        time.sleep(0.005)
    s.close()


def vlan_frames():
    """802.1Q and 802.1ad (QinQ) tagged frames written onto lo with a packet socket.

    The frames carry UDP between 127.0.0.1 (or ::1) ports; the kernel drops them
    on receive (no VLAN device), they exist to be recorded by tcpdump.
    """
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("lo", 0))
    macs = b"\x00" * 12

    def udp4(payload, sport, dport):
        udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        ip = struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0x4C10, 0x4000, 64, 17, 0,
            socket.inet_aton(V4), socket.inet_aton(V4),
        )
        return ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:] + udp

    def udp6(payload, sport, dport):
        addr = socket.inet_pton(socket.AF_INET6, V6)
        ulen = 8 + len(payload)
        pseudo = addr + addr + struct.pack("!I3xB", ulen, 17)
        hdr = struct.pack("!HHHH", sport, dport, ulen, 0)
        csum = checksum(pseudo + hdr + payload) or 0xFFFF
        udp = struct.pack("!HHHH", sport, dport, ulen, csum) + payload
        ip6 = struct.pack("!IHBB16s16s", 0x60000000, ulen, 17, 64, addr, addr)
        return ip6 + udp

    frames = [
        macs + struct.pack("!HH", 0x8100, 10) + struct.pack("!H", 0x0800)
        + udp4(pattern(18, 1), 47201, 47202),
        macs + struct.pack("!HH", 0x8100, 0x2000 | 20) + struct.pack("!H", 0x86DD)
        + udp6(pattern(40, 2), 47203, 47204),
        macs + struct.pack("!HHHH", 0x88A8, 100, 0x8100, 30) + struct.pack("!H", 0x0800)
        + udp4(pattern(100, 3), 47205, 47206),
    ]
    for frame in frames:
        s.send(frame)
        time.sleep(0.005)
    s.close()


# ---------------------------------------------------------------- main


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "full"
    stop = threading.Event()
    threads = []
    for fn, family, addr in [
        (tcp_server, socket.AF_INET, V4),
        (tcp_server, socket.AF_INET6, V6),
        (udp_server, socket.AF_INET, V4),
        (udp_server, socket.AF_INET6, V6),
    ]:
        ready = threading.Event()
        t = threading.Thread(target=fn, args=(family, addr, ready, stop), daemon=True)
        t.start()
        ready.wait()
        threads.append(t)

    if mode == "full":
        tcp4_sizes = [0, 1, 7, 64, 200, 536, 1000, 1460, 3000, 9000, 30000]
        tcp6_sizes = [0, 3, 100, 1200, 5000, 20000]
        udp4_sizes = [0, 1, 2, 8, 33, 100, 512, 1472, 4000, 8192, 20000]
        udp6_sizes = [0, 5, 48, 300, 1232, 7000]
    else:
        tcp4_sizes = [10, 2000]
        tcp6_sizes = [50]
        udp4_sizes = [1, 600]
        udp6_sizes = [12]

    port = TCP_CLIENT_BASE
    for size in tcp4_sizes:
        tcp_session(socket.AF_INET, V4, port, size)
        port += 1
    for size in tcp6_sizes:
        tcp_session(socket.AF_INET6, V6, port, size)
        port += 1

    for family, addr, sizes in [
        (socket.AF_INET, V4, udp4_sizes),
        (socket.AF_INET6, V6, udp6_sizes),
    ]:
        c = udp_client(family, addr)
        for size in sizes:
            udp_exchange(c, addr, size)
        c.close()

    if mode == "full":
        icmp4_echo([(1, 0), (2, 56), (3, 1000)])
        icmp6_echo([(1, 0), (2, 56), (3, 1000)])
        udp6_with_ext(V6, IPV6_DSTOPTS, [20, 400])
        udp6_with_ext(V6, IPV6_HOPOPTS, [30])
        udp6_fragmented(3000)
        udp4_fragmented(3500)
        vlan_frames()
    else:
        icmp4_echo([(1, 24)])
        icmp6_echo([(1, 24)])
        udp6_with_ext(V6, IPV6_DSTOPTS, [16])

    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
