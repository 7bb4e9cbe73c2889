//! Typed allocation on [`Lake`]: the method set every lake shares (see `typed.rs`), over the
//! bump in `raw.rs`.

use super::Lake;

// `&self -> &mut T` is the point of an arena: every call gets a fresh block that no other
// reference can reach (`Lake::bump`), so the returned `&mut` is unique.
#[allow(clippy::mut_from_ref)]
impl Lake {
    super::typed::typed_api!('_, "let lake = lake::Lake::new();\n");
}
