//! Placeholder; the runnable examples live in `examples/` (`cargo run -p lake-examples
//! --example tour`).
