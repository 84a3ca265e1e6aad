//! The bundle as the data the template reads (`/data.json`): cover, stamp settings and, per
//! exhibit, its page blocks and prepared attachments.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::super::Options;
use super::super::attach::{PartKind, Prepared};
use super::super::notes::Cover;
use super::super::plan::BundlePlan;
use super::super::view::{blocks, kind_label};

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
    let exhibits: Vec<Value> = plan
        .exhibits
        .iter()
        .zip(&prepared.parts)
        .map(|(exhibit, parts)| {
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
            "caption": cover.caption,
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
    });
    serde_json::to_vec(&value).expect("JSON values serialize")
}
