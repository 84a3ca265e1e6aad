//! The inference itself: records are taken in date order, so "a request no earlier refusal
//! answers" means what it says, and every choice is made by fixed rules (scores, then the
//! latest record, then the id) so the same case always gives the same links.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet};

use rayon::prelude::*;

use super::subject::{Compact, Rarity, Terms};
use super::{Inferred, LinkField, Unlinked, link_field};
use crate::record::StoredRecord;
use crate::record::{Body, Date, DecisionType, Kind, NoticeType, RecordId, RequestType};

/// How much better the best kind of request must match than the next for a link to be
/// inferred; below that, both are candidates and nothing is guessed.
const CLEAR_MARGIN: f64 = 1.5;

/// Within the kind of request that matches, a request matching less than this share of the
/// best match is not the same thing.
const SAME_THING: f64 = 0.5;

/// What [`infer`] finds: every link it filled in, what it could not link, and each record's
/// root, subject and (complaints) matters. A pure function of the records, so it can be kept
/// beside them ([`super::Inference::encode`]) and reused while they do not change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inference {
    pub inferred: Vec<(RecordId, Inferred)>,
    pub unlinked: Vec<Unlinked>,
    pub roots: HashMap<RecordId, RecordId>,
    pub about: HashMap<RecordId, RecordId>,
    pub matters: HashMap<RecordId, Vec<RecordId>>,
}

/// Candidates with their scores.
type Scored = Vec<(usize, f64)>;

/// What a record is about: its root's kind, and its type or (with none) its id.
type Class<'a> = (&'static str, &'a str);

/// The outcome of choosing among candidates.
enum Choice {
    One(usize),
    Ambiguous(Vec<usize>),
    None,
}

struct State<'a> {
    /// The records (no conflict copies), in date order.
    items: Vec<&'a StoredRecord>,
    /// The positions of the records of each kind, in date order: an answer looks among the
    /// earlier records of the kinds it can answer, not among all records.
    by_kind: HashMap<Kind, Vec<usize>>,
    /// The positions of the meetings of each day.
    meetings_on: HashMap<Date, Vec<usize>>,
    terms: Vec<Compact>,
    rarity: Rarity,
    /// Answer → the record it answers, stated or inferred.
    target: Slots,
    /// Request for prior written notice → what it asks about.
    about: Slots,
    /// Records a refusal answers; records any answer answers; records a notice answers.
    refused: Marks,
    answered: Marks,
    noticed: Marks,
    decided: Marks,
    inferred: Vec<(RecordId, Inferred)>,
    unlinked: Vec<Unlinked>,
}

/// Finds the links `records` leave out.
pub fn infer(records: &[StoredRecord]) -> Inference {
    let mut items: Vec<&StoredRecord> = records.iter().filter(|r| !r.id.is_conflict()).collect();
    // Date order; on one day, what is asked before what answers it, and then by title, so
    // the links do not depend on the random ids the records were given.
    items.sort_by_key(|r| {
        let common = &r.record.common;
        let step = match r.record.kind() {
            Kind::Request | Kind::Complaint | Kind::Meeting => 0,
            Kind::Refusal => 1,
            Kind::Response | Kind::Pwn => 2,
            Kind::Decision => 3,
            _ => 1,
        };
        (
            common.date,
            common.time.is_none(),
            common.time,
            step,
            common.title.as_str(),
            &r.id,
        )
    });
    let words: Vec<Terms> = items.par_iter().map(|r| Terms::of(&r.record)).collect();
    let (rarity, terms) = Rarity::new(&words);
    let mut by_kind: HashMap<Kind, Vec<usize>> = HashMap::new();
    let mut meetings_on: HashMap<Date, Vec<usize>> = HashMap::new();
    for (i, r) in items.iter().enumerate() {
        by_kind.entry(r.record.kind()).or_default().push(i);
        if r.record.kind() == Kind::Meeting {
            meetings_on.entry(r.record.date()).or_default().push(i);
        }
    }
    let n = items.len();
    let mut state = State {
        items,
        by_kind,
        meetings_on,
        terms,
        rarity,
        target: Slots::new(n),
        about: Slots::new(n),
        refused: Marks::new(n),
        answered: Marks::new(n),
        noticed: Marks::new(n),
        decided: Marks::new(n),
        inferred: Vec::new(),
        unlinked: Vec::new(),
    };
    let index: HashMap<&str, usize> = state
        .items
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    for i in 0..state.items.len() {
        let stored = state.items[i];
        let record = &stored.record;
        if record.kind() == Kind::Request && record.type_name() == Some(RequestType::Pwn.as_str()) {
            state.find_about(i, &index);
            continue;
        }
        let Some((field, stated)) = link_field(record) else {
            continue;
        };
        match stated {
            Some(target) => {
                if let Some(&t) = index.get(target.0.as_str()) {
                    state.set(i, t);
                }
            }
            None => state.find(i, field),
        }
    }
    let roots = (0..state.items.len())
        .filter_map(|i| {
            let root = state.root(i)?;
            Some((state.items[i].id.clone(), state.items[root].id.clone()))
        })
        .collect();
    let about = state
        .about
        .iter()
        .map(|(i, a)| (state.items[i].id.clone(), state.items[a].id.clone()))
        .collect();
    let matters = (0..state.items.len())
        .filter(|&i| state.kind(i) == Kind::Complaint)
        .map(|i| {
            let roots = state.complaint_matters(i, &index);
            (
                state.items[i].id.clone(),
                roots
                    .into_iter()
                    .map(|r| state.items[r].id.clone())
                    .collect(),
            )
        })
        .collect();
    Inference {
        inferred: state.inferred,
        unlinked: state.unlinked,
        roots,
        about,
        matters,
    }
}

impl<'a> State<'a> {
    fn kind(&self, i: usize) -> Kind {
        self.items[i].record.kind()
    }

    /// The records of `kinds` that come before `i` ([`Self::before`]), in date order.
    fn earlier(&self, i: usize, kinds: &[Kind]) -> Vec<usize> {
        let date = self.items[i].record.date();
        let mut out: Vec<usize> = kinds
            .iter()
            .filter_map(|k| self.by_kind.get(k))
            .flat_map(|of_kind| {
                // Records are in date order: those dated after `i` cannot come before it.
                let end = of_kind.partition_point(|&c| self.items[c].record.date() <= date);
                of_kind[..end].iter().copied()
            })
            .filter(|&c| self.before(c, i))
            .collect();
        out.sort_unstable();
        out
    }

    fn type_name(&self, i: usize) -> Option<&'static str> {
        self.items[i].record.type_name()
    }

    fn is_pwn_request(&self, i: usize) -> bool {
        self.kind(i) == Kind::Request && self.type_name(i) == Some(RequestType::Pwn.as_str())
    }

    /// Records `answer` as answering `target`.
    fn set(&mut self, answer: usize, target: usize) {
        self.target.insert(answer, target);
        self.answered.insert(target);
        match self.kind(answer) {
            Kind::Refusal => {
                self.refused.insert(target);
            }
            Kind::Pwn => {
                self.noticed.insert(target);
            }
            Kind::Decision => {
                self.decided.insert(target);
            }
            _ => {}
        }
    }

    fn infer(&mut self, answer: usize, field: LinkField, target: usize) {
        self.set(answer, target);
        self.inferred.push((
            self.items[answer].id.clone(),
            Inferred {
                field,
                target: self.items[target].id.clone(),
            },
        ));
    }

    fn report(&mut self, answer: usize, field: LinkField, candidates: Vec<usize>, ambiguous: bool) {
        if candidates.is_empty() {
            return;
        }
        self.unlinked.push(Unlinked {
            record: self.items[answer].id.clone(),
            field,
            candidates: candidates
                .into_iter()
                .map(|c| self.items[c].id.clone())
                .collect(),
            ambiguous,
        });
    }

    /// The request record `i` is ultimately about.
    fn root(&self, i: usize) -> Option<usize> {
        let mut at = i;
        for _ in 0..16 {
            let next = match self.kind(at) {
                Kind::Request => match self.about.get(&at) {
                    Some(&a) => a,
                    None => return Some(at),
                },
                Kind::Refusal => match self.target.get(&at) {
                    Some(&t) => t,
                    None => return Some(at),
                },
                Kind::Response | Kind::Pwn | Kind::Decision => *self.target.get(&at)?,
                _ => return (at != i).then_some(at),
            };
            if next == at {
                return Some(at);
            }
            at = next;
        }
        None
    }

    /// The matters (root requests) complaint `i` is about: those of the records it names, or,
    /// when it names none, those whose requests, refusals or notices before it share its
    /// subject (two words, or one word of both headlines).
    fn complaint_matters(&self, i: usize, index: &HashMap<&str, usize>) -> Vec<usize> {
        let named: Vec<usize> = self.items[i]
            .record
            .references()
            .iter()
            .filter_map(|r| index.get(r.0.as_str()).copied())
            .filter_map(|r| self.root(r))
            .collect();
        let mut roots: Vec<usize> = if !self.items[i].record.references().is_empty() {
            named
        } else {
            self.earlier(i, &[Kind::Request, Kind::Refusal, Kind::Pwn])
                .into_iter()
                .filter(|&c| self.rarity.shares_subject(&self.terms[i], &self.terms[c]))
                .filter_map(|c| self.root(c))
                .collect()
        };
        roots.sort_unstable();
        roots.dedup();
        roots
    }

    /// Which kind of thing record `c` is about: the type of its root request (the kind and
    /// type, or for a root with no type the kind and id).
    fn class(&self, c: usize) -> Class<'a> {
        let root = self.root(c).unwrap_or(c);
        let kind = self.kind(root);
        match (kind, self.type_name(root)) {
            (Kind::Request | Kind::Complaint, Some(t)) => (kind.as_str(), t),
            _ => (kind.as_str(), self.items[root].id.as_str()),
        }
    }

    /// Whether `c` comes before `i` (the same day counts unless both have times the wrong
    /// way round).
    fn before(&self, c: usize, i: usize) -> bool {
        let (a, b) = (&self.items[c].record.common, &self.items[i].record.common);
        c != i
            && (a.date < b.date
                || a.date == b.date && a.time.zip(b.time).is_none_or(|(x, y)| x <= y))
    }

    fn find(&mut self, i: usize, field: LinkField) {
        let stored: &'a StoredRecord = self.items[i];
        match &stored.record.body {
            Body::Notice(n) if n.notice_type == NoticeType::Recording => self.find_meeting(i),
            Body::Refusal(_) => {
                let candidates: Vec<usize> = self
                    .earlier(i, &[Kind::Request])
                    .into_iter()
                    .filter(|&c| !self.is_pwn_request(c))
                    .collect();
                let choice = self.choose(i, &candidates, |s, c| u8::from(s.refused.contains(&c)));
                self.settle(i, field, choice, &candidates, |s, c| {
                    !s.refused.contains(&c)
                });
            }
            Body::Response(_) => {
                let candidates = self.earlier(i, &[Kind::Request, Kind::Complaint]);
                let choice = self.choose(i, &candidates, |s, c| u8::from(s.answered.contains(&c)));
                self.settle(i, field, choice, &candidates, |s, c| {
                    !s.answered.contains(&c)
                });
            }
            Body::Pwn(_) => self.find_pwn_target(i, field),
            Body::Decision(d) => self.find_complaint(i, d.decision_type),
            _ => {}
        }
    }

    /// Acts on a choice: infer the one, report the tie, or report the records that could be
    /// meant (`open` ones) when nothing matched.
    fn settle(
        &mut self,
        i: usize,
        field: LinkField,
        choice: Choice,
        candidates: &[usize],
        open: impl Fn(&Self, usize) -> bool,
    ) {
        match choice {
            Choice::One(t) => self.infer(i, field, t),
            Choice::Ambiguous(tied) => self.report(i, field, tied, true),
            Choice::None => {
                let mut left: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&c| open(self, c))
                    .collect();
                left.reverse();
                left.truncate(3);
                self.report(i, field, left, false);
            }
        }
    }

    /// The candidate `i` answers: the kind of record whose best member matches clearly best,
    /// then within it the one `rank` puts first (lowest), then the latest.
    fn choose(&self, i: usize, candidates: &[usize], rank: impl Fn(&Self, usize) -> u8) -> Choice {
        let scored: Vec<(usize, f64)> = candidates
            .iter()
            .filter_map(|&c| Some((c, self.rarity.score(&self.terms[i], &self.terms[c])?)))
            .collect();
        let mut groups: BTreeMap<Class<'a>, Scored> = BTreeMap::new();
        for (c, score) in scored {
            groups.entry(self.class(c)).or_default().push((c, score));
        }
        let best = |members: &[(usize, f64)]| members.iter().map(|(_, s)| *s).fold(0.0, f64::max);
        let mut ranked: Vec<(f64, &Class<'a>, &Scored)> =
            groups.iter().map(|(k, m)| (best(m), k, m)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let Some(&(top, _, members)) = ranked.first() else {
            return Choice::None;
        };
        let latest = |members: &[(usize, f64)], floor: f64| {
            members
                .iter()
                .filter(|(_, s)| *s >= floor)
                .map(|(c, _)| *c)
                .min_by_key(|&c| (rank(self, c), std::cmp::Reverse(c)))
        };
        if let Some(&(second, _, _)) = ranked.get(1)
            && top < second * CLEAR_MARGIN
        {
            let tied: Vec<usize> = ranked
                .iter()
                .filter(|(score, _, _)| top < score * CLEAR_MARGIN)
                .filter_map(|(score, _, m)| latest(m, *score))
                .collect();
            // Of records that fit equally, the only one not yet answered is the one meant:
            // what is already answered is not waiting for this answer.
            let waiting: Vec<usize> = tied
                .iter()
                .copied()
                .filter(|&c| rank(self, c) == 0)
                .collect();
            if let [one] = waiting.as_slice() {
                return Choice::One(*one);
            }
            return Choice::Ambiguous(tied);
        }
        match latest(members, top * SAME_THING) {
            Some(c) => Choice::One(c),
            None => Choice::None,
        }
    }

    /// A prior written notice answers the request for notice, refusal or request it follows:
    /// the matter (the root request) is chosen by subject, then within it an unanswered
    /// request for notice, else an unanswered refusal, else the request itself.
    fn find_pwn_target(&mut self, i: usize, field: LinkField) {
        let candidates = self.earlier(i, &[Kind::Request, Kind::Refusal]);
        let noticed = &self.noticed;
        // A whole matter matches, not one record: pick within the winning class regardless
        // of how strongly each of its records matched. Of matters that fit equally, one
        // whose records all have their notice is not waiting for this one.
        // A matter waits for a notice when a refusal or request for notice in it has none,
        // or when nothing in it has one yet.
        // Each candidate's class, worked out once (candidates are in position order).
        let classes: Vec<Class<'a>> = candidates.iter().map(|&m| self.class(m)).collect();
        let class_of = |m: usize| {
            candidates
                .binary_search(&m)
                .map_or_else(|_| self.class(m), |k| classes[k])
        };
        let has_notice: HashSet<Class<'a>> = candidates
            .iter()
            .zip(&classes)
            .filter(|(m, _)| noticed.contains(m))
            .map(|(_, class)| *class)
            .collect();
        let open: HashSet<Class<'a>> = candidates
            .iter()
            .zip(&classes)
            .filter(|(m, _)| !noticed.contains(m))
            .filter(|(m, class)| {
                self.kind(**m) == Kind::Refusal
                    || self.is_pwn_request(**m)
                    || !has_notice.contains(*class)
            })
            .map(|(_, class)| *class)
            .collect();
        let waiting = |_: &Self, c: usize| u8::from(!open.contains(&class_of(c)));
        let choice = match self.choose(i, &candidates, waiting) {
            Choice::One(c) => {
                let class = class_of(c);
                let pick = candidates
                    .iter()
                    .zip(&classes)
                    .filter(|(_, cl)| **cl == class)
                    .map(|(m, _)| *m)
                    .min_by_key(|&m| {
                        let fresh = !noticed.contains(&m);
                        let rank = match (self.kind(m), self.is_pwn_request(m)) {
                            (Kind::Request, true) if fresh => 0,
                            (Kind::Refusal, _) if fresh => 1,
                            (Kind::Request, false) => 2,
                            _ => 3,
                        };
                        (rank, std::cmp::Reverse(m))
                    });
                pick.map_or(Choice::None, Choice::One)
            }
            other => other,
        };
        // With nothing matching, the records it may answer are the refusals still owed a
        // notice (one made by prior written notice carries its own).
        self.settle(i, field, choice, &candidates, |s, c| {
            s.kind(c) == Kind::Refusal
                && !s.noticed.contains(&c)
                && !matches!(&s.items[c].record.body, Body::Refusal(r)
                    if r.via == Some(crate::record::RefusalVia::Pwn))
        });
    }

    /// What a request for prior written notice asks about: the first record its `related`
    /// names that a notice could answer, else the matter its words name.
    fn find_about(&mut self, i: usize, index: &HashMap<&str, usize>) {
        let stated = self.items[i]
            .record
            .common
            .related
            .iter()
            .filter_map(|r| index.get(r.0.as_str()).copied())
            .find(|&r| {
                matches!(
                    self.kind(r),
                    Kind::Request | Kind::Refusal | Kind::Response | Kind::Pwn
                ) && r != i
            });
        if let Some(r) = stated {
            self.about.insert(i, r);
            return;
        }
        if !self.items[i].record.common.related.is_empty() {
            return;
        }
        let candidates: Vec<usize> = self
            .earlier(i, &[Kind::Request, Kind::Refusal])
            .into_iter()
            .filter(|&c| !self.is_pwn_request(c))
            .collect();
        if let Choice::One(c) = self.choose(i, &candidates, |_, _| 0) {
            self.about.insert(i, c);
        }
    }

    /// A recording notice belongs to the meeting on its `meeting_date`, at its
    /// `meeting_time` when both have one; of several that day, the one recorded.
    fn find_meeting(&mut self, i: usize) {
        let stored: &'a StoredRecord = self.items[i];
        let Body::Notice(notice) = &stored.record.body else {
            return;
        };
        let field = LinkField::Meeting;
        let Some(day) = notice.meeting_date else {
            // Nothing to go by: the recorded meetings after the notice may be meant.
            let date = self.items[i].record.date();
            let later: Vec<usize> = self
                .by_kind
                .get(&Kind::Meeting)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&m| self.items[m].record.date() >= date)
                .filter(|&m| recorded(self.items[m]))
                .take(3)
                .collect();
            self.report(i, field, later, false);
            return;
        };
        let on_day: Vec<usize> = self.meetings_on.get(&day).cloned().unwrap_or_default();
        let at_time: Vec<usize> = match notice.meeting_time {
            Some(time) => {
                let exact: Vec<usize> = on_day
                    .iter()
                    .copied()
                    .filter(|&m| self.items[m].record.common.time == Some(time))
                    .collect();
                if exact.is_empty() {
                    on_day
                        .iter()
                        .copied()
                        .filter(|&m| self.items[m].record.common.time.is_none())
                        .collect()
                } else {
                    exact
                }
            }
            None => on_day.clone(),
        };
        let chosen = match at_time.as_slice() {
            [one] => Some(*one),
            [] => None,
            many => {
                let recorded: Vec<usize> = many
                    .iter()
                    .copied()
                    .filter(|&m| recorded(self.items[m]))
                    .collect();
                match recorded.as_slice() {
                    [one] => Some(*one),
                    _ => {
                        self.report(i, field, many.to_vec(), true);
                        return;
                    }
                }
            }
        };
        if let Some(m) = chosen {
            self.infer(i, field, m);
        }
    }

    /// Findings and hearing decisions answer the one earlier complaint of their kind not yet
    /// decided.
    fn find_complaint(&mut self, i: usize, decision: DecisionType) {
        let types: &[&str] = match decision {
            DecisionType::ComplaintFindings => &["state-complaint"],
            DecisionType::HearingDecision => &["due-process", "expedited-due-process"],
            _ => return,
        };
        let candidates: Vec<usize> = self
            .earlier(i, &[Kind::Complaint])
            .into_iter()
            .filter(|&c| self.type_name(c).is_some_and(|t| types.contains(&t)))
            .collect();
        let open: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|c| !self.decided.contains(c))
            .collect();
        let field = LinkField::RespondsTo;
        match (open.as_slice(), candidates.as_slice()) {
            ([one], _) | ([], [one]) => self.infer(i, field, *one),
            ([], _) => {}
            (many, _) => {
                let mut tied = many.to_vec();
                tied.reverse();
                self.report(i, field, tied, true);
            }
        }
    }
}

/// A record position for each record position (as a map would hold them, without hashing:
/// link inference looks these up for every candidate of every answer).
struct Slots(Vec<Option<usize>>);

impl Slots {
    fn new(n: usize) -> Slots {
        Slots(vec![None; n])
    }

    fn insert(&mut self, key: usize, value: usize) {
        if let Some(slot) = self.0.get_mut(key) {
            *slot = Some(value);
        }
    }

    fn get(&self, key: &usize) -> Option<&usize> {
        self.0.get(*key)?.as_ref()
    }

    fn iter(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(k, v)| Some((k, (*v)?)))
    }
}

/// A set of record positions.
struct Marks(Vec<bool>);

impl Marks {
    fn new(n: usize) -> Marks {
        Marks(vec![false; n])
    }

    fn insert(&mut self, key: usize) {
        if let Some(mark) = self.0.get_mut(key) {
            *mark = true;
        }
    }

    fn contains(&self, key: &usize) -> bool {
        self.0.get(*key).copied().unwrap_or(false)
    }
}

fn recorded(stored: &StoredRecord) -> bool {
    matches!(&stored.record.body, Body::Meeting(m) if m.recorded == Some(true))
}
