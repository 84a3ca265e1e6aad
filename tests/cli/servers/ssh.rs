//! An OpenSSH server of the test's own on 127.0.0.1: its own host key, config and
//! authorized_keys, serving bare repositories through git-upload-pack and git-receive-pack
//! (the system's sshd and its config are never touched). Also user keys, an ssh-agent, and a
//! gitolite host behind that server.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::process::{Guard, free_port, require};

/// The programs the SSH tests need, or `None` (the test is skipped) when one is missing.
pub fn available() -> bool {
    ["/usr/sbin/sshd", "ssh-keygen", "ssh-agent", "ssh-add"]
        .iter()
        .all(|p| require(p).is_some())
}

/// The login name sshd authenticates: sshd run by a user can only log that user in.
pub fn user_name() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// An SSH key pair made with ssh-keygen.
pub struct Key {
    pub private: PathBuf,
    pub public_line: String,
}

impl Key {
    /// A new ed25519 key at `path`, protected by `passphrase` when it is not empty.
    pub fn new(path: &Path, passphrase: &str) -> Key {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(path);
        let status = Command::new("ssh-keygen")
            .args([
                "-q", "-t", "ed25519", "-C", "test key", "-N", passphrase, "-f",
            ])
            .arg(path)
            .status()
            .expect("ssh-keygen");
        assert!(status.success());
        let public_line = std::fs::read_to_string(path.with_extension("pub"))
            .unwrap()
            .trim()
            .to_owned();
        Key {
            private: path.to_owned(),
            public_line,
        }
    }

    /// `SHA256:…`, as ssh-keygen prints it.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.private.with_extension("pub"))
    }
}

/// The SHA256 fingerprint of a public key file.
pub fn fingerprint_of(public: &Path) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(public)
        .output()
        .expect("ssh-keygen -l");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .expect("a fingerprint")
        .to_owned()
}

/// A running sshd.
pub struct Sshd {
    _guard: Guard,
    pub dir: PathBuf,
    pub port: u16,
    pub host_key: Key,
    pub authorized_keys: PathBuf,
}

impl Sshd {
    /// Starts sshd in `dir` with `authorized` lines in its authorized_keys file and
    /// `extra` lines of configuration.
    pub fn start(dir: &Path, authorized: &[String], extra: &[String]) -> Sshd {
        std::fs::create_dir_all(dir).unwrap();
        let host_key = Key::new(&dir.join("host_ed25519"), "");
        Sshd::start_with_host_key(dir, host_key, authorized, extra)
    }

    /// The same with a given host key (to play a server whose key changed).
    pub fn start_with_host_key(
        dir: &Path,
        host_key: Key,
        authorized: &[String],
        extra: &[String],
    ) -> Sshd {
        let port = free_port();
        let authorized_keys = dir.join("authorized_keys");
        if !authorized_keys.exists() || !authorized.is_empty() {
            std::fs::write(&authorized_keys, authorized.join("\n") + "\n").unwrap();
        }
        let config = dir.join("sshd_config");
        // sshd takes the first value of a setting: `extra` comes first to override.
        let mut lines: Vec<String> = extra.to_vec();
        lines.extend([
            format!("Port {port}"),
            "ListenAddress 127.0.0.1".into(),
            format!("HostKey {}", host_key.private.display()),
            "PidFile none".into(),
            format!("AuthorizedKeysFile {}", authorized_keys.display()),
            "StrictModes no".into(),
            "UsePAM no".into(),
            "PasswordAuthentication no".into(),
            "KbdInteractiveAuthentication no".into(),
            "PubkeyAuthentication yes".into(),
            "PermitRootLogin prohibit-password".into(),
            "MaxStartups 64".into(),
            "LogLevel VERBOSE".into(),
        ]);
        std::fs::write(&config, lines.join("\n") + "\n").unwrap();
        if user_name() == "root" {
            // sshd run by root separates privileges into this empty folder, which the
            // package's service normally creates at boot.
            std::fs::create_dir_all("/run/sshd").unwrap();
        }
        let mut cmd = Command::new("/usr/sbin/sshd");
        cmd.args(["-D", "-e", "-f"]).arg(&config);
        let mut guard = Guard::spawn("sshd", cmd, dir.join("sshd.log"));
        guard.wait_for_port(port);
        Sshd {
            _guard: guard,
            dir: dir.to_owned(),
            port,
            host_key,
            authorized_keys,
        }
    }

    /// `ssh://user@127.0.0.1:port/absolute/path`.
    pub fn url(&self, path: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            user_name(),
            self.port,
            path.display()
        )
    }

    /// This server's line for a known_hosts file.
    pub fn known_hosts_line(&self) -> String {
        let mut parts = self.host_key.public_line.split_whitespace();
        let kind = parts.next().unwrap();
        let blob = parts.next().unwrap();
        format!("[127.0.0.1]:{} {kind} {blob}", self.port)
    }

    /// Adds this server's host key to ~/.ssh/known_hosts under `home`.
    pub fn trust(&self, home: &Path) {
        let dir = home.join(".ssh");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("known_hosts");
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&self.known_hosts_line());
        text.push('\n');
        std::fs::write(path, text).unwrap();
    }

    /// What sshd logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }
}

/// An ssh-agent of the test's own, on a socket in the test's folder.
pub struct Agent {
    _guard: Guard,
    pub socket: PathBuf,
}

impl Agent {
    pub fn start(dir: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let mut cmd = Command::new("ssh-agent");
        cmd.arg("-D").arg("-a").arg(&socket);
        let guard = Guard::spawn("ssh-agent", cmd, dir.join("agent.log"));
        for _ in 0..500 {
            if socket.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(socket.exists(), "ssh-agent made no socket");
        Agent {
            _guard: guard,
            socket,
        }
    }

    /// Loads `key` (not protected by a passphrase) into the agent.
    pub fn add(&self, key: &Key) {
        let out = Command::new("ssh-add")
            .arg(&key.private)
            .env("SSH_AUTH_SOCK", &self.socket)
            .output()
            .expect("ssh-add");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A gitolite host behind an sshd of its own: a practice's one server, one repository per
/// case, access rules per member.
pub struct Gitolite {
    pub sshd: Sshd,
    admin: Key,
    admin_clone: PathBuf,
}

impl Gitolite {
    /// The programs this needs, or `None` (the test is skipped).
    pub fn available() -> bool {
        available() && require("gitolite").is_some()
    }

    /// A fresh gitolite in `dir`, administered by a key of its own.
    pub fn start(dir: &Path) -> Gitolite {
        let home = dir.join("gitolite-home");
        std::fs::create_dir_all(&home).unwrap();
        let admin = Key::new(&dir.join("admin-key/admin"), "");
        let admin_pub = dir.join("admin.pub");
        std::fs::write(&admin_pub, format!("{}\n", admin.public_line)).unwrap();
        let out = Command::new("gitolite")
            .arg("setup")
            .arg("-pk")
            .arg(&admin_pub)
            .env("HOME", &home)
            .output()
            .expect("gitolite setup");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // gitolite keeps its authorized_keys (forced commands) in its home's .ssh.
        let keys = home.join(".ssh/authorized_keys");
        let authorized_keys_line = format!("AuthorizedKeysFile {}", keys.display());
        let sshd = Sshd::start(
            &dir.join("sshd"),
            &[],
            &[
                authorized_keys_line,
                format!("SetEnv HOME={}", home.display()),
            ],
        );
        let gitolite = Gitolite {
            sshd,
            admin,
            admin_clone: dir.join("gitolite-admin"),
        };
        let url = gitolite.url("gitolite-admin");
        gitolite.admin_git(dir, &["clone", "-q", &url, "gitolite-admin"]);
        gitolite
    }

    /// `ssh://user@127.0.0.1:port/REPO.git`, as gitolite names a repository.
    pub fn url(&self, repo: &str) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}/{repo}.git",
            user_name(),
            self.sshd.port
        )
    }

    fn admin_git(&self, cwd: &Path, args: &[&str]) {
        let ssh = format!(
            "ssh -i {} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
             -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
            self.admin.private.display()
        );
        let out = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .env("GIT_SSH_COMMAND", ssh)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "admin")
            .env("GIT_AUTHOR_EMAIL", "admin@example.org")
            .env("GIT_COMMITTER_NAME", "admin")
            .env("GIT_COMMITTER_EMAIL", "admin@example.org")
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.sshd.log()
        );
    }

    /// Publishes the members' keys (`(name, public key line)`) and the access rules (lines
    /// of gitolite.conf after the admin repository's own), as the host's admin does: a
    /// commit pushed to gitolite-admin.
    pub fn configure(&self, members: &[(&str, &str)], rules: &str) {
        let keydir = self.admin_clone.join("keydir");
        for (name, line) in members {
            std::fs::write(keydir.join(format!("{name}.pub")), format!("{line}\n")).unwrap();
        }
        let conf = format!("repo gitolite-admin\n    RW+     =   admin\n\n{rules}\n");
        std::fs::write(self.admin_clone.join("conf/gitolite.conf"), conf).unwrap();
        let clone = self.admin_clone.clone();
        self.admin_git(&clone, &["add", "-A"]);
        self.admin_git(&clone, &["commit", "-q", "-m", "access rules"]);
        self.admin_git(&clone, &["push", "-q", "origin", "HEAD:master"]);
    }
}
