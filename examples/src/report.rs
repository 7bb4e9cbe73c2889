//! The summary an analysis prints: built from [`Stats`] as a serde value (the `--json`
//! output, every key documented in the README) and rendered as a text table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::flow::Flow;
use crate::stats::{FaultTable, Proto, Stats};

/// Packets and captured bytes of one protocol class.
///
/// ```
/// # use lake_examples::capture::Capture;
/// # use lake_examples::report::{Report, RunInfo};
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let out = lake_examples::analyzer::analyze(&cap, 1, None);
/// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
/// let report = Report::new(&out.stats, &info);
/// assert_eq!(report.protocols["IPv4/TCP"].packets, 108);
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProtocolRow {
    /// Packets.
    pub packets: u64,
    /// Captured bytes.
    pub bytes: u64,
}

/// One flow of the top-N list.
///
/// ```
/// # use lake_examples::capture::Capture;
/// # use lake_examples::report::{Report, RunInfo};
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let out = lake_examples::analyzer::analyze(&cap, 1, None);
/// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
/// let report = Report::new(&out.stats, &info);
/// assert_eq!((report.flows.len(), report.flows[0].protocol.as_str()), (3, "UDP"));
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FlowRow {
    /// `"TCP"`, `"UDP"`, `"ICMP"`, `"ICMPv6"` or `"proto N"`.
    pub protocol: String,
    /// Lower endpoint address.
    pub a: String,
    /// Lower endpoint port (echo identifier for ICMP echo, else 0 for ICMP).
    pub a_port: u16,
    /// Higher endpoint address.
    pub b: String,
    /// Higher endpoint port.
    pub b_port: u16,
    /// Packets, both directions.
    pub packets: u64,
    /// Wire bytes, both directions.
    pub bytes: u64,
    /// First packet's timestamp, ns since the Unix epoch.
    pub first_ns: u64,
    /// Last packet's timestamp, ns since the Unix epoch.
    pub last_ns: u64,
    /// TCP flags seen, e.g. `"SYN,ACK,FIN"` (empty for other protocols).
    pub tcp_flags: String,
}

/// Faulty frames of one layer and reason.
///
/// ```
/// # use lake_examples::capture::Capture;
/// # use lake_examples::report::{Report, RunInfo};
/// let file = lake_examples::sample::capture();
/// let cap = Capture::open(&file)?;
/// let out = lake_examples::analyzer::analyze(&cap, 1, None);
/// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
/// let report = Report::new(&out.stats, &info);
/// let row = &report.malformed.by_reason[0];
/// assert!(row.count >= 1 && row.first_packets[0] >= 1);
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FaultRow {
    /// Layer name (`ethernet`, `vlan`, `sll`, `ipv4`, `ipv6`, `ipv6-ext`, `tcp`, `udp`,
    /// `icmp`, `icmpv6`).
    pub layer: &'static str,
    /// Reason name (`truncated-header`, `bad-ihl`, …).
    pub reason: &'static str,
    /// Frames.
    pub count: u64,
    /// The first packet numbers (counted from 1, as Wireshark and tcpdump do).
    pub first_packets: Vec<u64>,
}

/// Malformed or truncated frames.
///
/// ```
/// # use lake_examples::capture::Capture;
/// # use lake_examples::report::{Report, RunInfo};
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let out = lake_examples::analyzer::analyze(&cap, 1, None);
/// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
/// let report = Report::new(&out.stats, &info);
/// assert_eq!((report.malformed.total, report.truncated.total), (0, 0));
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FaultSection {
    /// Frames in total.
    pub total: u64,
    /// By layer and reason, in layer order.
    pub by_reason: Vec<FaultRow>,
}

/// The whole summary, as `--json` prints it.
///
/// ```
/// # use lake_examples::capture::Capture;
/// # use lake_examples::report::{Report, RunInfo};
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let out = lake_examples::analyzer::analyze(&cap, 1, None);
/// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
/// let report = Report::new(&out.stats, &info);
/// let json = serde_json::to_value(&report).unwrap();
/// assert_eq!((json["packets"].as_u64(), json["format"].as_str()), (Some(229), Some("pcap")));
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    /// The file analysed (`"(embedded loopback.pcap)"` for the built-in capture).
    pub file: String,
    /// `"pcap"` or `"pcapng"`.
    pub format: &'static str,
    /// Records read.
    pub packets: u64,
    /// Captured bytes.
    pub bytes: u64,
    /// Bytes on the wire (original lengths).
    pub wire_bytes: u64,
    /// Threads used.
    pub threads: u64,
    /// Wall-clock seconds of the analysis (mapping and decoding, not printing).
    pub elapsed_seconds: f64,
    /// `packets / elapsed_seconds`.
    pub packets_per_second: f64,
    /// File bytes walked per second, in 10^6 bytes.
    pub megabytes_per_second: f64,
    /// Earliest packet timestamp, ns since the Unix epoch (absent for an empty capture).
    pub first_ns: Option<u64>,
    /// Latest packet timestamp, ns since the Unix epoch.
    pub last_ns: Option<u64>,
    /// Packets and bytes per protocol class (classes with no packet left out).
    pub protocols: BTreeMap<&'static str, ProtocolRow>,
    /// Flows tracked.
    pub flow_count: u64,
    /// Packets of flows beyond the table's limit.
    pub untracked_packets: u64,
    /// The top flows by bytes.
    pub flows: Vec<FlowRow>,
    /// Malformed frames.
    pub malformed: FaultSection,
    /// Frames cut by the snap length, decoded as far as their bytes went.
    pub truncated: FaultSection,
    /// The container error that stopped reading (`"offset N, record M: …"`), if any.
    pub error: Option<String>,
}

/// Names of the TCP flags set in `flags`, comma-separated.
///
/// ```
/// assert_eq!(lake_examples::report::tcp_flag_names(0x012), "SYN,ACK");
/// ```
pub fn tcp_flag_names(flags: u16) -> String {
    const NAMES: [(u16, &str); 9] = [
        (0x002, "SYN"),
        (0x010, "ACK"),
        (0x008, "PSH"),
        (0x001, "FIN"),
        (0x004, "RST"),
        (0x020, "URG"),
        (0x040, "ECE"),
        (0x080, "CWR"),
        (0x100, "NS"),
    ];
    let set: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    set.join(",")
}

fn flow_row(f: &Flow) -> FlowRow {
    FlowRow {
        protocol: f.key.proto_name(),
        a: f.key.a().to_string(),
        a_port: f.key.port_a,
        b: f.key.b().to_string(),
        b_port: f.key.port_b,
        packets: f.packets,
        bytes: f.bytes,
        first_ns: f.first_ns,
        last_ns: f.last_ns,
        tcp_flags: if f.key.proto == crate::proto::ip_proto::TCP {
            tcp_flag_names(f.tcp_flags)
        } else {
            String::new()
        },
    }
}

fn fault_section(table: &FaultTable) -> FaultSection {
    FaultSection {
        total: table.values().map(|t| t.count).sum(),
        by_reason: table
            .iter()
            .map(|((layer, reason), t)| FaultRow {
                layer: layer.name(),
                reason: reason.name(),
                count: t.count,
                first_packets: t.first().to_vec(),
            })
            .collect(),
    }
}

/// How a run went, besides its counters.
///
/// ```
/// # use lake_examples::capture::Capture;
/// # use lake_examples::report::{Report, RunInfo};
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let out = lake_examples::analyzer::analyze(&cap, 1, None);
/// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
/// let report = Report::new(&out.stats, &info);
/// assert_eq!(report.packets_per_second, 229.0 / 0.5);
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The file's name as shown.
    pub file: String,
    /// `"pcap"` or `"pcapng"`.
    pub format: &'static str,
    /// File size in bytes.
    pub file_bytes: u64,
    /// Threads used.
    pub threads: usize,
    /// Seconds the analysis took.
    pub elapsed_seconds: f64,
    /// Flows to list.
    pub top: usize,
    /// The container error, if reading stopped early.
    pub error: Option<String>,
}

impl Report {
    /// The summary of `stats` for the run `info`.
    ///
    /// ```
    /// # use lake_examples::capture::Capture;
    /// # use lake_examples::report::{Report, RunInfo};
    /// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
    /// let out = lake_examples::analyzer::analyze(&cap, 1, None);
    /// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
    /// let report = Report::new(&out.stats, &info);
    /// assert_eq!(report.flow_count, 24);
    /// # Ok::<(), lake_examples::capture::ContainerError>(())
    /// ```
    pub fn new(stats: &Stats, info: &RunInfo) -> Report {
        let secs = info.elapsed_seconds.max(1e-9);
        let protocols = Proto::ALL
            .iter()
            .map(|&p| (p, stats.protocols[p as usize]))
            .filter(|(_, c)| c.packets > 0)
            .map(|(p, c)| {
                (
                    p.name(),
                    ProtocolRow {
                        packets: c.packets,
                        bytes: c.bytes,
                    },
                )
            })
            .collect();
        Report {
            file: info.file.clone(),
            format: info.format,
            packets: stats.packets,
            bytes: stats.bytes,
            wire_bytes: stats.wire_bytes,
            threads: info.threads as u64,
            elapsed_seconds: info.elapsed_seconds,
            packets_per_second: stats.packets as f64 / secs,
            megabytes_per_second: info.file_bytes as f64 / secs / 1e6,
            first_ns: (stats.packets > 0).then_some(stats.first_ns),
            last_ns: (stats.packets > 0).then_some(stats.last_ns),
            protocols,
            flow_count: stats.flows.len() as u64,
            untracked_packets: stats.flows.untracked_packets(),
            flows: stats.flows.top(info.top).iter().map(flow_row).collect(),
            malformed: fault_section(&stats.malformed),
            truncated: fault_section(&stats.truncated),
            error: info.error.clone(),
        }
    }

    /// The report without its timing fields (elapsed time, rates, threads): what must be
    /// identical however the work was split.
    ///
    /// ```
    /// # use lake_examples::capture::Capture;
    /// # use lake_examples::report::{Report, RunInfo};
    /// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
    /// let out = lake_examples::analyzer::analyze(&cap, 1, None);
    /// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
    /// let report = Report::new(&out.stats, &info);
    /// assert_eq!(report.without_timing().elapsed_seconds, 0.0);
    /// # Ok::<(), lake_examples::capture::ContainerError>(())
    /// ```
    pub fn without_timing(&self) -> Report {
        Report {
            threads: 0,
            elapsed_seconds: 0.0,
            packets_per_second: 0.0,
            megabytes_per_second: 0.0,
            ..self.clone()
        }
    }

    /// The human-readable table.
    ///
    /// ```
    /// # use lake_examples::capture::Capture;
    /// # use lake_examples::report::{Report, RunInfo};
    /// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
    /// let out = lake_examples::analyzer::analyze(&cap, 1, None);
    /// let info = RunInfo { file: "lo.pcap".into(), format: "pcap", file_bytes: 1, threads: 1, elapsed_seconds: 0.5, top: 3, error: None };
    /// let report = Report::new(&out.stats, &info);
    /// assert!(report.to_text().contains("IPv4/TCP"));
    /// # Ok::<(), lake_examples::capture::ContainerError>(())
    /// ```
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {}, {} packets, {} bytes captured ({} on the wire)",
            self.file, self.format, self.packets, self.bytes, self.wire_bytes
        );
        if let (Some(a), Some(b)) = (self.first_ns, self.last_ns) {
            let _ = writeln!(s, "time span: {:.6} s", (b - a) as f64 / 1e9);
        }
        let _ = writeln!(s, "\n{:<16} {:>12} {:>14}", "protocol", "packets", "bytes");
        for (name, row) in &self.protocols {
            let _ = writeln!(s, "{:<16} {:>12} {:>14}", name, row.packets, row.bytes);
        }
        let _ = writeln!(s, "{:<16} {:>12} {:>14}", "total", self.packets, self.bytes);
        let _ = writeln!(
            s,
            "\nflows: {} (top {} by bytes)",
            self.flow_count,
            self.flows.len()
        );
        let icmp = |f: &FlowRow| f.protocol.starts_with("ICMP");
        let ep = |f: &FlowRow, addr: &str, port: u16| match (icmp(f), addr.contains(':')) {
            (true, _) => addr.to_string(),
            (false, true) => format!("[{addr}]:{port}"),
            (false, false) => format!("{addr}:{port}"),
        };
        let rows: Vec<[String; 7]> = self
            .flows
            .iter()
            .map(|f| {
                [
                    f.protocol.clone(),
                    ep(f, &f.a, f.a_port),
                    ep(f, &f.b, f.b_port),
                    f.packets.to_string(),
                    f.bytes.to_string(),
                    format!("{:.3}", f.last_ns.saturating_sub(f.first_ns) as f64 / 1e6),
                    if icmp(f) && f.a_port != 0 {
                        format!("echo id {}", f.a_port)
                    } else {
                        f.tcp_flags.clone()
                    },
                ]
            })
            .collect();
        if !rows.is_empty() {
            let header = [
                "proto",
                "endpoint a",
                "endpoint b",
                "packets",
                "bytes",
                "duration ms",
                "tcp flags / icmp",
            ];
            let mut width = header.map(str::len);
            for r in &rows {
                for (w, cell) in width.iter_mut().zip(r) {
                    *w = (*w).max(cell.len());
                }
            }
            let mut line = |cells: [&str; 7]| {
                let text = format!(
                    "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {:>w4$}  {:>w5$}  {}",
                    cells[0],
                    cells[1],
                    cells[2],
                    cells[3],
                    cells[4],
                    cells[5],
                    cells[6],
                    w0 = width[0],
                    w1 = width[1],
                    w2 = width[2],
                    w3 = width[3],
                    w4 = width[4],
                    w5 = width[5],
                );
                let _ = writeln!(s, "{}", text.trim_end());
            };
            line(header);
            for r in &rows {
                line(std::array::from_fn(|i| r[i].as_str()));
            }
        }
        for (title, section) in [
            ("malformed", &self.malformed),
            ("truncated", &self.truncated),
        ] {
            let _ = writeln!(s, "\n{title} frames: {}", section.total);
            for r in &section.by_reason {
                let firsts: Vec<String> = r.first_packets.iter().map(u64::to_string).collect();
                let _ = writeln!(
                    s,
                    "  {:<9} {:<22} {:>10}  first: {}",
                    r.layer,
                    r.reason,
                    r.count,
                    firsts.join(", ")
                );
            }
        }
        if let Some(e) = &self.error {
            let _ = writeln!(s, "\nreading stopped: {e}");
        }
        let elapsed = if self.elapsed_seconds < 1.0 {
            format!("{:.3} ms", self.elapsed_seconds * 1e3)
        } else {
            format!("{:.3} s", self.elapsed_seconds)
        };
        let _ = writeln!(
            s,
            "\nelapsed {elapsed} on {} thread{}: {:.0} packets/s, {:.1} MB/s",
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            self.packets_per_second,
            self.megabytes_per_second
        );
        s
    }
}
