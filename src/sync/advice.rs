//! What to do about each sync error: one line with the command or setting that fixes it.

use super::SyncError;

impl SyncError {
    /// The advice for the user, with the exact command that fixes it where there is one;
    /// `None` when the error's own words say it all, or another layer's error carries it.
    pub fn hint(&self) -> Option<String> {
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
