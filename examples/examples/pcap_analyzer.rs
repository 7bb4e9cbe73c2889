//! A pcap analyzer built on lake's zero-copy packet views.
//!
//! ```text
//! cargo run -p lake-examples --example pcap_analyzer              # a built-in sample capture
//! cargo run -p lake-examples --example pcap_analyzer -- dump.pcap # any classic pcap file
//! ```
//!
//! It streams the file record by record. Each record's bytes are copied into a `Lake`, decoded
//! in place (Ethernet → IPv4/IPv6 → TCP/UDP/ICMP/ICMPv6, views into those bytes, no copies),
//! and the batch's decoded views are collected in a `Vec` that also lives in the lake. After
//! every [`BATCH`] records the batch is folded into the summary and the lake is reset: the
//! memory is reused, so a capture of any size runs in the few chunks the first batch needed.
//!
//! With no argument it writes the sample capture (`lake_examples::sample::capture`, with a
//! few broken frames) to a temporary file and reads that, exercising the same path.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use allocator_api2::vec::Vec as LakeVec;
use lake::Lake;
use lake_examples::analyze::{decode, Decoded, Network, Summary, Transport};
use lake_examples::pcap::{PcapReader, Precision, Record, LINKTYPE_ETHERNET};
use lake_examples::sample;

/// Records decoded per lake reset.
const BATCH: usize = 64;

/// Packets printed one per line before the summary.
const SHOW: u64 = 12;

fn main() -> ExitCode {
    let path = match std::env::args_os().nth(1) {
        Some(p) => PathBuf::from(p),
        None => match write_sample() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("cannot write the sample capture: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    match analyze(&path) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`… | head`): not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>().map(std::io::Error::kind)
                == Some(ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// Writes the built-in sample to a file in the temporary directory.
fn write_sample() -> std::io::Result<PathBuf> {
    let path = std::env::temp_dir().join("lake-sample.pcap");
    std::fs::write(&path, sample::capture())?;
    eprintln!(
        "no capture given: analyzing the built-in sample, written to {}",
        path.display()
    );
    Ok(path)
}

fn analyze(path: &PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let out = &mut std::io::stdout().lock();
    let mut reader = PcapReader::new(BufReader::new(File::open(path)?))?;
    let h = *reader.header();
    writeln!(
        out,
        "pcap {}.{}, {:?}-endian, {:?}second timestamps, snaplen {}, link type {}",
        h.version.0, h.version.1, h.endian, h.precision, h.snaplen, h.linktype
    )?;
    if h.linktype != LINKTYPE_ETHERNET {
        return Err(format!("link type {} is not Ethernet (1)", h.linktype).into());
    }
    writeln!(out)?;

    let mut lake = Lake::new();
    let mut summary = Summary::default();
    let mut index = 0u64;
    let mut batches = 0u64;
    loop {
        // One batch: read, decode and count up to BATCH records; everything in the lake.
        let mut done = false;
        {
            let mut batch = LakeVec::with_capacity_in(BATCH, &lake);
            while batch.len() < BATCH {
                let Some(record) = reader.next_record(&lake)? else {
                    done = true;
                    break;
                };
                let decoded = decode(record.data);
                if index < SHOW {
                    let ts = timestamp(&lake, &record);
                    writeln!(out, "{}", line(&lake, index, ts, &decoded))?;
                }
                batch.push((index, u64::from(record.orig_len), decoded));
                index += 1;
            }
            for (i, wire_len, decoded) in &batch {
                summary.add(*i, *wire_len, decoded);
            }
        }
        batches += 1;
        if done {
            break;
        }
        lake.reset();
    }
    let stats = lake.stats();
    report(out, &summary)?;
    writeln!(out)?;
    writeln!(
        out,
        "{index} records in {batches} batch(es) of up to {BATCH}, the lake reset between \
         batches; at the end it held {} chunk(s), {} bytes reserved",
        stats.chunks, stats.capacity
    )?;
    Ok(())
}

/// One packet as a line, formatted into the lake (per-packet scratch that the batch's reset
/// frees with everything else).
fn line<'l>(
    lake: &'l Lake,
    index: u64,
    ts: &str,
    decoded: &Result<Decoded<'_>, lake::wire::Error>,
) -> &'l str {
    // Every piece is formatted into the lake too: no heap allocation per packet.
    let fmt = |args: std::fmt::Arguments<'_>| -> &'l str { lake.alloc_fmt(args) };
    let d = match decoded {
        Err(e) => return fmt(format_args!("#{index:<3} {ts}  MALFORMED   {e}")),
        Ok(d) => d,
    };
    let what = match (d.addresses(), d.ports(), d.transport) {
        (Some((s, t)), Some((sp, tp)), _) => fmt(format_args!(
            "{} → {}",
            SocketAddr::new(s, sp),
            SocketAddr::new(t, tp)
        )),
        (Some((s, t)), None, Some(Transport::Icmp(m))) => fmt(format_args!(
            "{s} → {t} type {} seq {}",
            m.msg_type(),
            m.seq()
        )),
        (Some((s, t)), None, Some(Transport::Icmpv6(m))) => fmt(format_args!(
            "{s} → {t} type {} seq {}",
            m.msg_type(),
            m.seq()
        )),
        (Some((s, t)), _, _) => fmt(format_args!("{s} → {t}")),
        _ => fmt(format_args!("EtherType {:#06x}", d.ethernet.ethertype())),
    };
    let extra = match (d.network, d.transport) {
        (_, Some(Transport::Tcp(t))) => fmt(format_args!(
            "  flags {:#05x}, {} option bytes, {} payload bytes",
            t.flags(),
            t.options().len(),
            t.payload().len()
        )),
        (_, Some(Transport::Udp(u))) => fmt(format_args!("  {} payload bytes", u.payload().len())),
        (Network::Ipv4(ip), _) if !ip.options().is_empty() => {
            fmt(format_args!("  {} IPv4 option bytes", ip.options().len()))
        }
        _ => "",
    };
    fmt(format_args!(
        "#{index:<3} {ts}  {:<11} {what}{extra}",
        d.label()
    ))
}

/// A record's timestamp as seconds with the file's precision (6 or 9 digits), in the lake.
fn timestamp<'l>(lake: &'l Lake, record: &Record<'_>) -> &'l str {
    let (secs, frac) = (record.ts_sec, record.ts_frac);
    match record.precision {
        Precision::Micro => lake.alloc_fmt(format_args!("{secs}.{frac:06}")),
        Precision::Nano => lake.alloc_fmt(format_args!("{secs}.{frac:09}")),
    }
}

fn report(out: &mut impl Write, s: &Summary) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{} packets, {} bytes", s.total.packets, s.total.bytes)?;
    writeln!(out)?;
    writeln!(out, "per protocol:")?;
    for (label, c) in &s.per_protocol {
        writeln!(
            out,
            "  {label:<12} {:>6} packets {:>9} bytes",
            c.packets, c.bytes
        )?;
    }
    if !s.malformed.is_empty() {
        writeln!(
            out,
            "  {:<12} {:>6} packets",
            "malformed",
            s.malformed.len()
        )?;
    }
    writeln!(out)?;
    writeln!(out, "top talkers (by bytes sent):")?;
    for (addr, c) in s.top_talkers(5) {
        writeln!(
            out,
            "  {:<28} {:>6} packets {:>9} bytes",
            addr.to_string(),
            c.packets,
            c.bytes
        )?;
    }
    writeln!(out)?;
    writeln!(out, "top destination ports (TCP and UDP):")?;
    let mut ports: Vec<(u16, u64)> = s.dst_ports.iter().map(|(p, n)| (*p, *n)).collect();
    ports.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (port, n) in ports.into_iter().take(5) {
        writeln!(out, "  {port:<6} {n:>6} packets")?;
    }
    writeln!(out)?;
    writeln!(out, "malformed frames: {}", s.malformed.len())?;
    for m in &s.malformed {
        writeln!(out, "  #{:<4} {}", m.index, m.error)?;
    }
    Ok(())
}
