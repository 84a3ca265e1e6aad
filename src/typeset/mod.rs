//! Typesetting with Typst, in memory: a template compiled into the binary reads its data from
//! `/data.json`; nothing comes from disk, the system's fonts or the clock, so the same data
//! gives the same PDF bytes. Bundles and letters both typeset here.

mod world;

pub use world::DocumentWorld;

use typst::foundations::{Datetime, Smart};
use typst::layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// Typst could not lay a document out; its messages say why.
#[derive(Debug, thiserror::Error)]
#[error("the document could not be typeset: {}", messages.join("; "))]
pub struct TypesetError {
    pub messages: Vec<String>,
}

/// Typesets a standalone document (a letter): `template` reads its data from `/data.json`.
/// `ident` and `time` make the PDF's id and date, so the same input gives the same bytes.
pub fn typeset(
    template: &str,
    data: Vec<u8>,
    ident: &str,
    time: i64,
) -> Result<Vec<u8>, TypesetError> {
    let world = DocumentWorld::new(template, data, Vec::new());
    let document = compile(&world)?;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        timestamp: Some(timestamp(time)),
        page_ranges: None,
        standards: PdfStandards::new(&[PdfStandard::V_1_7]).map_err(|e| TypesetError {
            messages: vec![e.to_string()],
        })?,
        tagged: true,
    };
    typst_pdf::pdf(&document, &options).map_err(diagnostics)
}

pub fn compile(world: &DocumentWorld) -> Result<PagedDocument, TypesetError> {
    let warned = typst::compile::<PagedDocument>(world);
    let document = warned.output.map_err(diagnostics)?;
    // Stamps and page ranges come from introspection: if layout did not settle they may be
    // wrong, and a wrongly paginated bundle is worse than none.
    let unsettled: Vec<String> = warned
        .warnings
        .iter()
        .filter(|w| w.message.contains("converge"))
        .map(|w| w.message.to_string())
        .collect();
    if !unsettled.is_empty() {
        return Err(TypesetError {
            messages: unsettled,
        });
    }
    Ok(document)
}

pub fn diagnostics(errors: typst::ecow::EcoVec<typst::diag::SourceDiagnostic>) -> TypesetError {
    TypesetError {
        messages: errors.iter().map(|e| e.message.to_string()).collect(),
    }
}

/// The commit time as the PDF's creation date.
pub fn timestamp(time: i64) -> Timestamp {
    let utc = jiff::Timestamp::from_second(time)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let datetime = Datetime::from_ymd_hms(
        i32::from(utc.year()),
        utc.month() as u8,
        utc.day() as u8,
        utc.hour() as u8,
        utc.minute() as u8,
        utc.second() as u8,
    )
    .or_else(|| Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0))
    .expect("the Unix epoch is a valid date");
    Timestamp::new_utc(datetime)
}
