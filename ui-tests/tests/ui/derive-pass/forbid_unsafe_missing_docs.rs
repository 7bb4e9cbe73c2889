//! A user crate that forbids `unsafe` and requires docs: every mode must compile here.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// A packet.
#[lake::packet]
#[repr(C)]
#[lake(check = check)]
pub struct Hdr {
    /// Version and length.
    #[lake(bits(version = 4, ihl = 4), value(version = 4), header_len(ihl, scale = 4))]
    pub ver_ihl: u8,
    /// Total length.
    #[lake(length(total, min = 4))]
    pub len: lake::be::U16,
    /// Kind.
    pub kind: u8,
}

fn check(_: &Hdr) -> Result<(), &'static str> {
    Ok(())
}

/// A plain struct.
#[derive(lake::LakeAlloc, bytemuck::Zeroable)]
#[lake(zeroed)]
pub struct Plain {
    /// A field.
    pub a: u32,
}

/// A pooled struct.
#[derive(lake::LakeAlloc)]
#[lake(pool)]
pub struct Conn {
    /// A field.
    pub fd: i32,
}

fn main() {
    let lake = lake::Lake::new();
    assert_eq!(Hdr::new_in(&lake, 0).unwrap().finish().unwrap().ihl(), 1);
    assert_eq!(Plain::zeroed_in(&lake).a, 0);
}
