#[lake::packet]
#[repr(C)]
pub struct r#Frame {
    pub r#type: u8,
    #[lake(bits(r#in = 4, r#out = 4))]
    pub r#match: u8,
    #[lake(length(total))]
    pub r#loop: lake::be::U16,
}

#[derive(lake::LakeAlloc)]
pub struct r#Plain {
    pub r#fn: u8,
}

fn main() {
    let lake = lake::Lake::new();
    let mut f: FrameViewMut<'_> = r#Frame::new_in(&lake, 0).unwrap();
    f.set_type(7);
    f.set_in(1);
    f.set_out(2);
    let f = f.finish().unwrap();
    assert_eq!((f.r#type(), f.r#in(), f.r#out(), f.r#loop(), f.r#match()), (7, 1, 2, 4, 0x12));
    assert_eq!(r#Plain::new_in(&lake, 5).r#fn, 5);
}
