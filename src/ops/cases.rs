//! Work on several cases at once: open each in parallel, keep what could be done, and say
//! which cases (or which of their records) could not be read.

use rayon::prelude::*;

use crate::crypto::Identities;
use crate::record::{CaseMeta, CaseStatus, Date, RecordId};
use crate::rules::{Deadline, RuleError, RuleSet, Rulebook};
use crate::store::{Case, StoreError, StoredRecord};
use crate::workspace::Workspace;

use super::Notice;
use super::diagnosis::Diagnosis;

/// One case, read: its metadata and readable records.
#[derive(Debug)]
pub struct CaseFacts {
    pub slug: String,
    pub meta: CaseMeta,
    /// The readable records, in chronological order, with the links people left out filled
    /// in ([`Case::inference`]).
    pub linked: crate::links::Linked,
    /// Records that cannot be read; they are left out of `linked`.
    pub unreadable: Vec<RecordId>,
}

impl CaseFacts {
    /// Reads an open case. A closed case keeps its metadata only when `skip_closed`.
    pub fn read(case: &Case, skip_closed: bool) -> Result<CaseFacts, StoreError> {
        let (_, meta) = case.meta()?;
        if skip_closed && meta.status == CaseStatus::Closed {
            return Ok(CaseFacts {
                slug: case.slug().to_owned(),
                meta,
                linked: crate::links::link_into(Vec::new(), crate::links::Inference::default()),
                unreadable: Vec::new(),
            });
        }
        let (loaded, inference) = case.records_and_links()?;
        Ok(CaseFacts {
            slug: case.slug().to_owned(),
            meta,
            linked: crate::links::link_into(loaded.records, inference),
            unreadable: loaded.broken.into_iter().map(|b| b.id).collect(),
        })
    }

    /// The readable records, in chronological order, links filled in.
    pub fn records(&self) -> &[StoredRecord] {
        &self.linked.records
    }
}

/// The rules a case is judged by.
#[derive(Clone, Copy, Debug)]
pub struct CaseRules<'a, 'b> {
    pub set: &'b RuleSet,
    /// The state the case is in (its own, else the workspace's default).
    pub state: Option<&'a str>,
    /// That state has no rules of its own: the federal rules stand in.
    pub fallback: bool,
}

impl Workspace {
    /// The built-in rules with the workspace's `rules/*.toml` on top.
    pub fn rulebook(&self) -> Result<Rulebook, RuleError> {
        Rulebook::load(&self.root.join("rules"))
    }

    /// The state a case is in: its own, else the workspace's default.
    pub fn state_of<'a>(&'a self, meta: &'a CaseMeta) -> Option<&'a str> {
        meta.state.as_deref().or(self.config.state.as_deref())
    }

    /// A case's details with the workspace's default state filled in where the case names
    /// none, so that what a letter says of the state (its law, its agency) agrees with the
    /// rules it is judged by.
    pub fn with_default_state(&self, mut meta: CaseMeta) -> CaseMeta {
        if meta.state.is_none() {
            meta.state = self.config.state.as_deref().map(str::to_ascii_uppercase);
        }
        meta
    }

    /// The rule set for a case with metadata `meta`.
    pub fn rules_for<'a, 'b>(
        &'a self,
        meta: &'a CaseMeta,
        book: &'b Rulebook,
    ) -> CaseRules<'a, 'b> {
        let state = self.state_of(meta);
        let selection = book.select(state);
        CaseRules {
            set: selection.set,
            state,
            fallback: selection.fallback,
        }
    }

    /// Opens each case of `slugs` in parallel with `identities` and does `work` on it,
    /// keeping every case's outcome in the order of `slugs`: one case that cannot be opened
    /// does not stop the others.
    pub fn for_each_case<T, E>(
        &self,
        slugs: &[String],
        identities: &Identities,
        work: impl Fn(&Case) -> Result<T, E> + Sync,
    ) -> Vec<(String, Result<T, E>)>
    where
        T: Send,
        E: From<StoreError> + Send,
    {
        slugs
            .par_iter()
            .map(|slug| {
                let outcome = Case::open(&self.case_dir(slug), slug, identities)
                    .map_err(E::from)
                    .and_then(|case| work(&case));
                (slug.clone(), outcome)
            })
            .collect()
    }
}

/// Every open case of `slugs`, read in parallel with `identities` (closed cases are left
/// out); a case that cannot be opened keeps its error and does not stop the others.
pub fn read_open(
    ws: &Workspace,
    slugs: &[String],
    identities: &Identities,
) -> Vec<(String, Result<CaseFacts, super::OpsError>)> {
    let read = ws.for_each_case(slugs, identities, |case| Ok(CaseFacts::read(case, true)?));
    read.into_iter()
        .filter(|(_, facts)| !matches!(facts, Ok(f) if f.meta.status == CaseStatus::Closed))
        .collect()
}

/// The deadlines of a case on `today` under `rules`, from its links.
pub fn linked_deadlines(facts: &CaseFacts, rules: &RuleSet, today: Date) -> Vec<Deadline> {
    crate::rules::deadlines_of(&facts.linked, &facts.meta, rules, today)
}

/// A case at a glance, as `case list` shows it.
#[derive(Debug)]
pub struct Overview {
    pub meta: CaseMeta,
    /// How many records it holds.
    pub records: usize,
    /// The deadline that needs attention first, and how many other deadlines are overdue.
    pub next_deadline: Option<(Deadline, usize)>,
    /// The next meeting still ahead.
    pub next_meeting: Option<StoredRecord>,
    /// The state whose rules the case lacks (the federal rules stood in).
    pub fallback_state: Option<String>,
}

/// `case`'s overview on `today` (`now` for what is still ahead today). Deadlines are
/// computed only for an open case and with a rule book; a closed case is counted, not read.
pub fn overview(
    ws: &Workspace,
    case: &Case,
    book: Option<&Rulebook>,
    today: Date,
    now: jiff::civil::DateTime,
) -> Result<Overview, StoreError> {
    let meta = case.meta()?.1;
    let count = case.record_ids()?.len();
    let mut overview = Overview {
        records: count,
        next_deadline: None,
        next_meeting: None,
        fallback_state: None,
        meta,
    };
    let Some(book) = book.filter(|_| overview.meta.status == CaseStatus::Open) else {
        return Ok(overview);
    };
    let records = case.records()?.records;
    overview.next_meeting = crate::prep::next_meeting(&records, now).cloned();
    let rules = ws.rules_for(&overview.meta, book);
    if rules.fallback {
        overview.fallback_state = rules.state.map(str::to_owned);
    }
    let deadlines = crate::rules::deadlines(&records, &overview.meta, rules.set, today);
    overview.next_deadline = next_deadline(deadlines);
    Ok(overview)
}

/// Every case of `slugs` at a glance, opened in parallel with `identities` (see
/// [`overview`]); a case that cannot be opened keeps its error and does not stop the others.
pub fn overviews(
    ws: &Workspace,
    slugs: &[String],
    identities: &Identities,
    book: Option<&Rulebook>,
    today: Date,
    now: jiff::civil::DateTime,
) -> Vec<(String, Result<Overview, super::OpsError>)> {
    ws.for_each_case(slugs, identities, |case| {
        Ok(overview(ws, case, book, today, now)?)
    })
}

/// The deadline that needs attention first: the oldest overdue one, else the soonest open
/// one; with the number of other overdue deadlines.
fn next_deadline(deadlines: Vec<Deadline>) -> Option<(Deadline, usize)> {
    use crate::rules::Status;
    let key = |d: &Deadline| (d.due, d.rule.clone());
    let overdue: Vec<&Deadline> = deadlines
        .iter()
        .filter(|d| d.status == Status::Overdue)
        .collect();
    if let Some(first) = overdue.iter().min_by_key(|d| key(d)) {
        return Some(((*first).clone(), overdue.len() - 1));
    }
    deadlines
        .into_iter()
        .filter(|d| d.status == Status::Open)
        .min_by_key(key)
        .map(|d| (d, 0))
}

/// A new case's details, as `case new` is given them.
#[derive(Clone, Debug, Default)]
pub struct NewCase {
    pub slug: String,
    pub child: String,
    /// The two-letter state, checked; else the workspace's default.
    pub state: Option<String>,
    pub district: Option<String>,
    pub school: Option<String>,
    pub born: Option<Date>,
    pub grade: Option<String>,
    pub forum: Option<String>,
    pub docket: Option<String>,
}

/// A case created.
#[derive(Debug)]
pub struct Created {
    pub root: std::path::PathBuf,
    /// The state it is in; without one, deadlines use the federal rules only.
    pub state: Option<String>,
}

/// Creates case `new` opened on `today`, its members `me` (one of whose public keys is `me`)
/// and the workspace's default recipients.
pub fn create(
    ws: &Workspace,
    new: &NewCase,
    me: &str,
    today: Date,
    context: &crate::git::CommitContext,
) -> Result<Created, super::OpsError> {
    crate::workspace::validate_slug(&new.slug)?;
    if new.child.trim().is_empty() {
        return Err(super::OpsError::NoChild);
    }
    let state = match &new.state {
        Some(state) => Some(state.clone()),
        None => ws.config.state.as_deref().map(str::to_ascii_uppercase),
    };
    let root = ws.case_dir(&new.slug);
    if root.exists() {
        return Err(StoreError::CaseExists {
            slug: new.slug.clone(),
        }
        .into());
    }
    let meta = meta_text(new, state.as_deref(), today);
    crate::record::parse_case_meta(&meta, "the new case's details")?;
    let me: crate::crypto::Recipient = me.parse()?;
    let my_label = ws
        .config
        .author
        .name
        .clone()
        .map(|n| format!("{n} (created the case)"));
    let mut members = vec![(me, my_label)];
    for text in &ws.config.recipients {
        let recipient: crate::crypto::Recipient = text.parse()?;
        if !members.iter().any(|(r, _)| *r == recipient) {
            members.push((recipient, Some("workspace default recipient".into())));
        }
    }
    Case::create(&root, &new.slug, &meta, &members, context)?;
    Ok(Created { root, state })
}

/// The new case's `meta.toml`.
fn meta_text(new: &NewCase, state: Option<&str>, today: Date) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    doc.insert("child", toml_edit::value(&new.child));
    let date = |d: Date| {
        toml_edit::value(
            d.to_string()
                .parse::<toml_edit::Datetime>()
                .expect("dates print as TOML"),
        )
    };
    if let Some(born) = new.born {
        doc.insert("born", date(born));
    }
    for (key, value) in [
        ("state", state),
        ("district", new.district.as_deref()),
        ("school", new.school.as_deref()),
        ("grade", new.grade.as_deref()),
        ("forum", new.forum.as_deref()),
        ("docket", new.docket.as_deref()),
    ] {
        if let Some(value) = value {
            doc.insert(key, toml_edit::value(value));
        }
    }
    doc.insert("opened", date(today));
    doc.to_string()
}

/// What to warn of before case `slug` of `child` is created: a slug that looks like the
/// child's name, since slugs are visible on remotes.
pub fn slug_notices(slug: &str, child: &str) -> Vec<Notice> {
    if child.trim().is_empty() || !crate::workspace::slug_looks_like_name(slug, child) {
        return Vec::new();
    }
    vec![
        Notice::Warning(format!(
            "the slug `{slug}` looks like it contains the child's name; slugs are visible on remotes"
        )),
        Notice::Hint(
            "an opaque slug such as `case-2026-04` or initials keeps the child private".into(),
        ),
    ]
}

/// What to tell once case `slug` is `created`: where it is, a missing state, the next step.
pub fn created_notices(slug: &str, created: &Created) -> Vec<Notice> {
    let mut notices = vec![Notice::Status(format!(
        "Created case `{slug}` in {}",
        created.root.display()
    ))];
    if created.state.is_none() {
        notices.push(Notice::Warning("no state set: deadlines use federal rules only (set one with `case edit --set state=MS`)".into()));
    }
    notices.push(Notice::Hint(format!(
        "add a record: `iepcase -c {slug} add request --title \"…\" --set type=evaluation`"
    )));
    notices
}

/// What to tell once case `old` of `child` is renamed `new`: a slug that looks like the
/// child's name, and that each of its `remotes` (name and address) keeps its address.
pub fn renamed_notices(
    old: &str,
    new: &str,
    child: &str,
    remotes: &[(String, String)],
) -> Vec<Notice> {
    let mut notices = vec![Notice::Status(format!("Renamed case `{old}` to `{new}`"))];
    if crate::workspace::slug_looks_like_name(new, child) {
        notices.push(Notice::Warning(format!(
            "`{new}` looks like it contains the child's name; slugs are visible on remotes"
        )));
    }
    for (name, url) in remotes {
        notices.push(Notice::Warning(format!(
            "remote `{name}` ({}) keeps its address: if the repository there is named `{old}`, \
             that name stays visible on the server until you rename it there",
            super::remotes::hide_secret(url)
        )));
    }
    if !remotes.is_empty() {
        notices.push(Notice::Hint(format!(
            "after renaming it on the server: `iepcase -c {new} remote remove NAME` and \
             `iepcase -c {new} remote add NAME NEW-URL`"
        )));
    }
    notices.push(Notice::Status(
        "Copies of the case cloned before keep the old name as their folder name; they still \
         sync, and their owners can rename them the same way. The history holds no slug."
            .into(),
    ));
    notices
}

/// Case `slug`'s details `text` (its `case.toml`) as `case show --json` gives them, with the
/// slug added.
pub fn details_json(text: &str, slug: &str) -> Result<serde_json::Value, Diagnosis> {
    let value: toml::Value = toml::from_str(text).map_err(|e| Diagnosis::fixable(e.to_string()))?;
    let mut json = crate::record::to_json(&value);
    if let Some(obj) = json.as_object_mut() {
        obj.insert("slug".into(), slug.into());
    }
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(state: Option<&str>) -> Workspace {
        Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            config: crate::workspace::Config {
                state: state.map(str::to_owned),
                ..Default::default()
            },
        }
    }

    fn meta(state: Option<&str>) -> CaseMeta {
        let mut meta =
            crate::record::parse::parse_case_meta(crate::example::meta(), "case").unwrap();
        meta.state = state.map(str::to_owned);
        meta
    }

    #[test]
    fn a_case_without_a_state_is_judged_by_the_workspace_default_state() {
        let book = Rulebook::builtin().unwrap();
        let ws = workspace(Some("TX"));
        let stateless = meta(None);
        let chosen = ws.rules_for(&stateless, &book);
        assert_eq!(chosen.set.name, "tx");
        assert_eq!(chosen.state, Some("TX"));
        assert!(!chosen.fallback);
        // The case's own state wins over the default.
        assert_eq!(ws.rules_for(&meta(Some("MS")), &book).set.name, "ms");
    }

    #[test]
    fn a_state_without_rules_falls_back_to_the_federal_rules_and_says_so() {
        let book = Rulebook::builtin().unwrap();
        let ws = workspace(None);
        let wyoming = meta(Some("WY"));
        let chosen = ws.rules_for(&wyoming, &book);
        assert_eq!(chosen.set.name, "us");
        assert!(chosen.fallback);
        let stateless = meta(None);
        let none = ws.rules_for(&stateless, &book);
        assert_eq!(none.set.name, "us");
        assert_eq!(none.state, None);
    }

    #[test]
    fn an_overview_tells_a_case_the_key_is_not_a_member_of_from_other_failures() {
        let fx = super::super::fixture::Workspace::new(&["a", "b"]);
        let stranger = fx.member("stranger");
        let today: Date = "2026-02-01".parse().unwrap();
        let now = today.0.at(0, 0, 0, 0);
        let mut slugs = fx.slugs.clone();
        slugs.push("missing".into());
        let rows = overviews(&fx.ws, &slugs, &stranger.identities, None, today, now);
        let names: Vec<&str> = rows.iter().map(|(slug, _)| slug.as_str()).collect();
        assert_eq!(names, ["a", "b", "missing"]);
        for (_, row) in &rows[..2] {
            assert!(row.as_ref().unwrap_err().is_not_a_member(), "{row:?}");
        }
        assert!(!rows[2].1.as_ref().unwrap_err().is_not_a_member());
        let mine = overviews(&fx.ws, &fx.slugs, &fx.owner.identities, None, today, now);
        assert!(mine.iter().all(|(_, row)| row.is_ok()), "{mine:?}");
    }

    #[test]
    fn reading_every_open_case_leaves_out_the_closed_and_keeps_the_failures() {
        let fx = super::super::fixture::Workspace::new(&["a"]);
        let closed = format!("{}status = \"closed\"\n", crate::store::fixture::META);
        let members = [(fx.owner.recipient(), None)];
        let context = crate::store::fixture::context();
        Case::create(&fx.ws.case_dir("b"), "b", &closed, &members, &context).unwrap();
        fx.add_note("a", "A note");
        let slugs: Vec<String> = ["a", "b", "gone"].map(String::from).to_vec();
        let read = read_open(&fx.ws, &slugs, &fx.owner.identities);
        let names: Vec<&str> = read.iter().map(|(slug, _)| slug.as_str()).collect();
        assert_eq!(names, ["a", "gone"]);
        let a = read[0].1.as_ref().unwrap();
        assert_eq!(a.records().len(), 1);
        assert!(a.unreadable.is_empty());
        assert!(read[1].1.is_err());
    }

    #[test]
    fn a_new_case_takes_the_workspace_state_and_refuses_an_existing_slug() {
        let dir = tempfile::tempdir().unwrap();
        let me = crate::store::fixture::Member::new(dir.path(), "me");
        let ws = Workspace {
            root: dir.path().to_owned(),
            config: crate::workspace::Config {
                state: Some("tx".into()),
                ..Default::default()
            },
        };
        let new = NewCase {
            slug: "case-1".into(),
            child: "Ada".into(),
            ..NewCase::default()
        };
        let today: Date = "2026-02-01".parse().unwrap();
        let context = crate::store::fixture::context();
        let created = create(&ws, &new, &me.public, today, &context).unwrap();
        assert_eq!(created.state.as_deref(), Some("TX"));
        let case = Case::open(&created.root, "case-1", &me.identities).unwrap();
        let meta = case.meta().unwrap().1;
        assert_eq!(meta.state.as_deref(), Some("TX"));
        assert_eq!(meta.child, "Ada");
        assert!(matches!(
            create(&ws, &new, &me.public, today, &context),
            Err(super::super::OpsError::Store(StoreError::CaseExists { .. }))
        ));
        let nameless = NewCase {
            slug: "case-2".into(),
            child: " ".into(),
            ..NewCase::default()
        };
        assert!(matches!(
            create(&ws, &nameless, &me.public, today, &context),
            Err(super::super::OpsError::NoChild)
        ));
    }

    #[test]
    fn a_new_case_says_where_it_is_and_what_is_missing() {
        let created = Created {
            root: std::path::PathBuf::from("/w/cases/eq"),
            state: None,
        };
        let notices = created_notices("eq", &created);
        assert_eq!(
            notices[0],
            Notice::Status("Created case `eq` in /w/cases/eq".into())
        );
        assert!(matches!(&notices[1], Notice::Warning(w) if w.starts_with("no state set")));
        assert_eq!(notices.len(), 3);
        assert!(slug_notices("eq-2025", "").is_empty());
    }

    #[test]
    fn a_renamed_case_tells_what_its_remotes_keep() {
        let remotes = vec![("origin".to_string(), "https://u:p@h/eq.git".to_string())];
        let notices = renamed_notices("eq", "mk", "Maya", &remotes);
        assert_eq!(
            notices[0],
            Notice::Status("Renamed case `eq` to `mk`".into())
        );
        assert!(
            matches!(&notices[1], Notice::Warning(w) if w.starts_with("remote `origin` (https://u:***@h/eq.git) keeps")),
            "{notices:?}"
        );
        assert!(matches!(&notices[2], Notice::Hint(_)));
        assert_eq!(renamed_notices("eq", "mk", "Maya", &[]).len(), 2);
    }

    #[test]
    fn the_details_as_json_carry_the_slug() {
        let json = details_json("child = \"Maya\"\n", "eq").unwrap();
        assert_eq!(json["slug"], "eq");
        assert_eq!(json["child"], "Maya");
        assert!(details_json("child = ", "eq").is_err());
    }
}
