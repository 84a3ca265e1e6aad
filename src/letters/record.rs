//! The record a letter becomes: a `request`, `notice` or `complaint` of the template's type,
//! dated and addressed like the letter, linked to the record it answers.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::{LetterInput, Template};
use crate::record::{Kind, parse_record, schema::record_shape};

/// The record's TOML text (without the attachment, which `attach` adds).
pub fn record_text(
    template: &Template,
    input: &LetterInput<'_>,
    letter: &str,
) -> Result<String, crate::record::RecordError> {
    let spec = &template.spec;
    let mut doc = DocumentMut::new();
    doc.insert("kind", value(spec.record.as_str()));
    doc.insert(
        "date",
        value(
            input
                .date
                .to_string()
                .parse::<toml_edit::Datetime>()
                .expect("dates print as TOML"),
        ),
    );
    let title = spec.title_for(&input.facts);
    let title = match input.for_record {
        Some(answered) if spec.record == Kind::Request => {
            format!("{title} (re: {})", answered.record.title())
        }
        _ => title.to_owned(),
    };
    doc.insert("title", value(one_line(&title)));
    let from = match &input.signing.parent {
        Some(parent) => format!("{} on behalf of {parent}", input.signing.name()),
        None => input.signing.name().to_owned(),
    };
    if !from.is_empty() {
        doc.insert("from", value(one_line(&from)));
    }
    doc.insert("to", value(one_line(&input.addressee(template))));
    doc.insert(
        "method",
        value(fact(input, "method").unwrap_or_else(|| "letter".into())),
    );
    if let Some(answered) = input.for_record {
        let mut related = toml_edit::Array::new();
        related.push(answered.id.as_str());
        doc.insert("related", value(related));
    }
    doc.insert(
        "tags",
        value(toml_edit::Array::from_iter([
            "letter",
            template.name.as_str(),
        ])),
    );
    // `--set type=reevaluation` turns an evaluation request into a reevaluation request.
    let record_type = fact(input, "type").unwrap_or_else(|| spec.record_type.clone());
    doc.insert("type", value(record_type));
    let shape = record_shape(spec.record);
    let fields = shape.field_names();
    match spec.record {
        Kind::Complaint => {
            if let Some(district) = &input.meta.district {
                doc.insert("against", value(district.as_str()));
            }
            let mut issues = ArrayOfTables::new();
            for text in given(input, "issue") {
                let mut issue = Table::new();
                issue.insert("text", value(text.as_str()));
                issues.push(issue);
            }
            if !issues.is_empty() {
                doc.insert("issues", Item::ArrayOfTables(issues));
            }
            if let Some(resolution) = fact(input, "resolution") {
                doc.insert("proposed_resolution", value(resolution));
            }
        }
        _ => {
            if fields.contains(&"body") {
                // Stored as Markdown, its line breaks without the backslashes `show` would print.
                let body = crate::markdown::invisible_hard_breaks(letter);
                doc.insert("body", value(body.trim_end()));
            }
        }
    }
    if spec.record == Kind::Notice
        && let Some(meeting) = input
            .for_record
            .filter(|r| r.record.kind() == Kind::Meeting)
    {
        doc.insert("meeting", value(meeting.id.as_str()));
    }
    // Facts named like a field of the record fill that field (`response_due`, `meeting_date`).
    let mut text = doc.to_string();
    for (name, values) in &input.facts {
        if [
            "method",
            "issue",
            "resolution",
            "type",
            "kind",
            "title",
            "date",
        ]
        .contains(&name.as_str())
            || !fields.contains(&name.as_str())
        {
            continue;
        }
        if let Some(first) = values.iter().find(|v| !v.trim().is_empty())
            && let Ok(updated) = crate::record::edit::set(&text, name, first, shape)
        {
            text = updated;
        }
    }
    parse_record(&text, &format!("the {} record", template.name))?;
    Ok(text)
}

/// The values of fact `name` that are not blank (a blank fact counts as not given).
fn given<'i>(input: &'i LetterInput<'_>, name: &str) -> impl Iterator<Item = &'i String> {
    input
        .facts
        .get(name)
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
}

fn fact(input: &LetterInput<'_>, name: &str) -> Option<String> {
    given(input, name).next().cloned()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
