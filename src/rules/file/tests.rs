//! Rule files: the built-in ones are valid, bad ones are explained, and workspace files layer
//! over the built-in sets.

use super::*;
use crate::rules::Rulebook;

/// A minimal valid rule, with `extra` lines added to the rule table.
fn rule_with(extra: &str) -> String {
    format!(
        "[[rule]]\nid = \"x-rule\"\nlabel = \"X\"\ncite = \"34 CFR 300.1\"\n\
         confidence = \"unconfirmed\"\nwhen = {{ kind = \"request\", type = \"records\" }}\n{extra}\n"
    )
}

fn error(text: &str) -> Diagnostic {
    let e = parse_rule_file(text, "w.toml", "w").expect_err("should be invalid");
    e.diagnostics()[0].clone()
}

#[test]
fn builtin_files_are_valid_and_extend_the_federal_set() {
    let book = Rulebook::builtin().unwrap();
    assert_eq!(book.names(), vec!["ms", "tx", "us"]);
    let ms = book.select(Some("MS")).set;
    assert_eq!(ms.chain, vec!["ms", "us"]);
    assert_eq!(ms.title, "Mississippi");
    assert!(ms.rule("annual-review").is_some(), "inherited");
    assert!(ms.rule("recording-notice").is_some(), "its own");
    assert_eq!(ms.holidays.len(), 1);
    let us = book.select(Some("US")).set;
    assert!(us.rule("recording-notice").is_none());
    let hearing = us
        .rules
        .iter()
        .position(|r| r.id == "hearing-decision")
        .unwrap();
    let period = us
        .rules
        .iter()
        .position(|r| r.id == "resolution-period")
        .unwrap();
    assert!(
        period < hearing,
        "a rule comes after the one it starts from"
    );
    let other = book.select(Some("ZZ"));
    assert!(other.fallback);
    assert_eq!(other.set.name, "us");
    assert!(!book.select(None).fallback);
    for name in book.names() {
        for rule in &book.select(Some(name)).set.rules {
            assert!(
                !rule.cite.is_empty() && !rule.label.is_empty(),
                "{}",
                rule.id
            );
        }
    }
}

#[test]
fn a_valid_rule_parses() {
    let file = parse_rule_file(
        &rule_with(
            "days = 45\nsatisfied_by = [{ kind = \"response\", relation = \"responds_to\" }]",
        ),
        "w.toml",
        "W",
    )
    .unwrap();
    assert_eq!(file.name, "w");
    let Entry::Define { rule, .. } = &file.entries[0] else {
        panic!()
    };
    assert_eq!(rule.offset, Some(Offset::Days(45)));
    assert_eq!(rule.role, Role::Deadline);
    assert_eq!(rule.start, Start::Fields(vec!["date".into()]));
    assert_eq!(rule.day_one, DayOne::Next);
    let window = parse_rule_file(&rule_with("days = 15"), "w.toml", "w").unwrap();
    let Entry::Define { rule, .. } = &window.entries[0] else {
        panic!()
    };
    assert_eq!(rule.role, Role::Window, "nothing satisfies it: a window");
}

#[test]
fn unknown_rule_field_names_line_and_suggests() {
    let d = error(&rule_with("days = 45\nsatisfied_bi = []"));
    assert_eq!((d.line, d.column), (8, 1));
    assert_eq!(d.message, "unknown field `satisfied_bi` in `rule[1]`");
    assert_eq!(d.help.as_deref(), Some("did you mean `satisfied_by`?"));
}

#[test]
fn when_fields_are_checked_against_the_record_kind() {
    let d = error(
        "[[rule]]\nid = \"a\"\nlabel = \"A\"\ncite = \"c\"\nconfidence = \"confirmed\"\n\
         when = { kind = \"request\", typ = \"records\" }\ndays = 1\n",
    );
    assert_eq!(d.line, 6);
    assert_eq!(d.message, "unknown field `typ` of a request record");
    assert_eq!(d.help.as_deref(), Some("did you mean `type`?"));
    let d = error(
        "[[rule]]\nid = \"a\"\nlabel = \"A\"\ncite = \"c\"\nconfidence = \"confirmed\"\n\
         when = { kind = \"request\", type = \"recods\" }\ndays = 1\n",
    );
    assert_eq!(d.message, "`recods` is not a valid `type`");
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `records`?")
    );
    let d = error(
        "[[rule]]\nid = \"a\"\nlabel = \"A\"\ncite = \"c\"\nconfidence = \"confirmed\"\n\
         when = { kind = \"requset\" }\ndays = 1\n",
    );
    assert_eq!(d.message, "unknown kind `requset`");
    assert_eq!(d.help.as_deref(), Some("did you mean `request`?"));
    let d = error(
        "[[rule]]\nid = \"a\"\nlabel = \"A\"\ncite = \"c\"\nconfidence = \"confirmed\"\n\
         when = { kind = \"meeting\", recorded = \"yes\" }\ndays = 1\n",
    );
    assert_eq!(d.message, "`recorded` is true or false");
}

#[test]
fn bad_values_and_combinations() {
    let cases = [
        (
            "days = 5\ncount = \"bussiness\"",
            "`bussiness` is not a valid `rule[1].count`",
        ),
        (
            "days = 5\nmonths = 1",
            "give only one of `days`, `months`, `years` and `hours`",
        ),
        (
            "",
            "rule `x-rule` needs an offset: `days`, `months`, `years` or `hours`",
        ),
        (
            "days = \"5\"",
            "found string \"5\", expected a whole number",
        ),
        ("days = 99999", "`days` must be between -3660 and 3660"),
        (
            "months = 2\ncount = \"business\"",
            "`months`, `years` and `hours` count calendar time only",
        ),
        (
            "days = 5\ninclude_holidays = true",
            "`include_holidays` only applies to count = \"business\"",
        ),
        (
            "obligation = true",
            "obligation `x-rule` needs `warn_after_days`",
        ),
        (
            "obligation = true\nwarn_after_days = 5\ndays = 3",
            "an obligation has no fixed number of days",
        ),
        (
            "days = 5\nwarn_after_days = 5",
            "`warn_after_days` is for obligations",
        ),
        (
            "days = 5\nlookback = true",
            "a `lookback` rule limits the issues of a complaint",
        ),
        (
            "days = 5\nfrom = \"recieved\"",
            "`recieved` is not a date field of a request record",
        ),
        (
            "days = 5\nfrom = \"date\"\nfrom_rule = \"y\"",
            "a rule starts either `from` a field or `from_rule`, not both",
        ),
        (
            "days = 5\nexclude = [\"winter\"]",
            "a window is \"summer\" or { from = \"MM-DD\", to = \"MM-DD\" }",
        ),
        (
            "days = 5\nexclude = [{ from = \"06-31\", to = \"08-01\" }]",
            "`06-31` is not a month and day: write it as MM-DD, e.g. 06-01",
        ),
        (
            "days = 5\nsatisfied_by = [{ kind = \"response\" }]",
            "`satisfied_by` needs a `relation`",
        ),
        (
            "days = 5\nsatisfied_by = [{ kind = \"response\", relation = \"answers\" }]",
            "unknown relation `answers`",
        ),
        (
            "days = 5\nor_before = [{ type = \"iep\" }]",
            "this pattern needs a `kind`",
        ),
    ];
    for (extra, message) in cases {
        let d = error(&rule_with(extra));
        assert_eq!(d.message, message, "for {extra:?}");
    }
    let d = error(&rule_with("days = 5\nfrom = \"recieved\""));
    assert_eq!(d.help.as_deref(), Some("did you mean `received`?"));
    assert_eq!(d.line, 8);
}

#[test]
fn required_fields_ids_and_duplicates() {
    let d = error(
        "[[rule]]\nid = \"a\"\ncite = \"c\"\nconfidence = \"confirmed\"\nwhen = { kind = \"note\" }\ndays = 1\n",
    );
    assert_eq!(d.message, "rule `a` is missing required field `label`");
    assert_eq!(d.line, 1, "points at the rule's header");
    let twice = format!("{}{}", rule_with("days = 1"), rule_with("days = 2"));
    assert_eq!(
        error(&twice).message,
        "rule `x-rule` is defined twice in this file"
    );
    assert_eq!(
        error("[[rule]]\nid = \"Bad Id\"\nenabled = false\n").message,
        "`Bad Id` is not a valid rule id"
    );
    assert_eq!(
        error("[[rul]]\nid = \"a\"\n").help.as_deref(),
        Some("did you mean `rule`?")
    );
    assert!(parse_rule_file("[[rule]]\nid = \"a\"\nenabled = false\n", "w.toml", "w").is_ok());
}

#[test]
fn holidays_and_summer() {
    let file = parse_rule_file(
        "summer = { from = \"06-01\", to = \"08-10\" }\n\
         [[holiday]]\nname = \"A\"\nmonth = 3\nday = 2\n\
         [[holiday]]\nname = \"B\"\nmonth = 4\nweekday = \"monday\"\nweek = \"last\"\n\
         [[holiday]]\nname = \"C\"\ndate = 2026-12-24\n",
        "w.toml",
        "w",
    )
    .unwrap();
    assert_eq!(file.holidays.len(), 3);
    assert_eq!(file.summer.unwrap().to, "08-10".parse().unwrap());
    assert_eq!(
        error("[[holiday]]\nname = \"A\"\nmonth = 3\n").message,
        "holiday `A` needs a date"
    );
    assert_eq!(
        error("[[holiday]]\nname = \"A\"\nmonth = 2\nday = 30\n").message,
        "no such day in that month"
    );
    assert_eq!(
        error("[[holiday]]\nname = \"A\"\nmonth = 2\nweekday = \"monday\"\nweek = 6\n").message,
        "`week` must be 1 to 5, or \"last\""
    );
    let d = error("[[holiday]]\nname = \"A\"\nmonth = 2\nweekday = \"mondy\"\nweek = 1\n");
    assert!(d.help.unwrap().starts_with("did you mean `monday`?"));
    assert_eq!(
        error("summer = { from = \"6-1\", to = \"08-10\" }\n").line,
        1
    );
}

fn workspace(files: &[(&str, &str)]) -> Result<Rulebook, crate::rules::RuleError> {
    let sources: Vec<(String, String, String)> = files
        .iter()
        .map(|(name, text)| {
            (
                format!("rules/{name}.toml"),
                (*name).to_owned(),
                (*text).to_owned(),
            )
        })
        .collect();
    Rulebook::from_sources(&sources)
}

fn invalid_message(result: Result<Rulebook, crate::rules::RuleError>) -> (String, Diagnostic) {
    match result {
        Err(crate::rules::RuleError::Invalid(e)) => {
            (e.origin().to_owned(), e.diagnostics()[0].clone())
        }
        other => panic!("expected an invalid rule file, got {other:?}"),
    }
}

#[test]
fn workspace_files_override_add_and_switch_off_by_id() {
    let book = workspace(&[(
        "ms",
        "[[rule]]\nid = \"annual-review\"\nlabel = \"Annual review, our district's way\"\n\
         cite = \"local\"\nconfidence = \"unconfirmed\"\nwhen = { kind = \"iep\" }\nmonths = 11\n\
         satisfied_by = [{ kind = \"iep\", relation = \"after\" }]\n\
         [[rule]]\nid = \"facilitation-request\"\nenabled = false\n\
         [[holiday]]\nname = \"Local closure\"\ndate = 2026-12-24\n",
    )])
    .unwrap();
    let ms = book.select(Some("MS")).set;
    let review = ms.rule("annual-review").unwrap();
    assert_eq!(review.offset, Some(Offset::Months(11)));
    assert_eq!(review.source, "rules/ms.toml");
    assert!(ms.rule("facilitation-request").is_none());
    assert!(ms.rule("recording-notice").is_some(), "the rest stays");
    assert_eq!(ms.holidays.len(), 2);
    let us = book.select(Some("US")).set;
    assert_eq!(
        us.rule("annual-review").unwrap().offset,
        Some(Offset::Months(12)),
        "only ms changes"
    );
}

#[test]
fn a_workspace_file_can_define_a_new_state() {
    let book = workspace(&[(
        "pa",
        "name = \"Pennsylvania\"\n[[rule]]\nid = \"initial-evaluation\"\nlabel = \"60 days, summer excluded\"\n\
         cite = \"22 Pa. Code 14.123(b)\"\nconfidence = \"unconfirmed\"\n\
         when = { kind = \"consent\", scope = \"initial-evaluation\", decision = \"given\" }\n\
         days = 60\nexclude = [\"summer\"]\nsatisfied_by = [{ kind = \"evaluation\", relation = \"after\" }]\n",
    )])
    .unwrap();
    let pa = book.select(Some("PA"));
    assert!(!pa.fallback);
    assert_eq!(pa.set.chain, vec!["pa", "us"]);
    assert_eq!(pa.set.title, "Pennsylvania");
    assert_eq!(pa.set.rule("initial-evaluation").unwrap().exclude.len(), 1);
}

#[test]
fn bad_extends_and_from_rule_are_located() {
    let (origin, d) = invalid_message(workspace(&[("pa", "extends = \"uss\"\n")]));
    assert_eq!(origin, "rules/pa.toml");
    assert_eq!(
        (d.line, d.message.as_str()),
        (1, "no rule set `uss` to extend")
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `us`?"));
    let (_, d) = invalid_message(workspace(&[
        ("aa", "extends = \"bb\"\n"),
        ("bb", "extends = \"aa\"\n"),
    ]));
    assert!(d.message.contains("in a circle"), "{}", d.message);
    let (_, d) = invalid_message(workspace(&[(
        "pa",
        "\n[[rule]]\nid = \"later\"\nlabel = \"L\"\ncite = \"c\"\nconfidence = \"unconfirmed\"\n\
         when = { kind = \"complaint\" }\nfrom_rule = \"resolution-perod\"\ndays = 5\n",
    )]));
    assert_eq!(d.line, 8);
    assert_eq!(d.help.as_deref(), Some("did you mean `resolution-period`?"));
    let (_, d) = invalid_message(workspace(&[(
        "ms",
        "[[rule]]\nid = \"no-such-rule\"\nenabled = false\n",
    )]));
    assert_eq!(
        d.message,
        "there is no rule `no-such-rule` in `ms` to switch off"
    );
    let (_, d) = invalid_message(workspace(&[("ms", "extends = \"tx\"\n")]));
    assert!(
        d.message.contains("adds to the built-in set `ms`"),
        "{}",
        d.message
    );
}

#[test]
fn rendered_errors_name_file_line_and_field() {
    let e = parse_rule_file(&rule_with("dayz = 45"), "ws/rules/ms.toml", "ms").unwrap_err();
    let text = e.render();
    assert!(
        text.starts_with("ws/rules/ms.toml:7:1: unknown field `dayz` in `rule[1]`"),
        "{text}"
    );
    assert!(text.contains("did you mean `days`?"), "{text}");
}

#[test]
fn the_docs_list_every_rule_with_its_citation_and_confidence() {
    let docs = include_str!("../../../docs/deadlines.md");
    let book = Rulebook::builtin().unwrap();
    for name in book.names() {
        for rule in &book.select(Some(name)).set.rules {
            let id = format!("| `{}`", rule.id);
            let listed = docs.lines().any(|line| {
                line.starts_with(&id)
                    && line.contains(&format!("| {} |", rule.cite))
                    && line
                        .trim_end()
                        .ends_with(&format!("| {} |", rule.confidence))
            });
            assert!(
                listed,
                "docs/deadlines.md lacks `{}` ({}, {})",
                rule.id, rule.cite, rule.confidence
            );
        }
    }
    for code in crate::check::Code::ALL {
        assert!(
            docs.contains(&format!("| `{code}` |")),
            "docs/deadlines.md lacks check `{code}`"
        );
    }
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A damaged rule file is an error, never a panic.
        #[test]
        fn damaged_rule_files_are_errors(file in 0usize..3, line in 0usize..200, cut in 0usize..40, junk in "[a-z0-9=\\[\\]{}\",. -]{0,12}") {
            let (name, text) = crate::rules::book::BUILTIN[file];
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            let at = line % lines.len();
            let keep = lines[at].chars().count().min(cut);
            lines[at] = lines[at].chars().take(keep).collect::<String>() + &junk;
            let damaged = lines.join("\n");
            let _ = Rulebook::from_sources(&[(format!("rules/{name}.toml"), name.to_owned(), damaged)]);
        }
    }
}
