#[lake::packet]
#[repr(C)]
pub struct Udp {
    pub src_port: lake::be::U16,
    pub dst_port: lake::be::U16,
    #[lake(length(total, min = 8))]
    pub length: lake::be::U16,
    pub checksum: lake::be::U16,
}

fn build() -> UdpViewMut<'static> {
    let lake = lake::Lake::new();
    Udp::new_in(&lake, 0).unwrap()
}

fn main() {
    let _ = build();
}
