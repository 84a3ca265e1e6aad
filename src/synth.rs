//! Synthetic cases of any size, for benchmarks: plausible records of every kind, dated over
//! several school years, with no real person in them.

use crate::record::{Date, Kind, RecordId};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_records_are_valid() {
        let mut synth = Synth::new(7);
        for (_, text) in synth.records(2 * Kind::ALL.len()) {
            crate::record::parse_record(&text, "synthetic").unwrap();
        }
    }
}
