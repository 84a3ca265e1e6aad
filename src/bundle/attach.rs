//! Attachments made ready for the bundle: each is decrypted, recognised (PDF, image, e-mail,
//! text, audio, video, other) and checked before anything is typeset, so a file that cannot be
//! placed is named with its record instead of failing deep inside the PDF writer.
//!
//! PDFs and images become virtual files the template embeds; e-mails and text become text;
//! audio, video and other files get a placeholder page and are copied beside the bundle.

use std::collections::HashSet;

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage};

use super::plan::BundlePlan;
use super::redact::Names;
use super::text::{clean, safe_file_name, size};
use super::{BundleError, Content, Notice, OutputFile};
use crate::record::{Attachment, RecordId};
use crate::store::Case;

/// Why an attachment cannot be placed on pages.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentProblem {
    #[error("the PDF is encrypted (password-protected)")]
    EncryptedPdf,
    #[error("the PDF is damaged or not a PDF")]
    BrokenPdf,
    #[error("the PDF has no pages")]
    EmptyPdf,
    #[error("the image cannot be decoded ({reason})")]
    BrokenImage { reason: String },
    #[error("{media_type} images are not supported; convert it to PNG, JPEG or PDF")]
    UnsupportedImage { media_type: String },
    #[error("it cannot be read from the case")]
    Unreadable {
        #[source]
        source: Box<crate::store::StoreError>,
    },
}

/// What an attachment becomes in the PDF.
#[derive(Clone, Debug)]
pub enum PartKind {
    /// Pages merged in; `pages` are their sizes in points.
    Pdf {
        path: String,
        pages: Vec<(f64, f64)>,
    },
    /// One page holding the picture; `size` in pixels (after EXIF rotation).
    Image {
        path: String,
        size: (u32, u32),
    },
    /// A multi-page image (a TIFF scan) converted to PNG: one page per image, each with its
    /// path and size in pixels.
    Images {
        pages: Vec<(String, (u32, u32))>,
    },
    Email {
        headers: Vec<(String, String)>,
        body: String,
        note: Option<String>,
    },
    Text {
        body: String,
    },
    /// A page describing a file that is not printed.
    Placeholder {
        heading: String,
        lines: Vec<String>,
        rows: Vec<(String, String)>,
    },
}

/// One attachment of one exhibit, prepared.
#[derive(Clone, Debug)]
pub struct Part {
    pub name: String,
    pub sha256: String,
    /// Where the original was copied under the bundle folder, if it was.
    pub copied_to: Option<String>,
    pub kind: PartKind,
}

/// Every exhibit's attachments, prepared.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Parallel to the plan's exhibits.
    pub parts: Vec<Vec<Part>>,
    /// Virtual files for the typesetter: `/att/<n>` and their bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Originals copied beside the bundle.
    pub copies: Vec<OutputFile>,
    /// Whether an attachment is a PDF 2.0 file, which needs a PDF 2.0 bundle.
    pub needs_pdf_2: bool,
}

/// What kind of file an attachment is, from its media type, name and first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Pdf,
    Image,
    Email,
    Text,
    Audio,
    Video,
    Other,
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The class decided without reading the file, when the type and name are clear enough.
fn class_by_name(attachment: &Attachment) -> Option<Class> {
    let media = attachment
        .media_type
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let ext = extension(&attachment.name);
    if media == "application/pdf" || ext == "pdf" {
        return Some(Class::Pdf);
    }
    if media == "message/rfc822" || ext == "eml" {
        return Some(Class::Email);
    }
    if media.starts_with("audio/")
        || [
            "wav", "mp3", "m4a", "aac", "ogg", "oga", "flac", "opus", "wma", "aiff",
        ]
        .contains(&ext.as_str())
    {
        return Some(Class::Audio);
    }
    if media.starts_with("video/")
        || [
            "mp4", "mov", "m4v", "avi", "mkv", "webm", "wmv", "3gp", "mpg", "mpeg",
        ]
        .contains(&ext.as_str())
    {
        return Some(Class::Video);
    }
    if media.starts_with("image/")
        || [
            "png", "jpg", "jpeg", "gif", "webp", "tif", "tiff", "bmp", "heic", "heif", "svg",
        ]
        .contains(&ext.as_str())
    {
        return Some(Class::Image);
    }
    if media.starts_with("text/")
        || [
            "txt", "text", "md", "csv", "log", "json", "xml", "htm", "html", "ics", "vcf",
        ]
        .contains(&ext.as_str())
    {
        return Some(Class::Text);
    }
    None
}

/// Whether the file starts like a TIFF image.
fn is_tiff(data: &[u8]) -> bool {
    data.starts_with(b"II*\0") || data.starts_with(b"MM\0*")
}

/// At most this many pages of one TIFF file are placed.
const MAX_TIFF_PAGES: usize = 2000;

/// One page of a scan: a PNG and its size in pixels.
pub type PngPage = (Vec<u8>, (u32, u32));

/// Every image of a TIFF file (a multi-page scan has one per page) as a PNG, with its size
/// in pixels; or why it cannot be converted.
pub fn tiff_pages(data: &[u8]) -> Result<Vec<PngPage>, String> {
    use tiff::ColorType;
    use tiff::decoder::{Decoder, DecodingResult};
    let mut decoder = Decoder::new(std::io::Cursor::new(data)).map_err(|e| e.to_string())?;
    let mut pages = Vec::new();
    loop {
        if pages.len() == MAX_TIFF_PAGES {
            return Err(format!("it has more than {MAX_TIFF_PAGES} pages"));
        }
        let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
        let color = decoder.colortype().map_err(|e| e.to_string())?;
        let image = decoder.read_image().map_err(|e| e.to_string())?;
        let (png_color, depth, bytes) = match (color, image) {
            (ColorType::Gray(bits @ (1 | 2 | 4 | 8)), DecodingResult::U8(b)) => {
                (png::ColorType::Grayscale, bits, b)
            }
            (ColorType::GrayA(8), DecodingResult::U8(b)) => (png::ColorType::GrayscaleAlpha, 8, b),
            (ColorType::RGB(8), DecodingResult::U8(b)) => (png::ColorType::Rgb, 8, b),
            (ColorType::RGBA(8), DecodingResult::U8(b)) => (png::ColorType::Rgba, 8, b),
            (ColorType::CMYK(8), DecodingResult::U8(b)) => {
                let rgb = b
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let k = 255 - u16::from(p[3]);
                        [0, 1, 2].map(|i| ((255 - u16::from(p[i])) * k / 255) as u8)
                    })
                    .collect();
                (png::ColorType::Rgb, 8, rgb)
            }
            (ColorType::Gray(16), DecodingResult::U16(w)) => (
                png::ColorType::Grayscale,
                16,
                w.iter().flat_map(|v| v.to_be_bytes()).collect(),
            ),
            (ColorType::RGB(16), DecodingResult::U16(w)) => (
                png::ColorType::Rgb,
                16,
                w.iter().flat_map(|v| v.to_be_bytes()).collect(),
            ),
            (ColorType::RGBA(16), DecodingResult::U16(w)) => (
                png::ColorType::Rgba,
                16,
                w.iter().flat_map(|v| v.to_be_bytes()).collect(),
            ),
            (other, _) => return Err(format!("its colour type ({other:?}) is not supported")),
        };
        let depth = match depth {
            1 => png::BitDepth::One,
            2 => png::BitDepth::Two,
            4 => png::BitDepth::Four,
            16 => png::BitDepth::Sixteen,
            _ => png::BitDepth::Eight,
        };
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png_color);
            encoder.set_depth(depth);
            let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
            writer.write_image_data(&bytes).map_err(|e| e.to_string())?;
        }
        pages.push((out, (width, height)));
        if !decoder.more_images() {
            break;
        }
        decoder.next_image().map_err(|e| e.to_string())?;
    }
    Ok(pages)
}

/// The class of a file whose type and name said nothing clear.
fn class_by_content(data: &[u8]) -> Class {
    if data.starts_with(b"%PDF-") {
        Class::Pdf
    } else if ExchangeFormat::detect(data).is_some() || is_tiff(data) {
        Class::Image
    } else if !data.contains(&0) && std::str::from_utf8(data).is_ok() {
        Class::Text
    } else {
        Class::Other
    }
}

/// Whether a file can be bound into a bundle, judged from its name and first bytes (its
/// content decides; the name only tells audio, video and e-mail apart). `None`: it is bound
/// as pages (PDF, PNG, JPEG, GIF, WebP, text, e-mail) or as a placeholder page and a copy
/// (audio, video), or converted (TIFF, one page per image). `Some(what)`: it cannot be
/// shown, and `what` names the format. A TIFF file is decoded to tell, so give it whole.
pub fn unbindable(name: &str, head: &[u8]) -> Option<String> {
    let pdf = head.windows(5).take(1024).any(|w| w == b"%PDF-");
    if pdf || ExchangeFormat::detect(head).is_some() {
        return None;
    }
    if is_tiff(head) {
        return tiff_pages(head)
            .err()
            .map(|reason| format!("a TIFF image iepcase cannot convert ({reason})"));
    }
    unbindable_kind(name, head).map(str::to_owned)
}

fn unbindable_kind(name: &str, head: &[u8]) -> Option<&'static str> {
    let brand = (head.len() >= 12 && &head[4..8] == b"ftyp").then(|| &head[8..12]);
    if let Some(brand) = brand
        && [
            &b"heic"[..],
            b"heix",
            b"hevc",
            b"heim",
            b"heis",
            b"mif1",
            b"msf1",
            b"avif",
        ]
        .contains(&brand)
    {
        return Some("a HEIC/HEIF image");
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some("a packed document (such as a Word .docx file)");
    }
    if head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        return Some("an older Office document (such as a Word .doc file)");
    }
    let ext = extension(name);
    let media = [
        "wav", "mp3", "m4a", "aac", "ogg", "oga", "flac", "opus", "wma", "aiff", "mp4", "mov",
        "m4v", "avi", "mkv", "webm", "wmv", "3gp", "mpg", "mpeg",
    ];
    if media.contains(&ext.as_str()) || ext == "eml" {
        return None;
    }
    // Text, possibly cut in the middle of a character at the end of `head`.
    let text = !head.contains(&0)
        && match std::str::from_utf8(head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        };
    if text {
        return None;
    }
    Some("a file of a type iepcase cannot print")
}

/// Reads, recognises and checks every attachment of every exhibit in `plan`.
pub fn prepare(
    case: &Case,
    plan: &BundlePlan<'_>,
    skip_broken: bool,
    names: Option<&Names>,
    notices: &mut Vec<Notice>,
) -> Result<Prepared, BundleError> {
    let mut prepared = Prepared::default();
    for exhibit in &plan.exhibits {
        let mut parts = Vec::new();
        let mut used_names: HashSet<String> = HashSet::new();
        let id = &exhibit.record.id;
        // A recorded letter is bound once: its other copies are left out.
        let letter = super::view::letter_copies(&exhibit.record.record);
        for (index, attachment) in exhibit.record.record.common.attachments.iter().enumerate() {
            if letter.skipped.contains(&index) {
                continue;
            }
            let mut copy_to = |prepared: &mut Prepared| {
                let base = safe_file_name(&attachment.name);
                let mut file = format!("exhibits/{}-{base}", exhibit.file_stem);
                let mut n = 2;
                while !used_names.insert(file.clone()) {
                    file = format!("exhibits/{}-{n}-{base}", exhibit.file_stem);
                    n += 1;
                }
                prepared.copies.push(OutputFile {
                    path: file.clone(),
                    content: Content::Attachment {
                        record: id.clone(),
                        attachment: attachment.clone(),
                    },
                });
                file
            };
            let placed = place(case, id, attachment, names, &mut prepared);
            if names.is_some() {
                let notice = match &placed {
                    Ok(Placed::NamesChild(_)) => Some(Notice::NamesChild {
                        id: id.clone(),
                        name: attachment.name.clone(),
                    }),
                    Ok(
                        Placed::Part(Part {
                            kind: PartKind::Pdf { .. } | PartKind::Image { .. },
                            ..
                        })
                        | Placed::Copy(_),
                    ) => Some(Notice::MayNameChild {
                        id: id.clone(),
                        name: attachment.name.clone(),
                    }),
                    _ => None,
                };
                notices.extend(notice);
            }
            let part = match placed {
                Ok(Placed::Part(part) | Placed::NamesChild(part)) => part,
                Ok(Placed::Copy(class)) => {
                    let file = copy_to(&mut prepared);
                    if class == Class::Other {
                        notices.push(Notice::Copied {
                            id: id.clone(),
                            name: attachment.name.clone(),
                            file: file.clone(),
                        });
                    }
                    placeholder(attachment, class, &file, None)
                }
                Err(problem) if skip_broken => {
                    let readable = !matches!(problem, AttachmentProblem::Unreadable { .. });
                    let file = readable.then(|| copy_to(&mut prepared));
                    let part = placeholder(
                        attachment,
                        Class::Other,
                        file.as_deref().unwrap_or_default(),
                        Some(&problem),
                    );
                    notices.push(Notice::Skipped {
                        id: id.clone(),
                        name: attachment.name.clone(),
                        problem,
                    });
                    part
                }
                Err(problem) => {
                    return Err(BundleError::Attachment {
                        id: id.clone(),
                        name: attachment.name.clone(),
                        problem,
                    });
                }
            };
            parts.push(part);
        }
        prepared.parts.push(parts);
    }
    Ok(prepared)
}

/// What became of one attachment.
enum Placed {
    Part(Part),
    /// Not printable: a placeholder page and a copy of the file.
    Copy(Class),
    /// With `--initials`: an attached PDF whose text names the child, not bound.
    NamesChild(Part),
}

/// The pages of an attached PDF searched for the child's name with `--initials`.
const NAME_SEARCH_PAGES: usize = 200;
/// And the characters.
const NAME_SEARCH_CHARS: usize = 2_000_000;

fn place(
    case: &Case,
    id: &RecordId,
    attachment: &Attachment,
    names: Option<&Names>,
    prepared: &mut Prepared,
) -> Result<Placed, AttachmentProblem> {
    let by_name = class_by_name(attachment);
    if let Some(class @ (Class::Audio | Class::Video)) = by_name {
        return Ok(Placed::Copy(class));
    }
    let data =
        case.read_attachment(id, attachment)
            .map_err(|source| AttachmentProblem::Unreadable {
                source: Box::new(source),
            })?;
    let class = by_name.unwrap_or_else(|| class_by_content(&data));
    let part = |kind| Part {
        name: attachment.name.clone(),
        sha256: attachment.sha256.clone(),
        copied_to: None,
        kind,
    };
    let path = format!("/att/{}", prepared.files.len() + 1);
    let kind = match class {
        Class::Pdf => {
            let (pages, version_2) = check_pdf(&data)?;
            if let Some(names) = names {
                let text = crate::import::pdf_text::pages_text(
                    &data,
                    NAME_SEARCH_PAGES,
                    NAME_SEARCH_CHARS,
                );
                if names.found_in(&text) {
                    return Ok(Placed::NamesChild(names_child(attachment)));
                }
            }
            prepared.needs_pdf_2 |= version_2;
            prepared.files.push((path.clone(), data));
            PartKind::Pdf { path, pages }
        }
        // A TIFF scan is converted: one PNG page per image it holds.
        Class::Image if is_tiff(&data) => {
            let converted = tiff_pages(&data).map_err(|reason| AttachmentProblem::BrokenImage {
                reason: format!("a TIFF image iepcase cannot convert: {reason}"),
            })?;
            let mut pages = Vec::new();
            for (png, size) in converted {
                let path = format!("/att/{}", prepared.files.len() + 1);
                prepared.files.push((path.clone(), png));
                pages.push((path, size));
            }
            PartKind::Images { pages }
        }
        Class::Image => {
            let size = check_image(attachment, &data)?;
            prepared.files.push((path.clone(), data));
            PartKind::Image { path, size }
        }
        Class::Email => match crate::mail::Message::parse(&data) {
            Some(email) => {
                let files: Vec<&str> = email.attachments.iter().map(|f| f.name.as_str()).collect();
                let note = (!files.is_empty()).then(|| {
                    format!(
                        "Files attached to this message, not printed here: {}.",
                        files.join(", ")
                    )
                });
                PartKind::Email {
                    headers: email
                        .shown_headers()
                        .into_iter()
                        .map(|(name, value)| (name, renamed(names, &clean(&value))))
                        .collect(),
                    body: renamed(names, &clean(&email.body)),
                    note: note.map(|n| renamed(names, &n)),
                }
            }
            None => PartKind::Text {
                body: renamed(names, &clean(&String::from_utf8_lossy(&data))),
            },
        },
        Class::Text => PartKind::Text {
            body: renamed(names, &clean(&String::from_utf8_lossy(&data))),
        },
        Class::Audio | Class::Video | Class::Other => return Ok(Placed::Copy(class)),
    };
    Ok(Placed::Part(part(kind)))
}

/// The page sizes of a PDF, and whether it is PDF 2.0.
fn check_pdf(data: &[u8]) -> Result<(Vec<(f64, f64)>, bool), AttachmentProblem> {
    let shared: hayro_syntax::PdfData = std::sync::Arc::new(data.to_vec());
    let pdf = hayro_syntax::Pdf::new(shared).map_err(|e| match e {
        hayro_syntax::LoadPdfError::Decryption(_) => AttachmentProblem::EncryptedPdf,
        hayro_syntax::LoadPdfError::Invalid => AttachmentProblem::BrokenPdf,
    })?;
    let pages: Vec<(f64, f64)> = pdf
        .pages()
        .iter()
        .map(|page| {
            let (w, h) = page.render_dimensions();
            (f64::from(w), f64::from(h))
        })
        .collect();
    if pages.is_empty() {
        return Err(AttachmentProblem::EmptyPdf);
    }
    if pages
        .iter()
        .any(|(w, h)| !(w.is_finite() && h.is_finite() && *w > 0.0 && *h > 0.0))
    {
        return Err(AttachmentProblem::BrokenPdf);
    }
    Ok((
        pages,
        matches!(pdf.version(), hayro_syntax::PdfVersion::Pdf20),
    ))
}

/// The size of an image Typst can place, in pixels as shown.
fn check_image(attachment: &Attachment, data: &[u8]) -> Result<(u32, u32), AttachmentProblem> {
    let declared = attachment
        .media_type
        .clone()
        .unwrap_or_else(|| format!(".{}", extension(&attachment.name)));
    let format = ExchangeFormat::detect(data).ok_or_else(|| {
        // A file that says it is a PNG or JPEG but is not one is damaged, not unsupported.
        let placeable = [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            ".png",
            ".jpg",
            ".jpeg",
            ".gif",
            ".webp",
        ];
        if placeable.contains(&declared.to_ascii_lowercase().as_str()) {
            let kind = declared
                .trim_start_matches("image/")
                .trim_start_matches('.')
                .replace("jpg", "jpeg")
                .to_ascii_uppercase();
            AttachmentProblem::BrokenImage {
                reason: format!("it is not a valid {kind} file; it may be damaged"),
            }
        } else {
            AttachmentProblem::UnsupportedImage {
                media_type: declared.clone(),
            }
        }
    })?;
    let image = RasterImage::plain(Bytes::new(data.to_vec()), format).map_err(|e| {
        AttachmentProblem::BrokenImage {
            reason: e.to_string(),
        }
    })?;
    let (w, h) = (image.width(), image.height());
    Ok(match image.exif_rotation() {
        Some(5..=8) => (h, w),
        _ => (w, h),
    })
}

/// `text` with the child's name as initials, when the bundle prints initials.
fn renamed(names: Option<&Names>, text: &str) -> String {
    names.map_or_else(|| text.to_owned(), |n| n.apply(text))
}

/// The page in place of an attached PDF that names the child, in a bundle with initials:
/// iepcase does not rewrite attached files, so it is not bound and not copied.
fn names_child(attachment: &Attachment) -> Part {
    Part {
        name: attachment.name.clone(),
        sha256: attachment.sha256.clone(),
        copied_to: None,
        kind: PartKind::Placeholder {
            heading: "Attachment withheld: it names the child".into(),
            lines: vec![
                "This bundle prints the child's initials, and the text of this PDF names the \
                 child. iepcase does not rewrite attached files, so it is neither shown nor \
                 copied into the bundle folder."
                    .into(),
                "To include it, redact the name in a copy, attach the copy to the record and \
                 detach the original, then build the bundle again."
                    .into(),
            ],
            rows: vec![
                ("File".into(), attachment.name.clone()),
                ("SHA-256 of the original".into(), attachment.sha256.clone()),
            ],
        },
    }
}

/// A placeholder page for a file that is not printed: audio, video, another type, or (with
/// `problem`) one that could not be placed.
fn placeholder(
    attachment: &Attachment,
    class: Class,
    copied: &str,
    problem: Option<&AttachmentProblem>,
) -> Part {
    let what = match class {
        Class::Audio => "Audio recording",
        Class::Video => "Video recording",
        _ => "File",
    };
    let mut lines = Vec::new();
    let heading = match problem {
        Some(problem) => {
            lines.push(format!(
                "This attachment could not be placed in the bundle: {problem}."
            ));
            "Attachment not shown".to_owned()
        }
        None => {
            lines.push(format!(
                "This {} cannot be printed; it is part of the exhibit as a file.",
                what.to_lowercase()
            ));
            format!("{what} (not printable)")
        }
    };
    if copied.is_empty() {
        lines.push("The file could not be read from the case, so no copy is included.".into());
    } else {
        lines.push(format!(
            "The original file is included in the bundle folder as {copied}. Its SHA-256, \
             below, identifies it: any copy with the same SHA-256 is the same file."
        ));
    }
    let mut rows = vec![("File".to_owned(), attachment.name.clone())];
    if let Some(media) = &attachment.media_type {
        rows.push(("Type".into(), media.clone()));
    }
    if let Some(bytes) = attachment.size {
        rows.push(("Size".into(), size(bytes)));
    }
    if !copied.is_empty() {
        rows.push(("Copied as".into(), copied.to_owned()));
    }
    rows.push(("SHA-256".into(), attachment.sha256.clone()));
    Part {
        name: attachment.name.clone(),
        sha256: attachment.sha256.clone(),
        copied_to: (!copied.is_empty()).then(|| copied.to_owned()),
        kind: PartKind::Placeholder {
            heading,
            lines,
            rows,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::unbindable;

    #[test]
    fn what_can_be_bound_is_told_by_content() {
        assert_eq!(unbindable("scan.pdf", b"%PDF-1.7\n"), None);
        assert_eq!(
            unbindable("photo.jpg", &[0xff, 0xd8, 0xff, 0xe0, 0, 0]),
            None
        );
        assert_eq!(unbindable("notes.txt", "caf\u{e9}".as_bytes()), None);
        assert_eq!(unbindable("call.m4a", b"\0\0\0\x20ftypM4A \0\0"), None);
        // A TIFF is decoded to tell: this one is cut short.
        assert!(
            unbindable("photo.png", b"II*\0\x08\0")
                .unwrap()
                .starts_with("a TIFF image iepcase cannot convert")
        );
        assert_eq!(
            unbindable("IMG_1.jpg", b"\0\0\0\x18ftypheic\0\0").as_deref(),
            Some("a HEIC/HEIF image")
        );
        assert!(
            unbindable("iep.docx", b"PK\x03\x04\x14\0")
                .unwrap()
                .contains(".docx")
        );
    }
}
