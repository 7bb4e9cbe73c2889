//! TSan canary: an unsynchronised write from two threads. `.ci/sanitizers.sh` builds this and
//! requires ThreadSanitizer to report the data race; if it does not, the TSan tier would pass
//! without checking anything, so the tier fails instead.
static mut COUNTER: usize = 0;

fn main() {
    // SAFETY: none; the race is the point (this program only checks the sanitizer).
    let t = std::thread::spawn(|| unsafe { *std::ptr::addr_of_mut!(COUNTER) += 1 });
    // SAFETY: as above.
    unsafe { *std::ptr::addr_of_mut!(COUNTER) += 1 };
    t.join().unwrap();
}
