//! Runs rounds of one workload for one contender, for instruction counting under callgrind:
//!
//! ```text
//! callgrind_round <w1|w2|w3> <contender|baseline> <rounds>
//! ```
//!
//! The contender must be one of that workload's (`lake_benches::contenders`).
//!
//! It builds the contender's state, runs `WARM_ROUNDS` warm-up rounds, then `rounds` rounds,
//! and prints the checksum. `benches/callgrind.sh` runs it for two round counts and divides the
//! difference in instructions by the extra allocations (10 000 per round in W1/W2, 64 000 in
//! W3), which cancels start-up, warm-up and the W2 input set-up (identical in both runs).

use std::hint::black_box;
use std::process::ExitCode;

use lake_benches::{contenders, Contender, W2Input, BASELINE, WORKLOADS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, name, rounds] = args.as_slice() else {
        return usage();
    };
    let Ok(rounds) = rounds.parse::<usize>() else {
        return usage();
    };
    if contenders(workload).is_empty() {
        return usage();
    }
    let input = W2Input::new();
    let Some(mut contender) = Contender::warmed(workload, name, &input) else {
        return usage();
    };
    let mut sum = 0u64;
    for _ in 0..rounds {
        sum = sum.wrapping_add(black_box(contender.round(workload, &input)));
    }
    println!("{workload}/{name}: {rounds} rounds, checksum {sum:#x}");
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: callgrind_round <workload> <contender|{BASELINE}> <rounds>");
    for (workload, _) in WORKLOADS {
        eprintln!("  {workload}: {}", contenders(workload).join(" "));
    }
    ExitCode::from(2)
}
