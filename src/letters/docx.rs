//! A letter as a Word document: each block a paragraph with a named style (the letterhead,
//! the date, the addressee block, the subject as a heading, the body, the closing, the
//! signature block, the copies), so a user who opens it in Word finds a letter to edit, not
//! a picture of one.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, Paragraph, Run, RunFonts, SpecialIndentType,
    Style, StyleType,
};

use super::layout::{Block, Part, Span, with_unbreakable_spaces};
use crate::record::Date;

/// Half-points, as Word counts font sizes.
const BODY: usize = 22;

/// The paragraph style of each part: its id and the name Word shows.
fn style_of(kind: Part) -> (&'static str, &'static str) {
    match kind {
        Part::Letterhead => ("Letterhead", "Letterhead"),
        Part::Date => ("Date", "Date"),
        Part::Delivery => ("Delivery", "Delivery"),
        Part::Address => ("InsideAddress", "Inside Address"),
        Part::Subject => ("Heading1", "heading 1"),
        Part::Heading => ("Heading2", "heading 2"),
        Part::Paragraph => ("BodyText", "Body Text"),
        Part::Bullets | Part::Numbers => ("ListParagraph", "List Paragraph"),
        Part::Closing => ("Closing", "Closing"),
        Part::Signature => ("Signature", "Signature"),
        Part::Release => ("BodyText", "Body Text"),
        Part::Copies => ("Copies", "Copies"),
    }
}

fn styles(doc: Docx) -> Docx {
    let spacing = |before: u32, after: u32| LineSpacing::new().before(before).after(after);
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .size(BODY)
            .line_spacing(spacing(0, 200))
    };
    doc.add_style(
        para("Letterhead", "Letterhead")
            .align(AlignmentType::Center)
            .size(19)
            .line_spacing(spacing(0, 360)),
    )
    .add_style(para("Date", "Date").line_spacing(spacing(0, 240)))
    .add_style(para("Delivery", "Delivery").bold())
    .add_style(para("InsideAddress", "Inside Address").line_spacing(spacing(0, 120)))
    .add_style(
        para("Heading1", "heading 1")
            .bold()
            .size(24)
            .outline_lvl(0)
            .line_spacing(spacing(240, 240)),
    )
    .add_style(
        para("Heading2", "heading 2")
            .bold()
            .outline_lvl(1)
            .line_spacing(spacing(240, 120)),
    )
    .add_style(para("BodyText", "Body Text"))
    .add_style(
        para("ListParagraph", "List Paragraph")
            .indent(Some(720), Some(SpecialIndentType::Hanging(360)), None, None)
            .line_spacing(spacing(0, 100)),
    )
    .add_style(para("Closing", "Closing").line_spacing(spacing(120, 720)))
    .add_style(para("Signature", "Signature"))
    .add_style(
        para("Copies", "Copies")
            .size(20)
            .line_spacing(spacing(240, 0)),
    )
}

fn runs(mut paragraph: Paragraph, spans: &[Span], bold_all: bool) -> Paragraph {
    for span in spans {
        let mut run = Run::new().add_text(with_unbreakable_spaces(&span.text));
        if span.bold || bold_all {
            run = run.bold();
        }
        paragraph = paragraph.add_run(run);
    }
    paragraph
}

/// The paragraphs of one block.
fn paragraphs(block: &Block) -> Vec<Paragraph> {
    let (style, _) = style_of(block.kind);
    let keep = matches!(
        block.kind,
        Part::Closing | Part::Signature | Part::Subject | Part::Heading | Part::Address
    );
    match block.kind {
        Part::Bullets | Part::Numbers => block
            .lines
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let marker = match block.kind {
                    Part::Bullets => "•\t".to_owned(),
                    _ => format!("{}.\t", i + 1),
                };
                runs(
                    Paragraph::new()
                        .style(style)
                        .add_run(Run::new().add_text(marker)),
                    item,
                    false,
                )
            })
            .collect(),
        _ => {
            let mut p = Paragraph::new().style(style).keep_next(keep);
            for (i, line) in block.lines.iter().enumerate() {
                if i > 0 {
                    p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
                }
                if block.kind == Part::Letterhead && i == 0 {
                    for span in line {
                        p = p.add_run(Run::new().add_text(span.text.as_str()).bold().size(26));
                    }
                } else {
                    p = runs(p, line, false);
                }
            }
            vec![p]
        }
    }
}

/// The letter's blocks as a `.docx` file; the same letter gives the same bytes.
pub fn letter_docx(blocks: &[Block], title: &str, date: Date) -> Result<Vec<u8>, std::io::Error> {
    let stamp = format!("{date}T12:00:00Z");
    let mut doc = styles(
        Docx::new()
            .default_fonts(
                RunFonts::new()
                    .ascii("Times New Roman")
                    .hi_ansi("Times New Roman"),
            )
            .default_size(BODY)
            // US Letter with one-inch margins, in twentieths of a point.
            .page_size(12240, 15840)
            .page_margin(
                docx_rs::PageMargin::new()
                    .top(1296)
                    .bottom(1296)
                    .left(1440)
                    .right(1440),
            )
            .created_at(&stamp)
            .updated_at(&stamp)
            // One custom property only: the crate keeps them in a hash map, so two would be
            // written in a different order from run to run and the same letter would not give
            // the same bytes.
            .custom_property("title", title),
    );
    for block in blocks {
        for p in paragraphs(block) {
            doc = doc.add_paragraph(p);
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out).map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_letter_gives_the_same_bytes_every_time() {
        let date = Date::new(2026, 12, 1).unwrap();
        let first = letter_docx(&[], "Request for education records", date).unwrap();
        for _ in 0..16 {
            assert!(
                letter_docx(&[], "Request for education records", date).unwrap() == first,
                "a letter's bytes changed between runs"
            );
        }
    }
}
