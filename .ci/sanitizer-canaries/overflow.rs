//! ASan canary: a read one byte past a heap allocation. `.ci/sanitizers.sh` builds this and
//! requires AddressSanitizer to report a heap-buffer-overflow; if it does not, the ASan tier
//! would pass without checking anything, so the tier fails instead.
fn main() {
    let v = vec![1u8; 8];
    // SAFETY: none; the out-of-bounds read is the point (this program only checks the
    // sanitizer).
    let x = unsafe { std::ptr::read_volatile(v.as_ptr().add(8)) };
    std::process::exit(i32::from(x == 0xff));
}
