//! What to tell the user of a sync error beyond its message: the facts that explain it, what
//! to do (with the command or setting that fixes it), and whether it is an alarm about the
//! remote rather than a failure to reach it.

use super::SyncError;

impl SyncError {
    /// The line the user reads first. A refused remote's reason is told as a cause instead,
    /// so that the line stays short in `sync --all`'s table.
    pub fn headline(&self) -> String {
        match self {
            SyncError::Untrusted { case, url, .. } => {
                format!("refused what the remote {url} holds for case `{case}`")
            }
            SyncError::Rewritten { case, url, .. } => format!(
                "refused what the remote {url} holds for case `{case}`: its history was rewritten"
            ),
            _ => self.to_string(),
        }
    }

    /// Whether the remote holds or presents something no member made, or a host key is not
    /// the one trusted: nothing was changed, and the command ends with exit 3. An alarm's
    /// [`causes`](SyncError::causes) say all there is; the errors underneath add nothing.
    pub fn is_alarm(&self) -> bool {
        matches!(
            self,
            SyncError::Untrusted { .. }
                | SyncError::Rewritten { .. }
                | SyncError::HostKeyChanged { .. }
                | SyncError::FingerprintMismatch { .. }
        )
    }

    /// Facts that explain the error beyond its message.
    pub fn causes(&self) -> Vec<String> {
        use SyncError as S;
        match self {
            S::Untrusted { source, .. } => vec![source.to_string()],
            S::Rewritten { known, commit, .. } => vec![format!(
                "its branch is now at commit {}, which does not contain commit {} that it held before",
                crate::git::short(commit),
                crate::git::short(known)
            )],
            S::HostKeyChanged {
                key,
                file,
                line,
                revoked,
                ..
            } => {
                let file = file.display();
                vec![
                    format!(
                        "it now presents a {} key with fingerprint {}",
                        key.key_type(),
                        key.fingerprint()
                    ),
                    if *revoked {
                        format!("line {line} of {file} marks this key as revoked")
                    } else {
                        format!("the key trusted for it is on line {line} of {file}")
                    },
                ]
            }
            S::Rejected { server_said, .. } | S::Denied { server_said, .. } => server_said
                .iter()
                .map(|line| format!("remote: {line}"))
                .collect(),
            S::UnknownHost { key, .. } => vec![format!(
                "{} presents a {} key with fingerprint {}",
                key.host_entry(),
                key.key_type(),
                key.fingerprint()
            )],
            S::UntrustedCertificate {
                fingerprint: Some(fingerprint),
                ..
            } => vec![format!(
                "the server's certificate has SHA-256 fingerprint {fingerprint}"
            )],
            S::Auth { offered, .. } => offered.iter().map(|what| format!("tried {what}")).collect(),
            _ => Vec::new(),
        }
    }

    /// Everything to do about the error, the alarms' several steps included.
    pub fn hints(&self) -> Vec<String> {
        use SyncError as S;
        match self {
            S::Untrusted { case, .. } | S::Rewritten { case, .. } => refused_remote(case),
            S::HostKeyChanged { key, file, .. } => vec![
                "this may be an attack: someone between you and the server could be reading or changing what you send; nothing was sent".into(),
                format!(
                    "ask the server's admin whether its key changed and what the new fingerprint is; only if it matches, remove the old key with `ssh-keygen -R '{}' -f {}` and trust the new one with `iepcase remote trust {} --fingerprint NEW-FINGERPRINT`",
                    key.host_entry(),
                    file.display(),
                    key.address()
                ),
            ],
            S::FingerprintMismatch { .. } => vec![
                "check that you copied the fingerprint your host publishes for this key type; if you did, someone may be between you and the server: trust nothing, and tell the server's admin".into(),
            ],
            _ => self.hint().into_iter().collect(),
        }
    }

    /// The one line of advice of an error that is not an alarm, with the exact command that
    /// fixes it where there is one; `None` when the error's own words say it all, or another
    /// layer's error carries it.
    fn hint(&self) -> Option<String> {
        use SyncError as S;
        match self {
        S::Store(_) => None,
        S::NoRemote { .. } => Some("add one with `iepcase remote add origin URL`".into()),
        S::WhichRemote { .. } => Some("pass `--remote NAME`".into()),
        S::UnknownRemote { .. } => Some("see the remotes with `iepcase remote list`".into()),
        S::RemoteExists { .. } => Some("remove it first with `iepcase remote remove NAME`, or pick another name".into()),
        S::BadRemoteName { .. } => Some("use letters, digits and dashes, such as `origin` or `backup`".into()),
        S::BadRemoteUrl { .. } => Some("for example git@git.example.org:me/case-2026-01.git, https://git.example.org/me/case-2026-01.git or /media/backup/case-2026-01.git".into()),
        S::Auth { url, offered, .. } => Some(auth_hint(url, offered)),
        S::Denied { write: true, .. } => Some(
            "your account may read this repository but not push to it: ask whoever runs the server for write access; your changes stay here until a sync can push them"
                .into(),
        ),
        S::Denied { .. } => Some(
            "ask whoever runs the server for access to this repository (a member removed from a case is refused on purpose)"
                .into(),
        ),
        S::UnknownHost { key, .. } => Some(format!(
            "compare {} with the fingerprint your host publishes (GitHub, GitLab, Gitea and Forgejo show theirs; for a server of your own, ask its admin); if they match, trust it with `iepcase remote trust {} --fingerprint {}`",
            key.fingerprint(),
            key.address(),
            key.fingerprint()
        )),
        S::NotSsh { .. } => Some("an HTTPS server is trusted through its certificate: if it uses an authority of its own, tell git its CA file with `git config --global http.sslCAInfo FILE`".into()),
        S::UntrustedCertificate { ca_file: None, .. } => Some(
            "if the server uses a certificate authority of its own (a practice's own server), get the CA certificate from its admin and tell git where it is: `git config --global http.sslCAInfo /path/to/ca.pem` (iepcase reads it too); otherwise check the address"
                .into(),
        ),
        S::UntrustedCertificate { ca_file: Some(path), .. } => Some(format!(
            "the authorities in {} (git's http.sslCAInfo) did not sign it either: check that this is the server's CA certificate and that the address is right",
            path.display()
        )),
        S::CaFile { .. } => Some("set it to the CA certificate file with `git config --global http.sslCAInfo /path/to/ca.pem`, or remove it with `git config --global --unset http.sslCAInfo`".into()),
        S::KeyPassphrase { .. } => Some("run the command again and type the key's passphrase (scripts can set IEPCASE_SSH_PASSPHRASE)".into()),
        S::TrustWrite { .. } => None,
        S::HostKeyChanged { .. } | S::FingerprintMismatch { .. } => None,
        S::Network { .. } => Some("check your connection and the address (`iepcase remote list`), then sync again".into()),
        S::NotFound { .. } => Some("check the address (`iepcase remote list`) and that the repository exists and you may see it".into()),
        S::PushBehind { .. } => Some("someone pushed in between: run `iepcase sync` again".into()),
        S::Rejected { .. } => Some(
            "the server's own rules refused it (a hook, a protected branch, a quota): ask whoever runs it; your changes stay here until a sync can push them"
                .into(),
        ),
        S::EmptyRemote { .. } => Some("the case must be pushed there first, by a member, with `iepcase sync`".into()),
        S::RemovedOnRemote { .. } => Some("ask a member to share it with you again (`iepcase share <your public key>`)".into()),
        S::Unrelated { .. } => Some("the remote holds another case: check `iepcase remote list`".into()),
        S::NewerFormat { .. } => Some("upgrade iepcase: a member already uses a newer version".into()),
        S::PushRace { .. } => Some("run `iepcase sync` again in a moment; nothing was lost".into()),
        S::Untrusted { .. } | S::Rewritten { .. } => None,
        S::Git { .. } => None,
    }
    }
}

/// What to do when a server refused every credential offered.
fn auth_hint(url: &str, offered: &[super::Offered]) -> String {
    use super::Offered as O;
    if url.starts_with("https://") || url.starts_with("http://") {
        if offered.contains(&O::StoredPassword) {
            return "the password or token stored for this address was refused: store the new one in your git credential helper (`git credential reject` removes the old one; docs/sync.md shows how)".into();
        }
        return "store a token for this address in a git credential helper (`git config --global credential.helper store`, then `git credential approve`; docs/sync.md shows how)".into();
    }
    if offered
        .iter()
        .any(|o| matches!(o, O::KeyWithoutPassphrase(_)))
    {
        return "type the key's passphrase when asked (scripts can set IEPCASE_SSH_PASSPHRASE), or load the key into the agent with `ssh-add`".into();
    }
    "give the host your public key (the .pub file beside your key, such as ~/.ssh/id_ed25519.pub), or load the key it knows into the agent with `ssh-add`; a key kept elsewhere can be named with IEPCASE_SSH_KEY=FILE".into()
}

/// What to do when a remote holds what no member of case `case` wrote.
fn refused_remote(case: &str) -> Vec<String> {
    vec![
        format!(
            "nothing was changed here: case `{case}` stays at its last trusted commit, and nothing was pushed"
        ),
        "no member of the case made this change with iepcase: someone with write access to the \
         remote did; tell the case's members and check who can push to it"
            .into(),
        format!(
            "once you are sure your copy holds everyone's work, put the remote right with \
             `git -C cases/{case} push --force origin main`, then sync again"
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::SyncError;
    use crate::sync::HostKey;

    fn oid(hex: &str) -> git2::Oid {
        git2::Oid::from_str(hex).expect("a valid object id")
    }

    fn changed_key(revoked: bool) -> SyncError {
        SyncError::HostKeyChanged {
            url: "git@git.example.org:pat/case.git".into(),
            key: HostKey {
                host: "git.example.org".into(),
                port: 2222,
                blob: b"\0\0\0\x0bssh-ed25519key".to_vec(),
            },
            file: "/home/pat/.ssh/known_hosts".into(),
            line: 7,
            revoked,
        }
    }

    #[test]
    fn a_rewritten_remote_is_an_alarm_with_both_commits_and_the_way_back() {
        let e = SyncError::Rewritten {
            case: "eq-2025".into(),
            url: "/srv/eq-2025.git".into(),
            known: oid("1111111111111111111111111111111111111111"),
            commit: oid("2222222222222222222222222222222222222222"),
        };
        assert!(e.is_alarm());
        assert_eq!(
            e.headline(),
            "refused what the remote /srv/eq-2025.git holds for case `eq-2025`: its history was rewritten"
        );
        assert_eq!(
            e.causes(),
            [
                "its branch is now at commit 2222222222, which does not contain commit 1111111111 that it held before"
            ]
        );
        let hints = e.hints();
        assert_eq!(hints.len(), 3);
        assert!(hints[2].contains("git -C cases/eq-2025 push --force origin main"));
    }

    #[test]
    fn a_changed_host_key_says_where_it_was_trusted_and_how_to_replace_it() {
        let changed = changed_key(false);
        assert!(changed.is_alarm());
        assert_eq!(
            changed.causes()[1],
            "the key trusted for it is on line 7 of /home/pat/.ssh/known_hosts"
        );
        assert!(
            changed.hints()[1]
                .contains("ssh-keygen -R '[git.example.org]:2222' -f /home/pat/.ssh/known_hosts")
        );
        assert!(changed.hints()[1].contains("iepcase remote trust git.example.org:2222"));
        assert_eq!(
            changed_key(true).causes()[1],
            "line 7 of /home/pat/.ssh/known_hosts marks this key as revoked"
        );
    }

    #[test]
    fn other_errors_keep_their_message_and_one_hint() {
        let e = SyncError::Denied {
            url: "/srv/case.git".into(),
            write: true,
            server_said: vec!["no write access".into()],
        };
        assert!(!e.is_alarm());
        assert_eq!(e.headline(), e.to_string());
        assert_eq!(e.causes(), ["remote: no write access"]);
        assert_eq!(e.hints().len(), 1);
        assert!(e.hints()[0].contains("write access"));
        let said_all = SyncError::Git {
            action: "list remotes",
            source: git2::Error::from_str("boom"),
        };
        assert!(said_all.hints().is_empty());
    }
}
