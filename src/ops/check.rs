//! `check` and `deadlines`: a case's links inferred once, its deadlines and its findings; and
//! for each suggested letter, the facts the case does not hold.

use std::collections::HashMap;

use crate::check::{Finding, Input, check_linked};
use crate::letters::{self, LetterError, LetterInput, Template};
use crate::links::Linked;
use crate::record::{Date, StoredRecord};
use crate::rules::{Deadline, RuleSet};
use crate::workspace::Workspace;

use super::cases::CaseFacts;

/// A case evaluated on a day.
pub struct Evaluation {
    /// The case's records with their links, stated and inferred.
    pub linked: Linked,
    pub deadlines: Vec<Deadline>,
    pub findings: Vec<Finding>,
}

/// Evaluates `case` under `rules` on `today`: links are inferred once, for the deadlines and
/// the findings alike.
pub fn evaluate(case: &CaseFacts, rules: &RuleSet, today: Date) -> Evaluation {
    let linked = case.linked();
    let deadlines = crate::rules::deadlines_of(&linked, &case.meta, rules, today);
    let input = Input {
        records: &case.records,
        meta: &case.meta,
        rules,
        deadlines: &deadlines,
        today,
    };
    let findings = check_linked(&input, &linked);
    Evaluation {
        linked,
        deadlines,
        findings,
    }
}

/// What the letters that findings suggest as next steps will ask for, found without
/// rendering them; templates are read once per name, and each step of a case is worked out
/// once however many findings suggest it (hundreds of missed service sessions suggest one
/// letter).
pub struct LetterNeeds<'a> {
    ws: &'a Workspace,
    templates: HashMap<String, Option<Template>>,
    answers: HashMap<(String, String), Option<Vec<String>>>,
}

impl<'a> LetterNeeds<'a> {
    pub fn new(ws: &'a Workspace) -> LetterNeeds<'a> {
        LetterNeeds {
            ws,
            templates: HashMap::new(),
            answers: HashMap::new(),
        }
    }

    /// The facts (`--set` names) that the letter of next step `step` (`iepcase letter NAME
    /// [--for ID]`) needs and the case does not hold; `None` when the step is no letter or
    /// needs nothing more. `by_id` finds the record `--for` names.
    pub fn of(
        &mut self,
        case: &CaseFacts,
        by_id: &HashMap<&str, &StoredRecord>,
        rules: &RuleSet,
        step: &str,
        today: Date,
    ) -> Option<Vec<String>> {
        let key = (case.slug.clone(), step.to_owned());
        if let Some(known) = self.answers.get(&key) {
            return known.clone();
        }
        let answer = self.work_out(case, by_id, rules, step, today);
        self.answers.insert(key, answer.clone());
        answer
    }

    fn work_out(
        &mut self,
        case: &CaseFacts,
        by_id: &HashMap<&str, &StoredRecord>,
        rules: &RuleSet,
        step: &str,
        today: Date,
    ) -> Option<Vec<String>> {
        let mut words = step.strip_prefix("iepcase letter ")?.split_whitespace();
        let name = words.next()?;
        let for_id = match (words.next(), words.next()) {
            (Some("--for"), Some(id)) => Some(id),
            _ => None,
        };
        let root = &self.ws.root;
        let template = self
            .templates
            .entry(name.to_owned())
            .or_insert_with(|| letters::template(name, Some(root)).ok())
            .as_ref()?;
        let input = LetterInput {
            date: today,
            time: None,
            to: None,
            facts: Default::default(),
            for_record: for_id.and_then(|id| by_id.get(id).copied()),
            meta: &case.meta,
            // Signed as `letter` would sign it by default.
            signing: letters::signing(
                None,
                self.ws.config.advocate.as_ref(),
                self.ws.advocate(),
                &case.meta,
                Vec::new(),
            )
            .ok()?,
            rules: Some(rules),
        };
        // The facts are gathered before anything is rendered: a missing one is found cheaply.
        match input.data(template) {
            Err(LetterError::MissingFacts { missing, .. }) => {
                Some(missing.iter().map(|need| need.name.clone()).collect())
            }
            _ => None,
        }
    }
}
