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
    let mut buf = vec![0u8, 1, 0, 2, 0, 8, 0, 0];
    let (mut a, _) = Udp::parse_mut(&mut buf).unwrap();
    let (mut b, _) = Udp::parse_mut(&mut buf).unwrap();
    a.set_src_port(1);
    b.set_src_port(2);
}
