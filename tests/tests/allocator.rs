//! `&Lake` as an `allocator_api2` allocator: `Vec<T, &Lake>`, `hashbrown::HashMap<.., &Lake>`,
//! and the `Allocator` methods called directly.

use std::ptr::NonNull;

use allocator_api2::alloc::{Allocator, Layout};
use allocator_api2::vec::Vec as LakeVec;
use hashbrown::{DefaultHashBuilder, HashMap};
use lake::Lake;
use lake_tests::{overlaps, scaled, DropLog};

fn value(i: usize) -> u64 {
    (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xabcdef
}

#[test]
fn a_vec_in_a_lake_holds_many_pushes() {
    let n = scaled(10_000, 200);
    for lake in [
        Lake::new(),
        Lake::with_capacity(64),
        Lake::builder().capacity(16).max_chunk_size(512).build(),
    ] {
        let mut v = LakeVec::new_in(&lake);
        for i in 0..n {
            v.push(value(i));
        }
        assert_eq!(v.len(), n);
        assert!(v.iter().enumerate().all(|(i, &x)| x == value(i)));
        assert!(lake.stats().used >= n * 8);
    }
}

#[test]
fn growing_the_last_allocation_happens_in_place() {
    let n = scaled(10_000, 200);
    // Room for every capacity the Vec will reach, so growth never needs a new chunk.
    let lake = Lake::with_capacity(4 * n * 8);
    let mut v: LakeVec<u64, &Lake> = LakeVec::new_in(&lake);
    v.push(value(0));
    let data = v.as_ptr();
    let mut grew = 0;
    for i in 1..n {
        let cap = v.capacity();
        v.push(value(i));
        if v.capacity() != cap {
            grew += 1;
        }
        assert_eq!(v.as_ptr(), data, "the Vec moved at push {i}");
    }
    assert!(grew >= 5, "the Vec never needed to grow");
    let stats = lake.stats();
    // Only the final block is in use: no trail of abandoned smaller blocks.
    assert_eq!(stats.used, v.capacity() * 8, "{stats:?}");
    assert_eq!(stats.chunks, 1);
    assert!(v.iter().enumerate().all(|(i, &x)| x == value(i)));
}

#[test]
fn shrink_to_fit_gives_the_tail_back_when_last() {
    let lake = Lake::with_capacity(4096);
    let mut v = LakeVec::with_capacity_in(100, &lake);
    v.extend((0..10).map(value));
    assert_eq!(lake.stats().used, 800);
    let data = v.as_ptr();
    v.shrink_to_fit();
    assert_eq!(v.capacity(), 10);
    assert_eq!(v.as_ptr(), data);
    assert_eq!(lake.stats().used, 80);
    assert!(v.iter().enumerate().all(|(i, &x)| x == value(i)));
    // Space given back is reused by the next allocation.
    let next = lake.alloc(7u64);
    assert_eq!(lake_tests::addr_of(next), data.addr() + 80);
}

#[test]
fn shrink_to_fit_in_the_middle_keeps_contents_and_neighbours() {
    let lake = Lake::with_capacity(4096);
    let mut v = LakeVec::with_capacity_in(100, &lake);
    v.extend((0..10).map(value));
    let after = lake.alloc_slice_copy(&[0x55u8; 32]);
    let used = lake.stats().used;
    v.shrink_to_fit();
    assert!(v.capacity() >= 10);
    assert!(v.iter().enumerate().all(|(i, &x)| x == value(i)));
    assert_eq!(after, &[0x55; 32]);
    // A block in the middle cannot give bytes back without moving the cursor over `after`.
    assert!(
        lake.stats().used >= used,
        "the cursor moved back over a live block"
    );
    v.push(1);
    assert_eq!(after, &[0x55; 32]);
}

#[test]
fn interleaved_vecs_force_copies_and_keep_their_contents() {
    let n = scaled(5_000, 150);
    let lake = Lake::new();
    let mut a = LakeVec::new_in(&lake);
    let mut b = LakeVec::new_in(&lake);
    for i in 0..n {
        a.push(value(i));
        b.push(!value(i) as u32);
        let ra = (a.as_ptr().addr(), a.capacity() * 8);
        let rb = (b.as_ptr().addr(), b.capacity() * 4);
        assert!(!overlaps(ra, rb), "{ra:x?} / {rb:x?}");
    }
    assert!(a.iter().enumerate().all(|(i, &x)| x == value(i)));
    assert!(b.iter().enumerate().all(|(i, &x)| x == !value(i) as u32));
}

#[test]
fn dropping_the_last_vec_gives_its_bytes_back() {
    let lake = Lake::with_capacity(1024);
    lake.alloc(1u64);
    let used = lake.stats().used;
    let mut v = LakeVec::with_capacity_in(16, &lake);
    v.push(1u64);
    assert!(lake.stats().used > used);
    drop(v);
    assert_eq!(lake.stats().used, used);

    // Not the last: the bytes stay reserved until reset, and the later block is untouched.
    let v = LakeVec::<u64, _>::with_capacity_in(16, &lake);
    let later = lake.alloc(0xdead_beef_u64);
    let used = lake.stats().used;
    drop(v);
    assert_eq!(lake.stats().used, used);
    assert_eq!(*later, 0xdead_beef);
    assert_eq!(*lake.alloc(5u64), 5);
}

#[test]
fn a_vec_in_a_lake_drops_its_elements() {
    let log = DropLog::new();
    let lake = Lake::new();
    let mut v = LakeVec::new_in(&lake);
    for i in 0..20 {
        v.push(log.spy(i));
    }
    v.truncate(15);
    assert_eq!(log.dropped_sorted(), [15, 16, 17, 18, 19]);
    drop(v);
    assert_eq!(log.dropped_sorted(), (0..20).collect::<Vec<_>>());

    let mut strings = LakeVec::new_in(&lake);
    for i in 0..50 {
        strings.push(format!("string number {i}"));
    }
    assert_eq!(strings[49], "string number 49");
    drop(strings); // frees the Strings' heap buffers: miri reports a leak otherwise
}

#[test]
fn a_hash_map_in_a_lake_inserts_gets_and_removes() {
    let n = scaled(5_000, 100);
    let lake = Lake::new();
    let mut map: HashMap<u64, String, DefaultHashBuilder, &Lake> =
        HashMap::with_hasher_in(DefaultHashBuilder::default(), &lake);
    for i in 0..n {
        assert!(map.insert(value(i), format!("v{i}")).is_none());
    }
    assert_eq!(map.len(), n);
    for i in 0..n {
        assert_eq!(
            map.get(&value(i)).map(String::as_str),
            Some(format!("v{i}").as_str())
        );
    }
    for i in (0..n).step_by(2) {
        assert_eq!(map.remove(&value(i)), Some(format!("v{i}")));
    }
    assert_eq!(map.len(), n / 2);
    for i in 0..n {
        assert_eq!(map.contains_key(&value(i)), i % 2 == 1, "key {i}");
    }
    assert!(lake.stats().used > 0);
}

#[test]
fn a_full_fixed_lake_makes_collections_report_errors() {
    let lake = Lake::fixed(256);
    let mut v: LakeVec<u64, &Lake> = LakeVec::new_in(&lake);
    assert!(v.try_reserve(1000).is_err());
    assert!(v.try_reserve_exact(16).is_ok());
    v.extend(0..16);
    assert!(v.try_reserve(1000).is_err());
    assert_eq!(v.len(), 16);
    assert!(v.iter().copied().eq(0..16));

    let mut map: HashMap<u32, u32, DefaultHashBuilder, &Lake> =
        HashMap::with_hasher_in(DefaultHashBuilder::default(), &lake);
    assert!(map.try_reserve(10_000).is_err());
}

/// `Allocator` called directly, checking pointers and bytes.
#[test]
fn allocator_grow_shrink_and_zeroing_preserve_bytes() {
    let lake = Lake::with_capacity(4096);
    let a: &Lake = &lake;
    let l16 = Layout::from_size_align(16, 8).unwrap();
    let l64 = Layout::from_size_align(64, 8).unwrap();
    let l128 = Layout::from_size_align(128, 8).unwrap();

    let block = a.allocate_zeroed(l16).unwrap();
    assert_eq!(block.len(), 16);
    let p = block.cast::<u8>();
    // SAFETY: `p` is a live block of 16 bytes, just zeroed by `allocate_zeroed`.
    let bytes = unsafe { std::slice::from_raw_parts_mut(p.as_ptr(), 16) };
    assert_eq!(bytes, &[0; 16]);
    bytes.fill(0xA1);

    // The last block grows in place; the new tail is zeroed.
    // SAFETY: `p` is a live block of `l16` from this allocator, and 64 >= 16.
    let grown = unsafe { a.grow_zeroed(p, l16, l64) }.unwrap();
    assert_eq!(grown.cast::<u8>(), p, "the last block moved");
    // SAFETY: `grown` is a live block of 64 initialised bytes (16 written, 48 zeroed).
    let bytes = unsafe { std::slice::from_raw_parts(p.as_ptr(), 64) };
    assert_eq!(&bytes[..16], &[0xA1; 16]);
    assert_eq!(&bytes[16..], &[0; 48]);

    // A block that is not last moves when it grows, keeping its bytes.
    let other = a.allocate(l16).unwrap().cast::<u8>();
    // SAFETY: `other` is a fresh block of 16 bytes.
    unsafe { other.as_ptr().write_bytes(0x0B, 16) };
    // SAFETY: `p` is a live block of `l64` from this allocator, and 128 >= 64.
    let moved = unsafe { a.grow_zeroed(p, l64, l128) }.unwrap().cast::<u8>();
    assert_ne!(moved, p);
    // SAFETY: `moved` is a live block of 128 initialised bytes (64 copied, 64 zeroed), and
    // `other` of 16 bytes written above; they are distinct blocks.
    let (bytes, other_bytes) = unsafe {
        (
            std::slice::from_raw_parts(moved.as_ptr(), 128),
            std::slice::from_raw_parts(other.as_ptr(), 16),
        )
    };
    assert_eq!(&bytes[..16], &[0xA1; 16]);
    assert_eq!(&bytes[16..], &[0; 112]);
    assert_eq!(other_bytes, &[0x0B; 16]);

    // Shrinking to a stricter alignment than the block has must move it.
    let strict = Layout::from_size_align(32, 256).unwrap();
    // SAFETY: `moved` is a live block of `l128` from this allocator, and 32 <= 128.
    let shrunk = unsafe { a.shrink(moved, l128, strict) }
        .unwrap()
        .cast::<u8>();
    assert_eq!(shrunk.as_ptr().addr() % 256, 0);
    // SAFETY: `shrunk` is a live block whose 32 bytes were copied from initialised bytes.
    let bytes = unsafe { std::slice::from_raw_parts(shrunk.as_ptr(), 32) };
    assert_eq!(&bytes[..16], &[0xA1; 16]);
    assert_eq!(&bytes[16..], &[0; 16]);

    // SAFETY: each block is live, from this allocator, with the layout it was last given.
    unsafe {
        a.deallocate(shrunk, strict);
        a.deallocate(other, l16);
    }
    assert!(lake.stats().used <= 4096);
}

#[test]
fn allocator_zero_sized_blocks_are_aligned_and_free() {
    let lake = Lake::with_capacity(256);
    let a: &Lake = &lake;
    lake.alloc(1u8);
    let used = lake.stats().used;
    for align in [1, 2, 8, 16] {
        let layout = Layout::from_size_align(0, align).unwrap();
        let block: NonNull<[u8]> = a.allocate(layout).unwrap();
        assert_eq!(block.len(), 0);
        assert_eq!(block.cast::<u8>().as_ptr().addr() % align, 0);
        // Growing a zero-sized block gives a usable block.
        let l8 = Layout::from_size_align(8, align).unwrap();
        // SAFETY: `block` is a live zero-sized block of `layout` from this allocator.
        let grown = unsafe { a.grow(block.cast(), layout, l8) }
            .unwrap()
            .cast::<u8>();
        // SAFETY: `grown` is a fresh block of 8 bytes.
        unsafe { grown.as_ptr().write_bytes(0x77, 8) };
        // SAFETY: the 8 bytes were just written.
        assert_eq!(unsafe { grown.as_ptr().read() }, 0x77);
        // SAFETY: `grown` is live with layout `l8`.
        unsafe { a.deallocate(grown, l8) };
    }
    assert!(lake.stats().used >= used);
    assert_eq!(*lake.alloc(9u8), 9);
}
