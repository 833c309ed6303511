use std::ffi::CStr;
use std::os::raw::c_char;

#[link(name = "z")]
extern "C" {
    fn zlibVersion() -> *const c_char;
}

fn main() {
    let v = unsafe { CStr::from_ptr(zlibVersion()) };
    println!("zlib {}", v.to_string_lossy());
}
