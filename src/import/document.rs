//! PDFs and images as records of the kind asked for, the file attached. The date is the one
//! asked for, else the first date in a PDF's text, else one in the file name, else today;
//! the title is the one asked for, else the file name. Every guess is said.

use std::path::Path;

use super::dates::first_date;
use super::{DraftFile, Fields, ImportError, Known, Options, Plan, Skipped};
use crate::record::Kind;

/// Whether the first bytes of a file are a PDF or an image iepcase can attach and print.
pub(super) fn is_document(head: &[u8]) -> bool {
    is_pdf(head)
        || head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(&[0xff, 0xd8, 0xff])
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
        || head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || (head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP")
        || (head.len() >= 12
            && &head[4..8] == b"ftyp"
            && [&b"heic"[..], b"heix", b"mif1"].contains(&&head[8..12]))
}

fn is_pdf(head: &[u8]) -> bool {
    // Some writers put a few bytes before the header; readers accept it within the first 1024.
    head.windows(5).take(1024).any(|w| w == b"%PDF-")
}

/// Drafts the record of the PDF or image at `path` (or skips it as already in the case).
pub(super) fn plan_document(
    path: &Path,
    name: &str,
    options: &Options,
    known: &mut Known,
    plan: &mut Plan,
) -> Result<(), ImportError> {
    let data = super::read_limited(path, super::MAX_DOCUMENT_BYTES)?;
    let sha256 = super::sha256_hex(&data);
    if let Some((earlier, _)) = known.check(name, None, &sha256) {
        plan.skipped.push(Skipped {
            origin: name.to_owned(),
            earlier,
            same_message_id: false,
        });
        return Ok(());
    }
    if let Some(what) = crate::bundle::unbindable(name, &data) {
        plan.warnings.push(format!(
            "{name} is attached as it is, but bundles cannot print {what}: convert it to \
             PDF, PNG or JPEG, attach that, and detach this one"
        ));
    }
    let mut guesses = Vec::new();
    let latest_year = options.today.0.year() + 1;
    let date = match options.date {
        Some(date) => date,
        None => {
            let text = if is_pdf(&data[..data.len().min(1024)]) {
                super::pdf_text::first_pages_text(&data)
            } else {
                String::new()
            };
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().replace('_', " "))
                .unwrap_or_default();
            if let Some(found) = first_date(&text, latest_year) {
                guesses.push(format!(
                    "dated {} from \"{}\", the first date in its text",
                    found.date, found.written
                ));
                found.date
            } else if let Some(found) = first_date(&stem, latest_year) {
                guesses.push(format!(
                    "dated {} from \"{}\" in its file name",
                    found.date, found.written
                ));
                found.date
            } else {
                guesses.push(format!(
                    "no date found in it, so it is dated today ({}); pass --date to change it",
                    options.today
                ));
                options.today
            }
        }
    };
    let title = match &options.title {
        Some(title) => title.clone(),
        None => {
            let title = title_from_name(path);
            guesses.push(format!("the title \"{title}\" comes from the file name"));
            title
        }
    };
    let mut fields = Fields::new(options.kind, date, None, &title);
    if options.kind == Kind::Communication {
        fields.text("direction", "received");
        guesses.push(
            "direction = received: a paper you were given (--set direction=sent if you sent it)"
                .to_owned(),
        );
    }
    plan.drafts.push(super::Draft {
        origin: name.to_owned(),
        text: fields.finish(),
        kind: options.kind,
        files: vec![DraftFile::Path(path.to_owned())],
        guesses,
    });
    Ok(())
}

/// A title from a file name: `2026-03-04_PWN_refusal.pdf` → `2026-03-04 PWN refusal`.
fn title_from_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = crate::mail::one_line(&stem.replace(['_', '+'], " "));
    if title.is_empty() {
        "Imported document".to_owned()
    } else {
        title
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_by_their_first_bytes() {
        assert!(is_document(b"%PDF-1.7\n"));
        assert!(is_document(b"\x89PNG\r\n\x1a\n...."));
        assert!(is_document(&[0xff, 0xd8, 0xff, 0xe0]));
        assert!(!is_document(b"From: a@example.org\n"));
        assert!(!is_document(b""));
        let printable = |head: &[u8]| crate::bundle::unbindable("x", head).is_none();
        assert!(is_document(b"II*\0tiff") && !printable(b"II*\0tiff"));
        assert!(printable(b"%PDF-1.7\n"));
    }

    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(
            title_from_name(Path::new("/x/2026-03-04_PWN_refusal.pdf")),
            "2026-03-04 PWN refusal"
        );
        assert_eq!(title_from_name(Path::new(".pdf")), ".pdf");
    }
}
