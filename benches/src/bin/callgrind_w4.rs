//! Runs W4 rounds for one keyed contender, for instruction counting under callgrind:
//!
//! ```text
//! callgrind_w4 <contender|baseline> <rounds>
//! ```
//!
//! `benches/callgrind.sh` (`WORKLOADS=w4`) runs it for two round counts and divides the
//! difference in instructions by the extra remove + insert pairs (100 000 per round), which
//! cancels start-up and filling the store.

use std::hint::black_box;
use std::process::ExitCode;

use lake_benches::w4;

fn main() -> ExitCode {
    let Some((name, rounds)) = lake_benches::contender_and_rounds() else {
        return usage();
    };
    match w4::run(&name, rounds) {
        Some(sum) => {
            println!("w4/{name}: {rounds} rounds, checksum {:#x}", black_box(sum));
            ExitCode::SUCCESS
        }
        None => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: callgrind_w4 <contender|{}> <rounds>", w4::BASELINE);
    eprintln!("  w4: {}", w4::CONTENDERS.join(" "));
    ExitCode::from(2)
}
