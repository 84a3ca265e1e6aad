//! The semantic part of an IEP diff: goals and services.
//!
//! Goals are matched by `key`, then by `area`, then by how alike their text is; services by
//! name, with minutes normalised to minutes per week so `120 min/month` and `30 min/week` can
//! be compared. Accommodations, modifications and eligibility are lists of strings, which the
//! generic diff already compares as sets after normalising case and white space.

use serde_json::json;

use super::generic::{changed, short};
use super::words::similarity;
use super::{Change, Op, normalize};
use crate::record::Per;
use crate::record::kinds::{Goal, Iep, Service};

/// Fields this module compares; the generic diff skips them.
pub const SEMANTIC_FIELDS: &[&str] = &["goals", "services"];

/// Texts at least this alike (0 to 1) are taken to be the same goal reworded.
const SAME_GOAL: f32 = 0.5;

/// The semantic changes between two IEP versions.
pub fn diff(old: &Iep, new: &Iep) -> Vec<Change> {
    let mut out = Vec::new();
    for (a, b) in match_goals(&old.goals, &new.goals) {
        match (a, b) {
            (Some(a), Some(b)) => diff_goal(a, b, &mut out),
            (Some(a), None) => out.push(
                Change::new("goals", Op::Removed)
                    .item(goal_label(a))
                    .values(Some(goal_json(a)), None),
            ),
            (None, Some(b)) => out.push(
                Change::new("goals", Op::Added)
                    .item(goal_label(b))
                    .values(None, Some(goal_json(b))),
            ),
            (None, None) => {}
        }
    }
    diff_services(&old.services, &new.services, &mut out);
    out
}

/// A goal's name in output: its key, else its area, else the start of its text.
pub fn goal_label(goal: &Goal) -> String {
    fn named(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    named(&goal.key)
        .or_else(|| named(&goal.area))
        .map(str::to_owned)
        .unwrap_or_else(|| match short(&goal.text) {
            text if text.is_empty() => "a goal with no text".to_owned(),
            text => text,
        })
}

fn goal_json(goal: &Goal) -> serde_json::Value {
    let value = toml::Value::try_from(goal).unwrap_or(toml::Value::Table(Default::default()));
    super::json_of(&value)
}

/// Pairs old and new goals; unmatched ones come back with `None` on the other side.
fn match_goals<'a>(old: &'a [Goal], new: &'a [Goal]) -> Vec<(Option<&'a Goal>, Option<&'a Goal>)> {
    let mut partner: Vec<Option<usize>> = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    let pair = |partner: &mut Vec<Option<usize>>, taken: &mut Vec<bool>, i: usize, j: usize| {
        partner[i] = Some(j);
        taken[j] = true;
    };
    // 1. Same key.
    for (i, a) in old.iter().enumerate() {
        if let Some(key) = a.key.as_deref().map(normalize)
            && let Some(j) = (0..new.len())
                .find(|&j| !taken[j] && new[j].key.as_deref().map(normalize) == Some(key.clone()))
        {
            pair(&mut partner, &mut taken, i, j);
        }
    }
    // 2. Same area: one goal on each side pairs outright; several pair by text likeness.
    let area = |g: &Goal| g.area.as_deref().map(normalize);
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (i, a) in old
        .iter()
        .enumerate()
        .filter(|(i, _)| partner[*i].is_none())
    {
        let Some(area_a) = area(a) else { continue };
        let same: Vec<usize> = (0..new.len())
            .filter(|&j| !taken[j] && area(&new[j]).as_ref() == Some(&area_a))
            .collect();
        let olds_in_area = old
            .iter()
            .enumerate()
            .filter(|(k, g)| partner[*k].is_none() && area(g).as_ref() == Some(&area_a))
            .count();
        if same.len() == 1 && olds_in_area == 1 {
            candidates.push((2.0, i, same[0]));
        } else {
            candidates.extend(
                same.into_iter()
                    .map(|j| (1.0 + similarity(&a.text, &new[j].text), i, j)),
            );
        }
    }
    // 3. Alike text, whatever the key or area.
    for (i, a) in old
        .iter()
        .enumerate()
        .filter(|(i, _)| partner[*i].is_none())
    {
        for (j, b) in new.iter().enumerate().filter(|(j, _)| !taken[*j]) {
            let score = similarity(&a.text, &b.text);
            if score >= SAME_GOAL {
                candidates.push((score, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (_, i, j) in candidates {
        if partner[i].is_none() && !taken[j] {
            pair(&mut partner, &mut taken, i, j);
        }
    }
    let mut out: Vec<(Option<&Goal>, Option<&Goal>)> = old
        .iter()
        .zip(&partner)
        .map(|(a, p)| (Some(a), p.map(|j| &new[j])))
        .collect();
    out.extend(
        new.iter()
            .enumerate()
            .filter(|(j, _)| !taken[*j])
            .map(|(_, b)| (None, Some(b))),
    );
    out
}

fn diff_goal(a: &Goal, b: &Goal, out: &mut Vec<Change>) {
    let label = goal_label(a);
    let fields: [(&str, Option<&str>, Option<&str>); 6] = [
        ("key", a.key.as_deref(), b.key.as_deref()),
        ("area", a.area.as_deref(), b.area.as_deref()),
        ("text", Some(a.text.as_str()), Some(b.text.as_str())),
        ("baseline", a.baseline.as_deref(), b.baseline.as_deref()),
        ("target", a.target.as_deref(), b.target.as_deref()),
        (
            "measurement",
            a.measurement.as_deref(),
            b.measurement.as_deref(),
        ),
    ];
    for (field, x, y) in fields {
        let as_value = |s: Option<&str>| s.map(|s| toml::Value::String(s.to_owned()));
        match (as_value(x), as_value(y)) {
            (Some(x), Some(y)) if x != y => {
                let mut change = changed("goals", Some(&label), field, &x, &y);
                if field == "text" && super::words::worth_word_diff(&a.text, &b.text) {
                    change.words = Some(super::word_diff(a.text.as_str(), b.text.as_str()));
                }
                out.push(change);
            }
            (Some(x), None) => out.push(
                Change::new("goals", Op::Removed)
                    .item(&label)
                    .field(field)
                    .values(Some(super::json_of(&x)), None),
            ),
            (None, Some(y)) => out.push(
                Change::new("goals", Op::Added)
                    .item(&label)
                    .field(field)
                    .values(None, Some(super::json_of(&y))),
            ),
            _ => {}
        }
    }
}

/// Minutes per week: a month is 4⅓ weeks, a year 36 school weeks, a day one of 5 a week.
pub fn weekly_minutes(minutes: u32, per: Per) -> f64 {
    let m = f64::from(minutes);
    match per {
        Per::Day => m * 5.0,
        Per::Week => m,
        Per::Month => m * 3.0 / 13.0,
        Per::Year => m / 36.0,
    }
}

/// `120 min/month (27.7 min/week)`, or `30 min/week`.
pub fn describe_minutes(minutes: u32, per: Per) -> String {
    if per == Per::Week {
        format!("{minutes} min/week")
    } else {
        let weekly = weekly_minutes(minutes, per);
        let weekly = if weekly.fract().abs() < 0.05 {
            format!("{weekly:.0}")
        } else {
            format!("{weekly:.1}")
        };
        format!("{minutes} min/{per} ({weekly} min/week)")
    }
}

fn service_json(service: &Service) -> serde_json::Value {
    let value = toml::Value::try_from(service).unwrap_or(toml::Value::Table(Default::default()));
    let mut json = super::json_of(&value);
    if let Some(obj) = json.as_object_mut() {
        obj.insert(
            "minutes_per_week".into(),
            json!(round1(weekly_minutes(service.minutes, service.per))),
        );
    }
    json
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A test whether two services can be the same one.
type Pairing<'a> = dyn Fn(&Service, &Service) -> bool + 'a;

/// Services pair up by name. When two services share a name (speech pull-out and speech
/// push-in), an unchanged one pairs with its twin first, then one with the same setting, then
/// the rest in order.
fn pair_services(old: &[Service], new: &[Service]) -> Vec<Option<usize>> {
    let same_name = |a: &Service, b: &Service| normalize(&a.name) == normalize(&b.name);
    let same_setting = |a: &Service, b: &Service| {
        a.setting.as_deref().map(normalize) == b.setting.as_deref().map(normalize)
    };
    let identical = |a: &Service, b: &Service| {
        same_name(a, b)
            && same_setting(a, b)
            && (a.minutes, a.per) == (b.minutes, b.per)
            && a.provider == b.provider
            && (a.start, a.end) == (b.start, b.end)
    };
    let passes: [&Pairing<'_>; 3] = [
        &identical,
        &|a, b| same_name(a, b) && same_setting(a, b),
        &same_name,
    ];
    let mut partner = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    for matches in passes {
        for (i, a) in old.iter().enumerate() {
            if partner[i].is_some() {
                continue;
            }
            if let Some(j) = (0..new.len()).find(|&j| !taken[j] && matches(a, &new[j])) {
                partner[i] = Some(j);
                taken[j] = true;
            }
        }
    }
    partner
}

fn diff_services(old: &[Service], new: &[Service], out: &mut Vec<Change>) {
    let partner = pair_services(old, new);
    let mut taken = vec![false; new.len()];
    for (i, a) in old.iter().enumerate() {
        let Some(j) = partner[i] else {
            out.push(
                Change::new("services", Op::Removed)
                    .item(&a.name)
                    .values(Some(service_json(a)), None),
            );
            continue;
        };
        taken[j] = true;
        let b = &new[j];
        if (a.minutes, a.per) != (b.minutes, b.per) {
            let mut change = Change::new("services", Op::Changed)
                .item(&a.name)
                .field("minutes")
                .values(
                    Some(json!(describe_minutes(a.minutes, a.per))),
                    Some(json!(describe_minutes(b.minutes, b.per))),
                );
            change.words = None;
            out.push(change);
        }
        let text = |s: &Option<String>| s.clone().map(toml::Value::String);
        let date = |d: &Option<crate::record::Date>| d.map(|d| toml::Value::String(d.to_string()));
        let fields = [
            ("setting", text(&a.setting), text(&b.setting)),
            ("provider", text(&a.provider), text(&b.provider)),
            ("start", date(&a.start), date(&b.start)),
            ("end", date(&a.end), date(&b.end)),
        ];
        for (field, x, y) in fields {
            match (x, y) {
                (Some(x), Some(y)) if x != y => {
                    out.push(changed("services", Some(&a.name), field, &x, &y))
                }
                (Some(x), None) => out.push(
                    Change::new("services", Op::Removed)
                        .item(&a.name)
                        .field(field)
                        .values(Some(super::json_of(&x)), None),
                ),
                (None, Some(y)) => out.push(
                    Change::new("services", Op::Added)
                        .item(&a.name)
                        .field(field)
                        .values(None, Some(super::json_of(&y))),
                ),
                _ => {}
            }
        }
    }
    for (j, b) in new.iter().enumerate().filter(|(j, _)| !taken[*j]) {
        let _ = j;
        out.push(
            Change::new("services", Op::Added)
                .item(&b.name)
                .values(None, Some(service_json(b))),
        );
    }
}
