//! What to tell the user of a key or encryption error beyond its message: the keys they hold,
//! and what to do, with the exact command or setting.

use super::CryptoError;

impl CryptoError {
    /// Facts that explain the error beyond its message: the public keys that were tried.
    pub fn causes(&self) -> Vec<String> {
        match self {
            CryptoError::NotAMember { public_keys } => your_keys(public_keys),
            _ => Vec::new(),
        }
    }

    /// What to do about the error; none where the errors underneath say what is wrong.
    pub fn hints(&self) -> Vec<String> {
        let one = |hint: &str| vec![hint.to_owned()];
        match self {
            CryptoError::NoIdentity { .. } => {
                one("create one with `iepcase keys new`, or point IEPCASE_IDENTITY at yours")
            }
            CryptoError::NoPassphrase { .. } => one(
                "run iepcase in a terminal so it can ask, or set IEPCASE_PASSPHRASE for scripts",
            ),
            CryptoError::WrongPassphrase { .. } => one("check the passphrase and try again"),
            CryptoError::NotAMember { .. } => not_a_member(),
            CryptoError::BadRecipient { .. } => {
                one("a public key looks like age1… or `ssh-ed25519 AAAA…`")
            }
            _ => Vec::new(),
        }
    }
}

/// "your public key: …", for each key tried.
pub(crate) fn your_keys(public_keys: &[String]) -> Vec<String> {
    public_keys
        .iter()
        .map(|key| format!("your public key: {key}"))
        .collect()
}

/// What to do when none of your keys opens a case.
pub(crate) fn not_a_member() -> Vec<String> {
    vec![
        "ask a member to run `iepcase share <your public key>` and push it; then `iepcase sync`"
            .into(),
        "if you have another identity file, point IEPCASE_IDENTITY at it".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::CryptoError;

    #[test]
    fn a_non_member_is_shown_each_key_tried_and_how_to_be_let_in() {
        let e = CryptoError::NotAMember {
            public_keys: vec!["age1one".into(), "age1two".into()],
        };
        assert_eq!(
            e.causes(),
            ["your public key: age1one", "your public key: age1two"]
        );
        assert_eq!(e.hints().len(), 2);
        assert!(e.hints()[0].contains("iepcase share <your public key>"));
    }

    #[test]
    fn errors_with_sources_of_their_own_give_no_advice() {
        let e = CryptoError::Decrypt {
            what: "a record".into(),
            reason: "bad header".into(),
        };
        assert!(e.hints().is_empty() && e.causes().is_empty());
    }
}
