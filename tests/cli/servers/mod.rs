//! Real servers for the sync tests (sshd, gitolite, a web server with git http-backend, git
//! daemon), each started on 127.0.0.1 with its own configuration and stopped when the test
//! ends, whether it passes, fails or panics.

pub mod https;
pub mod process;
pub mod ssh;

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::process::alive;
    use crate::sync::Daemon;

    /// Waits up to five seconds for `pid` to be gone.
    fn gone(pid: u32) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if !alive(pid) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn a_server_stops_when_its_test_panics() {
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("served");
        std::fs::create_dir_all(&served).unwrap();
        let pid = std::panic::catch_unwind(|| {
            let daemon = Daemon::start(&served);
            let pid = daemon.pid();
            assert!(alive(pid));
            std::panic::panic_any(pid);
        })
        .unwrap_err()
        .downcast::<u32>()
        .map(|b| *b)
        .unwrap();
        assert!(gone(pid), "git daemon {pid} outlived the panic");
    }

    /// Run by [`a_server_stops_when_the_test_process_is_killed`] in a child test process: starts
    /// a git daemon, says its process id, and waits to be killed.
    #[test]
    #[ignore = "run by a_server_stops_when_the_test_process_is_killed"]
    fn holds_a_daemon_until_killed() {
        let Some(out) = std::env::var_os("IEPCASE_TEST_DAEMON_PID_FILE") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("served");
        std::fs::create_dir_all(&served).unwrap();
        let daemon = Daemon::start(&served);
        std::fs::write(out, daemon.pid().to_string()).unwrap();
        std::thread::sleep(Duration::from_secs(60));
    }

    #[test]
    fn a_server_stops_when_the_test_process_is_killed() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "servers::tests::holds_a_daemon_until_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env("IEPCASE_TEST_DAEMON_PID_FILE", &pid_file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let pid: u32 = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                break pid;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the child test started no daemon"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(alive(pid));
        // No unwinding, no destructors: only the kernel's parent-death signal is left.
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            gone(pid),
            "git daemon {pid} outlived the killed test process"
        );
    }
}
