#[lake::packet]
#[repr(C)]
pub struct Udp {
    pub src_port: lake::be::U16,
    pub dst_port: lake::be::U16,
    #[lake(length(total, min = 8))]
    pub length: lake::be::U16,
    pub checksum: lake::be::U16,
}

fn main() {
    let mut lake = lake::Lake::new();
    let udp = Udp::new_in(&lake, 4).unwrap();
    lake.reset();
    let _ = udp.src_port();
}
