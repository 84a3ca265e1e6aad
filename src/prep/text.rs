//! The checklist as text for a terminal: the meeting, then each item with a mark, its
//! detail, asks, evidence, next step and citation.

use crate::text::{Paint, Tone};

use super::{Checklist, ItemStatus, confidence_words, in_days, meeting_words, status_words};

/// How wide an item's indented lines may be.
const WIDTH: usize = 96;

/// The checklist as text: a heading naming the meeting and its id, then each item numbered,
/// with a mark and its status in the status's colour and what it holds indented below.
pub fn to_text(list: &Checklist, paint: Paint) -> String {
    let m = &list.meeting;
    let mut out = format!(
        "{} on {}{} ({}){}\n{}  {}\n\n",
        paint.paint(
            Tone::Strong,
            &format!("Before the {}", meeting_words(&m.meeting_type))
        ),
        m.date,
        m.time.map_or(String::new(), |t| format!(" at {t}")),
        in_days(m.days_left),
        if m.recorded { ", to be recorded" } else { "" },
        m.title,
        paint.paint(Tone::Dim, &m.id),
    );
    for (n, item) in list.items.iter().enumerate() {
        let (mark, tone) = match item.status {
            ItemStatus::Done => ("✓", Tone::Good),
            ItemStatus::Todo => ("☐", Tone::Caution),
            ItemStatus::Late => ("!", Tone::Bad),
            ItemStatus::NotNeeded => ("–", Tone::Quiet),
        };
        out.push_str(&format!(
            "{} {}. {} ({})\n",
            paint.paint(tone, mark),
            n + 1,
            item.title,
            paint.paint(tone, status_words(item.status)),
        ));
        out.push_str(&indent(&item.detail));
        for ask in &item.asks {
            out.push_str(&indent(&format!("- {}", ask.text)));
        }
        if !item.evidence.is_empty() {
            out.push_str(&indent(&format!("Evidence: {}", item.evidence.join(", "))));
        }
        if let Some(step) = &item.next_step {
            out.push_str(&indent(&format!("→ {step}")));
        }
        if let (Some(cite), Some(c)) = (&item.cite, item.confidence) {
            let source = format!("{cite} ({})", confidence_words(c));
            out.push_str(&indent(&paint.paint(Tone::Dim, &source)));
        }
        out.push('\n');
    }
    out
}

/// `text` indented under an item, each line wrapped at 96 columns; the lines of a `- ` list
/// entry after its first are indented further, under its text.
fn indent(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("     ");
    for word in text.split_whitespace() {
        if !line.trim().is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("     ");
            if text.starts_with("- ") {
                line.push_str("  ");
            }
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prep::{Ask, AskSource, Item, ItemKey, MeetingInfo};
    use crate::record::Date;
    use crate::rules::Confidence;

    fn list() -> Checklist {
        let mut drafts = Item::new(
            ItemKey::Drafts,
            ItemStatus::Done,
            "Drafts asked for",
            "Asked on 2026-11-20.".to_owned(),
        );
        drafts.evidence = vec!["abc123".to_owned()];
        drafts.cite = Some("34 CFR 300.322".to_owned());
        drafts.confidence = Some(Confidence::Confirmed);
        let mut asks = Item::new(
            ItemKey::Asks,
            ItemStatus::Todo,
            "Asks to bring",
            "Two asks.".to_owned(),
        )
        .step("iepcase letter meeting-asks".to_owned());
        asks.asks = vec![Ask {
            source: AskSource::Refusal,
            text: "word ".repeat(20).trim_end().to_owned(),
            records: Vec::new(),
        }];
        Checklist {
            meeting: MeetingInfo {
                id: "x760".to_owned(),
                date: "2026-12-08".parse::<Date>().unwrap(),
                time: None,
                meeting_type: "iep".to_owned(),
                title: "Annual review".to_owned(),
                recorded: true,
                days_left: 8,
            },
            items: vec![drafts, asks],
            clocks: Vec::new(),
        }
    }

    #[test]
    fn a_checklist_reads_as_marked_numbered_items() {
        let ask_words = "word ".repeat(18);
        assert_eq!(
            to_text(&list(), Paint::plain()),
            format!(
                "Before the IEP meeting on 2026-12-08 (in 8 days), to be recorded\n\
                 Annual review  x760\n\n\
                 ✓ 1. Drafts asked for (done)\n     Asked on 2026-11-20.\n     \
                 Evidence: abc123\n     34 CFR 300.322 (confirmed)\n\n\
                 ☐ 2. Asks to bring (to do)\n     Two asks.\n     - {}\n       word word\n     \
                 → iepcase letter meeting-asks\n\n",
                ask_words.trim_end()
            )
        );
    }

    #[test]
    fn marks_and_statuses_take_the_status_colour() {
        let text = to_text(&list(), Paint::new(true));
        assert!(text.starts_with("\u{1b}[1mBefore the IEP meeting\u{1b}[0m on 2026-12-08"));
        assert!(text.contains("Annual review  \u{1b}[2mx760\u{1b}[0m\n"));
        assert!(
            text.contains("\u{1b}[32m✓\u{1b}[0m 1. Drafts asked for (\u{1b}[32mdone\u{1b}[0m)")
        );
        assert!(text.contains("\u{1b}[33m☐\u{1b}[0m 2. Asks to bring (\u{1b}[33mto do\u{1b}[0m)"));
        assert!(text.contains("     \u{1b}[2m34 CFR 300.322 (confirmed)\u{1b}[0m\n"));
    }
}
