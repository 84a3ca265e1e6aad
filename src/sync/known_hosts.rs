//! SSH host keys: what a server presents, checked against OpenSSH's known_hosts files, and
//! trusting a new one.
//!
//! libgit2's own check cannot tell an unknown host from a changed key; this one does, so an
//! unknown host is refused with the fingerprint to compare and a changed key is refused as a
//! possible attack. Reads the OpenSSH format: comma-separated host patterns with `*`, `?` and
//! `!`, `[host]:port` for other ports, hashed names (`|1|salt|hash`), and the `@revoked`
//! marker (`@cert-authority` lines are skipped: libssh2 does not use host certificates).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// A host key a server presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKey {
    pub host: String,
    pub port: u16,
    /// The key in SSH wire format (type name, then the key).
    pub blob: Vec<u8>,
}

impl HostKey {
    /// The key's type, such as `ssh-ed25519`, as written in its blob.
    pub fn key_type(&self) -> String {
        let len = self
            .blob
            .get(..4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
        self.blob
            .get(4..4 + len)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_else(|| "unknown".into())
    }

    /// `SHA256:…`, as `ssh-keygen -l` and hosting sites show it.
    pub fn fingerprint(&self) -> String {
        format!(
            "SHA256:{}",
            STANDARD_NO_PAD.encode(Sha256::digest(&self.blob))
        )
    }

    /// How known_hosts names this host: `host`, or `[host]:port` off port 22.
    pub fn host_entry(&self) -> String {
        if self.port == 22 {
            self.host.clone()
        } else {
            format!("[{}]:{}", self.host, self.port)
        }
    }

    /// The host as `iepcase remote trust` takes it: `host`, or `host:port` off port 22.
    pub fn address(&self) -> String {
        if self.port == 22 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The known_hosts line that trusts this key.
    pub fn known_hosts_line(&self) -> String {
        format!(
            "{} {} {}",
            self.host_entry(),
            self.key_type(),
            STANDARD.encode(&self.blob)
        )
    }
}

/// What the known_hosts files say about a host key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A line trusts this very key.
    Known,
    /// No line names the host.
    Unknown,
    /// Lines name the host with other keys: the key changed, or someone is in between.
    Changed { file: PathBuf, line: usize },
    /// A `@revoked` line names this key.
    Revoked { file: PathBuf, line: usize },
}

/// Checks `key` against `files` (missing files count as empty).
pub fn check(files: &[PathBuf], key: &HostKey) -> Verdict {
    let name = key.host_entry();
    let mut changed = None;
    let mut known = false;
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let Some(entry) = Entry::parse(line) else {
                continue;
            };
            if !entry.matches_host(&name) {
                continue;
            }
            let same = entry.blob.as_deref() == Some(key.blob.as_slice());
            match entry.marker {
                Marker::Revoked if same => {
                    return Verdict::Revoked {
                        file: file.clone(),
                        line: index + 1,
                    };
                }
                Marker::Revoked | Marker::CertAuthority => {}
                Marker::None if same => known = true,
                Marker::None => {
                    changed.get_or_insert((file.clone(), index + 1));
                }
            }
        }
    }
    match (known, changed) {
        (true, _) => Verdict::Known,
        (false, Some((file, line))) => Verdict::Changed { file, line },
        (false, None) => Verdict::Unknown,
    }
}

/// Adds `key` to the known_hosts file `file` (created with its folder when missing),
/// rewriting the file atomically.
pub fn trust(file: &Path, key: &HostKey) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        fs_err::create_dir_all(dir)?;
    }
    let mut text = match fs_err::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&key.known_hosts_line());
    text.push('\n');
    crate::atomic::write(file, text.as_bytes(), None)
}

#[derive(Debug, PartialEq, Eq)]
enum Marker {
    None,
    Revoked,
    CertAuthority,
}

/// One line of a known_hosts file.
struct Entry<'a> {
    marker: Marker,
    patterns: &'a str,
    blob: Option<Vec<u8>>,
}

impl<'a> Entry<'a> {
    fn parse(line: &'a str) -> Option<Entry<'a>> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split_whitespace();
        let mut first = fields.next()?;
        let marker = match first {
            "@revoked" => Marker::Revoked,
            "@cert-authority" => Marker::CertAuthority,
            _ => Marker::None,
        };
        if marker != Marker::None {
            first = fields.next()?;
        }
        let _key_type = fields.next()?;
        let blob = fields.next().and_then(|b| STANDARD.decode(b).ok());
        Some(Entry {
            marker,
            patterns: first,
            blob,
        })
    }

    /// Whether the host patterns name `name` (`host` or `[host]:port`): some pattern
    /// matches and no negated one does.
    fn matches_host(&self, name: &str) -> bool {
        if let Some(hashed) = self.patterns.strip_prefix("|1|") {
            return hashed_matches(hashed, name);
        }
        let mut matched = false;
        for pattern in self.patterns.split(',') {
            if let Some(negated) = pattern.strip_prefix('!') {
                if wildcard(&negated.to_ascii_lowercase(), &name.to_ascii_lowercase()) {
                    return false;
                }
            } else if wildcard(&pattern.to_ascii_lowercase(), &name.to_ascii_lowercase()) {
                matched = true;
            }
        }
        matched
    }
}

/// `salt|hash` of a hashed name: HMAC-SHA1 of the name keyed with the salt.
fn hashed_matches(hashed: &str, name: &str) -> bool {
    let Some((salt, hash)) = hashed.split_once('|') else {
        return false;
    };
    let (Ok(salt), Ok(hash)) = (STANDARD.decode(salt), STANDARD.decode(hash)) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(&salt) else {
        return false;
    };
    mac.update(name.as_bytes());
    mac.verify_slice(&hash).is_ok()
}

/// OpenSSH's pattern match: `*` any run of characters, `?` any one.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(host: &str, port: u16, seed: u8) -> HostKey {
        let mut blob = Vec::new();
        blob.extend(11u32.to_be_bytes());
        blob.extend(b"ssh-ed25519");
        blob.extend(32u32.to_be_bytes());
        blob.extend([seed; 32]);
        HostKey {
            host: host.into(),
            port,
            blob,
        }
    }

    fn file(dir: &tempfile::TempDir, text: &str) -> Vec<PathBuf> {
        let path = dir.path().join("known_hosts");
        std::fs::write(&path, text).unwrap();
        vec![path, dir.path().join("missing")]
    }

    #[test]
    fn keys_are_known_unknown_changed_or_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let ours = key("git.example.org", 22, 1);
        let other = key("git.example.org", 22, 2);
        let files = file(&dir, &format!("# comment\n\n{}\n", ours.known_hosts_line()));
        assert_eq!(check(&files, &ours), Verdict::Known);
        assert_eq!(
            check(&files, &other),
            Verdict::Changed {
                file: files[0].clone(),
                line: 3
            }
        );
        assert_eq!(
            check(&files, &key("elsewhere.org", 22, 1)),
            Verdict::Unknown
        );
        // Another port is another host.
        assert_eq!(
            check(&files, &key("git.example.org", 2222, 1)),
            Verdict::Unknown
        );
        let revoked = file(
            &dir,
            &format!(
                "@revoked * {}\n",
                ours.known_hosts_line().split_once(' ').unwrap().1
            ),
        );
        assert!(matches!(check(&revoked, &ours), Verdict::Revoked { .. }));
    }

    #[test]
    fn ports_patterns_and_negations() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("127.0.0.1", 2222, 7);
        assert_eq!(k.host_entry(), "[127.0.0.1]:2222");
        let line = k.known_hosts_line();
        let rest = line.split_once(' ').unwrap().1;
        let files = file(&dir, &format!("[127.0.0.1]:2222,other {rest}\n"));
        assert_eq!(check(&files, &k), Verdict::Known);
        let files = file(&dir, &format!("*.example.org,!bad.example.org {rest}\n"));
        assert_eq!(
            check(&files, &key("git.example.org", 22, 7)),
            Verdict::Known
        );
        assert_eq!(
            check(&files, &key("bad.example.org", 22, 7)),
            Verdict::Unknown
        );
        assert!(wildcard("g?t.*.org", "git.example.org"));
        assert!(!wildcard("g?t.*.org", "gt.example.org"));
    }

    #[test]
    fn hashed_names_match() {
        // `ssh-keygen -H` of a line for git.example.org, with this salt.
        let salt = [3u8; 20];
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&salt).unwrap();
        mac.update(b"git.example.org");
        let hash = mac.finalize().into_bytes();
        let k = key("git.example.org", 22, 9);
        let rest = k.known_hosts_line();
        let rest = rest.split_once(' ').unwrap().1;
        let dir = tempfile::tempdir().unwrap();
        let files = file(
            &dir,
            &format!(
                "|1|{}|{} {rest}\n",
                STANDARD.encode(salt),
                STANDARD.encode(hash)
            ),
        );
        assert_eq!(check(&files, &k), Verdict::Known);
        assert_eq!(
            check(&files, &key("git.example.com", 22, 9)),
            Verdict::Unknown
        );
    }

    #[test]
    fn trusting_appends_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".ssh/known_hosts");
        let k = key("127.0.0.1", 2222, 5);
        trust(&path, &k).unwrap();
        assert_eq!(check(std::slice::from_ref(&path), &k), Verdict::Known);
        assert!(k.fingerprint().starts_with("SHA256:"));
        assert_eq!(k.key_type(), "ssh-ed25519");
    }
}
