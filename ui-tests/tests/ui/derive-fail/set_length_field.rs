use lake::be::U16;

#[lake::packet]
#[repr(C)]
pub struct Udp {
    pub src_port: U16,
    pub dst_port: U16,
    #[lake(length(total, min = 8))]
    pub length: U16,
    pub checksum: U16,
}

fn main() {
    let lake = lake::Lake::new();
    let mut udp = Udp::new_in(&lake, 0).unwrap();
    udp.set_length(9);
}
