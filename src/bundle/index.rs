//! `index.html` and `index.md`: the exhibit index beside the PDF, linking to each exhibit's
//! file, its pages in `bundle.pdf` and any copied originals.
//!
//! The HTML page is self-contained (inline style, no scripts, nothing fetched) so it opens
//! from a USB stick or an e-mail attachment; every link is relative and stays in the folder.

use std::fmt::Write as _;

use super::manifest::Manifest;
use super::notes::Cover;
use crate::markdown::escape_inline;

/// What both index files show.
pub struct Index<'a> {
    manifest: &'a Manifest,
    cover: &'a Cover,
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a relative path for an `href`: only safe file-name bytes pass unescaped.
fn href(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn page_range(pages: [usize; 2]) -> String {
    if pages[0] == pages[1] {
        pages[0].to_string()
    } else {
        format!("{}–{}", pages[0], pages[1])
    }
}

fn bates_range(bates: &Option<[String; 2]>) -> String {
    match bates {
        Some([a, b]) if a == b => a.clone(),
        Some([a, b]) => format!("{a}–{b}"),
        None => String::new(),
    }
}

const STYLE: &str = "body{font:15px/1.45 Georgia,'Times New Roman',serif;max-width:62rem;\
margin:2rem auto;padding:0 1rem;color:#111}h1{font-size:1.6rem;margin-bottom:.2rem}\
.purpose{color:#1f3a5f;margin-top:0}table{border-collapse:collapse;width:100%;margin:1rem 0}\
th,td{border:1px solid #999;padding:.3rem .45rem;text-align:left;vertical-align:top}\
th{background:#eef1f5}td.n,td.p{white-space:nowrap}dl{display:grid;\
grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:bold}dd{margin:0}\
.note{border:1px solid #1f3a5f;padding:.4rem .8rem;margin:.8rem 0}.note h2{font-size:1.05rem;margin:.4rem 0}\
footer{font-size:.85rem;color:#444;margin-top:2rem}code{font-size:.85rem}";

impl<'a> Index<'a> {
    pub fn new(manifest: &'a Manifest, cover: &'a Cover) -> Index<'a> {
        Index { manifest, cover }
    }

    /// The caption on one line: `FORUM · In the matter of NAME, a student of … · Docket no. …`.
    fn caption(&self) -> String {
        let matter = match self.cover.caption.split_first() {
            Some((head, rest)) if !rest.is_empty() => format!("{head} {}", rest.join(", ")),
            _ => self.cover.caption.join(" "),
        };
        let parts: Vec<&str> = self
            .cover
            .forum
            .as_deref()
            .into_iter()
            .chain([matter.as_str()])
            .chain(self.cover.docket.as_deref())
            .collect();
        parts.join(" · ")
    }

    fn with_bates(&self) -> bool {
        self.manifest.options.bates.is_some()
    }

    /// The self-contained HTML index.
    pub fn html(&self) -> String {
        let mut out = String::new();
        let title = format!("{} — {}", self.cover.heading, self.cover.purpose);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
             <h1>{}</h1>\n<p class=\"purpose\">{}</p>\n<p>{}</p>\n<dl>\n",
            html_escape(&title),
            html_escape(&self.cover.heading),
            html_escape(&self.cover.purpose),
            html_escape(&self.caption()),
        );
        for (key, value) in &self.cover.rows {
            let _ = writeln!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                html_escape(key),
                html_escape(value)
            );
        }
        let _ = writeln!(
            out,
            "<dt>Pages</dt><dd>{}</dd>\n</dl>\n<p><a id=\"bundle\" href=\"bundle.pdf\">\
             Open the whole bundle (bundle.pdf, {} pages)</a></p>",
            self.manifest.pages, self.manifest.pages
        );
        for note in &self.cover.notes {
            let _ = write!(
                out,
                "<section class=\"note\"><h2>{}</h2>",
                html_escape(&note.title)
            );
            for para in &note.paragraphs {
                let _ = write!(out, "<p>{}</p>", html_escape(&para.join(" ")));
            }
            out.push_str("</section>\n");
        }
        let _ = write!(
            out,
            "<h2>Exhibit index</h2>\n<p>{}</p>\n<table id=\"exhibits\">\n<thead><tr><th>No.</th>\
             <th>Date</th><th>Kind</th><th>Title</th><th>Pages</th>{}<th>Files</th></tr></thead>\n<tbody>\n",
            html_escape(&self.cover.index_intro),
            if self.with_bates() {
                "<th>Bates</th>"
            } else {
                ""
            },
        );
        for ex in &self.manifest.exhibits {
            let mut files = format!(
                "<a href=\"{}\">{}</a>",
                href(&ex.file),
                html_escape(ex.file.rsplit('/').next().unwrap_or(&ex.file))
            );
            for copy in ex.attachments.iter().filter_map(|a| a.file.as_ref()) {
                let _ = write!(
                    files,
                    "<br><a href=\"{}\">{}</a>",
                    href(copy),
                    html_escape(copy.rsplit('/').next().unwrap_or(copy))
                );
            }
            let kind = match &ex.record_type {
                Some(t) => format!("{} ({t})", ex.kind),
                None => ex.kind.clone(),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"n\"><a href=\"{}\">{}</a></td><td class=\"p\">{}</td><td>{}</td>\
                 <td><a href=\"{}\">{}</a></td><td class=\"p\"><a href=\"bundle.pdf#page={}\">{}</a></td>{}<td>{files}</td></tr>",
                href(&ex.file),
                html_escape(&ex.label),
                html_escape(&ex.date),
                html_escape(&kind),
                href(&ex.file),
                html_escape(&ex.title),
                ex.pages[0],
                page_range(ex.pages),
                if self.with_bates() {
                    format!(
                        "<td class=\"p\">{}</td>",
                        html_escape(&bates_range(&ex.bates))
                    )
                } else {
                    String::new()
                },
            );
        }
        let _ = write!(
            out,
            "</tbody>\n</table>\n</main>\n<footer><p>{}</p><p>Check that no file has changed: \
             <code>iepcase bundle verify &lt;this folder&gt;</code> (the SHA-256 of every file \
             is in <a href=\"manifest.json\">manifest.json</a>).</p></footer>\n</body>\n</html>\n",
            html_escape(
                &self
                    .cover
                    .footer
                    .iter()
                    .map(|p| p.join(" "))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
        out
    }

    /// The Markdown index.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# {}\n\n{}\n\n{}\n\n",
            escape_inline(&self.cover.heading),
            escape_inline(&self.cover.purpose),
            escape_inline(&self.caption())
        );
        for (key, value) in &self.cover.rows {
            let _ = writeln!(
                out,
                "- **{}:** {}",
                escape_inline(key),
                escape_inline(value)
            );
        }
        let _ = writeln!(
            out,
            "- **Pages:** {} ([bundle.pdf](bundle.pdf))\n",
            self.manifest.pages
        );
        for note in &self.cover.notes {
            let _ = writeln!(out, "> **{}**", escape_inline(&note.title));
            for para in &note.paragraphs {
                let _ = writeln!(out, ">\n> {}", escape_inline(&para.join(" ")));
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "## Exhibit index\n\n{}\n",
            escape_inline(&self.cover.index_intro)
        );
        let bates = self.with_bates();
        out.push_str("| No. | Date | Kind | Title | Pages |");
        out.push_str(if bates {
            " Bates | Files |\n"
        } else {
            " Files |\n"
        });
        out.push_str("|---|---|---|---|---|");
        out.push_str(if bates { "---|---|\n" } else { "---|\n" });
        for ex in &self.manifest.exhibits {
            let mut files = format!("[{}]({})", escape_inline(&ex.label), href(&ex.file));
            for copy in ex.attachments.iter().filter_map(|a| a.file.as_ref()) {
                let name = copy.rsplit('/').next().unwrap_or(copy);
                let _ = write!(files, "<br>[{}]({})", escape_inline(name), href(copy));
            }
            let kind = match &ex.record_type {
                Some(t) => format!("{} ({t})", ex.kind),
                None => ex.kind.clone(),
            };
            let _ = write!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape_inline(&ex.label),
                ex.date,
                escape_inline(&kind),
                escape_inline(&ex.title),
                page_range(ex.pages)
            );
            if bates {
                let _ = write!(out, " {} |", bates_range(&ex.bates));
            }
            let _ = writeln!(out, " {files} |");
        }
        let _ = writeln!(
            out,
            "\n{}\n",
            escape_inline(
                &self
                    .cover
                    .footer
                    .iter()
                    .map(|p| p.join(" "))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_markup_out() {
        assert_eq!(
            html_escape("<a href=\"x\">&"),
            "&lt;a href=&quot;x&quot;&gt;&amp;"
        );
        assert_eq!(href("exhibits/P-001 a#b.pdf"), "exhibits/P-001%20a%23b.pdf");
    }
}
