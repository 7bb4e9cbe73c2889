//! `lake-pcap`: a packet-capture analyzer built on lake.
//!
//! ```text
//! lake-pcap [FILE|-] [--json] [--threads N] [--top N] [--show N]
//! ```
//!
//! It maps the file (classic pcap or pcapng), decodes every frame in place through the
//! `#[lake::packet]` views of `lake_examples::proto`, and prints packets and bytes by
//! protocol, the top flows, malformed and truncated frames by layer and reason, and the
//! throughput. With no FILE it analyses the capture embedded in the binary
//! (`examples/data/loopback.pcap`). It exits 0 even when frames are malformed, and 2 with one
//! line on stderr (file, byte offset, record number) when the file itself cannot be read on.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use lake_examples::analyzer::analyze;
use lake_examples::capture::{Capture, Format};
use lake_examples::decode::decode_frame;
use lake_examples::report::{tcp_flag_names, Report, RunInfo};
use lake_examples::{embedded, flow::FlowKey};

/// Files at least this large get a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 256 << 20;

/// A packet-capture analyzer built on lake: protocols, flows, malformed and truncated frames.
#[derive(Parser, Debug)]
#[command(name = "lake-pcap", version, about)]
struct Args {
    /// Capture file (pcap or pcapng); `-` reads standard input; none: the embedded capture.
    file: Option<PathBuf>,
    /// Print the summary as JSON (keys documented in the README).
    #[arg(long)]
    json: bool,
    /// Threads to decode with (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Flows to list, by bytes.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Packets to list one per line before the summary (text output only).
    #[arg(long, default_value_t = 0)]
    show: usize,
}

/// The capture's bytes: mapped from a file, read from stdin, or the embedded capture.
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
    Static(&'static [u8]),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
            Bytes::Static(s) => s,
        }
    }
}

fn load(file: &Option<PathBuf>) -> io::Result<(String, Bytes)> {
    let Some(path) = file else {
        return Ok((
            embedded::NAME.to_string(),
            Bytes::Static(embedded::LOOPBACK_PCAP),
        ));
    };
    if path.as_os_str() == "-" {
        let mut v = Vec::new();
        io::stdin().lock().read_to_end(&mut v)?;
        return Ok(("(stdin)".to_string(), Bytes::Owned(v)));
    }
    let f = File::open(path)?;
    let name = path.display().to_string();
    if f.metadata()?.len() == 0 {
        return Ok((name, Bytes::Owned(Vec::new())));
    }
    // SAFETY: the map is only read, as `&[u8]`. Like every reader that maps its input, this
    // relies on no other process truncating or rewriting the file while it is read; the
    // analyzer never writes it.
    let map = unsafe { memmap2::Mmap::map(&f)? };
    #[cfg(unix)]
    {
        let _ = map.advise(memmap2::Advice::Sequential);
    }
    Ok((name, Bytes::Mapped(map)))
}

fn show_packets(out: &mut impl Write, cap: &Capture<'_>, n: usize) -> io::Result<()> {
    let mut walker = cap.walker();
    let mut t0 = None;
    for number in 1..=n {
        let Ok(Some(rec)) = walker.next_record() else {
            break;
        };
        let t0 = *t0.get_or_insert(rec.ts_nanos);
        let d = decode_frame(rec.linktype, rec.data, rec.missing());
        let what = match FlowKey::of(&d) {
            Some(k) => {
                let flags = d
                    .tcp
                    .map(|t| format!(" [{}]", tcp_flag_names(t.flags())))
                    .unwrap_or_default();
                match (d.ipv4, d.ipv6) {
                    (Some(ip), _) => format!(
                        "{} > {} {}{flags}",
                        endpoint(
                            std::net::Ipv4Addr::from(*ip.src()).into(),
                            d.tcp.map(|t| t.src_port()).or(d.udp.map(|u| u.src_port()))
                        ),
                        endpoint(
                            std::net::Ipv4Addr::from(*ip.dst()).into(),
                            d.tcp.map(|t| t.dst_port()).or(d.udp.map(|u| u.dst_port()))
                        ),
                        k.proto_name()
                    ),
                    (None, Some(ip)) => format!(
                        "{} > {} {}{flags}",
                        endpoint(
                            std::net::Ipv6Addr::from(*ip.src()).into(),
                            d.tcp.map(|t| t.src_port()).or(d.udp.map(|u| u.src_port()))
                        ),
                        endpoint(
                            std::net::Ipv6Addr::from(*ip.dst()).into(),
                            d.tcp.map(|t| t.dst_port()).or(d.udp.map(|u| u.dst_port()))
                        ),
                        k.proto_name()
                    ),
                    _ => String::new(),
                }
            }
            None => lake_examples::stats::Proto::of(&d).name().to_string(),
        };
        let fault = d.fault.map(|f| format!("  ({f})")).unwrap_or_default();
        writeln!(
            out,
            "{number:>6} {:>12.6} {what} len={}{fault}",
            rec.ts_nanos.saturating_sub(t0) as f64 / 1e9,
            rec.orig_len
        )?;
    }
    if n > 0 {
        writeln!(out)?;
    }
    Ok(())
}

fn endpoint(addr: std::net::IpAddr, port: Option<u16>) -> String {
    match (addr, port) {
        (std::net::IpAddr::V6(a), Some(p)) => format!("[{a}]:{p}"),
        (a, Some(p)) => format!("{a}:{p}"),
        (a, None) => a.to_string(),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (name, bytes) = match load(&args.file) {
        Ok(x) => x,
        Err(e) => {
            let shown = args
                .file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            eprintln!("lake-pcap: {shown}: cannot read: {e}");
            return ExitCode::from(2);
        }
    };
    let data = bytes.as_slice();
    let cap = match Capture::open(data) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lake-pcap: {name}: {e}");
            return ExitCode::from(2);
        }
    };
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };
    let out = &mut io::stdout().lock();
    if args.show > 0 && !args.json {
        if let Err(e) = show_packets(out, &cap, args.show) {
            return broken_pipe_or(e);
        }
    }

    let progress = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let started = Instant::now();
    let outcome = std::thread::scope(|s| {
        if io::stderr().is_terminal() && data.len() as u64 >= PROGRESS_MIN_BYTES {
            s.spawn(|| {
                let bar = indicatif::ProgressBar::new(data.len() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                while !finished.load(Ordering::Relaxed) {
                    bar.set_position(progress.load(Ordering::Relaxed).min(data.len() as u64));
                    std::thread::sleep(Duration::from_millis(100));
                }
                bar.finish_and_clear();
            });
        }
        let outcome = analyze(&cap, threads, Some(&progress));
        finished.store(true, Ordering::Relaxed);
        outcome
    });
    let elapsed = started.elapsed().as_secs_f64();

    let info = RunInfo {
        file: name.clone(),
        format: match cap.format() {
            Format::Pcap { .. } => "pcap",
            Format::Pcapng => "pcapng",
        },
        file_bytes: data.len() as u64,
        threads: outcome.threads,
        elapsed_seconds: elapsed,
        top: args.top,
        error: outcome.error.map(|e| e.to_string()),
    };
    let report = Report::new(&outcome.stats, &info);
    let printed = if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        out.write_all(report.to_text().as_bytes())
    };
    if let Err(e) = printed {
        return broken_pipe_or(e);
    }
    match outcome.error {
        Some(e) => {
            eprintln!("lake-pcap: {name}: {e}");
            ExitCode::from(2)
        }
        None => ExitCode::SUCCESS,
    }
}

/// A closed stdout (`lake-pcap … | head`) is not a failure of ours; other write errors are.
fn broken_pipe_or(e: io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        ExitCode::SUCCESS
    } else {
        eprintln!("lake-pcap: cannot write the report: {e}");
        ExitCode::from(2)
    }
}
