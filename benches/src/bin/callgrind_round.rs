//! Runs rounds of one workload for one contender, for instruction counting under callgrind:
//!
//! ```text
//! callgrind_round <w1|w2> <contender|baseline> <rounds>
//! ```
//!
//! It builds the contender's state, runs `WARM_ROUNDS` warm-up rounds, then `rounds` rounds,
//! and prints the checksum. `benches/callgrind.sh` runs it for two round counts and divides the
//! difference in instructions by the extra allocations, which cancels start-up, warm-up and
//! the W2 input set-up (identical in both runs).

use std::hint::black_box;
use std::process::ExitCode;

use lake_benches::{Contender, W2Input, BASELINE, CONTENDERS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, name, rounds] = args.as_slice() else {
        return usage();
    };
    let Ok(rounds) = rounds.parse::<usize>() else {
        return usage();
    };
    if workload != "w1" && workload != "w2" {
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
    eprintln!(
        "usage: callgrind_round <w1|w2> <{}|{BASELINE}> <rounds>",
        CONTENDERS.join("|")
    );
    ExitCode::from(2)
}
