//! The data a letter template sees: the case, the sender, the addressee, the record the letter
//! answers, the facts given with `--set`, and the facts it needs (taken from that data or
//! asked for). A blank fact counts as not given.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::addressee::addressee;
use super::signer::{Signing, delivery_line};
use super::timing::{NoticeTiming, timing};
use super::{LetterError, Template};
use crate::record::StoredRecord;
use crate::record::{Body, CaseMeta, Date, Time, state_name, to_json};
use crate::rules::RuleSet;

/// Everything a letter is written from.
pub struct LetterInput<'a> {
    /// The letter's date.
    pub date: Date,
    /// The time it is written, when known (a letter dated today).
    pub time: Option<Time>,
    /// Who it goes to (`--to`); else the case's best-fitting contact (see [`Self::addressee`]).
    pub to: Option<String>,
    /// `--set NAME=VALUE` facts; a name given several times is a list.
    pub facts: BTreeMap<String, Vec<String>>,
    /// The record the letter answers (`--for`).
    pub for_record: Option<&'a StoredRecord>,
    pub meta: &'a CaseMeta,
    /// Who signs, with the details the letter prints, and its copies.
    pub signing: Signing,
    /// The case's rules, for notice periods (a recording notice's 24 hours in Mississippi).
    pub rules: Option<&'a RuleSet>,
}

impl LetterInput<'_> {
    /// Who the letter goes to: `--to`, else the case contact whose role fits the template's
    /// recipient, else the district's director of special education by title (or the state
    /// agency by name).
    pub fn addressee(&self, template: &Template) -> String {
        let given = self.to.as_deref().map(str::trim).filter(|t| !t.is_empty());
        given.map(String::from).unwrap_or_else(|| {
            addressee(
                self.meta,
                template.spec.addressed_to,
                &agency(self.meta.state.as_deref()),
            )
        })
    }

    /// The template's data, with every needed fact found or an error naming the flag.
    pub fn data(&self, template: &Template) -> Result<Value, LetterError> {
        let mut data = self.base(template)?;
        let facts = self.facts(template, &data)?;
        let notice = self.timing(template, &facts)?.map(|t| {
            json!({
                "hours_left": t.hours_left,
                "hours": t.required.as_ref().map(|(hours, _)| hours),
                "met": t.met(),
            })
        });
        data["facts"] = Value::Object(facts);
        data["notice"] = json!(notice);
        Ok(data)
    }

    /// How much notice a recording notice gives before its meeting (`None` for other
    /// letters); an error when the meeting is not after the letter's date.
    pub fn notice_timing(&self, template: &Template) -> Result<Option<NoticeTiming>, LetterError> {
        let data = self.base(template)?;
        let facts = self.facts(template, &data)?;
        self.timing(template, &facts)
    }

    /// The line under the date of a letter sent by certified mail (`--set method=certified-mail`,
    /// with its `tracking` number when given).
    pub fn delivery(&self) -> Option<String> {
        let first = |name: &str| {
            self.facts
                .get(name)
                .and_then(|v| v.iter().find(|v| !v.trim().is_empty()))
                .map(|v| v.trim())
        };
        delivery_line(first("method"), first("tracking"))
    }

    /// The facts `template` needs that neither `--set` nor the case holds, found without
    /// writing the letter. `shared` is [`Self::shared_data`] of an input that differs from
    /// this one at most in `for_record`: a caller asking about many records of one case
    /// builds it once.
    pub fn missing_facts(
        &self,
        template: &Template,
        shared: &Value,
    ) -> Result<Vec<super::Need>, LetterError> {
        self.check_for(template)?;
        let about = self.for_record.map(record_data);
        let found = |path: &str| match path.split_once('.') {
            Some(("about", rest)) => about.as_ref().and_then(|a| lookup(a, rest)),
            _ if path == "about" => about.as_ref(),
            _ => lookup(shared, path),
        };
        match self.facts_from(template, found) {
            Ok(_) => Ok(Vec::new()),
            Err(LetterError::MissingFacts { missing, .. }) => Ok(missing),
            Err(e) => Err(e),
        }
    }

    /// The data of every letter of `template` for this case, whatever record it answers:
    /// everything but the facts and `about`.
    pub fn shared_data(&self, template: &Template) -> Value {
        let mut data = self.data_without_facts(template);
        data["about"] = Value::Null;
        data
    }

    /// An error when the letter answers a record of a kind `template` is not written for.
    fn check_for(&self, template: &Template) -> Result<(), LetterError> {
        if let (Some(record), false) = (self.for_record, template.spec.for_kinds.is_empty())
            && !template.spec.for_kinds.contains(&record.record.kind())
        {
            let expected: Vec<&str> = template.spec.for_kinds.iter().map(|k| k.as_str()).collect();
            return Err(LetterError::WrongFor {
                template: template.name.clone(),
                id: record.id.to_string(),
                expected: expected.join(" or "),
                found: record.record.kind().to_string(),
            });
        }
        Ok(())
    }

    /// Everything but the facts.
    fn base(&self, template: &Template) -> Result<Value, LetterError> {
        self.check_for(template)?;
        Ok(self.data_without_facts(template))
    }

    fn data_without_facts(&self, template: &Template) -> Value {
        let sender = &self.signing.sender;
        let authority = template.spec.authority(self.meta.state.as_deref());
        json!({
            "date": self.date.to_string(),
            "to": self.addressee(template),
            "case": case_data(self.meta),
            "agency": agency(self.meta.state.as_deref()),
            "sender": {
                "name": sender.name, "role": sender.role,
                "organization": sender.organization, "email": sender.email,
                "phone": sender.phone, "address": sender.address,
            },
            "signer": {
                "kind": self.signing.signer.as_str(),
                "name": self.signing.name(),
                "on_behalf_of": self.signing.parent,
            },
            "from": self.signing.from_line(),
            "letterhead": self.signing.letterhead().unwrap_or_default(),
            "delivery": self.delivery().unwrap_or_default(),
            "signature": self.signing.signature(),
            "about": self.for_record.map(record_data),
            "letter": {
                "name": template.name,
                "title": template.spec.title_for(&self.facts),
                "cite": authority.cite,
                "confidence": authority.confidence,
            },
            "rules": self.rules.map(rules_data),
        })
    }

    /// The `--set` facts that are not blank, and every fact the template needs, found in
    /// `data` when not given.
    fn facts(
        &self,
        template: &Template,
        data: &Value,
    ) -> Result<serde_json::Map<String, Value>, LetterError> {
        self.facts_from(template, |path| lookup(data, path))
    }

    /// [`Self::facts`], looking the needed ones up with `found`.
    fn facts_from<'v>(
        &self,
        template: &Template,
        found: impl Fn(&str) -> Option<&'v Value>,
    ) -> Result<serde_json::Map<String, Value>, LetterError> {
        let mut facts = serde_json::Map::new();
        for (name, values) in &self.facts {
            let given: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
            let value = match given.as_slice() {
                [] => continue,
                [one] => json!(one),
                many => json!(many),
            };
            facts.insert(name.clone(), value);
        }
        let mut missing = Vec::new();
        for need in &template.spec.needs {
            if facts.contains_key(&need.name) {
                continue;
            }
            let found = need
                .from
                .iter()
                .find_map(|path| found(path).filter(|v| !blank(v)).cloned());
            match found {
                Some(value) => {
                    facts.insert(need.name.clone(), value);
                }
                None => missing.push(need.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(LetterError::MissingFacts {
                template: template.name.clone(),
                missing,
            });
        }
        Ok(facts)
    }

    /// The notice a recording notice gives, from its `meeting_date` and `meeting_time`.
    fn timing(
        &self,
        template: &Template,
        facts: &serde_json::Map<String, Value>,
    ) -> Result<Option<NoticeTiming>, LetterError> {
        if !template.is_recording_notice() {
            return Ok(None);
        }
        let Some(date) = facts.get("meeting_date") else {
            return Ok(None);
        };
        let meeting_date: Date = parse_fact("meeting_date", date, "a date", "2026-03-24")?;
        let meeting_time: Option<Time> = facts
            .get("meeting_time")
            .map(|t| parse_fact("meeting_time", t, "a time", "08:30"))
            .transpose()?;
        timing(self.date, self.time, meeting_date, meeting_time, self.rules).map(Some)
    }
}

/// A fact's value parsed, or an error naming the fact.
fn parse_fact<T: std::str::FromStr>(
    name: &str,
    value: &Value,
    expected: &'static str,
    example: &'static str,
) -> Result<T, LetterError> {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    text.trim().parse().map_err(|_| LetterError::BadFact {
        name: name.to_owned(),
        value: text,
        expected,
        example,
    })
}

/// Whether a value found in the case says nothing: empty, blank or missing.
fn blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.iter().all(blank),
        _ => false,
    }
}

/// The value at a dotted path such as `for.date` or `case.extra.address`.
fn lookup<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(data, |value, key| value.get(key))
}

fn case_data(meta: &CaseMeta) -> Value {
    let value = toml::Value::try_from(meta)
        .map(|v| to_json(&v))
        .unwrap_or(Value::Null);
    let mut data = value.as_object().cloned().unwrap_or_default();
    let first = meta.child.split_whitespace().next().unwrap_or_default();
    data.insert("first_name".into(), json!(first));
    data.insert(
        "state_name".into(),
        json!(meta.state.as_deref().and_then(state_name)),
    );
    for key in [
        "initials", "born", "state", "district", "school", "grade", "contacts", "extra",
    ] {
        data.entry(key).or_insert(Value::Null);
    }
    Value::Object(data)
}

fn record_data(stored: &StoredRecord) -> Value {
    let value: toml::Value =
        toml::from_str(&stored.text).unwrap_or(toml::Value::Table(Default::default()));
    let mut data = to_json(&value);
    if let Some(obj) = data.as_object_mut() {
        // Every field of the kind is there, empty when the record leaves it out, so a
        // template can test `about.via == "verbal"` on any record.
        for field in crate::record::schema::record_shape(stored.record.kind()).field_names() {
            obj.entry(field).or_insert(Value::Null);
        }
        obj.insert("id".into(), json!(stored.id.as_str()));
        obj.insert("type".into(), json!(stored.record.type_name()));
        // Times as people write them: 08:30, not 08:30:00.
        let time = stored.record.common.time.map(|t| t.to_string());
        obj.insert("time".into(), json!(time));
        obj.entry("summary").or_insert(Value::Null);
        if let Body::ServiceLog(log) = &stored.record.body {
            let missed = log
                .scheduled_minutes
                .zip(log.delivered_minutes)
                .map(|(s, d)| s.saturating_sub(d));
            obj.insert("missed_minutes".into(), json!(missed));
        }
        if let Body::Pwn(pwn) = &stored.record.body {
            let missing: Vec<&str> = crate::check::missing_element_numbers(pwn)
                .into_iter()
                .map(|n| PWN_ELEMENTS[n - 1])
                .collect();
            obj.insert("missing_elements".into(), json!(missing));
        }
    }
    data
}

/// The case's rules a letter may promise, by id with `_` for `-`: each with its `label`,
/// `cite`, `confidence` and `period` ("45 school days"), so a letter states the state's own
/// period rather than a federal default.
fn rules_data(rules: &RuleSet) -> Value {
    use crate::rules::DayType;
    use crate::rules::rule::Offset;
    let mut data = serde_json::Map::new();
    for rule in &rules.rules {
        let period = match (rule.offset, rule.count) {
            (Some(Offset::Days(n)), DayType::Calendar) if n > 0 => format!("{n} days"),
            (Some(Offset::Days(n)), DayType::Business) if n > 0 => format!("{n} business days"),
            (Some(Offset::Days(n)), DayType::School) if n > 0 => format!("{n} school days"),
            (Some(Offset::Months(n)), _) if n > 0 => format!("{n} months"),
            (Some(Offset::Years(n)), _) if n > 0 => format!("{n} years"),
            _ => continue,
        };
        data.insert(
            rule.id.replace('-', "_"),
            json!({
                "label": rule.label, "cite": rule.cite, "period": period,
                "confidence": rule.confidence.as_str(),
            }),
        );
    }
    Value::Object(data)
}

/// The seven elements of 34 CFR 300.503(b), as a letter to the district names them.
const PWN_ELEMENTS: [&str; 7] = [
    "(1) a description of the action",
    "(2) an explanation of why the district proposes or refuses it",
    "(3) the evaluations, assessments, records and reports it was based on",
    "(4) a statement of the procedural safeguards",
    "(5) sources the parents can contact for help",
    "(6) the other options considered and why they were rejected",
    "(7) other factors relevant to the decision",
];

/// State educational agencies not named "<State> Department of Education".
const AGENCIES: &[(&str, &str)] = &[
    ("AK", "Alaska Department of Education and Early Development"),
    ("AL", "Alabama State Department of Education"),
    ("CT", "Connecticut State Department of Education"),
    ("DC", "Office of the State Superintendent of Education"),
    ("IL", "Illinois State Board of Education"),
    ("KS", "Kansas State Department of Education"),
    (
        "MA",
        "Massachusetts Department of Elementary and Secondary Education",
    ),
    ("MD", "Maryland State Department of Education"),
    (
        "MO",
        "Missouri Department of Elementary and Secondary Education",
    ),
    ("MT", "Montana Office of Public Instruction"),
    ("NC", "North Carolina Department of Public Instruction"),
    ("ND", "North Dakota Department of Public Instruction"),
    ("NM", "New Mexico Public Education Department"),
    ("NY", "New York State Education Department"),
    ("OH", "Ohio Department of Education and Workforce"),
    ("OK", "Oklahoma State Department of Education"),
    ("TX", "Texas Education Agency"),
    ("UT", "Utah State Board of Education"),
    ("VT", "Vermont Agency of Education"),
    (
        "WA",
        "Washington Office of Superintendent of Public Instruction",
    ),
    ("WI", "Wisconsin Department of Public Instruction"),
];

/// The state educational agency's office that hears special-education disputes, by its own
/// name.
fn agency(state: Option<&str>) -> String {
    let Some(code) = state.map(str::to_ascii_uppercase) else {
        return "the State Department of Education".into();
    };
    if code == "MS" {
        return "Mississippi Department of Education, Office of Special Education".into();
    }
    if let Some((_, name)) = AGENCIES.iter().find(|(c, _)| *c == code) {
        return (*name).to_owned();
    }
    match state_name(&code) {
        Some(name) => format!("{name} Department of Education"),
        None => "the State Department of Education".into(),
    }
}

/// `2026-03-24` as `March 24, 2026`.
pub fn long_date(text: &str) -> Option<String> {
    let date: Date = text.get(..10)?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(usize::try_from(date.0.month()).ok()?.checked_sub(1)?)?;
    Some(format!("{month} {}, {}", date.0.day(), date.0.year()))
}

#[cfg(test)]
mod agency_tests {
    use super::agency;

    #[test]
    fn a_state_agency_is_called_by_its_own_name() {
        assert_eq!(agency(Some("TX")), "Texas Education Agency");
        assert_eq!(agency(Some("ny")), "New York State Education Department");
        assert_eq!(
            agency(Some("MS")),
            "Mississippi Department of Education, Office of Special Education"
        );
        assert_eq!(agency(Some("GA")), "Georgia Department of Education");
        assert_eq!(agency(None), "the State Department of Education");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::{BUILT_IN, signing, template};
    use crate::record::parse_case_meta;
    use crate::workspace::Advocate;

    fn names(result: Result<Value, LetterError>) -> Vec<String> {
        match result {
            Err(LetterError::MissingFacts { missing, .. }) => {
                missing.into_iter().map(|n| n.name).collect()
            }
            _ => Vec::new(),
        }
    }

    /// `check` asks what each suggested letter still needs with data shared by every record
    /// of a case: the answer must be the one writing that very letter would give.
    #[test]
    fn missing_facts_from_shared_data_are_those_the_letter_itself_misses() {
        let meta = parse_case_meta(crate::example::meta(), "case.toml").unwrap();
        let records = crate::example::stored_records();
        let mut sparse = meta.clone();
        sparse.school = None;
        sparse.contacts.clear();
        sparse.extra = None;
        let advocate = Advocate {
            name: Some("Pat Advocate".into()),
            ..Advocate::default()
        };
        let mut compared = 0;
        for meta in [&meta, &sparse] {
            for (name, _) in BUILT_IN {
                let template = template(name, None).unwrap();
                let input = |for_record| LetterInput {
                    date: "2026-11-28".parse().unwrap(),
                    time: None,
                    to: None,
                    facts: Default::default(),
                    for_record,
                    meta,
                    signing: signing(None, None, advocate.clone(), meta, Vec::new()).unwrap(),
                    rules: None,
                };
                // Shared data made while answering about another record.
                let shared = input(records.last()).shared_data(&template);
                for record in std::iter::once(None).chain(records.iter().map(Some)) {
                    let one = input(record);
                    let expected = names(one.data(&template));
                    let found = match one.missing_facts(&template, &shared) {
                        Ok(missing) => missing.into_iter().map(|n| n.name).collect(),
                        Err(_) => Vec::new(),
                    };
                    assert_eq!(found, expected, "{name} for {:?}", record.map(|r| &r.id));
                    compared += usize::from(!expected.is_empty());
                }
            }
        }
        assert!(compared > 0, "some letter misses a fact in the sparse case");
    }
}
