//! `check` and `deadlines`: a case's links inferred once, its deadlines and its findings; and
//! for each suggested letter, the facts the case does not hold.

use foldhash::{HashMap, HashMapExt};

use crate::check::{Finding, Input, check_linked};
use crate::letters::{self, LetterInput, Template};
use crate::links::Linked;
use crate::record::{Date, StoredRecord};
use crate::rules::{Deadline, RuleSet, Rulebook};
use crate::workspace::Workspace;

use super::cases::CaseFacts;

/// A case evaluated on a day.
pub struct Evaluation {
    pub deadlines: Vec<Deadline>,
    pub findings: Vec<Finding>,
}

/// Evaluates `case` under `rules` on `today`: links are inferred once, for the deadlines and
/// the findings alike.
pub fn evaluate(case: &CaseFacts, rules: &RuleSet, today: Date) -> Evaluation {
    let linked = &case.linked;
    let deadlines = crate::rules::deadlines_of(linked, &case.meta, rules, today);
    let input = Input {
        records: &linked.records,
        meta: &case.meta,
        rules,
        deadlines: &deadlines,
        today,
    };
    let findings = check_linked(&input, linked);
    Evaluation {
        deadlines,
        findings,
    }
}

/// One case's deadlines on a day, with the links they rest on.
pub struct Computed<'a> {
    pub slug: String,
    pub deadlines: Vec<Deadline>,
    /// The case's records with their links, stated and inferred.
    pub linked: &'a Linked,
    /// The state whose rules the case lacks (the federal rules stood in).
    pub fallback_state: Option<String>,
}

impl Computed<'_> {
    /// The link fields iepcase inferred on a deadline's trigger and on the record that met
    /// it, which the deadline rests on; sorted, each once.
    pub fn inferred(&self, d: &Deadline) -> Vec<&'static str> {
        let mut fields: Vec<&'static str> = std::iter::once(&d.trigger)
            .chain(d.met.as_ref().map(|m| &m.by))
            .flat_map(|id| self.linked.inferred(id))
            .map(|l| l.field.as_str())
            .collect();
        fields.sort_unstable();
        fields.dedup();
        fields
    }
}

/// The deadlines of each case of `cases` on `today`, under the rules `book` holds for it.
pub fn deadlines<'a>(
    ws: &Workspace,
    cases: &'a [CaseFacts],
    book: &Rulebook,
    today: Date,
) -> Vec<Computed<'a>> {
    cases
        .iter()
        .map(|case| {
            let rules = ws.rules_for(&case.meta, book);
            let deadlines = super::cases::linked_deadlines(case, rules.set, today);
            Computed {
                slug: case.slug.clone(),
                deadlines,
                linked: &case.linked,
                fallback_state: fallback(&rules),
            }
        })
        .collect()
}

/// One case's findings on a day.
pub struct CaseFindings {
    pub slug: String,
    pub findings: Vec<Finding>,
    /// For each next step that is a letter (`iepcase letter NAME [--for ID]`), the facts
    /// (`--set` names) it needs and the case does not hold.
    pub needs: HashMap<String, Vec<String>>,
    /// The state whose rules the case lacks (the federal rules stood in).
    pub fallback_state: Option<String>,
}

/// Every case's deadlines as an iCalendar file (all-day events, met ones cancelled); it
/// names case slugs, never children.
pub fn calendar(computed: &[Computed<'_>], today: Date) -> String {
    let calendars: Vec<crate::rules::ics::CaseDeadlines<'_>> = (computed.iter())
        .map(|c| crate::rules::ics::CaseDeadlines {
            case: &c.slug,
            deadlines: &c.deadlines,
        })
        .collect();
    crate::rules::ics::render(&calendars, today)
}

impl CaseFindings {
    /// The `--set` flags the letter `finding` suggests still needs (`--set name=…`), when
    /// it suggests one that needs any.
    pub fn needs_flags(&self, finding: &Finding) -> Option<String> {
        let names = self.needs.get(finding.next_step.as_ref()?)?;
        let flags: Vec<String> = names.iter().map(|name| format!("--set {name}=…")).collect();
        Some(flags.join(" "))
    }
}

/// The line that sums up `results` on `today`: the findings counted by severity, for the
/// one case or for `all_cases`.
pub fn summary(results: &[CaseFindings], all_cases: bool, today: Date) -> String {
    use crate::check::Severity;
    let count = |s| {
        (results.iter())
            .flat_map(|c| &c.findings)
            .filter(|f| f.severity == s)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let scope = if all_cases {
        format!("{} case(s)", results.len())
    } else {
        results
            .first()
            .map_or(String::new(), |c| format!("case `{}`", c.slug))
    };
    if errors + warnings + notes == 0 {
        format!("No findings for {scope} as of {today}")
    } else {
        format!(
            "{errors} error(s), {warnings} warning(s), {notes} note(s) for {scope} as of {today}"
        )
    }
}

/// The findings of each case of `cases` on `today`, under the rules `book` holds for it;
/// with `needs`, also what the letters they suggest still need.
pub fn check(
    ws: &Workspace,
    cases: &[CaseFacts],
    book: &Rulebook,
    today: Date,
    needs: bool,
) -> Vec<CaseFindings> {
    let mut letter_needs = LetterNeeds::new(ws);
    cases
        .iter()
        .map(|case| {
            let rules = ws.rules_for(&case.meta, book);
            let findings = evaluate(case, rules.set, today).findings;
            let mut wanted = HashMap::new();
            if needs {
                let by_id: HashMap<&str, &StoredRecord> =
                    case.records().iter().map(|r| (r.id.as_str(), r)).collect();
                let mut seen = foldhash::HashSet::default();
                let steps: Vec<&str> = (findings.iter())
                    .filter_map(|f| f.next_step.as_deref())
                    .filter(|step| seen.insert(*step))
                    .collect();
                let answers = letter_needs.of(case, &by_id, rules.set, &steps, today);
                for (step, missing) in steps.into_iter().zip(answers) {
                    if let Some(missing) = missing {
                        wanted.insert(step.to_owned(), missing);
                    }
                }
            }
            CaseFindings {
                slug: case.slug.clone(),
                findings,
                needs: wanted,
                fallback_state: fallback(&rules),
            }
        })
        .collect()
}

/// The state named when the federal rules stand in for its own.
pub(super) fn fallback(rules: &super::cases::CaseRules<'_, '_>) -> Option<String> {
    rules
        .fallback
        .then(|| rules.state.unwrap_or_default().to_owned())
}

/// What the letters that findings suggest as next steps will ask for, found without
/// rendering them; templates are read, and what a case's letter says whatever record it
/// answers is gathered, once per letter (hundreds of missed service sessions suggest one
/// letter each).
pub struct LetterNeeds<'a> {
    ws: &'a Workspace,
    templates: HashMap<String, Option<Template>>,
    /// The letter data of each case and template that does not depend on the record.
    shared: HashMap<(String, String), serde_json::Value>,
}

impl<'a> LetterNeeds<'a> {
    pub fn new(ws: &'a Workspace) -> LetterNeeds<'a> {
        LetterNeeds {
            ws,
            templates: HashMap::new(),
            shared: HashMap::new(),
        }
    }

    /// For each of `steps` (`iepcase letter NAME [--for ID]`), the facts (`--set` names)
    /// its letter needs and the case does not hold; `None` for a step that is no letter or
    /// needs nothing more. `by_id` finds the record `--for` names. The steps are worked out
    /// side by side, in the order given.
    pub fn of(
        &mut self,
        case: &CaseFacts,
        by_id: &HashMap<&str, &StoredRecord>,
        rules: &RuleSet,
        steps: &[&str],
        today: Date,
    ) -> Vec<Option<Vec<String>>> {
        use rayon::prelude::*;
        for step in steps {
            if let Some((name, _)) = letter_step(step) {
                self.prepare(case, rules, name, today);
            }
        }
        let this = &*self;
        steps
            .par_iter()
            .map(|step| this.work_out(case, by_id, rules, step, today))
            .collect()
    }

    /// Reads template `name` and gathers what its letter says in `case` whatever record it
    /// answers, unless done before.
    fn prepare(&mut self, case: &CaseFacts, rules: &RuleSet, name: &str, today: Date) {
        let root = &self.ws.root;
        let template = self
            .templates
            .entry(name.to_owned())
            .or_insert_with(|| letters::template(name, Some(root)).ok());
        let key = (case.slug.clone(), name.to_owned());
        let Some(template) = template.as_ref() else {
            return;
        };
        if self.shared.contains_key(&key) {
            return;
        }
        if let Some(input) = letter_input(self.ws, case, rules, None, today) {
            self.shared.insert(key, input.shared_data(template));
        }
    }

    fn work_out(
        &self,
        case: &CaseFacts,
        by_id: &HashMap<&str, &StoredRecord>,
        rules: &RuleSet,
        step: &str,
        today: Date,
    ) -> Option<Vec<String>> {
        let (name, for_id) = letter_step(step)?;
        let template = self.templates.get(name)?.as_ref()?;
        let shared = self.shared.get(&(case.slug.clone(), name.to_owned()))?;
        let for_record = for_id.and_then(|id| by_id.get(id).copied());
        let input = letter_input(self.ws, case, rules, for_record, today)?;
        // The facts are gathered before anything is rendered: a missing one is found cheaply.
        let missing = input.missing_facts(template, shared).ok()?;
        (!missing.is_empty()).then(|| missing.iter().map(|need| need.name.clone()).collect())
    }
}

/// The letter's name and the record `--for` names, when `step` is a letter.
fn letter_step(step: &str) -> Option<(&str, Option<&str>)> {
    let mut words = step.strip_prefix("iepcase letter ")?.split_whitespace();
    let name = words.next()?;
    let for_id = match (words.next(), words.next()) {
        (Some("--for"), Some(id)) => Some(id),
        _ => None,
    };
    Some((name, for_id))
}

/// What a letter of `case` is written from, signed as `letter` would sign it by default.
fn letter_input<'b>(
    ws: &Workspace,
    case: &'b CaseFacts,
    rules: &'b RuleSet,
    for_record: Option<&'b StoredRecord>,
    today: Date,
) -> Option<LetterInput<'b>> {
    let signing = letters::signing(
        None,
        ws.config.advocate.as_ref(),
        ws.advocate(),
        &case.meta,
        Vec::new(),
    )
    .ok()?;
    Some(LetterInput {
        date: today,
        time: None,
        to: None,
        facts: Default::default(),
        for_record,
        meta: &case.meta,
        signing,
        rules: Some(rules),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordId;
    use crate::store::fixture::{self, Fixture};

    fn today() -> Date {
        "2026-11-28".parse().unwrap()
    }

    fn finding(severity: crate::check::Severity, next_step: Option<&str>) -> Finding {
        Finding {
            code: crate::check::Code::RequestUnanswered,
            severity,
            record: None,
            message: "the district did not answer".into(),
            cite: None,
            confidence: None,
            next_step: next_step.map(str::to_owned),
            inferred: Vec::new(),
        }
    }

    #[test]
    fn the_summary_counts_findings_by_severity_for_one_case_or_all() {
        use crate::check::Severity;
        let case = |slug: &str, findings| CaseFindings {
            slug: slug.into(),
            findings,
            needs: HashMap::new(),
            fallback_state: None,
        };
        let results = [
            case(
                "eq",
                vec![
                    finding(Severity::Error, None),
                    finding(Severity::Info, None),
                ],
            ),
            case("mq", vec![finding(Severity::Warning, None)]),
        ];
        assert_eq!(
            summary(&results, true, today()),
            "1 error(s), 1 warning(s), 1 note(s) for 2 case(s) as of 2026-11-28"
        );
        assert_eq!(
            summary(&[case("eq", Vec::new())], false, today()),
            "No findings for case `eq` as of 2026-11-28"
        );
    }

    #[test]
    fn a_suggested_letter_lists_the_facts_it_still_needs_as_flags() {
        use crate::check::Severity;
        let step = "iepcase letter pwn-request --for x760";
        let results = CaseFindings {
            slug: "eq".into(),
            findings: Vec::new(),
            needs: [(step.to_owned(), vec!["request".into(), "asked".into()])]
                .into_iter()
                .collect(),
            fallback_state: None,
        };
        assert_eq!(
            results.needs_flags(&finding(Severity::Warning, Some(step))),
            Some("--set request=… --set asked=…".into())
        );
        assert_eq!(results.needs_flags(&finding(Severity::Warning, None)), None);
        assert_eq!(
            results.needs_flags(&finding(Severity::Warning, Some("iepcase prep"))),
            None
        );
    }

    fn workspace() -> Workspace {
        Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            config: Default::default(),
        }
    }

    /// A case whose refusal, by phone, leaves its link to the request to be inferred.
    fn refused(fx: &Fixture) -> (CaseFacts, RecordId) {
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let request = "kind = \"request\"\ndate = 2026-10-01\n\
                       title = \"Request for a beagle-friendly reading plan\"\n\
                       type = \"accommodation\"\n";
        let refusal = "kind = \"refusal\"\ndate = 2026-10-05\n\
                       title = \"Refusal of the beagle-friendly reading plan, by phone\"\n\
                       via = \"verbal\"\nwhat = \"A beagle-friendly reading plan\"\n";
        let refusal_id = RecordId::generate();
        fixture::put(
            &case,
            &lock,
            &[(&RecordId::generate(), request), (&refusal_id, refusal)],
        );
        (CaseFacts::read(&case, false).unwrap(), refusal_id)
    }

    #[test]
    fn a_deadline_resting_on_an_inferred_link_names_the_field() {
        let fx = Fixture::new();
        let (case, refusal) = refused(&fx);
        let book = Rulebook::builtin().unwrap();
        let computed = deadlines(&workspace(), std::slice::from_ref(&case), &book, today());
        assert_eq!(computed.len(), 1);
        assert_eq!(computed[0].fallback_state, None);
        let notice = computed[0]
            .deadlines
            .iter()
            .find(|d| d.rule == "prior-written-notice")
            .expect("a refusal calls for prior written notice");
        assert_eq!(notice.trigger, refusal);
        assert_eq!(computed[0].inferred(notice), ["refuses"]);

        // The calendar of the deadlines names the case by its slug, not the child.
        let ics = calendar(&computed, today());
        assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
        assert!(ics.contains(&computed[0].slug), "{ics}");
        assert!(!ics.contains(&case.meta.child), "{ics}");
    }

    #[test]
    fn findings_carry_letter_needs_only_when_asked_and_name_a_missing_state() {
        let fx = Fixture::new();
        let (mut case, _) = refused(&fx);
        let book = Rulebook::builtin().unwrap();
        let ws = workspace();
        let plain = check(&ws, std::slice::from_ref(&case), &book, today(), false);
        assert!(!plain[0].findings.is_empty());
        assert!(plain[0].needs.is_empty());
        let asked = check(&ws, std::slice::from_ref(&case), &book, today(), true);
        let steps: Vec<&str> = asked[0]
            .findings
            .iter()
            .filter_map(|f| f.next_step.as_deref())
            .collect();
        assert!(
            asked[0]
                .needs
                .keys()
                .all(|step| steps.contains(&step.as_str()))
        );
        case.meta.state = Some("WY".into());
        let wyoming = check(&ws, std::slice::from_ref(&case), &book, today(), false);
        assert_eq!(wyoming[0].fallback_state.as_deref(), Some("WY"));
    }
}
