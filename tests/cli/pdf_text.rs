//! Reading a PDF's text back, page by page, for assertions: page content and the form
//! XObjects it draws (where merged attachment pages keep their text), decoded through each
//! font's encoding or ToUnicode map.

use std::collections::BTreeMap;
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// The text of every page, in page order.
pub fn page_texts(path: &Path) -> Vec<String> {
    let doc = Document::load(path).expect("the PDF loads");
    doc.get_pages()
        .values()
        .map(|&page| {
            let resources = page_resources(&doc, page);
            let content = doc.get_page_content(page);
            let mut out = String::new();
            draw(&doc, &content, &resources, &mut out, 0);
            out
        })
        .collect()
}

/// Removes all whitespace, so phrases compare whatever spacing the extraction produced.
pub fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A page's resources: its own and inherited ones, merged.
fn page_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let (inline, ids) = doc.get_page_resources(page).expect("page resources");
    let mut merged = Dictionary::new();
    let mut add = |dict: &Dictionary| {
        for (key, value) in dict.iter() {
            if !merged.has(key) {
                merged.set(key.clone(), value.clone());
            }
        }
    };
    if let Some(dict) = inline {
        add(dict);
    }
    for id in ids {
        if let Ok(dict) = doc.get_dictionary(id) {
            add(dict);
        }
    }
    merged
}

/// A sub-dictionary of `resources` (`Font`, `XObject`), resolving references.
fn sub<'a>(
    doc: &'a Document,
    resources: &'a Dictionary,
    key: &[u8],
) -> BTreeMap<Vec<u8>, &'a Object> {
    let dict = match resources.get(key) {
        Ok(Object::Dictionary(d)) => Some(d),
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
        _ => None,
    };
    dict.map(|d| d.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

fn draw(doc: &Document, content: &[u8], resources: &Dictionary, out: &mut String, depth: usize) {
    let Ok(content) = Content::decode(content) else {
        return;
    };
    let fonts = sub(doc, resources, b"Font");
    let xobjects = sub(doc, resources, b"XObject");
    let mut encoding = None;
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                encoding = name
                    .and_then(|n| fonts.get(n))
                    .and_then(|f| deref(doc, f).as_dict().ok())
                    .and_then(|f| f.get_font_encoding(doc).ok());
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if op.operator != "Tj" && op.operator != "TJ" {
                    out.push('\n');
                }
                if let Some(enc) = &encoding {
                    collect(enc, &op.operands, out);
                }
            }
            "T*" | "Td" | "TD" | "ET" => out.push('\n'),
            "Do" if depth < 8 => {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                let Some(Object::Stream(stream)) =
                    name.and_then(|n| xobjects.get(n)).map(|o| deref(doc, o))
                else {
                    continue;
                };
                let is_form = stream
                    .dict
                    .get(b"Subtype")
                    .and_then(|s| s.as_name())
                    .is_ok_and(|s| s == b"Form");
                if !is_form {
                    continue;
                }
                let inner = match stream.dict.get(b"Resources") {
                    Ok(Object::Dictionary(d)) => d.clone(),
                    Ok(Object::Reference(id)) => {
                        doc.get_dictionary(*id).cloned().unwrap_or_default()
                    }
                    _ => resources.clone(),
                };
                let bytes = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                draw(doc, &bytes, &inner, out, depth + 1);
            }
            _ => {}
        }
    }
}

fn collect(encoding: &lopdf::Encoding<'_>, operands: &[Object], out: &mut String) {
    for operand in operands {
        match operand {
            Object::String(bytes, _) => {
                if let Ok(text) = Document::decode_text(encoding, bytes) {
                    out.push_str(&text);
                }
            }
            Object::Array(items) => collect(encoding, items, out),
            _ => {}
        }
    }
}
