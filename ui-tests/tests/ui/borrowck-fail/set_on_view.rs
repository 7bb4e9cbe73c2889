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
    let buf = vec![0u8, 1, 0, 2, 0, 8, 0, 0];
    let (view, _) = Udp::parse(&buf).unwrap();
    view.set_src_port(7);
}
