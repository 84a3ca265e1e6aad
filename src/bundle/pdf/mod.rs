//! `bundle.pdf` and the per-exhibit PDFs, typeset with Typst.
//!
//! The template (`bundle.typ`) is compiled once with the bundle's data as JSON; Typst's
//! introspection gives every page its stamp (`P-3 p. 2/5`, a Bates number) and the index its
//! page ranges, and PDF pages of attachments are embedded with their content (text stays
//! text). The per-exhibit files are exports of page ranges of the same compiled document, so
//! their pages are the bundle's pages, stamps included. The PDF's creation date and document
//! id come from the source commit, so the same commit and options give the same bytes.

mod data;
mod world;

use std::num::NonZeroUsize;

use rayon::prelude::*;
use typst::foundations::{Datetime, Label, Selector, Smart};
use typst::layout::{PageRanges, PagedDocument};
use typst::utils::PicoStr;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::attach::Prepared;
use super::notes::Cover;
use super::plan::BundlePlan;
use super::{BundleError, Content, Options, OutputFile, Source};

/// What the PDF renderer produced.
pub struct Rendered {
    /// `bundle.pdf` and `exhibits/<label>.pdf`.
    pub files: Vec<OutputFile>,
    /// Each exhibit's first and last page in `bundle.pdf`, 1-based.
    pub ranges: Vec<(usize, usize)>,
    /// Pages in `bundle.pdf`.
    pub pages: usize,
}

/// Typesets a standalone document (a letter): `template` reads its data from `/data.json`.
/// `ident` and `time` make the PDF's id and date, so the same input gives the same bytes.
pub fn typeset(
    template: &str,
    data: Vec<u8>,
    ident: &str,
    time: i64,
) -> Result<Vec<u8>, BundleError> {
    let world = world::BundleWorld::with_template(template, data, Vec::new());
    let document = compile(&world)?;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        timestamp: Some(timestamp(time)),
        page_ranges: None,
        standards: PdfStandards::new(&[PdfStandard::V_1_7]).map_err(|e| BundleError::Typeset {
            messages: vec![e.to_string()],
        })?,
        tagged: true,
    };
    typst_pdf::pdf(&document, &options).map_err(diagnostics)
}

/// Stack size for the typesetting threads: Typst recurses deeply through long documents,
/// and the default 2 MiB of a thread is not enough for hundreds of exhibits.
const STACK_SIZE: usize = 256 << 20;

/// Typesets the bundle and exports it whole and exhibit by exhibit.
pub fn render(
    plan: &BundlePlan<'_>,
    prepared: &Prepared,
    cover: &Cover,
    options: &Options,
    source: &Source,
) -> Result<Rendered, BundleError> {
    // Typst uses rayon inside; running in a pool of our own gives its threads the stack too.
    match rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("bundle-{i}"))
        .build()
    {
        Ok(pool) => pool.install(|| render_in_pool(plan, prepared, cover, options, source)),
        Err(e) => Err(BundleError::Typeset {
            messages: vec![format!("cannot start the typesetting threads: {e}")],
        }),
    }
}

fn render_in_pool(
    plan: &BundlePlan<'_>,
    prepared: &Prepared,
    cover: &Cover,
    options: &Options,
    source: &Source,
) -> Result<Rendered, BundleError> {
    let json = data::data(plan, prepared, cover, options);
    let world = world::BundleWorld::new(json, prepared.files.clone());
    let document = compile(&world)?;
    let ranges = exhibit_ranges(&document, plan.exhibits.len())?;
    let pdf_options = |ranges: Option<PageRanges>| -> Result<PdfOptions<'_>, BundleError> {
        let tagged = ranges.is_none();
        let version = if prepared.needs_pdf_2 {
            PdfStandard::V_2_0
        } else {
            PdfStandard::V_1_7
        };
        Ok(PdfOptions {
            ident: Smart::Custom(source.commit.as_str()),
            timestamp: Some(timestamp(source.time)),
            page_ranges: ranges,
            standards: PdfStandards::new(&[version]).map_err(|e| BundleError::Typeset {
                messages: vec![e.to_string()],
            })?,
            // Typst 0.14 cannot tag a page range (it indexes past its tag tree), so the
            // per-exhibit files are untagged; the whole bundle is a tagged PDF.
            tagged,
        })
    };
    let whole = typst_pdf::pdf(&document, &pdf_options(None)?).map_err(diagnostics)?;
    let mut files = vec![OutputFile {
        path: "bundle.pdf".into(),
        content: Content::Bytes(whole),
    }];
    let exhibits: Vec<Result<OutputFile, BundleError>> = plan
        .exhibits
        .par_iter()
        .zip(ranges.par_iter())
        .map(|(exhibit, &(first, last))| {
            let range = NonZeroUsize::new(first)..=NonZeroUsize::new(last);
            let bytes =
                typst_pdf::pdf(&document, &pdf_options(Some(PageRanges::new(vec![range])))?)
                    .map_err(diagnostics)?;
            Ok(OutputFile {
                path: format!("exhibits/{}.pdf", exhibit.file_stem),
                content: Content::Bytes(bytes),
            })
        })
        .collect();
    for file in exhibits {
        files.push(file?);
    }
    Ok(Rendered {
        files,
        ranges,
        pages: document.pages.len(),
    })
}

fn compile(world: &world::BundleWorld) -> Result<PagedDocument, BundleError> {
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
        return Err(BundleError::Typeset {
            messages: unsettled,
        });
    }
    Ok(document)
}

fn diagnostics(errors: typst::ecow::EcoVec<typst::diag::SourceDiagnostic>) -> BundleError {
    BundleError::Typeset {
        messages: errors.iter().map(|e| e.message.to_string()).collect(),
    }
}

/// The commit time as the PDF's creation date.
fn timestamp(time: i64) -> Timestamp {
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

/// The first and last page of each exhibit, from the `<exhibit>` markers the template puts
/// on each exhibit's first page.
fn exhibit_ranges(
    document: &PagedDocument,
    count: usize,
) -> Result<Vec<(usize, usize)>, BundleError> {
    let label = Label::new(PicoStr::intern("exhibit")).expect("the label is not empty");
    let markers = document.introspector.query(&Selector::Label(label));
    let mut starts: Vec<usize> = markers
        .iter()
        .filter_map(|m| m.location())
        .map(|loc| document.introspector.page(loc).get())
        .collect();
    if starts.len() != count || starts.windows(2).any(|w| w[0] >= w[1]) {
        return Err(BundleError::Typeset {
            messages: vec![format!(
                "expected {count} exhibits to start on increasing pages, found {starts:?}"
            )],
        });
    }
    starts.push(document.pages.len() + 1);
    Ok(starts.windows(2).map(|w| (w[0], w[1] - 1)).collect())
}
