//! The text of a PDF's first pages, well enough to find a date in it: the strings its pages
//! show, decoded through each font's `ToUnicode` map (or as single-byte text), with line
//! breaks where the text moves to a new line.
//!
//! This is not a layout engine: reading order is the order the page draws its text, which
//! for letters and notices is top to bottom.

use std::collections::HashMap;
use std::sync::Arc;

use hayro_syntax::content::ops::TypedInstruction;
use hayro_syntax::object::{Dict, Object, Stream};

/// How many pages are read: a letter's date is on its first page.
const PAGES: usize = 2;
/// Enough text to find a date in; the rest is not read.
const MAX_CHARS: usize = 20_000;

/// The text of the first pages of `data`; empty when it is not a readable PDF or holds no text
/// (a scan without a text layer).
pub fn first_pages_text(data: &[u8]) -> String {
    pages_text(data, PAGES, MAX_CHARS)
}

/// The text of the first `pages` pages of `data`, stopping after about `max_chars`
/// characters; empty when it is not a readable PDF or holds no text.
pub fn pages_text(data: &[u8], pages: usize, max_chars: usize) -> String {
    let Ok(pdf) = hayro_syntax::Pdf::new(Arc::new(data.to_vec())) else {
        return String::new();
    };
    let mut out = String::new();
    for page in pdf.pages().iter().take(pages) {
        let mut fonts: HashMap<Vec<u8>, Font> = HashMap::new();
        let mut font: Option<Font> = None;
        for op in page.typed_operations() {
            let shown: Vec<Vec<u8>> = match op {
                TypedInstruction::TextFont(f) => {
                    let key = f.0.as_ref().to_vec();
                    let resolved = fonts
                        .entry(key)
                        .or_insert_with(|| {
                            page.resources()
                                .get_font(
                                    f.0.clone(),
                                    Box::new(|_| None),
                                    Box::new(|dict| Some(Font::from_dict(&dict))),
                                )
                                .unwrap_or_default()
                        })
                        .clone();
                    font = Some(resolved);
                    continue;
                }
                TypedInstruction::BeginText(_)
                | TypedInstruction::NextLine(_)
                | TypedInstruction::NextLineAndSetLeading(_)
                | TypedInstruction::NextLineUsingLeading(_)
                | TypedInstruction::SetTextMatrix(_) => {
                    if !out.ends_with('\n') && !out.is_empty() {
                        out.push('\n');
                    }
                    continue;
                }
                TypedInstruction::ShowText(t) => vec![t.0.get().to_vec()],
                TypedInstruction::NextLineAndShowText(t) => {
                    out.push('\n');
                    vec![t.0.get().to_vec()]
                }
                TypedInstruction::ShowTextWithParameters(t) => {
                    out.push('\n');
                    vec![t.2.get().to_vec()]
                }
                TypedInstruction::ShowTexts(list) => {
                    let mut pieces = Vec::new();
                    for item in list.0.iter::<Object<'_>>() {
                        match item {
                            Object::String(s) => pieces.push(s.get().to_vec()),
                            // A large move to the right between pieces is a space.
                            Object::Number(n) if n.as_f64() < -200.0 => pieces.push(b" ".to_vec()),
                            _ => {}
                        }
                    }
                    pieces
                }
                _ => continue,
            };
            let font = font.clone().unwrap_or_default();
            for bytes in shown {
                if bytes == b" " {
                    out.push(' ');
                } else {
                    out.push_str(&font.decode(&bytes));
                }
            }
            if out.len() > max_chars {
                return out;
            }
        }
        out.push('\n');
    }
    out
}

/// What is needed to turn a font's byte codes into text.
#[derive(Clone, Debug, Default)]
struct Font {
    /// Two-byte codes (a `Type0` font).
    wide: bool,
    to_unicode: HashMap<u32, String>,
}

impl Font {
    fn from_dict(dict: &Dict<'_>) -> Font {
        let wide = dict
            .get::<hayro_syntax::object::Name<'_>>(b"Subtype".as_slice())
            .is_some_and(|n| n.as_str() == "Type0");
        let to_unicode = dict
            .get::<Stream<'_>>(b"ToUnicode".as_slice())
            .and_then(|s| s.decoded().ok())
            .map(|cmap| parse_cmap(&cmap))
            .unwrap_or_default();
        Font { wide, to_unicode }
    }

    fn decode(&self, bytes: &[u8]) -> String {
        let codes: Vec<u32> = if self.wide {
            bytes
                .chunks(2)
                .map(|c| c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
                .collect()
        } else {
            bytes.iter().map(|b| u32::from(*b)).collect()
        };
        let mut out = String::new();
        for code in codes {
            match self.to_unicode.get(&code) {
                Some(text) => out.push_str(text),
                // Without a map, single-byte fonts spell ASCII as ASCII (the standard, WinAnsi
                // and MacRoman encodings agree on letters, digits and punctuation).
                None if !self.wide && (0x20..0x7f).contains(&code) => {
                    out.push(char::from_u32(code).unwrap_or(' '));
                }
                None => {}
            }
        }
        out
    }
}

/// The code → text pairs of a `ToUnicode` CMap (`bfchar` and `bfrange` sections).
fn parse_cmap(data: &[u8]) -> HashMap<u32, String> {
    let text = String::from_utf8_lossy(data);
    let mut map = HashMap::new();
    let mut section = "";
    let mut tokens: Vec<&str> = Vec::new();
    for token in cmap_tokens(&text) {
        match token {
            "beginbfchar" | "beginbfrange" => {
                section = token;
                tokens.clear();
            }
            "endbfchar" => {
                for pair in tokens.chunks(2) {
                    if let [code, dest] = pair
                        && let (Some(code), Some(dest)) = (hex_code(code), hex_text(dest))
                    {
                        map.insert(code, dest);
                    }
                }
                section = "";
            }
            "endbfrange" => {
                bfrange(&tokens, &mut map);
                section = "";
            }
            _ if !section.is_empty() => tokens.push(token),
            _ => {}
        }
        if map.len() > 65_536 {
            break;
        }
    }
    map
}

/// Applies `bfrange` entries: `<lo> <hi> <dest>` or `<lo> <hi> [<d1> <d2> …]`.
fn bfrange(tokens: &[&str], map: &mut HashMap<u32, String>) {
    let mut i = 0;
    while i + 2 < tokens.len() {
        let (Some(lo), Some(hi)) = (hex_code(tokens[i]), hex_code(tokens[i + 1])) else {
            i += 1;
            continue;
        };
        let span = hi.saturating_sub(lo).min(1024);
        if tokens[i + 2] == "[" {
            let mut j = i + 3;
            let mut code = lo;
            while j < tokens.len() && tokens[j] != "]" {
                if let Some(dest) = hex_text(tokens[j]) {
                    map.insert(code, dest);
                }
                code += 1;
                j += 1;
            }
            i = j + 1;
        } else {
            if let Some(dest) = hex_text(tokens[i + 2]) {
                let mut chars: Vec<char> = dest.chars().collect();
                for code in lo..=lo + span {
                    map.insert(code, chars.iter().collect());
                    if let Some(last) = chars.last_mut() {
                        *last = char::from_u32(*last as u32 + 1).unwrap_or(*last);
                    }
                }
            }
            i += 3;
        }
    }
}

/// Splits CMap text into words, `<hex>` strings and brackets.
fn cmap_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let end = if rest.starts_with('<') {
            rest.find('>').map_or(rest.len(), |e| e + 1)
        } else if rest.starts_with(['[', ']']) {
            1
        } else {
            rest.find(|c: char| c.is_whitespace() || "<[]".contains(c))
                .unwrap_or(rest.len())
                .max(1)
        };
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

fn hex_bytes(token: &str) -> Option<Vec<u8>> {
    let hex: String = token
        .strip_prefix('<')?
        .strip_suffix('>')?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !hex.len().is_multiple_of(2) || hex.len() > 16 {
        return None;
    }
    hex::decode(hex).ok()
}

fn hex_code(token: &str) -> Option<u32> {
    let bytes = hex_bytes(token)?;
    (bytes.len() <= 4).then(|| bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

/// UTF-16BE text of a CMap destination.
fn hex_text(token: &str) -> Option<String> {
    let bytes = hex_bytes(token)?;
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    Some(String::from_utf16_lossy(&units))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmaps_map_codes_to_text() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n2 beginbfchar\n<0003> <0020>\n<0011> <004D>\nendbfchar\n\
                     1 beginbfrange\n<0020> <0029> <0030>\nendbfrange\n1 beginbfrange\n<0040> <0041> [<0061> <0062>]\nendbfrange\nend";
        let map = parse_cmap(cmap);
        assert_eq!(map[&0x11], "M");
        assert_eq!(map[&0x20], "0");
        assert_eq!(map[&0x29], "9");
        assert_eq!(map[&0x41], "b");
        let font = Font {
            wide: true,
            to_unicode: map,
        };
        assert_eq!(font.decode(&[0, 0x11, 0, 3, 0, 0x22]), "M 2");
    }

    #[test]
    fn junk_is_no_text_and_no_panic() {
        assert_eq!(first_pages_text(b"not a pdf"), "");
        assert_eq!(first_pages_text(b"%PDF-1.4\n%%EOF"), "");
        let _ = parse_cmap(b"beginbfrange <00> <ffffffff> <0041> endbfrange <zz> beginbfchar <0");
    }
}
