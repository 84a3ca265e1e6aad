//! Template filters that fit a field's value into a sentence, whatever the user wrote: "the
//! district refused text-to-speech access", not "refused: Text-to-speech access.".

/// Words that already start a noun phrase, so no "the" goes before them.
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "all", "any", "some", "each", "every", "both", "this", "that", "these",
    "those", "my", "our", "his", "her", "their", "its", "your", "no", "to", "one", "two", "three",
    "several", "more", "less", "fewer",
];

/// Verbs a user may start an action with ("refused text-to-speech").
const DECISION_VERBS: &[&str] = &[
    "refused",
    "denied",
    "declined",
    "proposed",
    "rejected",
    "reduced",
    "removed",
    "changed",
    "ended",
    "stopped",
    "decided",
    "delayed",
    "cancelled",
    "canceled",
    "terminated",
];

/// A value as part of a sentence: trimmed, without a closing period, and with a capital that
/// only began the value lowered ("Text-to-speech access" → "text-to-speech access"); a
/// capital that names something ("IEP", "Wilson Reading System") stays. A date is written as
/// every date in a letter is ("2026-12-01" → "December 1, 2026").
pub fn phrase(value: &str) -> String {
    let text = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = text.trim_end_matches(['.', ';', ',', ':']).trim();
    // The period of an abbreviation ("3:00 p.m.", "Smith Jr.") is part of the value; a
    // template's own period after it is dropped by `tidy`.
    let text = match text.get(..trimmed.len() + 1) {
        Some(with_period) if with_period.ends_with('.') && ends_with_abbreviation(with_period) => {
            with_period
        }
        _ => trimmed,
    };
    if text.len() == 10
        && let Some(date) = super::context::long_date(text)
    {
        return date;
    }
    let mut words = text.split(' ');
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    let mut chars = first.chars();
    // A capitalized word after it ("Wilson Reading") makes the first a name too; an acronym
    // ("Facilitated IEP meeting") does not, unless the first names a state ("Texas ARD").
    let capitalized = |word: &str| {
        word.chars().next().is_some_and(char::is_uppercase) && word.chars().any(char::is_lowercase)
    };
    let acronym = second.chars().next().is_some_and(char::is_uppercase) && !capitalized(second);
    let sentence_case = !first.ends_with("'s")
        && !first.ends_with("’s")
        && chars.next().is_some_and(char::is_uppercase)
        && chars.clone().all(|c| !c.is_uppercase())
        && chars.any(char::is_lowercase)
        && !capitalized(second)
        && !(acronym && crate::record::starts_state_name(first));
    if sentence_case {
        let mut chars = text.chars();
        let first = chars.next().expect("not empty");
        first.to_lowercase().chain(chars).collect()
    } else {
        text.to_owned()
    }
}

/// Short words whose period is an abbreviation's, not a sentence's.
const ABBREVIATIONS: &[&str] = &[
    "etc.", "inc.", "co.", "corp.", "ltd.", "jr.", "sr.", "dr.", "mr.", "mrs.", "ms.", "st.",
    "no.", "vs.", "approx.", "dept.",
];

/// Whether `text` ends with an abbreviation and its period: a word with a period inside it
/// ("a.m.", "p.m.", "e.g.", "U.S.") or one of [`ABBREVIATIONS`].
pub fn ends_with_abbreviation(text: &str) -> bool {
    let Some(body) = text.strip_suffix('.') else {
        return false;
    };
    let word = body
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or_default();
    if word.is_empty() || word.ends_with('.') {
        return false;
    }
    let letters_and_periods = word.chars().all(|c| c.is_alphabetic() || c == '.');
    if letters_and_periods && word.contains('.') {
        // Single letters between periods: "a.m", "e.g", "U.S".
        return word.split('.').all(|part| part.chars().count() == 1);
    }
    let word = format!("{}.", word.to_lowercase());
    ABBREVIATIONS.contains(&word.as_str())
}

/// A line with the doubled period of an abbreviation at a sentence's end made single
/// ("at 3:00 p.m.." → "at 3:00 p.m."); an ellipsis stays.
pub fn single_periods(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("..") {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        out.push(c);
        let doubled = c == '.'
            && matches!(chars.peek(), Some((_, '.')))
            && !line[at + 1..].starts_with("..")
            && !out[..out.len() - 1].ends_with('.');
        if doubled && ends_with_abbreviation(&out) {
            chars.next();
        }
    }
    out.into()
}

/// A value as the object of a verb: [`phrase`], with "the" before a bare noun phrase ("the
/// district reevaluation report"), none before "an IEE", "to evaluate", "my request" or a
/// gerund ("tutoring").
pub fn object(value: &str) -> String {
    let text = phrase(value);
    let first = text.split(' ').next().unwrap_or_default();
    let lower = first.to_lowercase();
    let bare = !text.is_empty()
        && !DETERMINERS.contains(&lower.as_str())
        && !first.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !first.ends_with("'s")
        && !first.ends_with("’s")
        && !lower.ends_with("ing");
    if bare { format!("the {text}") } else { text }
}

/// An action the district took, as a clause: "the district refused extended time" when the
/// value starts with what it did (also written as a label, "Refused: audiobooks"), else the
/// district `did` it ("the district refused the audiobook accommodation"), or with no `did`,
/// "the district made a decision on the reduction of minutes".
pub fn decision(value: &str, did: Option<&str>) -> String {
    let text = phrase(value);
    let (first, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
    let verb = first.trim_end_matches(':').to_lowercase();
    if DECISION_VERBS.contains(&verb.as_str()) && !rest.trim().is_empty() {
        // After a label's colon comes a bare name of the thing, which needs its article.
        let rest = match first.ends_with(':') {
            true => object(rest),
            false => rest.to_owned(),
        };
        return format!("the district {verb} {rest}");
    }
    match did.map(str::trim).filter(|d| !d.is_empty()) {
        Some(did) => format!("the district {did} {}", object(&text)),
        None => format!("the district made a decision on {}", object(&text)),
    }
}

/// A value as a sentence of its own: a capital first letter and a closing stop.
pub fn sentence(value: &str) -> String {
    let text = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return text;
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// A time as a letter writes it: `08:30` → `8:30 a.m.`, `13:00` → `1:00 p.m.`.
pub fn clock(value: &str) -> String {
    let parsed = value
        .trim()
        .split(':')
        .take(2)
        .map(str::parse::<u32>)
        .collect::<Vec<_>>();
    match parsed.as_slice() {
        [Ok(h), Ok(m)] if *h < 24 && *m < 60 => {
            let (hour, half) = match h {
                0 => (12, "a.m."),
                1..=11 => (*h, "a.m."),
                12 => (12, "p.m."),
                _ => (h - 12, "p.m."),
            };
            format!("{hour}:{m:02} {half}")
        }
        _ => value.trim().to_owned(),
    }
}

/// A number of minutes: `120` → `120 minutes`, `1` → `1 minute`; anything else as written.
pub fn minutes(value: &str) -> String {
    let text = value.trim();
    match text.parse::<u64>() {
        Ok(1) => "1 minute".to_owned(),
        Ok(n) => format!("{n} minutes"),
        Err(_) => text.to_owned(),
    }
}

/// A grade as a letter says it: `4` → `grade 4`, `kindergarten` as written.
pub fn grade(value: &str) -> String {
    let text = value.trim();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        format!("grade {text}")
    } else {
        phrase(text)
    }
}

/// What a request of this type asked for, as the object of "I asked the district for":
/// `iee` → `an independent educational evaluation at public expense`.
pub fn request_for(request_type: &str) -> String {
    match request_type {
        "evaluation" => "an evaluation",
        "reevaluation" => "a reevaluation",
        "iee" => "an independent educational evaluation at public expense",
        "records" => "records",
        "iep-meeting" => "an IEP meeting",
        "pwn" => "prior written notice",
        "accommodation" => "an accommodation",
        "service" => "a service",
        "placement" => "a change of placement",
        "facilitation" => "a facilitated IEP meeting",
        "mediation" => "mediation",
        "records-amendment" => "an amendment of education records",
        "draft-documents" => "draft documents before a meeting",
        _ => "something",
    }
    .to_owned()
}

/// Registers the filters on a template environment.
pub fn add_filters(env: &mut minijinja::Environment<'_>) {
    let text = |v: &minijinja::Value| match v.as_str() {
        Some(s) => s.to_owned(),
        None => v.to_string(),
    };
    env.add_filter("phrase", move |v: minijinja::Value| phrase(&text(&v)));
    env.add_filter("object", move |v: minijinja::Value| object(&text(&v)));
    env.add_filter(
        "decision",
        move |v: minijinja::Value, did: Option<String>| decision(&text(&v), did.as_deref()),
    );
    env.add_filter("sentence", move |v: minijinja::Value| sentence(&text(&v)));
    env.add_filter("clock", move |v: minijinja::Value| clock(&text(&v)));
    env.add_filter("minutes", move |v: minijinja::Value| minutes(&text(&v)));
    env.add_filter("grade", move |v: minijinja::Value| grade(&text(&v)));
    env.add_filter("request_for", move |v: minijinja::Value| {
        request_for(&text(&v))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_part_of_a_sentence() {
        assert_eq!(
            object("Text-to-speech access for grade-level science."),
            "the text-to-speech access for grade-level science"
        );
        assert_eq!(
            object("audiobook accommodation"),
            "the audiobook accommodation"
        );
        assert_eq!(
            object("an IEE at public expense"),
            "an IEE at public expense"
        );
        assert_eq!(object("IEE at public expense"), "the IEE at public expense");
        assert_eq!(
            object("Wilson Reading System tutoring"),
            "the Wilson Reading System tutoring"
        );
        assert_eq!(object("Ezrabel's reading goals"), "Ezrabel's reading goals");
        assert_eq!(
            object("Facilitated IEP meeting (MDE facilitator)"),
            "the facilitated IEP meeting (MDE facilitator)"
        );
        assert_eq!(object("Annual IEP review"), "the annual IEP review");
        assert_eq!(object("Texas ARD meeting"), "the Texas ARD meeting");
        assert_eq!(object("IEP meeting"), "the IEP meeting");
        assert_eq!(object("30 minutes of OT"), "30 minutes of OT");
        assert_eq!(
            object("Mississippi Department of Education"),
            "the Mississippi Department of Education"
        );
        assert_eq!(
            phrase("  Speech-language   therapy. "),
            "speech-language therapy"
        );
        assert_eq!(
            decision("Refused extended time on tests.", None),
            "the district refused extended time on tests"
        );
        assert_eq!(
            decision("Reduction of speech minutes", None),
            "the district made a decision on the reduction of speech minutes"
        );
        assert_eq!(
            decision("Refused: audiobook accommodation.", None),
            "the district refused the audiobook accommodation"
        );
        assert_eq!(
            decision("audiobook accommodation", Some("refused")),
            "the district refused the audiobook accommodation"
        );
        assert_eq!(
            decision("Denied extended time", Some("refused")),
            "the district denied extended time",
            "the value's own verb, never `refused the denied …`"
        );

        assert_eq!(
            sentence("speech sessions have been missed since January"),
            "Speech sessions have been missed since January."
        );
        assert_eq!(sentence("Why not?"), "Why not?");
        assert_eq!(clock("08:30"), "8:30 a.m.");
        assert_eq!(clock("13:05"), "1:05 p.m.");
        assert_eq!(clock("12:00:00"), "12:00 p.m.");
        assert_eq!(clock("soon"), "soon");
        assert_eq!(minutes("120"), "120 minutes");
        assert_eq!(minutes("1"), "1 minute");
        assert_eq!(minutes("two hours"), "two hours");
        assert_eq!(grade("4"), "grade 4");
        assert_eq!(phrase("2026-12-01"), "December 1, 2026");
        assert_eq!(phrase(" 2026-12-03. "), "December 3, 2026");
        assert_eq!(
            phrase("2026-12-01 after school"),
            "2026-12-01 after school",
            "only a value that is a date"
        );
        assert_eq!(grade("Kindergarten"), "kindergarten");
    }

    #[test]
    fn an_abbreviations_period_is_kept() {
        assert_eq!(
            phrase("after school at 3:00 p.m."),
            "after school at 3:00 p.m."
        );
        assert_eq!(phrase("Tutoring, books, etc.;"), "tutoring, books, etc.");
        assert_eq!(phrase("Wilson Reading System."), "Wilson Reading System");
        assert_eq!(
            phrase("the U.S. Department of Education."),
            "the U.S. Department of Education"
        );
        assert_eq!(
            sentence("the meeting ends at 4 p.m."),
            "The meeting ends at 4 p.m."
        );
        assert_eq!(
            single_periods("We met at 3:00 p.m.."),
            "We met at 3:00 p.m."
        );
        assert_eq!(single_periods("at 3:00 p.m.. Then"), "at 3:00 p.m. Then");
        assert_eq!(single_periods("books, etc.."), "books, etc.");
        assert_eq!(single_periods("wait... and"), "wait... and");
        assert_eq!(single_periods("a sentence.. typo"), "a sentence.. typo");
        assert!(!ends_with_abbreviation("the notes."));
        assert!(!ends_with_abbreviation("Section 4.2."));
    }
}
