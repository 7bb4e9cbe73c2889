//! One allocation vocabulary: `Lake`, `SyncLake`, `LocalLake` (and `Scope`, which forwards to
//! `Lake`) have the same `alloc*` / `try_alloc*` methods, and they behave alike.
//!
//! The first test reads the sources: every such method must come from the one shared
//! definition (`typed_api!` in `lake/src/lake/typed.rs`), which each lake invokes once, and
//! `Scope` must forward each of them. A method written into one lake's `impl` only (other than
//! the rewind-only `alloc_dropping` pair, which needs a lake's drop list) fails it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use lake::{Lake, SyncLake};

/// `alloc*` methods only `Lake` and `Scope` have: they register in a drop list that rewinds
/// and resets run, which the shared lakes (reset only with `&mut`, no rewinds) do not keep.
const LAKE_AND_SCOPE_ONLY: [&str; 2] = ["alloc_dropping", "try_alloc_dropping"];

fn lake_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lake/src/lake")
}

fn is_alloc_name(name: &str) -> bool {
    name.starts_with("alloc") || name.starts_with("try_alloc")
}

/// The identifiers that follow each occurrence of `marker` in `text`.
fn names_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .map(|(at, _)| {
            text[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "reads the source tree")]
fn every_lake_has_the_same_alloc_methods_from_one_definition() {
    let src = lake_src();
    let typed = std::fs::read_to_string(src.join("typed.rs")).unwrap();
    let shared: BTreeSet<String> = names_after(&typed, "pub fn ")
        .into_iter()
        .filter(|n| is_alloc_name(n))
        .collect();
    for required in [
        "alloc_fmt",
        "alloc_iter",
        "alloc_slice_clone",
        "alloc_slice_zeroed",
    ] {
        assert!(
            shared.contains(required),
            "{required} is not in the shared set"
        );
        assert!(shared.contains(&format!("try_{required}")));
    }

    // Each lake takes the whole set, once.
    for (file, lake) in [
        ("alloc.rs", "Lake"),
        ("shared/sync_lake.rs", "SyncLake"),
        ("shared/local.rs", "LocalLake"),
    ] {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        assert_eq!(
            text.matches("typed_api!(").count(),
            1,
            "{lake} ({file}) must invoke typed_api! exactly once"
        );
    }

    // No `alloc*` method is written anywhere else, except the Lake-and-Scope-only pair.
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files.iter().filter(|f| !f.ends_with("typed.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        for name in names_after(&text, "pub fn ") {
            if is_alloc_name(&name) {
                assert!(
                    LAKE_AND_SCOPE_ONLY.contains(&name.as_str()),
                    "`{name}` in {} exists on one lake only: add it to typed_api! instead",
                    file.display()
                );
            }
        }
    }

    // `Scope` forwards every shared method.
    let scope = std::fs::read_to_string(src.join("scope.rs")).unwrap();
    let mut forwarded: BTreeSet<String> = BTreeSet::new();
    for line in scope
        .lines()
        .filter(|l| l.trim_start().starts_with("forward!("))
    {
        let rest = line.trim_start().trim_start_matches("forward!(");
        let rest = rest.trim_start_matches("#[track_caller] ");
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if is_alloc_name(&name) {
            forwarded.insert(name);
        }
    }
    assert_eq!(
        forwarded, shared,
        "Scope's forwards differ from the shared set"
    );
}

/// Runs the same allocations on any lake (`$lake` binds it) and checks the results.
macro_rules! exercise {
    ($lake:expr) => {{
        let lake = $lake;
        assert_eq!(*lake.alloc(41u32), 41);
        assert_eq!(*lake.try_alloc_with(|| 7u8).unwrap(), 7);
        assert_eq!(*lake.alloc_zeroed::<u64>(), 0);
        // A `Clone`, not `Copy`, item that owns no heap memory (a lake never drops its items).
        #[derive(Clone, Debug, PartialEq)]
        struct Word(&'static str);
        let words = [Word("a"), Word("b")];
        let cloned = lake.alloc_slice_clone(&words);
        cloned[0].0 = "a!";
        assert_eq!(cloned, &[Word("a!"), Word("b")]);
        assert_eq!(lake.try_alloc_slice_clone(&[1, 2]).unwrap(), &[1, 2]);
        assert_eq!(lake.alloc_slice_zeroed::<u16>(3), &[0, 0, 0]);
        assert!(lake.try_alloc_slice_zeroed::<u64>(usize::MAX).is_err());
        assert_eq!(lake.alloc_slice_fill_with(3, |i| i * 2), &[0, 2, 4]);
        let n = 7;
        assert_eq!(lake.alloc_fmt(format_args!("{n} of {}", 9)), "7 of 9");
        assert_eq!(lake.try_alloc_fmt(format_args!("plain")).unwrap(), "plain");
        assert_eq!(
            lake.alloc_iter((0..10).filter(|x| x % 3 == 0)),
            &[0, 3, 6, 9]
        );
        assert_eq!(lake.try_alloc_iter(vec![1u8, 2]).unwrap(), &[1, 2]);
        assert_eq!(lake.alloc_str("hi"), "hi");
        assert_eq!(lake.alloc_slice_copy(b"xy"), b"xy");
        let boxed = lake.alloc_box(vec![1, 2, 3]);
        assert_eq!(boxed.len(), 3);
        let block = lake.alloc_layout(core::alloc::Layout::from_size_align(8, 64).unwrap());
        assert_eq!(block.as_ptr() as usize % 64, 0);
    }};
}

#[test]
fn every_lake_allocates_alike() {
    exercise!(&Lake::new());
    exercise!(&SyncLake::new());
    let shared = SyncLake::new();
    exercise!(&shared.local());
    let mut lake = Lake::new();
    lake.scope(|s| exercise!(s));
}

#[test]
fn a_fill_that_panics_in_a_shared_lake_drops_the_values_made_so_far() {
    use std::cell::Cell;
    thread_local!(static DROPS: Cell<usize> = const { Cell::new(0) });
    struct Counted;
    impl Drop for Counted {
        fn drop(&mut self) {
            DROPS.with(|d| d.set(d.get() + 1));
        }
    }
    let shared = SyncLake::new();
    let local = shared.local();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        local.alloc_slice_fill_with(5, |i| {
            if i == 3 {
                panic!("fill");
            }
            Counted
        });
    }));
    assert!(result.is_err());
    assert_eq!(DROPS.with(Cell::get), 3);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        shared.alloc_slice_fill_with(4, |i| {
            if i == 2 {
                panic!("fill");
            }
            Counted
        });
    }));
    assert!(result.is_err());
    assert_eq!(DROPS.with(Cell::get), 5);
}
