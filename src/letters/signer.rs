//! Who signs a letter, and the parts of it that say so: the letterhead, the delivery line, the
//! signature block with its copies. The parent signs by default when the case names one, so the
//! letter comes from the person who holds the rights it invokes; the advocate may sign in their
//! own name, or on the parent's behalf with a signed release on file.

use crate::record::CaseMeta;
use crate::record::enums::string_enum;
use crate::workspace::Advocate;

string_enum! {
    /// Who signs a letter (`letter --signer`).
    Signer { Parent = "parent", Advocate = "advocate", OnBehalf = "on-behalf" }
}

/// Why the chosen signer cannot sign: what is missing and where to set it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignerError {
    #[error(
        "--signer {signer} needs your name, and iepcase.toml has no `name` in its [advocate] table"
    )]
    NoAdvocate { signer: Signer },
    #[error("--signer {signer} needs the parent's name, and the case names no parent")]
    NoParent { signer: Signer },
}

/// The signer chosen for a letter, with the details the letter prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Signing {
    pub signer: Signer,
    /// The one who signs, and their details for the letterhead and the signature block; for
    /// `on-behalf`, the advocate.
    pub sender: Advocate,
    /// For `on-behalf`: the parent the advocate signs for.
    pub parent: Option<String>,
    /// `--cc` names.
    pub cc: Vec<String>,
    /// Whether the sender's details come from the case's parent contact (else from the
    /// workspace's `[advocate]` table or commit author).
    pub from_case: bool,
}

/// The parent named in the case: the first contact whose role is a parent's or guardian's
/// (never a "parent advocate"), with the child's address from `extra.address` when there is one.
pub fn case_parent(meta: &CaseMeta) -> Option<Advocate> {
    let contact = meta.contacts.iter().find(|c| {
        let role = c.role.as_deref().unwrap_or_default().to_lowercase();
        !c.name.trim().is_empty()
            && !role.contains("advocate")
            && ["parent", "mother", "father", "guardian"]
                .iter()
                .any(|w| role.split(|ch: char| !ch.is_alphabetic()).any(|r| r == *w))
    })?;
    let role = contact.role.as_deref().map(str::trim).map(capitalized);
    let address = meta
        .extra
        .as_ref()
        .and_then(|e| e.get("address"))
        .and_then(|a| a.as_str())
        .map(str::to_owned);
    Some(Advocate {
        name: Some(contact.name.trim().to_owned()),
        role,
        organization: None,
        email: contact.email.clone(),
        phone: contact.phone.clone(),
        address,
    })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn named(person: Option<&Advocate>) -> Option<&Advocate> {
    person.filter(|p| p.name.as_deref().is_some_and(|n| !n.trim().is_empty()))
}

/// Chooses the signer: `chosen`, else the parent when the case names one who is not the
/// advocate, else the advocate. `advocate` is the workspace's `[advocate]` table; `fallback`
/// signs when neither is known (the commit author, or a placeholder).
pub fn signing(
    chosen: Option<Signer>,
    advocate: Option<&Advocate>,
    fallback: Advocate,
    meta: &CaseMeta,
    cc: Vec<String>,
) -> Result<Signing, SignerError> {
    let parent = case_parent(meta);
    let advocate = named(advocate);
    let same_person = matches!((&parent, advocate), (Some(p), Some(a)) if p.name == a.name);
    let signer = chosen.unwrap_or(match (&parent, same_person) {
        (Some(_), false) => Signer::Parent,
        _ => Signer::Advocate,
    });
    let sender = match signer {
        Signer::Parent => match (same_person, advocate) {
            // The parent is the workspace's own user: their fuller details.
            (true, Some(a)) => a.clone(),
            _ => parent.clone().ok_or(SignerError::NoParent { signer })?,
        },
        Signer::Advocate if chosen.is_none() => advocate.cloned().unwrap_or(fallback),
        Signer::Advocate | Signer::OnBehalf => advocate
            .cloned()
            .ok_or(SignerError::NoAdvocate { signer })?,
    };
    let from_case = signer == Signer::Parent && !same_person;
    let parent = match signer {
        Signer::OnBehalf => Some(
            parent
                .and_then(|p| p.name)
                .ok_or(SignerError::NoParent { signer })?,
        ),
        _ => None,
    };
    let cc = cc
        .into_iter()
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|c| !c.is_empty())
        .collect();
    Ok(Signing {
        signer,
        sender,
        parent,
        cc,
        from_case,
    })
}

impl Signing {
    /// The letterhead: the sender's name, organization, address, phone and e-mail, one per
    /// line, as Markdown; `None` when only a name is known (the From line gives it).
    pub fn letterhead(&self) -> Option<String> {
        let s = &self.sender;
        let contact: Vec<&str> = [s.phone.as_deref(), s.email.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let mut lines: Vec<String> = Vec::new();
        if let Some(org) = nonblank(s.organization.as_deref()) {
            lines.push(org.to_owned());
        }
        if let Some(address) = nonblank(s.address.as_deref()) {
            lines.extend(
                address
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            );
        }
        // Phone and e-mail share a line when they fit on one.
        match contact.join(" · ") {
            joined if joined.is_empty() => {}
            joined if joined.chars().count() <= 60 => lines.push(joined),
            _ => lines.extend(contact.iter().map(|c| (*c).to_owned())),
        }
        if lines.is_empty() {
            return None;
        }
        let mut all = vec![format!("**{}**", self.name())];
        all.extend(lines);
        Some(all.join("\\\n"))
    }

    /// The signer's name.
    pub fn name(&self) -> &str {
        self.sender.name.as_deref().unwrap_or_default().trim()
    }

    /// The From line's text: `Name, role`, and for whom an advocate signs.
    pub fn from_line(&self) -> String {
        let mut from = self.name().to_owned();
        if let Some(role) = nonblank(self.sender.role.as_deref()) {
            from.push_str(", ");
            from.push_str(role);
        }
        if let Some(parent) = &self.parent {
            from.push_str(&format!(", on behalf of {parent}, the parent"));
        }
        from
    }

    /// The signature block's lines: the name, role and organization; for `on-behalf`, for
    /// whom.
    pub fn signature_lines(&self) -> Vec<String> {
        let s = &self.sender;
        let mut lines = vec![self.name().to_owned()];
        lines.extend(
            [s.role.as_deref(), s.organization.as_deref()]
                .into_iter()
                .filter_map(nonblank)
                .map(String::from),
        );
        if let Some(parent) = &self.parent {
            lines.push(format!("On behalf of {parent}, parent"));
        }
        lines
    }

    /// The line an advocate signing for the parent adds.
    pub fn release_line(&self) -> Option<String> {
        self.parent.as_ref().map(|parent| {
            format!(
                "A release signed by {parent}, authorizing me to act for the family, is on file \
                 and available on request."
            )
        })
    }

    /// The `cc:` lines.
    pub fn cc_lines(&self) -> Vec<String> {
        self.cc.iter().map(|c| format!("cc: {c}")).collect()
    }

    /// Everything after the closing ("Sincerely,"), as Markdown: the signature block, the
    /// release line, the copies; blocks separated by blank lines.
    pub fn signature(&self) -> String {
        let mut blocks = vec![self.signature_lines().join("\\\n")];
        blocks.extend(self.release_line());
        let cc = self.cc_lines();
        if !cc.is_empty() {
            blocks.push(cc.join("\\\n"));
        }
        blocks.join("\n\n")
    }
}

fn nonblank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The line under the date of a letter sent by certified mail.
pub fn delivery_line(method: Option<&str>, tracking: Option<&str>) -> Option<String> {
    (method == Some("certified-mail")).then(|| match nonblank(tracking) {
        Some(number) => format!("Sent by certified mail, no. {number}"),
        None => "Sent by certified mail".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_case_meta;

    fn advocate() -> Advocate {
        Advocate {
            name: Some("Pat Advocate".into()),
            role: Some("Parent advocate".into()),
            organization: Some("Family Advocacy".into()),
            email: Some("pat@example.org".into()),
            phone: None,
            address: Some("1 Main St\nTown, MS".into()),
        }
    }

    fn meta(contacts: &str) -> CaseMeta {
        parse_case_meta(&format!("child = \"A B\"\n{contacts}"), "case").unwrap()
    }

    const PARENT: &str = "[[contacts]]\nname = \"Robin Parent\"\nrole = \"parent\"\nphone = \"555\"\n\
                          [[contacts]]\nname = \"Pat Advocate\"\nrole = \"parent advocate\"\n";

    #[test]
    fn the_parent_signs_by_default_when_the_case_names_one() {
        let with_parent = meta(PARENT);
        let s = signing(
            None,
            Some(&advocate()),
            Advocate::default(),
            &with_parent,
            vec![],
        )
        .unwrap();
        assert_eq!((s.signer, s.name()), (Signer::Parent, "Robin Parent"));
        assert_eq!(s.signature_lines(), ["Robin Parent", "Parent"]);
        let none = meta("");
        let s = signing(None, Some(&advocate()), Advocate::default(), &none, vec![]).unwrap();
        assert_eq!((s.signer, s.name()), (Signer::Advocate, "Pat Advocate"));
        // A parent who is the workspace's own user signs with their own details.
        let mine = meta("[[contacts]]\nname = \"Pat Advocate\"\nrole = \"mother\"\n");
        let s = signing(None, Some(&advocate()), Advocate::default(), &mine, vec![]).unwrap();
        assert_eq!(s.sender.organization.as_deref(), Some("Family Advocacy"));
    }

    #[test]
    fn a_signer_without_details_is_an_error() {
        let none = meta("");
        assert_eq!(
            signing(
                Some(Signer::Parent),
                Some(&advocate()),
                Advocate::default(),
                &none,
                vec![]
            ),
            Err(SignerError::NoParent {
                signer: Signer::Parent
            })
        );
        let with_parent = meta(PARENT);
        for signer in [Signer::Advocate, Signer::OnBehalf] {
            assert_eq!(
                signing(
                    Some(signer),
                    None,
                    Advocate::default(),
                    &with_parent,
                    vec![]
                ),
                Err(SignerError::NoAdvocate { signer })
            );
        }
    }

    #[test]
    fn on_behalf_names_the_parent_and_the_release() {
        let with_parent = meta(PARENT);
        let s = signing(
            Some(Signer::OnBehalf),
            Some(&advocate()),
            Advocate::default(),
            &with_parent,
            vec!["Dr. Vesey".into(), "  ".into()],
        )
        .unwrap();
        assert_eq!(
            s.from_line(),
            "Pat Advocate, Parent advocate, on behalf of Robin Parent, the parent"
        );
        assert_eq!(
            s.signature(),
            "Pat Advocate\\\nParent advocate\\\nFamily Advocacy\\\nOn behalf of Robin Parent, parent\n\n\
             A release signed by Robin Parent, authorizing me to act for the family, is on file \
             and available on request.\n\ncc: Dr. Vesey"
        );
        assert_eq!(
            s.letterhead().unwrap(),
            "**Pat Advocate**\\\nFamily Advocacy\\\n1 Main St\\\nTown, MS\\\npat@example.org"
        );
    }

    #[test]
    fn certified_mail_is_said_under_the_date() {
        assert_eq!(
            delivery_line(Some("certified-mail"), Some(" 7019 0700 ")).as_deref(),
            Some("Sent by certified mail, no. 7019 0700")
        );
        assert_eq!(delivery_line(Some("email"), Some("1")), None);
    }
}
