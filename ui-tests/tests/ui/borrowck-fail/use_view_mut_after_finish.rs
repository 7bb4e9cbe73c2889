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
    let lake = lake::Lake::new();
    let mut udp = Udp::new_in(&lake, 0).unwrap();
    let done = udp.finish().unwrap();
    udp.set_src_port(1);
    let _ = done;
}
