// The lake dependency under another name: `#[lake(crate = "..")]` points the expansion at it.
// (Cargo cannot depend on one crate under two names, so the rename is an `extern crate`; the
// expansion snapshot `renamed_crate` checks that no `::lake` path is left in the output.)
extern crate lake as renamed_lake;

use renamed_lake::be::U16;

#[renamed_lake::packet]
#[repr(C)]
#[lake(crate = "renamed_lake")]
pub struct Hdr {
    #[lake(length(payload))]
    pub len: U16,
}

#[derive(renamed_lake::LakeAlloc)]
#[lake(crate = "::renamed_lake")]
pub struct Plain {
    pub a: u8,
}

fn main() {
    let lake = renamed_lake::Lake::new();
    let h = Hdr::new_in(&lake, 3).unwrap().finish().unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(Plain::new_in(&lake, 1).a, 1);
}
