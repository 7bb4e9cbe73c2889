#[derive(lake::LakeAlloc)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

fn main() {
    let mut lake = lake::Lake::new();
    let p = Point::new_in(&lake, 1, 2);
    lake.reset();
    p.x += 1;
}
