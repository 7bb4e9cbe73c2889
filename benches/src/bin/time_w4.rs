//! A noise-resistant W4 timer for loaded machines: the *fastest* of many rounds.
//!
//! ```text
//! time_w4 <contender> <rounds>
//! ```
//!
//! Fills the contender with 1 000 values, runs 20 untimed rounds, then times each of `rounds`
//! rounds (100 000 remove + insert pairs each) with `Instant` and prints
//! `contender min_ns median_ns`. The minimum over many rounds approximates an undisturbed
//! round on a shared machine (see `time_w7.rs`); `W=w4 bash benches/time_w7.sh` runs the
//! contenders interleaved, each in its own process, and keeps the smallest minimum.

use std::process::ExitCode;

use lake_benches::w4;

fn main() -> ExitCode {
    let Some((name, rounds)) = lake_benches::contender_and_rounds() else {
        return usage();
    };
    match w4::time(&name, rounds) {
        Some((min, median)) => {
            println!("{name} {min} {median}");
            ExitCode::SUCCESS
        }
        None => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: time_w4 <contender> <rounds>");
    eprintln!("  w4: {}", w4::CONTENDERS.join(" "));
    ExitCode::from(2)
}
