//! Synthetic cases of any size, for benchmarks: plausible records of every kind, dated over
//! several school years, with no real person in them.
//!
//! `iepcase dev synth` (hidden; docs/benchmarks.md) fills a case through [`fill`], so anyone
//! can rebuild the cases the benchmarks measure.

use crate::git::CommitContext;
use crate::record::{Date, Kind, RecordId};
use crate::store::{Case, CaseLock, StoreError};

/// A small deterministic generator (xorshift), so runs are comparable.
pub struct Synth {
    state: u64,
}

const TITLES: &[&str] = &[
    "Asked for a meeting about reading",
    "District answered by e-mail",
    "Service minutes for the month",
    "Phone call with the case manager",
    "Notes from the IEP meeting",
    "Progress report for the quarter",
    "Evaluation report received",
    "Request for prior written notice",
];

const WORDS: &[&str] = &[
    "reading",
    "speech",
    "minutes",
    "accommodation",
    "teacher",
    "meeting",
    "progress",
    "goal",
    "services",
    "evaluation",
    "classroom",
    "support",
    "writing",
    "schedule",
    "district",
    "data",
];

impl Synth {
    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Synth {
        Synth { state: seed.max(1) }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn prose(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| self.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// One record's TOML text, of a kind chosen in turn, dated within four years.
    pub fn record(&mut self, n: usize) -> String {
        let kind = Kind::ALL[n % Kind::ALL.len()];
        let day = (self.next() % (4 * 365)) as i32;
        let base = Date::new(2023, 8, 1).expect("valid date").0;
        let date = base
            .checked_add(jiff::Span::new().days(day))
            .unwrap_or(base);
        let title = format!("{} {n}", self.pick(TITLES));
        let summary = self.prose(30);
        let mut text = format!(
            "kind = \"{kind}\"\ndate = {date}\ntitle = \"{title}\"\nsummary = \"{summary}\"\n"
        );
        let body = match kind {
            Kind::Iep => format!(
                "status = \"final\"\npresent_levels = \"{}\"\naccommodations = [\"Extended time\", \"Read-aloud\"]\n\
                 [[goals]]\nkey = \"R1\"\narea = \"Reading\"\ntext = \"{}\"\n\
                 [[services]]\nname = \"Speech-language therapy\"\nminutes = 30\nper = \"week\"\n",
                self.prose(60),
                self.prose(20)
            ),
            Kind::Request => "type = \"evaluation\"\nmethod = \"email\"\n".into(),
            Kind::Refusal => "via = \"letter\"\nin_writing = true\n".into(),
            Kind::Response => "decision = \"granted\"\n".into(),
            Kind::Pwn => "action = \"refuse\"\ndescription = \"x\"\n".into(),
            Kind::Notice => "type = \"meeting\"\n".into(),
            Kind::Consent => "scope = \"reevaluation\"\ndecision = \"given\"\n".into(),
            Kind::Meeting => "type = \"iep\"\nattendees = [\"Parent\", \"Teacher\"]\n".into(),
            Kind::Evaluation => "type = \"reevaluation\"\nareas = [\"reading\"]\n".into(),
            Kind::Eligibility => "eligible = true\n".into(),
            Kind::ProgressReport => {
                "period = \"Q1\"\n[[goals]]\ngoal = \"R1\"\nstatus = \"progressing\"\n".into()
            }
            Kind::ServiceLog => format!(
                "service = \"Speech-language therapy\"\nperiod_start = {date}\nperiod_end = {date}\n\
                 scheduled_minutes = 120\ndelivered_minutes = 90\n"
            ),
            Kind::Communication => "direction = \"sent\"\nchannel = \"email\"\n".into(),
            Kind::Complaint => {
                "type = \"state-complaint\"\n[[issues]]\ntext = \"Missed minutes\"\n".into()
            }
            Kind::Decision => "type = \"complaint-findings\"\n".into(),
            Kind::Discipline => "removal = \"iss\"\nschool_days = 1\n".into(),
            Kind::Note => format!("body = \"{}\"\n", self.prose(40)),
        };
        text.push_str(&body);
        text
    }

    /// `count` records with fresh ids.
    pub fn records(&mut self, count: usize) -> Vec<(RecordId, String)> {
        (0..count)
            .map(|n| (RecordId::generate(), self.record(n)))
            .collect()
    }
}

/// What [`fill`] puts into a case.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Records of every kind in turn, written in one commit.
    pub records: usize,
    /// Weekly service logs of one IEP service, some short of their minutes, written in the
    /// same commit (what makes `check` work hardest).
    pub service_logs: usize,
    /// Further commits, each adding one record, as a case grows over years.
    pub commits: usize,
    /// The generator's seed: the same plan and seed give the same texts.
    pub seed: u64,
}

/// Fills the (new, empty) case with `plan`; `progress` hears (commits made, commits to make).
/// Returns the number of commits made.
pub fn fill(
    case: &Case,
    lock: &CaseLock,
    plan: &Plan,
    context: &CommitContext,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize, StoreError> {
    let mut synth = Synth::new(plan.seed);
    let total = 1 + plan.commits;
    let mut made = 0;
    let mut tx = case.transaction(lock);
    for (id, text) in synth.records(plan.records) {
        tx.put_record(&id, &text)?;
    }
    if plan.service_logs > 0 {
        tx.put_record(&RecordId::generate(), &service_iep())?;
        for week in 0..plan.service_logs {
            tx.put_record(&RecordId::generate(), &service_log(week, &mut synth))?;
        }
    }
    if tx.commit("add records", context)?.is_some() {
        made += 1;
    }
    progress(1, total);
    let mut context = context.clone();
    for n in 0..plan.commits {
        context.time += 60;
        let mut tx = case.transaction(lock);
        tx.put_record(&RecordId::generate(), &synth.record(plan.records + n))?;
        if tx.commit("add record", &context)?.is_some() {
            made += 1;
        }
        progress(2 + n, total);
    }
    Ok(made)
}

/// The IEP whose service the weekly logs report on.
fn service_iep() -> String {
    "kind = \"iep\"\ndate = 2023-08-01\ntitle = \"Annual IEP\"\nstatus = \"final\"\n\
     [[services]]\nname = \"Speech-language therapy\"\nminutes = 60\nper = \"week\"\n"
        .to_owned()
}

/// The log of week `week` after the IEP: one in three weeks falls 30 minutes short.
fn service_log(week: usize, synth: &mut Synth) -> String {
    let base = Date::new(2023, 8, 7).expect("valid date").0;
    let start = base
        .checked_add(jiff::Span::new().days(7 * (week % 5_000) as i64))
        .unwrap_or(base);
    let end = start
        .checked_add(jiff::Span::new().days(4))
        .unwrap_or(start);
    let delivered = if week.is_multiple_of(3) { 30 } else { 60 };
    format!(
        "kind = \"service-log\"\ndate = {end}\ntitle = \"Speech minutes, week {}\"\n\
         summary = \"{}\"\nservice = \"Speech-language therapy\"\nperiod_start = {start}\n\
         period_end = {end}\nscheduled_minutes = 60\ndelivered_minutes = {delivered}\n",
        week + 1,
        synth.prose(12)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_records_are_valid() {
        let mut synth = Synth::new(7);
        for (_, text) in synth.records(2 * Kind::ALL.len()) {
            crate::record::parse_record(&text, "synthetic").unwrap();
        }
        crate::record::parse_record(&service_iep(), "synthetic").unwrap();
        for week in [0, 1, 4_999, 5_000] {
            crate::record::parse_record(&service_log(week, &mut synth), "synthetic").unwrap();
        }
    }
}
