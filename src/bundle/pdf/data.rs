//! The bundle as the data the template reads (`/data.json`): cover, stamp settings and, per
//! exhibit, its page blocks and prepared attachments.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::super::Options;
use super::super::attach::{PartKind, Prepared};
use super::super::notes::Cover;
use super::super::plan::BundlePlan;
use super::super::view::{blocks, kind_label};

/// How a divider names the section of a kind.
pub fn section_title(kind: crate::record::Kind) -> &'static str {
    use crate::record::Kind;
    match kind {
        Kind::Iep => "IEPs",
        Kind::Request => "Requests",
        Kind::Refusal => "Refusals",
        Kind::Response => "Responses",
        Kind::Pwn => "Prior written notices",
        Kind::Notice => "Notices",
        Kind::Consent => "Consents",
        Kind::Meeting => "Meetings",
        Kind::Evaluation => "Evaluations",
        Kind::Eligibility => "Eligibility determinations",
        Kind::ProgressReport => "Progress reports",
        Kind::ServiceLog => "Service logs",
        Kind::Communication => "Communications",
        Kind::Complaint => "Complaints",
        Kind::Decision => "Decisions and agreements",
        Kind::Discipline => "Discipline",
        Kind::Note => "Notes",
    }
}

/// The smallest number of digits in a Bates number.
const BATES_DIGITS: usize = 6;

/// Serializes everything the template shows.
pub fn data(
    plan: &BundlePlan<'_>,
    prepared: &Prepared,
    cover: &Cover,
    options: &Options,
) -> Vec<u8> {
    let labels: HashMap<String, String> = plan
        .exhibits
        .iter()
        .map(|e| (e.record.id.to_string(), e.label.clone()))
        .collect();
    let sections = super::super::plan::sections(plan);
    let exhibits: Vec<Value> = plan
        .exhibits
        .iter()
        .zip(&prepared.parts)
        .enumerate()
        .map(|(i, (exhibit, parts))| {
            let section = exhibit.section.map(|kind| {
                sections
                    .iter()
                    .position(|s| *s == kind)
                    .map_or(0, |i| i + 1)
            });
            // The first exhibit of a section comes after its divider page.
            let divider =
                section.filter(|_| i == 0 || plan.exhibits[i - 1].section != exhibit.section);
            let record = &exhibit.record.record;
            let mut subtitle = vec![record.date().to_string()];
            if let Some(time) = record.common.time {
                subtitle.push(time.to_string());
            }
            subtitle.push(kind_label(record));
            subtitle.push(format!("record {}", exhibit.record.id));
            let parts: Vec<Value> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let mut value = json!({
                        "index": i + 1,
                        "name": part.name,
                        "sha256": part.sha256,
                    });
                    let extra = match &part.kind {
                        PartKind::Pdf { path, pages } => json!({
                            "type": "pdf",
                            "path": path,
                            "pages": pages.iter().map(|(w, h)| [w, h]).collect::<Vec<_>>(),
                        }),
                        PartKind::Image { path, size } => json!({
                            "type": "image",
                            "path": path,
                            "size": [size.0, size.1],
                        }),
                        PartKind::Images { pages } => json!({
                            "type": "images",
                            "pages": pages
                                .iter()
                                .map(|(path, size)| json!({"path": path, "size": [size.0, size.1]}))
                                .collect::<Vec<_>>(),
                        }),
                        PartKind::Email {
                            headers,
                            body,
                            note,
                        } => json!({
                            "type": "email",
                            "headers": headers,
                            "body": body,
                            "note": note,
                        }),
                        PartKind::Text { body } => json!({"type": "text", "body": body}),
                        PartKind::Placeholder {
                            heading,
                            lines,
                            rows,
                        } => json!({
                            "type": "placeholder",
                            "heading": heading,
                            "lines": lines,
                            "rows": rows,
                        }),
                    };
                    if let (Value::Object(map), Value::Object(more)) = (&mut value, extra) {
                        map.extend(more);
                    }
                    value
                })
                .collect();
            json!({
                "number": exhibit.number,
                "label": exhibit.label,
                "section": section,
                "divider": divider,
                "date": record.date().to_string(),
                "kind": kind_label(record),
                "title": super::super::text::clean(record.title()),
                "subtitle": subtitle.join(" · "),
                "blocks": blocks(exhibit.record, &labels, &exhibit.inferred),
                "parts": parts,
            })
        })
        .collect();
    let notes: Vec<Value> = cover
        .notes
        .iter()
        .map(|n| json!({"title": n.title, "paragraphs": n.paragraphs}))
        .collect();
    let value = json!({
        "title": format!("Evidence bundle: {}", options.purpose.describe()),
        "author": cover.rows.iter().filter(|(k, _)| k == "Prepared by").map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        "cover": {
            "heading": cover.heading,
            "purpose": cover.purpose,
            "forum": cover.forum,
            "caption": cover.caption,
            "docket": cover.docket,
            "rows": cover.rows,
            "notes": notes,
            "footer": cover.footer,
        },
        "index_intro": cover.index_intro,
        "stamp": {
            "bates": options.bates,
            "bates_start": 1,
            "digits": BATES_DIGITS,
        },
        "exhibits": exhibits,
        "sections": sections.iter().enumerate().map(|(i, kind)| {
            let members: Vec<&str> = plan.exhibits.iter().filter(|e| e.section == Some(*kind)).map(|e| e.label.as_str()).collect();
            json!({
                "number": i + 1,
                "title": section_title(*kind),
                "first": members.first(),
                "last": members.last(),
                "count": members.len(),
            })
        }).collect::<Vec<_>>(),
        "chronology": plan.chronology.iter().map(|&i| {
            let exhibit = &plan.exhibits[i];
            let record = &exhibit.record.record;
            let date = match record.common.time {
                Some(time) => format!("{} {}", record.date(), time),
                None => record.date().to_string(),
            };
            json!({
                "number": exhibit.number,
                "label": exhibit.label,
                "date": date,
                "event": super::super::text::clean(record.title()),
                "kind": kind_label(record),
            })
        }).collect::<Vec<_>>(),
    });
    serde_json::to_vec(&value).expect("JSON values serialize")
}
