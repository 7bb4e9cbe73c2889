//! Values aligned above the chunks' 16 bytes, which miri's `-Zmiri-symbolic-alignment-check`
//! (run by CI) only accepts because the lake promises their alignment to miri
//! (`promise_alignment` in lake/src/lake/raw.rs). Found by this test before the fix.

use lake::Lake;
use lake_tests::addr_of;

#[repr(C, align(32))]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Wide([u8; 32]);

#[repr(align(4096))]
struct Page;

/// A 32-aligned value and a 4096-aligned zero-sized value inside a 16-aligned chunk, then a
/// slice of 32-aligned values: aligned natively and accepted by miri's symbolic check.
#[test]
fn over_aligned_values_inside_a_chunk() {
    let lake = Lake::with_capacity(1 << 14);
    lake.alloc(1u8);
    let wide = lake.alloc(Wide([7; 32]));
    assert_eq!(addr_of(wide) % 32, 0);
    assert_eq!(wide.0, [7; 32]);
    let page = lake.alloc(Page);
    assert_eq!(addr_of(page) % 4096, 0);
    let wides = lake.alloc_slice_copy(&[Wide([1; 32]); 3]);
    assert_eq!(addr_of(wides) % 32, 0);
    assert_eq!(wides[2], Wide([1; 32]));
}
