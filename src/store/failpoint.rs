//! Named points in the writing code where a build with the `failpoints` feature stops, so
//! tests can prove that a crash at any step loses nothing. Without the feature (every build
//! users run), reaching a point does nothing and nothing can arm one.
//!
//! Points: `before-commit`, `after-commit`, `mid-checkout`, `mid-migration`, `pack-written`,
//! `pack-pruning` (the process aborts there, as a crash would), and `pause-before-commit`,
//! `pause-after-commit` (it waits there five seconds, so a test can interrupt it).

#[cfg(feature = "failpoints")]
static ARMED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Arms the point `name` for the rest of the process; the first point armed stays.
#[cfg(feature = "failpoints")]
pub fn arm(name: &str) {
    let _ = ARMED.set(name.to_owned());
}

/// Stops here when `name` is the armed point.
pub(crate) fn reach(name: &str) {
    #[cfg(feature = "failpoints")]
    if ARMED.get().is_some_and(|armed| armed == name) {
        if name.starts_with("pause-") {
            std::thread::sleep(std::time::Duration::from_secs(5));
        } else {
            std::process::abort();
        }
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = name;
}
