//! `bundle.pdf` and the per-exhibit PDFs, typeset with Typst.
//!
//! The template (`bundle.typ`) is compiled once with the bundle's data as JSON; Typst's
//! introspection gives every page its stamp (`P-3 p. 2/5`, a Bates number) and the index its
//! page ranges, and PDF pages of attachments are embedded with their content (text stays
//! text). The per-exhibit files are exports of page ranges of the same compiled document, so
//! their pages are the bundle's pages, stamps included. The PDF's creation date and document
//! id come from the source commit, so the same commit and options give the same bytes.

mod data;

pub use data::section_title;

use std::num::NonZeroUsize;

use rayon::prelude::*;
use typst::foundations::{Label, Selector, Smart};
use typst::layout::{PageRanges, PagedDocument};
use typst::utils::PicoStr;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::typeset::{DocumentWorld, compile, diagnostics, timestamp};

use super::attach::Prepared;
use super::notes::Cover;
use super::plan::BundlePlan;
use super::{BundleError, Content, Options, OutputFile, Source};

/// The bundle template.
const TEMPLATE: &str = include_str!("bundle.typ");

/// What the PDF renderer produced.
pub struct Rendered {
    /// `bundle.pdf` and `exhibits/<label>.pdf`.
    pub files: Vec<OutputFile>,
    /// Where each part of the bundle lies in `bundle.pdf`.
    pub layout: Layout,
    /// Pages in `bundle.pdf`.
    pub pages: usize,
}

/// The first and last page (1-based) of each part of `bundle.pdf`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub exhibits: Vec<(usize, usize)>,
    pub index: (usize, usize),
    pub chronology: (usize, usize),
    /// The page of each section divider (`--sections`), in order.
    pub dividers: Vec<usize>,
}

/// Stack size for the typesetting threads: Typst recurses deeply through long documents,
/// and the default 2 MiB of a thread is not enough for hundreds of exhibits.
const STACK_SIZE: usize = 256 << 20;

/// Typesets the bundle and exports it whole and exhibit by exhibit; `files` are the
/// prepared attachments' virtual files, handed over rather than copied.
pub fn render(
    plan: &BundlePlan<'_>,
    prepared: &Prepared,
    files: Vec<(String, Vec<u8>)>,
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
        Ok(pool) => pool.install(|| render_in_pool(plan, prepared, files, cover, options, source)),
        Err(e) => Err(BundleError::Typeset {
            messages: vec![format!("cannot start the typesetting threads: {e}")],
        }),
    }
}

fn render_in_pool(
    plan: &BundlePlan<'_>,
    prepared: &Prepared,
    files: Vec<(String, Vec<u8>)>,
    cover: &Cover,
    options: &Options,
    source: &Source,
) -> Result<Rendered, BundleError> {
    let json = data::data(plan, prepared, cover, options);
    let world = DocumentWorld::new(TEMPLATE, json, files);
    let document = compile(&world)?;
    // What Typst memoized while laying the bundle out is of no use to the export: free it
    // before the export allocates its own.
    typst::comemo::evict(0);
    let sections = super::plan::sections(plan).len();
    let layout = layout(&document, plan.exhibits.len(), sections)?;
    let ranges = layout.exhibits.clone();
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
    // The whole bundle is exported on one thread while the exhibits are exported on the
    // others: each export is independent, so the bytes are the same as one after another.
    let (whole, exhibits) = rayon::join(
        || {
            typst_pdf::pdf(&document, &pdf_options(None)?)
                .map_err(|e| BundleError::from(diagnostics(e)))
        },
        || {
            plan.exhibits
                .par_iter()
                .zip(ranges.par_iter())
                .map(|(exhibit, &(first, last))| {
                    let range = NonZeroUsize::new(first)..=NonZeroUsize::new(last);
                    let bytes = typst_pdf::pdf(
                        &document,
                        &pdf_options(Some(PageRanges::new(vec![range])))?,
                    )
                    .map_err(|e| BundleError::from(diagnostics(e)))?;
                    Ok(OutputFile {
                        path: format!("exhibits/{}.pdf", exhibit.file_stem),
                        content: Content::Bytes(bytes),
                    })
                })
                .collect::<Vec<Result<OutputFile, BundleError>>>()
        },
    );
    let mut files = vec![OutputFile {
        path: "bundle.pdf".into(),
        content: Content::Bytes(whole?),
    }];
    for file in exhibits {
        files.push(file?);
    }
    Ok(Rendered {
        files,
        layout,
        pages: document.pages.len(),
    })
}

/// The pages of the markers labelled `name` the template puts on the first page of each
/// part, in document order.
fn marker_pages(document: &PagedDocument, name: &str) -> Vec<usize> {
    let label = Label::new(PicoStr::intern(name)).expect("the label is not empty");
    document
        .introspector
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|m| m.location())
        .map(|loc| document.introspector.page(loc).get())
        .collect()
}

/// Where the index, the chronology, the dividers and each exhibit lie, from the markers the
/// template puts on their first pages. Each part ends where the next one begins.
fn layout(
    document: &PagedDocument,
    exhibits: usize,
    sections: usize,
) -> Result<Layout, BundleError> {
    let starts = marker_pages(document, "exhibit");
    let dividers = marker_pages(document, "divider");
    let index = marker_pages(document, "bundle-index");
    let chronology = marker_pages(document, "chronology");
    let increasing = |pages: &[usize]| pages.windows(2).all(|w| w[0] < w[1]);
    if starts.len() != exhibits
        || dividers.len() != sections
        || index.len() != 1
        || chronology.len() != 1
        || !increasing(&starts)
        || !increasing(&dividers)
    {
        return Err(BundleError::Typeset {
            messages: vec![format!(
                "expected {exhibits} exhibits and {sections} dividers to start on increasing \
                 pages, found {starts:?} and {dividers:?}"
            )],
        });
    }
    let mut all: Vec<usize> = index
        .iter()
        .chain(&chronology)
        .chain(&dividers)
        .chain(&starts)
        .copied()
        .collect();
    all.sort_unstable();
    let total = document.pages.len();
    let end = |first: usize| {
        all.iter()
            .find(|&&p| p > first)
            .map_or(total, |&next| next - 1)
    };
    Ok(Layout {
        exhibits: starts.iter().map(|&first| (first, end(first))).collect(),
        index: (index[0], end(index[0])),
        chronology: (chronology[0], end(chronology[0])),
        dividers,
    })
}

#[cfg(test)]
mod tests {
    use typst::foundations::Bytes;
    use typst::text::Font;

    use super::TEMPLATE;

    /// The value of `#let NAME = VALUE` in the template, as written (a string's quotes removed).
    fn template_constant(name: &str) -> &'static str {
        let prefix = format!("#let {name} = ");
        let line = TEMPLATE
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("the template defines {name}"));
        line.trim().trim_matches('"')
    }

    /// The template leaves a word of ASCII characters whole, unmeasured, when its length
    /// times `widest-ascii` times the text size fits its column; that is safe only if no
    /// printable ASCII character of the fonts it sets text in is wider than that, and every
    /// one of them is in the font (a fallback font could be wider).
    #[test]
    fn no_ascii_character_is_wider_than_the_template_assumes() {
        let widest: f64 = template_constant("widest-ascii").parse().expect("a number");
        let families = [template_constant("serif"), template_constant("mono")];
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .filter(|f| families.contains(&f.info().family.as_str()))
            .collect();
        assert!(fonts.len() >= 4, "the serif and mono faces are bundled");
        for font in &fonts {
            for c in ' '..='~' {
                let glyph = font.ttf().glyph_index(c).unwrap_or_else(|| {
                    panic!(
                        "{} {:?} has no {c:?}",
                        font.info().family,
                        font.info().variant
                    )
                });
                let advance = font.x_advance(glyph.0).expect("an advance").get();
                assert!(
                    advance <= widest,
                    "{c:?} in {} {:?} is {advance} em wide, more than {widest}",
                    font.info().family,
                    font.info().variant
                );
            }
        }
    }
}
