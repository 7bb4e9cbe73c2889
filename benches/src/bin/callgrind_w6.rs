//! Runs W6 rounds for one contender, for instruction counting under callgrind:
//!
//! ```text
//! callgrind_w6 <w6|w6m> <contender> <rounds>
//! ```
//!
//! It builds the arena, checks one round against the expected checksum (which also warms the
//! arena up), then runs `rounds` more rounds. `benches/callgrind.sh` runs it for two round
//! counts and divides the difference in instructions by the extra buffers (`w6::N` per round).
//! w6x (two threads) is not counted: callgrind runs threads one at a time.

use std::hint::black_box;
use std::process::ExitCode;

use lake_benches::w6::{self, Contender, MixedInput};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, name, rounds] = args.as_slice() else {
        return usage();
    };
    let workload = workload.as_str();
    if !matches!(workload, "w6" | "w6m") || !w6::contenders(workload).contains(&name.as_str()) {
        return usage();
    }
    let (Some(c), Ok(rounds)) = (Contender::new(name), rounds.parse::<usize>()) else {
        return usage();
    };
    let payload = w6::payload();
    let mixed = MixedInput::new();
    let want = if workload == "w6m" {
        w6::w6m_expected(&payload)
    } else {
        w6::w6_expected(&payload)
    };
    if c.round(workload, &payload, &mixed) != Some(want) {
        eprintln!("{workload}/{name} disagrees with the expected checksum");
        return ExitCode::FAILURE;
    }
    let mut sum = 0u64;
    for _ in 0..rounds {
        let r = c.round(workload, black_box(&payload), &mixed).unwrap_or(0);
        sum = sum.wrapping_add(black_box(r));
    }
    println!("{workload}/{name}: {rounds} rounds, checksum {sum:#x}");
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: callgrind_w6 <w6|w6m> <contender> <rounds>");
    eprintln!("  w6: {}", w6::contenders("w6").join(" "));
    eprintln!("  w6m: {}", w6::contenders("w6m").join(" "));
    ExitCode::from(2)
}
