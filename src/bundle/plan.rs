//! The bundle plan: which records become exhibits, in what order and under which numbers.
//!
//! Pure: it takes the case's records and the options and returns a [`BundlePlan`]; it reads
//! no files and renders nothing. Every rule about what a bundle may hold lives here, so the
//! renderers cannot disagree about it.

use std::collections::HashSet;

use crate::record::StoredRecord;
use crate::record::{Confidentiality, Kind, RecordId};

use super::{BundleError, Options, Purpose};

/// Why a record of the case is not in the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    /// Advocate work product, left out unless `--include-privileged`.
    Privileged,
    /// Mediation discussions, which cannot be used as evidence (34 CFR 300.506(b)(8)).
    MediationConfidential,
    /// The other side of an unresolved sync conflict.
    Conflict,
    /// A record that could not be read, left out with `--skip-broken`.
    Broken,
}

impl Exclusion {
    /// Why, in words, for the line on stderr.
    pub fn reason(self, purpose: Purpose) -> String {
        match self {
            Exclusion::Privileged => {
                "privileged (advocate work product; add --include-privileged to include it)".into()
            }
            Exclusion::MediationConfidential => format!(
                "mediation-confidential (discussions in mediation cannot be used as evidence, \
                 34 CFR 300.506(b)(8); never in a {} bundle)",
                purpose.as_str()
            ),
            Exclusion::Conflict => {
                "an unresolved sync conflict copy (settle it with `iepcase resolve`)".into()
            }
            Exclusion::Broken => "unreadable (see `iepcase fsck`)".into(),
        }
    }
}

/// One record left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub id: RecordId,
    pub why: Exclusion,
}

/// One exhibit to be: its number, its label and the record it shows.
#[derive(Clone, Debug)]
pub struct PlannedExhibit<'a> {
    /// 1-based exhibit number.
    pub number: usize,
    /// The label stamped on its pages, `P-3`.
    pub label: String,
    /// The stem of its file under `exhibits/`, `P-003`.
    pub file_stem: String,
    pub record: &'a StoredRecord,
    /// The link fields of the record iepcase inferred ([`crate::links`]), shown as such.
    pub inferred: Vec<crate::links::LinkField>,
    /// With `--sections`: the kind whose section holds it (none for a pinned exhibit).
    pub section: Option<Kind>,
}

/// What a bundle holds before anything is rendered.
#[derive(Clone, Debug)]
pub struct BundlePlan<'a> {
    pub exhibits: Vec<PlannedExhibit<'a>>,
    /// Records left out by a rule (not by `--from`, `--to` or `--kind`).
    pub excluded: Vec<Excluded>,
    /// How many records `--from`, `--to` and `--kind` left out.
    pub filtered_out: usize,
    /// Whether the pinned record lies outside `--from`/`--to`/`--kind` and was kept anyway.
    pub first_outside_filters: bool,
    /// Meetings still to come when the bundle's source was committed: listed on the cover,
    /// not bound as evidence (unless pinned with `--first`). In date order.
    pub upcoming: Vec<&'a StoredRecord>,
    /// The exhibits in date order (indices into `exhibits`), for the chronology.
    pub chronology: Vec<usize>,
}

/// Which rule, if any, keeps `record` out of a bundle for `purpose`.
pub fn exclusion(
    record: &StoredRecord,
    purpose: Purpose,
    include_privileged: bool,
) -> Option<Exclusion> {
    if record.id.is_conflict() {
        return Some(Exclusion::Conflict);
    }
    let common = &record.record.common;
    if common.confidential == Some(Confidentiality::Mediation) && !purpose.admits_mediation() {
        return Some(Exclusion::MediationConfidential);
    }
    if record.record.is_privileged() && !include_privileged {
        return Some(Exclusion::Privileged);
    }
    None
}

fn passes_filters(record: &StoredRecord, options: &Options) -> bool {
    let date = record.record.date();
    options.from.is_none_or(|from| date >= from)
        && options.to.is_none_or(|to| date <= to)
        && (options.kinds.is_empty() || options.kinds.contains(&record.record.kind()))
}

/// Plans a bundle from `records` (in the case's chronological order or any order) and the
/// ids of records that could not be read. Meetings still to come at `now` (the source
/// commit's time) are not evidence: they go to [`BundlePlan::upcoming`], unless pinned.
pub fn plan<'a>(
    records: &'a [StoredRecord],
    broken: &[RecordId],
    options: &Options,
    now: Option<jiff::civil::DateTime>,
) -> Result<BundlePlan<'a>, BundleError> {
    if let (Some(from), Some(to)) = (options.from, options.to)
        && from > to
    {
        return Err(BundleError::EmptyRange { from, to });
    }
    if let Some(id) = broken.first()
        && !options.skip_broken
    {
        return Err(BundleError::BrokenRecord { id: id.clone() });
    }
    let mut excluded: Vec<Excluded> = broken
        .iter()
        .map(|id| Excluded {
            id: id.clone(),
            why: Exclusion::Broken,
        })
        .collect();
    let mut pinned: Option<&StoredRecord> = None;
    if let Some(first) = &options.first {
        let record = records
            .iter()
            .find(|r| &r.id == first)
            .ok_or_else(|| BundleError::FirstNotFound { id: first.clone() })?;
        match exclusion(record, options.purpose, options.include_privileged) {
            None => pinned = Some(record),
            Some(why) => {
                return Err(BundleError::FirstExcluded {
                    id: first.clone(),
                    why,
                    purpose: options.purpose,
                });
            }
        }
    }
    let mut chosen: Vec<&StoredRecord> = Vec::new();
    let mut upcoming: Vec<&StoredRecord> = Vec::new();
    let mut filtered_out = 0;
    for record in records {
        if pinned.is_some_and(|p| p.id == record.id) {
            continue;
        }
        if !passes_filters(record, options) {
            filtered_out += 1;
            continue;
        }
        match exclusion(record, options.purpose, options.include_privileged) {
            Some(why) => excluded.push(Excluded {
                id: record.id.clone(),
                why,
            }),
            None if now.is_some_and(|now| record.record.is_upcoming(now)) => {
                upcoming.push(record);
            }
            None => chosen.push(record),
        }
    }
    chosen.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    upcoming.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    if options.sections {
        // Grouped by kind in the order of `Kind::ALL`, still in date order within a kind.
        chosen.sort_by_key(|r| section_rank(r.record.kind()));
    }
    let pinned_count = usize::from(pinned.is_some());
    let first_outside_filters = pinned.is_some_and(|p| !passes_filters(p, options));
    let ordered: Vec<&StoredRecord> = pinned.into_iter().chain(chosen).collect();
    if ordered.is_empty() {
        return Err(BundleError::NothingToBundle {
            purpose: options.purpose,
            excluded: excluded.len(),
            filtered_out,
        });
    }
    excluded.sort_by(|a, b| (a.why, &a.id).cmp(&(b.why, &b.id)));
    let width = ordered.len().to_string().len().max(3);
    let exhibits = ordered
        .into_iter()
        .enumerate()
        .map(|(i, record)| PlannedExhibit {
            number: i + 1,
            label: format!("{}-{}", options.exhibit_prefix, i + 1),
            file_stem: format!("{}-{:0width$}", options.exhibit_prefix, i + 1),
            record,
            inferred: Vec::new(),
            section: (options.sections && i >= pinned_count).then(|| record.record.kind()),
        })
        .collect::<Vec<_>>();
    let mut chronology: Vec<usize> = (0..exhibits.len()).collect();
    chronology.sort_by(|&a, &b| {
        exhibits[a]
            .record
            .order_key()
            .cmp(&exhibits[b].record.order_key())
    });
    Ok(BundlePlan {
        exhibits,
        excluded,
        filtered_out,
        first_outside_filters,
        upcoming,
        chronology,
    })
}

/// The sections of a bundle with `--sections`, in order: the kinds its exhibits are grouped
/// by.
pub fn sections(plan: &BundlePlan<'_>) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::new();
    for kind in plan.exhibits.iter().filter_map(|e| e.section) {
        if kinds.last() != Some(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// Where a kind's section comes in a bundle with `--sections`: the order of `Kind::ALL`.
fn section_rank(kind: Kind) -> usize {
    Kind::ALL
        .iter()
        .position(|&k| k == kind)
        .unwrap_or(usize::MAX)
}

/// The kinds a `--kind` list names, without repeats, in the order given.
pub fn dedup_kinds(kinds: &[Kind]) -> Vec<Kind> {
    let mut seen = HashSet::new();
    kinds.iter().copied().filter(|k| seen.insert(*k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Date, parse_record};

    fn stored(id: &str, text: &str) -> StoredRecord {
        StoredRecord {
            id: RecordId::parse(id).unwrap(),
            text: text.to_owned(),
            record: parse_record(text, id).unwrap(),
        }
    }

    fn options(purpose: Purpose) -> Options {
        Options::new(purpose)
    }

    /// A small case: two on one day (one timed), a privileged note, a mediation note, an IEP.
    fn case() -> Vec<StoredRecord> {
        vec![
            stored(
                "bbbbbbbbbb",
                "kind = \"request\"\ndate = 2026-01-08\ntitle = \"Untimed\"\ntype = \"iee\"\n",
            ),
            stored(
                "cccccccccc",
                "kind = \"request\"\ndate = 2026-01-08\ntime = 16:00:00\ntitle = \"Timed\"\n\
                 type = \"records\"\n",
            ),
            stored(
                "aaaaaaaaaa",
                "kind = \"request\"\ndate = 2026-01-08\ntitle = \"Untimed, lower id\"\n\
                 type = \"pwn\"\n",
            ),
            stored(
                "dddddddddd",
                "kind = \"note\"\ndate = 2026-02-01\ntitle = \"Strategy\"\n",
            ),
            stored(
                "eeeeeeeeee",
                "kind = \"note\"\ndate = 2026-03-01\ntitle = \"Mediation notes\"\n\
                 privileged = false\nconfidential = \"mediation\"\n",
            ),
            stored(
                "ffffffffff",
                "kind = \"iep\"\ndate = 2025-12-09\ntitle = \"Annual IEP\"\nstatus = \"final\"\n",
            ),
        ]
    }

    fn ids<'a>(plan: &'a BundlePlan<'a>) -> Vec<&'a str> {
        plan.exhibits.iter().map(|e| e.record.id.as_str()).collect()
    }

    #[test]
    fn exhibits_are_chronological_timed_before_untimed_then_by_id() {
        let records = case();
        let plan = plan(&records, &[], &options(Purpose::Mediation), None).unwrap();
        assert_eq!(
            ids(&plan),
            [
                "ffffffffff",
                "cccccccccc",
                "aaaaaaaaaa",
                "bbbbbbbbbb",
                "eeeeeeeeee"
            ]
        );
        let labels: Vec<&str> = plan.exhibits.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["P-1", "P-2", "P-3", "P-4", "P-5"]);
        assert_eq!(plan.exhibits[2].file_stem, "P-003");
        assert_eq!(
            plan.excluded,
            [Excluded {
                id: RecordId::parse("dddddddddd").unwrap(),
                why: Exclusion::Privileged
            }]
        );
    }

    #[test]
    fn first_pins_one_exhibit_to_number_one() {
        let records = case();
        let mut opts = options(Purpose::DueProcess);
        opts.first = RecordId::parse("bbbbbbbbbb");
        opts.exhibit_prefix = "D".into();
        let plan = plan(&records, &[], &opts, None).unwrap();
        assert_eq!(
            ids(&plan),
            ["bbbbbbbbbb", "ffffffffff", "cccccccccc", "aaaaaaaaaa"]
        );
        assert_eq!(plan.exhibits[0].label, "D-1");
        assert_eq!(plan.exhibits[3].label, "D-4");
    }

    #[test]
    fn mediation_notes_never_enter_hearing_or_complaint_bundles() {
        let records = case();
        for purpose in [Purpose::DueProcess, Purpose::StateComplaint] {
            let mut opts = options(purpose);
            opts.include_privileged = true;
            let plan = plan(&records, &[], &opts, None).unwrap();
            assert!(!ids(&plan).contains(&"eeeeeeeeee"), "{purpose:?}");
            assert!(ids(&plan).contains(&"dddddddddd"), "privileged included");
            assert!(
                plan.excluded
                    .iter()
                    .any(|e| e.why == Exclusion::MediationConfidential)
            );
            opts.first = RecordId::parse("eeeeeeeeee");
            let err = super::plan(&records, &[], &opts, None).unwrap_err();
            assert!(matches!(
                err,
                BundleError::FirstExcluded {
                    why: Exclusion::MediationConfidential,
                    ..
                }
            ));
        }
        let plan = plan(&records, &[], &options(Purpose::Mediation), None).unwrap();
        assert!(ids(&plan).contains(&"eeeeeeeeee"));
    }

    #[test]
    fn privileged_records_need_the_flag_even_when_pinned() {
        let records = case();
        let mut opts = options(Purpose::IepMeeting);
        opts.first = RecordId::parse("dddddddddd");
        assert!(matches!(
            plan(&records, &[], &opts, None).unwrap_err(),
            BundleError::FirstExcluded {
                why: Exclusion::Privileged,
                ..
            }
        ));
        opts.include_privileged = true;
        assert_eq!(
            ids(&plan(&records, &[], &opts, None).unwrap())[0],
            "dddddddddd"
        );
    }

    #[test]
    fn filters_select_by_date_and_kind_and_keep_a_pinned_record() {
        let records = case();
        let mut opts = options(Purpose::Facilitation);
        opts.from = Date::new(2026, 1, 1);
        opts.to = Date::new(2026, 1, 31);
        let plan1 = plan(&records, &[], &opts, None).unwrap();
        assert_eq!(ids(&plan1), ["cccccccccc", "aaaaaaaaaa", "bbbbbbbbbb"]);
        assert_eq!(plan1.filtered_out, 3);
        opts.first = RecordId::parse("ffffffffff");
        let plan2 = plan(&records, &[], &opts, None).unwrap();
        assert_eq!(ids(&plan2)[0], "ffffffffff");
        assert!(plan2.first_outside_filters);
        let mut opts = options(Purpose::Facilitation);
        opts.kinds = vec![Kind::Iep];
        assert_eq!(
            ids(&plan(&records, &[], &opts, None).unwrap()),
            ["ffffffffff"]
        );
        opts.kinds = vec![Kind::Discipline];
        assert!(matches!(
            plan(&records, &[], &opts, None).unwrap_err(),
            BundleError::NothingToBundle { .. }
        ));
    }

    #[test]
    fn broken_records_stop_the_bundle_unless_skipped() {
        let records = case();
        let broken = [RecordId::parse("gggggggggg").unwrap()];
        let mut opts = options(Purpose::Mediation);
        assert!(matches!(
            plan(&records, &broken, &opts, None).unwrap_err(),
            BundleError::BrokenRecord { .. }
        ));
        opts.skip_broken = true;
        let plan = plan(&records, &broken, &opts, None).unwrap();
        assert!(plan.excluded.iter().any(|e| e.why == Exclusion::Broken));
    }

    #[test]
    fn conflict_copies_and_bad_ranges_are_refused() {
        let mut records = case();
        let conflict = RecordId::parse("aaaaaaaaaa").unwrap().conflict(1);
        let text =
            "kind = \"request\"\ndate = 2026-01-09\ntitle = \"Other side\"\ntype = \"pwn\"\n";
        records.push(StoredRecord {
            id: conflict.clone(),
            text: text.into(),
            record: parse_record(text, "x").unwrap(),
        });
        let plan1 = plan(&records, &[], &options(Purpose::Mediation), None).unwrap();
        assert!(!plan1.exhibits.iter().any(|e| e.record.id == conflict));
        assert!(plan1.excluded.iter().any(|e| e.why == Exclusion::Conflict));
        let mut opts = options(Purpose::Mediation);
        opts.from = Date::new(2026, 2, 1);
        opts.to = Date::new(2026, 1, 1);
        assert!(matches!(
            plan(&records, &[], &opts, None).unwrap_err(),
            BundleError::EmptyRange { .. }
        ));
    }

    #[test]
    fn sections_group_by_kind_in_date_order_and_the_chronology_stays_by_date() {
        let records = case();
        let mut opts = options(Purpose::Mediation);
        opts.sections = true;
        opts.first = RecordId::parse("bbbbbbbbbb");
        let plan = plan(&records, &[], &opts, None).unwrap();
        assert_eq!(
            ids(&plan),
            [
                "bbbbbbbbbb",
                "ffffffffff",
                "cccccccccc",
                "aaaaaaaaaa",
                "eeeeeeeeee"
            ]
        );
        let sections: Vec<Option<Kind>> = plan.exhibits.iter().map(|e| e.section).collect();
        assert_eq!(
            sections,
            [
                None,
                Some(Kind::Iep),
                Some(Kind::Request),
                Some(Kind::Request),
                Some(Kind::Note)
            ]
        );
        let by_date: Vec<&str> = plan
            .chronology
            .iter()
            .map(|&i| plan.exhibits[i].record.id.as_str())
            .collect();
        assert_eq!(
            by_date,
            [
                "ffffffffff",
                "cccccccccc",
                "aaaaaaaaaa",
                "bbbbbbbbbb",
                "eeeeeeeeee"
            ]
        );
    }

    #[test]
    fn numbers_widen_past_999_exhibits() {
        let records: Vec<StoredRecord> = (0..1000)
            .map(|i| {
                stored(
                    &format!("a{i:09}"),
                    "kind = \"request\"\ndate = 2026-01-08\ntitle = \"R\"\ntype = \"iee\"\n",
                )
            })
            .collect();
        let unique: HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(unique.len(), records.len(), "test ids are unique");
        let plan = plan(&records, &[], &options(Purpose::Mediation), None).unwrap();
        assert_eq!(plan.exhibits[0].file_stem, "P-0001");
        assert_eq!(plan.exhibits[999].file_stem, "P-1000");
    }

    #[test]
    fn upcoming_meetings_are_listed_not_bound_unless_pinned() {
        let mut records = case();
        records.push(stored(
            "hhhhhhhhhh",
            "kind = \"meeting\"\ndate = 2027-01-15\ntitle = \"IEP meeting\"\ntype = \"iep\"\n",
        ));
        let now = Some(jiff::civil::date(2026, 11, 28).at(9, 0, 0, 0));
        let opts = options(Purpose::Mediation);
        let planned = plan(&records, &[], &opts, now).unwrap();
        assert!(!ids(&planned).contains(&"hhhhhhhhhh"));
        let upcoming: Vec<&str> = planned.upcoming.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(upcoming, ["hhhhhhhhhh"]);
        let mut pinned = opts.clone();
        pinned.first = RecordId::parse("hhhhhhhhhh");
        let planned = plan(&records, &[], &pinned, now).unwrap();
        assert_eq!(ids(&planned)[0], "hhhhhhhhhh");
        assert!(planned.upcoming.is_empty());
    }
}
