// A generic struct is checked when a constructor is instantiated with a type that needs Drop.
#[derive(lake::LakeAlloc)]
pub struct Wrapper<T> {
    pub value: T,
}

fn main() {
    let lake = lake::Lake::new();
    let _fine = Wrapper::new_in(&lake, 5u32);
    let _leak = Wrapper::new_in(&lake, String::from("leaked"));
}
