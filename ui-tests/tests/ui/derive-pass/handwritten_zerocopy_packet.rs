// `#[derive(LakeAlloc)] #[lake(packet)]` on a struct that derives zerocopy's traits itself,
// with `no_aliases`.
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

#[derive(lake::LakeAlloc, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[lake(packet, no_aliases)]
#[repr(C)]
pub struct Tag {
    #[lake(value = 1)]
    pub kind: u8,
    #[lake(length(payload))]
    pub len: u8,
}

/// With `no_aliases` the derive adds no `TagView` / `TagViewMut`, so this name is free.
#[allow(dead_code)]
pub struct TagView;

fn main() {
    let (tag, rest) = Tag::parse(&[1, 2, 9, 9, 5]).unwrap();
    assert_eq!((tag.kind(), tag.payload(), rest), (1, &[9u8, 9][..], &[5u8][..]));
}
