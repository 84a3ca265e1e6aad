//! Where a PDF's text lands: every text-showing operator of a page's own content (merged
//! attachment pages, drawn as form XObjects, are left out) as a box in page coordinates, and
//! the vertical rules drawn between table columns. Enough to assert that no two pieces of
//! text overlap, none crosses a column rule, and none leaves the page.

use std::collections::BTreeMap;
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

/// A piece of text as shown by one operator, and the box its glyphs cover.
#[derive(Clone, Debug)]
pub struct Run {
    pub text: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

/// A vertical line drawn on the page (a table's column rule).
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub x: f64,
    pub y0: f64,
    pub y1: f64,
}

/// One page: its size, its text runs and its vertical rules.
#[derive(Debug)]
pub struct PageLayout {
    pub width: f64,
    pub height: f64,
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
}

type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`: the product a × b of PDF matrices.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn num(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => 0.0,
    }
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

/// A font's glyph widths (per 1000 units of text space) by code, and whether codes are two
/// bytes (a Type0 font).
struct Font<'a> {
    two_bytes: bool,
    widths: BTreeMap<u32, f64>,
    default: f64,
    encoding: Option<lopdf::Encoding<'a>>,
}

fn load_font<'a>(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
    let encoding = dict.get_font_encoding(doc).ok();
    let subtype = dict
        .get(b"Subtype")
        .and_then(|s| s.as_name())
        .unwrap_or(b"");
    let mut widths = BTreeMap::new();
    if subtype == b"Type0" {
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()
            .map(|d| deref(doc, d))
            .and_then(|d| d.as_array().ok())
            .and_then(|a| a.first())
            .map(|d| deref(doc, d))
            .and_then(|d| d.as_dict().ok());
        let mut default = 1000.0;
        if let Some(cid) = descendant {
            default = cid.get(b"DW").map(num).unwrap_or(1000.0);
            if let Some(w) = cid
                .get(b"W")
                .ok()
                .map(|w| deref(doc, w))
                .and_then(|w| w.as_array().ok())
            {
                let mut i = 0;
                while i < w.len() {
                    let first = num(&w[i]) as u32;
                    match w.get(i + 1).map(|o| deref(doc, o)) {
                        Some(Object::Array(list)) => {
                            for (k, width) in list.iter().enumerate() {
                                widths.insert(first + k as u32, num(width));
                            }
                            i += 2;
                        }
                        Some(last) => {
                            let last = num(last) as u32;
                            let width = w.get(i + 2).map(num).unwrap_or(default);
                            for code in first..=last {
                                widths.insert(code, width);
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
        }
        return Font {
            two_bytes: true,
            widths,
            default,
            encoding,
        };
    }
    let first = dict.get(b"FirstChar").map(num).unwrap_or(0.0) as u32;
    if let Some(list) = dict
        .get(b"Widths")
        .ok()
        .map(|w| deref(doc, w))
        .and_then(|w| w.as_array().ok())
    {
        for (k, width) in list.iter().enumerate() {
            widths.insert(first + k as u32, num(deref(doc, width)));
        }
    }
    Font {
        two_bytes: false,
        widths,
        default: 500.0,
        encoding,
    }
}

/// The layout of every page of the PDF at `path`.
pub fn page_layouts(path: &Path) -> Vec<PageLayout> {
    let doc = Document::load(path).expect("the PDF loads");
    doc.get_pages()
        .values()
        .map(|&page| {
            let media = doc
                .get_dictionary(page)
                .ok()
                .and_then(|d| d.get(b"MediaBox").ok())
                .and_then(|b| b.as_array().ok())
                .map(|b| b.iter().map(num).collect::<Vec<f64>>())
                .unwrap_or_else(|| vec![0.0, 0.0, 612.0, 792.0]);
            let (inline, ids) = doc.get_page_resources(page).expect("page resources");
            let mut fonts_dict = Dictionary::new();
            for dict in inline
                .into_iter()
                .chain(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()))
            {
                if let Ok(f) = dict.get(b"Font")
                    && let Ok(d) = deref(&doc, f).as_dict()
                {
                    for (k, v) in d.iter() {
                        fonts_dict.set(k.clone(), v.clone());
                    }
                }
            }
            let content = doc.get_page_content(page);
            let mut layout = PageLayout {
                width: media[2] - media[0],
                height: media[3] - media[1],
                runs: Vec::new(),
                rules: Vec::new(),
            };
            read_page(&doc, &content, &fonts_dict, &mut layout);
            layout
        })
        .collect()
}

fn read_page(doc: &Document, content: &[u8], fonts: &Dictionary, layout: &mut PageLayout) {
    let Ok(content) = Content::decode(content) else {
        return;
    };
    let mut loaded: BTreeMap<Vec<u8>, Font<'_>> = BTreeMap::new();
    let mut ctm = IDENTITY;
    let mut stack: Vec<Matrix> = Vec::new();
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let mut font: Option<Vec<u8>> = None;
    let mut size = 0.0;
    let (mut tc, mut tw, mut th, mut tl, mut rise) = (0.0, 0.0, 1.0, 0.0, 0.0);
    let mut path_start: Option<(f64, f64)> = None;
    let mut segments: Vec<((f64, f64), (f64, f64))> = Vec::new();
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
            "cm" if o.len() == 6 => {
                let m = [
                    num(&o[0]),
                    num(&o[1]),
                    num(&o[2]),
                    num(&o[3]),
                    num(&o[4]),
                    num(&o[5]),
                ];
                ctm = mul(&m, &ctm);
            }
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tf" if o.len() == 2 => {
                let name = o[0].as_name().unwrap_or(b"").to_vec();
                if !loaded.contains_key(&name)
                    && let Some(dict) = fonts
                        .get(&name)
                        .ok()
                        .map(|f| deref(doc, f))
                        .and_then(|f| f.as_dict().ok())
                {
                    loaded.insert(name.clone(), load_font(doc, dict));
                }
                font = Some(name);
                size = num(&o[1]);
            }
            "Tc" if !o.is_empty() => tc = num(&o[0]),
            "Tw" if !o.is_empty() => tw = num(&o[0]),
            "Tz" if !o.is_empty() => th = num(&o[0]) / 100.0,
            "TL" if !o.is_empty() => tl = num(&o[0]),
            "Ts" if !o.is_empty() => rise = num(&o[0]),
            "Tm" if o.len() == 6 => {
                tm = [
                    num(&o[0]),
                    num(&o[1]),
                    num(&o[2]),
                    num(&o[3]),
                    num(&o[4]),
                    num(&o[5]),
                ];
                tlm = tm;
            }
            "Td" | "TD" if o.len() == 2 => {
                if op.operator == "TD" {
                    tl = -num(&o[1]);
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(&o[0]), num(&o[1])], &tlm);
                tm = tlm;
            }
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -tl], &tlm);
                tm = tlm;
            }
            "Tj" | "TJ" => {
                let Some(f) = font.as_ref().and_then(|n| loaded.get(n)) else {
                    continue;
                };
                let items: Vec<&Object> = match o.first() {
                    Some(Object::Array(items)) => items.iter().collect(),
                    Some(other) => vec![other],
                    None => continue,
                };
                let mut text = String::new();
                let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            if let Some(enc) = &f.encoding
                                && let Ok(t) = Document::decode_text(enc, bytes)
                            {
                                text.push_str(&t);
                            }
                            let codes: Vec<u32> = if f.two_bytes {
                                bytes
                                    .chunks(2)
                                    .map(|c| {
                                        u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0))
                                    })
                                    .collect()
                            } else {
                                bytes.iter().map(|b| u32::from(*b)).collect()
                            };
                            for code in codes {
                                let w = f.widths.get(&code).copied().unwrap_or(f.default) / 1000.0;
                                let trm =
                                    mul(&[size * th, 0.0, 0.0, size, 0.0, rise], &mul(&tm, &ctm));
                                // The glyph's box: its advance, from a little below the
                                // baseline to about the height of a capital.
                                for (gx, gy) in [(0.0, -0.18), (w, -0.18), (0.0, 0.72), (w, 0.72)] {
                                    let (px, py) = apply(&trm, gx, gy);
                                    x0 = x0.min(px);
                                    x1 = x1.max(px);
                                    y0 = y0.min(py);
                                    y1 = y1.max(py);
                                }
                                let space = if !f.two_bytes && code == 32 { tw } else { 0.0 };
                                let tx = (w * size + tc + space) * th;
                                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                            }
                        }
                        other => {
                            let tx = -num(other) / 1000.0 * size * th;
                            tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                        }
                    }
                }
                if x0 < x1 && !text.trim().is_empty() {
                    layout.runs.push(Run {
                        text,
                        x0,
                        y0,
                        x1,
                        y1,
                    });
                }
            }
            "m" if o.len() == 2 => path_start = Some(apply(&ctm, num(&o[0]), num(&o[1]))),
            "l" if o.len() == 2 => {
                let end = apply(&ctm, num(&o[0]), num(&o[1]));
                if let Some(start) = path_start {
                    segments.push((start, end));
                }
                path_start = Some(end);
            }
            "S" | "s" => {
                for ((ax, ay), (bx, by)) in segments.drain(..) {
                    if (ax - bx).abs() < 0.01 && (ay - by).abs() > 1.0 {
                        layout.rules.push(Rule {
                            x: ax,
                            y0: ay.min(by),
                            y1: ay.max(by),
                        });
                    }
                }
            }
            "n" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => segments.clear(),
            _ => {}
        }
    }
}

/// What is wrong with a page's layout: text overlapping other text, crossing a column rule,
/// or leaving the page less `margin` points on every side; one line per problem.
pub fn problems(page: &PageLayout, margin: f64) -> Vec<String> {
    // Glyph boxes are estimates: pieces merely touching are fine.
    const SLACK: f64 = 0.6;
    let mut out = Vec::new();
    let runs = &page.runs;
    for (i, a) in runs.iter().enumerate() {
        if a.x0 < margin - SLACK
            || a.x1 > page.width - margin + SLACK
            || a.y0 < margin - SLACK
            || a.y1 > page.height - margin + SLACK
        {
            out.push(format!(
                "`{}` leaves the page ({:.1}..{:.1} of {:.1})",
                a.text, a.x0, a.x1, page.width
            ));
        }
        for b in &runs[i + 1..] {
            let overlap_x = a.x1.min(b.x1) - a.x0.max(b.x0);
            let overlap_y = a.y1.min(b.y1) - a.y0.max(b.y0);
            if overlap_x > SLACK && overlap_y > SLACK {
                out.push(format!("`{}` overlaps `{}`", a.text, b.text));
            }
        }
        for rule in &page.rules {
            let crosses = a.x0 + SLACK < rule.x && rule.x < a.x1 - SLACK;
            let beside = a.y1.min(rule.y1) - a.y0.max(rule.y0) > SLACK;
            if crosses && beside {
                out.push(format!(
                    "`{}` crosses the column rule at x = {:.1}",
                    a.text, rule.x
                ));
            }
        }
    }
    out
}
