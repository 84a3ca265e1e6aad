//! What a command over many cases could not read, told the same way by every command: a
//! warning for each case as it is passed over, then one failure to end with, so a script
//! never takes a partial answer for a whole one.

use super::Notice;
use super::cases::CaseFacts;
use super::diagnosis::Diagnosis;

/// The cases a command could not open, and those it could open only in part (some records
/// unreadable).
#[derive(Debug, Default)]
pub struct Tally {
    pub failed: Vec<String>,
    pub partial: Vec<String>,
}

impl Tally {
    /// Keeps a case's facts, or notes that the case was `skipped` ("skipped", "not
    /// searched"); a case with unreadable records is noted as partial. The second value is
    /// the warning to give now.
    pub fn take(
        &mut self,
        slug: String,
        outcome: Result<CaseFacts, Diagnosis>,
        skipped: &str,
    ) -> (Option<CaseFacts>, Option<String>) {
        match outcome {
            Ok(facts) => {
                let broken = facts.unreadable.len();
                let warning = (broken > 0).then(|| {
                    format!(
                        "case `{slug}`: {broken} record(s) cannot be read and are left out; \
                         run `iepcase -c {slug} fsck`"
                    )
                });
                if broken > 0 {
                    self.partial.push(slug);
                }
                (Some(facts), warning)
            }
            Err(e) => (None, Some(self.fail(slug, &e, skipped))),
        }
    }

    /// Notes that case `slug` was `skipped` because of `error`; returns the warning to give.
    pub fn fail(&mut self, slug: String, error: &Diagnosis, skipped: &str) -> String {
        let warning = format!("case `{slug}` {skipped}: {}", error.message);
        self.failed.push(slug);
        warning
    }

    /// The failure to end with, if anything could not be read.
    pub fn failure(&self) -> Option<Diagnosis> {
        if !self.failed.is_empty() {
            Some(cases_failed(&self.failed, "could not be read"))
        } else if !self.partial.is_empty() {
            let mut d = Diagnosis::fixable(format!(
                "some records of {} could not be read and were left out: {}",
                count(self.partial.len()),
                self.partial.join(", ")
            ));
            d.hints.push(format!(
                "run `iepcase -c {} fsck` to check every file",
                self.partial[0]
            ));
            Some(d)
        } else {
            None
        }
    }
}

/// "1 case could not be read: a", with how to find out why.
pub fn cases_failed(slugs: &[String], what: &str) -> Diagnosis {
    let mut d = Diagnosis::fixable(format!(
        "{} {what}: {}",
        count(slugs.len()),
        slugs.join(", ")
    ));
    d.hints.push(
        "see which with `iepcase case list`; a case you are not a member of needs \
         `iepcase share` from a member"
            .into(),
    );
    d
}

/// The failure a reading command ends with when some records of case `slug` could not be
/// read: it has shown what it could, but must not succeed as if the case were whole.
pub fn unreadable(slug: &str, ids: &[String]) -> Diagnosis {
    let count = ids.len();
    let mut d = Diagnosis::fixable(format!(
        "{count} record{} of case `{slug}` could not be read (first: {})",
        if count == 1 { "" } else { "s" },
        ids.first().map_or("?", String::as_str),
    ));
    d.hints
        .push(format!("run `iepcase -c {slug} fsck` to check every file"));
    d
}

/// What to tell when case `slug`'s state has no rules of its own.
pub fn fallback(slug: &str, state: &str) -> [Notice; 2] {
    [
        Notice::Warning(format!(
            "case `{slug}`: iepcase has no rules for state {state}; using the federal rules only"
        )),
        Notice::Hint(
            "add them as rules/<state>.toml in the workspace (see docs/deadlines.md)".into(),
        ),
    ]
}

/// "1 case", "2 cases".
fn count(n: usize) -> String {
    if n == 1 {
        "1 case".to_owned()
    } else {
        format!("{n} cases")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugs(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_case_that_failed_outweighs_one_read_in_part() {
        let mut tally = Tally::default();
        assert_eq!(tally.failure(), None);
        tally.partial = slugs(&["b", "c"]);
        let partial = tally.failure().unwrap();
        assert_eq!(
            partial.message,
            "some records of 2 cases could not be read and were left out: b, c"
        );
        assert_eq!(
            partial.hints,
            ["run `iepcase -c b fsck` to check every file"]
        );
        let warning = tally.fail("a".into(), &Diagnosis::fixable("locked"), "skipped");
        assert_eq!(warning, "case `a` skipped: locked");
        let failed = tally.failure().unwrap();
        assert_eq!(failed.message, "1 case could not be read: a");
        assert!(failed.hints[0].contains("`iepcase case list`"));
    }

    #[test]
    fn a_case_that_does_not_open_is_passed_over_with_a_warning() {
        let mut tally = Tally::default();
        let (facts, warning) = tally.take(
            "a".into(),
            Err(Diagnosis::fixable("not a member")),
            "was not searched",
        );
        assert!(facts.is_none());
        assert_eq!(
            warning.as_deref(),
            Some("case `a` was not searched: not a member")
        );
        assert_eq!(tally.failed, ["a"]);
    }

    #[test]
    fn unreadable_records_are_counted_and_the_first_named() {
        let one = unreadable("eq", &slugs(&["x760srq3ep"]));
        assert_eq!(
            one.message,
            "1 record of case `eq` could not be read (first: x760srq3ep)"
        );
        let two = unreadable("eq", &slugs(&["x760srq3ep", "0sahk8ww6n"]));
        assert_eq!(
            two.message,
            "2 records of case `eq` could not be read (first: x760srq3ep)"
        );
        assert_eq!(two.hints, ["run `iepcase -c eq fsck` to check every file"]);
    }
}
