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
    let view;
    {
        let buf = vec![0u8, 1, 0, 2, 0, 8, 0, 0];
        view = Udp::parse(&buf).unwrap().0;
    }
    let _ = view.src_port();
}
