//! Public keys that can read a case (age X25519 or SSH), and the `.iepcase/recipients` file
//! that lists them with labels.

use std::fmt;
use std::str::FromStr;

use super::CryptoError;

/// A public key that can read a case: an age X25519 key or an SSH public key.
#[derive(Clone)]
pub enum Recipient {
    X25519(age::x25519::Recipient),
    Ssh {
        key: age::ssh::Recipient,
        text: String,
    },
}

impl Recipient {
    /// The key type as users see it: `age`, `ssh-ed25519` or `ssh-rsa`.
    pub fn key_type(&self) -> &'static str {
        match self {
            Recipient::X25519(_) => "age",
            Recipient::Ssh { text, .. } if text.starts_with("ssh-rsa") => "ssh-rsa",
            Recipient::Ssh { .. } => "ssh-ed25519",
        }
    }

    /// SSH recipients are linkable: anyone can tell which key a file was encrypted to.
    pub fn is_linkable(&self) -> bool {
        matches!(self, Recipient::Ssh { .. })
    }

    /// The key as age encrypts to it.
    pub(super) fn as_age(&self) -> &dyn age::Recipient {
        match self {
            Recipient::X25519(r) => r,
            Recipient::Ssh { key, .. } => key,
        }
    }
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recipient::X25519(r) => write!(f, "{r}"),
            Recipient::Ssh { text, .. } => f.write_str(text),
        }
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({self})")
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl FromStr for Recipient {
    type Err = CryptoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let bad = |reason: &str| CryptoError::BadRecipient {
            text: text.chars().take(80).collect(),
            reason: reason.to_owned(),
        };
        if text.starts_with("age1") {
            return text
                .parse::<age::x25519::Recipient>()
                .map(Recipient::X25519)
                .map_err(bad);
        }
        if text.starts_with("ssh-ed25519 ") || text.starts_with("ssh-rsa ") {
            // Keep the type and key, drop the comment: comments often hold names.
            let canonical: String = text
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            return canonical
                .parse::<age::ssh::Recipient>()
                .map(|key| Recipient::Ssh {
                    key,
                    text: canonical.clone(),
                })
                .map_err(|_| {
                    bad("it is not a valid SSH public key (copy the whole line of the .pub file)")
                });
        }
        Err(bad(
            "expected an age key (age1…), or an ssh-ed25519 or ssh-rsa public key",
        ))
    }
}

/// Parses a recipients file: one key per line, `#` comment lines carry labels.
pub fn parse_recipients(text: &str) -> Result<Vec<(Recipient, Option<String>)>, CryptoError> {
    let mut out = Vec::new();
    let mut label: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            label = Some(comment.trim().to_owned()).filter(|l| !l.is_empty());
            continue;
        }
        out.push((line.parse()?, label.take()));
    }
    Ok(out)
}

/// Renders a recipients file from keys and labels.
pub fn render_recipients(recipients: &[(Recipient, Option<String>)]) -> String {
    let mut out = String::from(
        "# Public keys that can read this case (iepcase share / unshare keep this file).\n\n",
    );
    for (recipient, label) in recipients {
        if let Some(label) = label {
            out.push_str(&format!("# {}\n", label.replace('\n', " ")));
        }
        out.push_str(&format!("{recipient}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::generate_identity;

    #[test]
    fn recipients_file_round_trips_with_labels() {
        let a = generate_identity("now").public;
        let ssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@laptop";
        let list = vec![
            (
                a.parse::<Recipient>().unwrap(),
                Some("Pat (advocate)".to_owned()),
            ),
            (ssh.parse::<Recipient>().unwrap(), None),
        ];
        let text = render_recipients(&list);
        assert!(!text.contains("alice@laptop"), "ssh comments are dropped");
        let back = parse_recipients(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].1.as_deref(), Some("Pat (advocate)"));
        assert!(back[1].0.is_linkable());
        assert!("nonsense".parse::<Recipient>().is_err());
    }
}
