//! Runs W7 rounds for one contender, for instruction counting under callgrind:
//!
//! ```text
//! callgrind_w7 <contender|baseline> <rounds>
//! ```
//!
//! It builds the corpus, checks one round of the contender against the generator's sum, then
//! runs `rounds` more rounds and prints the summed checksum. `benches/callgrind.sh` runs it
//! for two round counts and divides the difference in instructions by the extra frames
//! (100 000 per round), which cancels start-up, corpus generation and the check.

use std::hint::black_box;
use std::process::ExitCode;

use lake_benches::w7::{self, frames::Frames};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, rounds] = args.as_slice() else {
        return usage();
    };
    let (Some(round), Ok(rounds)) = (w7::round_fn(name), rounds.parse::<usize>()) else {
        return usage();
    };
    let frames = Frames::w7();
    if name != w7::BASELINE && round(&frames) != frames.expected_sum() {
        eprintln!("w7/{name} disagrees with the generator's sum");
        return ExitCode::FAILURE;
    }
    let mut sum = 0u64;
    for _ in 0..rounds {
        sum = sum.wrapping_add(black_box(round(black_box(&frames))));
    }
    println!("w7/{name}: {rounds} rounds, checksum {sum:#x}");
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: callgrind_w7 <contender|{}> <rounds>", w7::BASELINE);
    eprintln!("  w7: {}", w7::CONTENDERS.join(" "));
    ExitCode::from(2)
}
