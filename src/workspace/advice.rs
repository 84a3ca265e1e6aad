//! What to tell the user of a workspace error beyond its message: the cases there are, and
//! what to do, with the exact command.

use super::WorkspaceError;

impl WorkspaceError {
    /// Facts that explain the error beyond its message: the cases to choose from.
    pub fn causes(&self) -> Vec<String> {
        match self {
            WorkspaceError::NoCaseSelected { available }
            | WorkspaceError::UnknownCase { available, .. }
                if !available.is_empty() =>
            {
                vec![format!("cases: {}", available.join(", "))]
            }
            _ => Vec::new(),
        }
    }

    /// What to do about the error, with the exact command where there is one; none where
    /// the errors underneath say what is wrong (an unreadable file), or the configuration's
    /// own error carries it.
    pub fn hints(&self) -> Vec<String> {
        use WorkspaceError as W;
        let one = |hint: &str| vec![hint.to_owned()];
        match self {
            W::NotFound { .. } | W::NotAWorkspace { .. } => {
                one("create one with `iepcase init DIR`, or pass `-w DIR` / set IEPCASE_WORKSPACE")
            }
            W::NoCaseSelected { available } if available.is_empty() => {
                one("create one with `iepcase case new SLUG --child NAME`")
            }
            W::NoCaseSelected { .. } => {
                one("pass `-c SLUG`, set IEPCASE_CASE, or run the command inside cases/SLUG")
            }
            W::UnknownCase { suggestion, .. } => suggestion
                .iter()
                .map(|s| format!("did you mean `{s}`?"))
                .chain(["see every case with `iepcase case list`".to_owned()])
                .collect(),
            W::AmbiguousCase { .. } => {
                one("give more of the slug; see every case with `iepcase case list`")
            }
            W::StaleCurrentCase { .. } => one(
                "choose another with `iepcase case use SLUG`, or stop using one with \
                 `iepcase case use --clear`",
            ),
            W::CaseExists { .. } => one("pick another slug, or see `iepcase case list`"),
            W::AlreadyExists { .. } => one("use it as it is, or pick another folder"),
            W::InsideCases { workspace, .. } => vec![format!(
                "that workspace already holds its cases: use it with `iepcase -w {}`, or \
                 run `iepcase init` in a folder outside it",
                workspace.display()
            )],
            W::BadSlug { .. } => one(
                "use lowercase letters, digits and dashes, such as the child's initials and a \
                 year: `eq-2025`",
            ),
            W::Config(_) | W::Io { .. } => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::WorkspaceError;

    #[test]
    fn with_no_case_selected_the_advice_depends_on_whether_there_are_cases() {
        let none = WorkspaceError::NoCaseSelected {
            available: Vec::new(),
        };
        assert!(none.causes().is_empty());
        assert_eq!(
            none.hints(),
            ["create one with `iepcase case new SLUG --child NAME`"]
        );
        let some = WorkspaceError::NoCaseSelected {
            available: vec!["ab-2025".into(), "cd-2026".into()],
        };
        assert_eq!(some.causes(), ["cases: ab-2025, cd-2026"]);
        assert!(some.hints()[0].starts_with("pass `-c SLUG`"));
    }

    #[test]
    fn an_unknown_case_offers_the_near_slug_first() {
        let e = WorkspaceError::UnknownCase {
            slug: "eq-2052".into(),
            suggestion: Some("eq-2025".into()),
            available: vec!["eq-2025".into()],
        };
        assert_eq!(
            e.hints(),
            [
                "did you mean `eq-2025`?",
                "see every case with `iepcase case list`"
            ]
        );
        assert_eq!(e.causes(), ["cases: eq-2025"]);
    }
}
