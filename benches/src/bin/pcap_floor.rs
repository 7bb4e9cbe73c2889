//! The floor for `lake-pcap`: the least work any pcap analyzer must do.
//!
//! Maps a classic pcap file (either byte order, µs or ns), walks its record
//! headers and reads the EtherType of each record (bytes 12..14 of an Ethernet
//! frame), nothing else, on one thread. `benches/pcap.sh` reports `lake-pcap`'s
//! throughput as a ratio to this program's on the same file in the same run.
//!
//! ```text
//! pcap_floor [--populate] [--sequential] FILE
//! pcap_floor --touch THREADS FILE
//! ```
//!
//! Prints one JSON object: `records`, `bytes` (captured), `ethertype_sum` (so the
//! reads cannot be optimised away), `elapsed_seconds` (map + walk) and
//! `packets_per_second`. `--populate` pre-faults the mapping (`MAP_POPULATE`);
//! `--sequential` advises the kernel of sequential access (`MADV_SEQUENTIAL`).
//!
//! `--touch THREADS` measures only the mapping's page faults: THREADS threads each
//! read one byte of every 4 KiB page of an equal share of the file, and the JSON
//! has `pages`, `threads`, `elapsed_seconds` and `pages_per_second`. Comparing 1
//! and 2 threads shows how far faulting in a shared mapping scales on the machine,
//! the ceiling for `lake-pcap --threads 2`.

use std::fs::File;
use std::process::ExitCode;
use std::time::Instant;

use memmap2::MmapOptions;

/// Byte order of the file's record headers.
#[derive(Clone, Copy)]
enum Order {
    Little,
    Big,
}

fn u32_at(bytes: &[u8], offset: usize, order: Order) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
    Some(match order {
        Order::Little => u32::from_le_bytes(raw),
        Order::Big => u32::from_be_bytes(raw),
    })
}

struct Walk {
    records: u64,
    bytes: u64,
    ethertype_sum: u64,
}

fn walk(map: &[u8]) -> Result<Walk, String> {
    let magic = u32_at(map, 0, Order::Little).ok_or("file is shorter than a pcap header")?;
    let order = match magic {
        0xA1B2_C3D4 | 0xA1B2_3C4D => Order::Little,
        0xD4C3_B2A1 | 0x4D3C_B2A1 => Order::Big,
        other => return Err(format!("not a classic pcap file (magic {other:#010x})")),
    };
    let mut walk = Walk {
        records: 0,
        bytes: 0,
        ethertype_sum: 0,
    };
    let mut offset = 24usize;
    while offset < map.len() {
        let caplen = u32_at(map, offset + 8, order)
            .ok_or_else(|| format!("offset {offset}: record header cut short"))?;
        let data = offset + 16;
        let end = usize::try_from(caplen)
            .ok()
            .and_then(|len| data.checked_add(len))
            .filter(|&end| end <= map.len())
            .ok_or_else(|| format!("offset {offset}: record runs past the end of the file"))?;
        if let Some(ethertype) = map.get(data + 12..data + 14) {
            walk.ethertype_sum += u64::from(u16::from_be_bytes([ethertype[0], ethertype[1]]));
        }
        walk.records += 1;
        walk.bytes += u64::from(caplen);
        offset = end;
    }
    Ok(walk)
}

/// Reads one byte of every page of `map` on `threads` threads; returns the sum of the bytes.
fn touch(map: &[u8], threads: usize) -> u64 {
    const PAGE: usize = 4096;
    let pages = map.len().div_ceil(PAGE);
    let per_thread = pages.div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..pages)
            .step_by(per_thread)
            .map(|first| {
                let last = (first + per_thread).min(pages);
                scope.spawn(move || {
                    (first..last)
                        .map(|page| u64::from(map[page * PAGE]))
                        .sum::<u64>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or(0))
            .sum()
    })
}

const USAGE: &str =
    "usage: pcap_floor [--populate] [--sequential] FILE | pcap_floor --touch THREADS FILE";

fn main() -> ExitCode {
    let mut populate = false;
    let mut sequential = false;
    let mut touch_threads = None;
    let mut path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--populate" => populate = true,
            "--sequential" => sequential = true,
            "--touch" => match args.next().and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n > 0 => touch_threads = Some(n),
                _ => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            },
            _ if path.is_none() => path = Some(arg),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(path) = path else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(err) => {
            eprintln!("pcap_floor: {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let mut options = MmapOptions::new();
    if populate {
        options.populate();
    }
    // SAFETY: the mapping is read-only and private to this process; the bench
    // files are written before this program starts and nothing modifies or
    // truncates them while it runs.
    let map = match unsafe { options.map(&file) } {
        Ok(map) => map,
        Err(err) => {
            eprintln!("pcap_floor: {path}: cannot map: {err}");
            return ExitCode::FAILURE;
        }
    };
    if sequential {
        if let Err(err) = map.advise(memmap2::Advice::Sequential) {
            eprintln!("pcap_floor: {path}: madvise: {err}");
        }
    }
    if let Some(threads) = touch_threads {
        let sum = touch(&map, threads);
        let elapsed = start.elapsed().as_secs_f64();
        let pages = map.len().div_ceil(4096);
        println!(
            "{{\"pages\":{pages},\"threads\":{threads},\"byte_sum\":{sum},\"elapsed_seconds\":{elapsed:.6},\"pages_per_second\":{:.0}}}",
            pages as f64 / elapsed
        );
        return ExitCode::SUCCESS;
    }
    let result = walk(&map);
    let elapsed = start.elapsed().as_secs_f64();
    match result {
        Ok(walk) => {
            println!(
                "{{\"records\":{},\"bytes\":{},\"ethertype_sum\":{},\"elapsed_seconds\":{:.6},\"packets_per_second\":{:.0}}}",
                walk.records,
                walk.bytes,
                walk.ethertype_sum,
                elapsed,
                walk.records as f64 / elapsed
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("pcap_floor: {path}: {err}");
            ExitCode::FAILURE
        }
    }
}
