//! Reading an e-mail file (RFC 5322, with MIME) well enough to print it: the headers a reader
//! needs, the plain-text body (or the HTML body with its tags removed), and the names of the
//! files it carried.

use base64::Engine as _;

use super::text::clean;

/// An e-mail, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// `From`, `To`, `Cc`, `Date` and `Subject`, in that order, where present.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Names of attached files, which are not printed.
    pub attachments: Vec<String>,
}

/// The headers a reader needs, in the order they are shown.
const SHOWN: &[&str] = &["From", "To", "Cc", "Date", "Subject"];

/// One MIME entity: headers (names lowercased) and raw body.
struct Entity<'a> {
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl Entity<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter of a header such as `Content-Type: text/plain; charset=utf-8`.
    fn param(&self, header: &str, name: &str) -> Option<String> {
        let value = self.header(header)?;
        value.split(';').skip(1).find_map(|p| {
            let (key, val) = p.split_once('=')?;
            (key.trim().eq_ignore_ascii_case(name)).then(|| val.trim().trim_matches('"').to_owned())
        })
    }

    fn content_type(&self) -> String {
        self.header("content-type")
            .and_then(|v| v.split(';').next())
            .unwrap_or("text/plain")
            .trim()
            .to_ascii_lowercase()
    }

    /// The body with its transfer encoding undone, as text in its charset.
    fn text(&self) -> String {
        let encoding = self
            .header("content-transfer-encoding")
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: Vec<u8> = self
                    .body
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .unwrap_or_else(|_| self.body.to_vec())
            }
            "quoted-printable" => quoted_printable(self.body, false),
            _ => self.body.to_vec(),
        };
        let charset = self
            .param("content-type", "charset")
            .unwrap_or_default()
            .to_ascii_lowercase();
        decode_charset(&bytes, &charset)
    }
}

fn decode_charset(bytes: &[u8], charset: &str) -> String {
    match charset {
        "iso-8859-1" | "latin1" | "latin-1" | "windows-1252" | "us-ascii" | "cp1252" => {
            match std::str::from_utf8(bytes) {
                Ok(s) => s.to_owned(),
                Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
            }
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Splits raw bytes into headers (unfolded, names lowercased) and body.
fn entity(raw: &[u8]) -> Entity<'_> {
    let (head, body) = split_head(raw);
    let text = String::from_utf8_lossy(head);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Entity { headers, body }
}

fn split_head(raw: &[u8]) -> (&[u8], &[u8]) {
    for (i, window) in raw.windows(2).enumerate() {
        if window == b"\n\n" {
            return (&raw[..i], &raw[i + 2..]);
        }
        if window == b"\r\n" && raw[i + 2..].starts_with(b"\r\n") {
            return (&raw[..i], &raw[i + 4..]);
        }
    }
    (raw, &[])
}

/// Decodes quoted-printable; `header` also turns `_` into a space (RFC 2047 "Q").
fn quoted_printable(input: &[u8], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'=' if input[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if input[i + 1..].starts_with(b"\n") => i += 2,
            b'=' if i + 3 <= input.len() => {
                let hex = std::str::from_utf8(&input[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            b'_' if header => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?Q?...?=`) in a header value.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let (before, after) = rest.split_at(start);
        let decoded = after[2..].split_once('?').and_then(|(charset, tail)| {
            let (encoding, tail) = tail.split_once('?')?;
            let (text, tail) = tail.split_once("?=")?;
            let bytes = match encoding.to_ascii_lowercase().as_str() {
                "b" => base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .ok()?,
                "q" => quoted_printable(text.as_bytes(), true),
                _ => return None,
            };
            Some((decode_charset(&bytes, &charset.to_ascii_lowercase()), tail))
        });
        match decoded {
            Some((text, tail)) => {
                // Whitespace between two encoded words is not part of the text.
                if !(out.ends_with('\u{0}') && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                out.push('\u{0}');
                rest = tail;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    out.replace('\u{0}', "")
}

/// Removes tags from HTML and decodes the common entities.
fn strip_html(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<style") || rest.starts_with("<script") {
            let close = if rest.starts_with("<style") {
                "</style>"
            } else {
                "</script>"
            };
            i += rest.find(close).map_or(rest.len(), |end| end + close.len());
        } else if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = &rest[..end];
            if ["<br", "</p", "</div", "</tr", "</li", "</h"]
                .iter()
                .any(|t| tag.starts_with(t))
            {
                out.push('\n');
            }
            i += end;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            out.push_str(&html[i..i + end]);
            i += end;
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Collects the plain and HTML bodies and attachment names of `entity` and its parts.
fn walk(
    entity: &Entity<'_>,
    plain: &mut Option<String>,
    html: &mut Option<String>,
    files: &mut Vec<String>,
    depth: usize,
) {
    let content_type = entity.content_type();
    let filename = entity
        .param("content-disposition", "filename")
        .or_else(|| entity.param("content-type", "name"));
    let attached = entity
        .header("content-disposition")
        .is_some_and(|d| d.to_ascii_lowercase().starts_with("attachment"));
    if content_type.starts_with("multipart/") && depth < 8 {
        let Some(boundary) = entity.param("content-type", "boundary") else {
            return;
        };
        let marker = format!("--{boundary}");
        let text = entity.body;
        let mut parts = Vec::new();
        let mut start: Option<usize> = None;
        let mut i = 0;
        while let Some(found) = find(&text[i..], marker.as_bytes()) {
            let at = i + found;
            if let Some(s) = start {
                parts.push(&text[s..at]);
            }
            let after = at + marker.len();
            if text[after..].starts_with(b"--") {
                start = None;
                break;
            }
            let line_end = find(&text[after..], b"\n").map_or(text.len(), |e| after + e + 1);
            start = Some(line_end);
            i = line_end;
        }
        if let Some(s) = start {
            parts.push(&text[s..]);
        }
        for part in parts {
            walk(&self::entity(part), plain, html, files, depth + 1);
        }
    } else if attached || (filename.is_some() && !content_type.starts_with("text/")) {
        files.push(decode_words(
            &filename.unwrap_or_else(|| "unnamed file".into()),
        ));
    } else if content_type == "text/plain" && plain.is_none() {
        *plain = Some(entity.text());
    } else if content_type == "text/html" && html.is_none() {
        *html = Some(strip_html(&entity.text()));
    } else if content_type == "message/rfc822" {
        files.push(filename.unwrap_or_else(|| "forwarded message".into()));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads an e-mail file.
pub fn parse(raw: &[u8]) -> Email {
    let top = entity(raw);
    let headers = SHOWN
        .iter()
        .filter_map(|name| {
            let value = top.header(&name.to_ascii_lowercase())?;
            Some(((*name).to_owned(), clean(&decode_words(value))))
        })
        .collect();
    let (mut plain, mut html, mut attachments) = (None, None, Vec::new());
    walk(&top, &mut plain, &mut html, &mut attachments, 0);
    let body = plain.or(html).unwrap_or_default();
    Email {
        headers,
        body: clean(body.trim_end()),
        attachments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_message_shows_its_headers_and_body() {
        let raw = b"From: A <a@example.org>\r\nTo: B <b@example.org>\r\nSubject: Re: the\r\n request\r\nX-Other: no\r\n\r\nHello,\r\nworld.\r\n";
        let email = parse(raw);
        assert_eq!(
            email.headers,
            [
                ("From".to_owned(), "A <a@example.org>".to_owned()),
                ("To".to_owned(), "B <b@example.org>".to_owned()),
                ("Subject".to_owned(), "Re: the request".to_owned()),
            ]
        );
        assert_eq!(email.body, "Hello,\nworld.");
    }

    #[test]
    fn mime_parts_are_decoded_and_attachments_named() {
        let raw = "Subject: =?utf-8?Q?Caf=C3=A9_notes?=\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n\
                   preamble\n--XX\nContent-Type: text/html\n\n<p>Hi &amp; bye</p><style>p{}</style>\n\
                   --XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
                   Line one=\n continues =E2=9C=93\n--XX\nContent-Type: application/pdf; name=\"a.pdf\"\n\
                   Content-Disposition: attachment; filename=\"a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--XX--\n";
        let email = parse(raw.as_bytes());
        assert_eq!(email.headers[0].1, "Café notes");
        assert_eq!(email.body, "Line one continues ✓");
        assert_eq!(email.attachments, ["a.pdf"]);
        let html_only = "Content-Type: text/html\n\n<div>Hi &amp; bye</div>";
        assert_eq!(parse(html_only.as_bytes()).body, "Hi & bye");
    }

    #[test]
    fn garbage_does_not_panic() {
        for raw in [
            &b""[..],
            b"\n\n",
            b"=?",
            b"Content-Type: multipart/mixed; boundary=\n\n--",
            b"a=\n=4",
        ] {
            let _ = parse(raw);
            let _ = quoted_printable(raw, false);
        }
    }
}
