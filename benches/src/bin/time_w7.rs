//! A noise-resistant W7 timer for loaded machines: the *fastest* of many rounds.
//!
//! ```text
//! time_w7 <contender> <rounds>
//! ```
//!
//! Builds the corpus, checks the contender's sum, runs 50 untimed rounds, then times each of
//! `rounds` rounds with `Instant` and prints `contender min_ns median_ns` per round. On a
//! shared machine a criterion median includes time stolen by other processes; the minimum
//! over many rounds approximates an undisturbed round (as `hyperfine`'s min does). Run each
//! contender in its own process, several passes interleaved, and keep the smallest minimum:
//! `benches/time_w7.sh` does that.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use lake_benches::w7::{self, frames::Frames};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, rounds] = args.as_slice() else {
        return usage();
    };
    let (Some(round), Ok(rounds)) = (w7::round_fn(name), rounds.parse::<usize>()) else {
        return usage();
    };
    if rounds == 0 {
        return usage();
    }
    let frames = Frames::w7();
    if name != w7::BASELINE && round(&frames) != frames.expected_sum() {
        eprintln!("w7/{name} disagrees with the generator's sum");
        return ExitCode::FAILURE;
    }
    for _ in 0..50 {
        black_box(round(black_box(&frames)));
    }
    let mut times: Vec<u128> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            black_box(round(black_box(&frames)));
            start.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    println!("{name} {} {}", times[0], times[times.len() / 2]);
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: time_w7 <contender|{}> <rounds>", w7::BASELINE);
    eprintln!("  w7: {}", w7::CONTENDERS.join(" "));
    ExitCode::from(2)
}
