//! Reading e-mail: one message (RFC 5322 with MIME, parsed by the `mail-parser` crate) or an
//! mbox file holding several. `import` turns messages into records and bundles print attached
//! messages; both read them through [`Message`].
//!
//! Nothing here touches the disk: callers pass the bytes they read.

use std::io::BufRead;

use mail_parser::{Address, MessageParser, MimeHeaders};

use crate::record::{Date, Time};

/// The longest message `import` and bundles read (an mbox may hold many of these).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The headers a reader needs, in the order they are shown.
const SHOWN: &[&str] = &["From", "To", "Cc", "Date", "Subject"];

/// An e-mail message, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The sender as written: `Ms. Rivera <rivera@district.example>`.
    pub from: Option<String>,
    /// The sender's bare address, lowercased.
    pub from_address: Option<String>,
    /// Every `To` recipient, as written.
    pub to: Vec<String>,
    /// Every `Cc` recipient, as written.
    pub cc: Vec<String>,
    /// The subject, on one line.
    pub subject: Option<String>,
    /// When it was sent, on the sender's clock, as the `Date` header says.
    pub sent: Option<Sent>,
    /// The `Date` header as written.
    pub date_header: Option<String>,
    /// The `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The plain-text body (or the HTML body turned into text).
    pub body: String,
    /// The files it carried, decoded.
    pub attachments: Vec<MailFile>,
}

/// The date and time of the `Date` header, on the sender's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub date: Date,
    pub time: Time,
    /// The sender's offset from UTC, in minutes.
    pub offset_minutes: i32,
}

/// One file attached to a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailFile {
    /// A plain file name (no folders), never empty.
    pub name: String,
    pub data: Vec<u8>,
}

impl Message {
    /// Reads one message; `None` when the bytes hold no message headers at all.
    pub fn parse(raw: &[u8]) -> Option<Message> {
        let raw = &raw[..raw.len().min(MAX_MESSAGE_BYTES)];
        let parsed = MessageParser::default().parse(raw)?;
        // Anything parses as a message of sorts; one has at least one of these headers.
        let is_message = ["From", "To", "Date", "Subject", "Message-ID"]
            .iter()
            .any(|name| parsed.header_raw(*name).is_some());
        if !is_message {
            return None;
        }
        let from = parsed.from().and_then(|a| addresses(a).into_iter().next());
        let from_address = parsed
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(|a| a.trim().to_lowercase());
        let sent = parsed.date().and_then(|d| {
            let small = |n: u8| i8::try_from(n).ok();
            let date = Date::new(i16::try_from(d.year).ok()?, small(d.month)?, small(d.day)?)?;
            let time =
                jiff::civil::Time::new(small(d.hour)?, small(d.minute)?, small(d.second)?, 0)
                    .ok()
                    .map(Time)?;
            let minutes = i32::from(d.tz_hour) * 60 + i32::from(d.tz_minute);
            Some(Sent {
                date,
                time,
                offset_minutes: if d.tz_before_gmt { -minutes } else { minutes },
            })
        });
        let mut attachments = Vec::new();
        for (index, part) in parsed.attachments().enumerate() {
            // Pictures embedded in the HTML body (logos, signatures) are part of the text,
            // not files someone sent; they stay in the original message.
            let embedded = part.content_id().is_some()
                && part
                    .content_disposition()
                    .is_none_or(|d| d.is_inline() && d.attribute("filename").is_none());
            if embedded {
                continue;
            }
            let media_type = part.content_type().map(|t| match &t.c_subtype {
                Some(sub) => format!("{}/{}", t.c_type, sub),
                None => t.c_type.to_string(),
            });
            let name = part.attachment_name().map(file_name).unwrap_or_default();
            let name = if name.is_empty() {
                unnamed(index + 1, part.is_message(), media_type.as_deref())
            } else {
                name
            };
            attachments.push(MailFile {
                name,
                data: part.contents().to_vec(),
            });
        }
        Some(Message {
            from,
            from_address,
            to: parsed.to().map(addresses).unwrap_or_default(),
            cc: parsed.cc().map(addresses).unwrap_or_default(),
            subject: parsed.subject().map(one_line).filter(|s| !s.is_empty()),
            sent,
            date_header: parsed.header_raw("Date").map(|d| one_line(d.trim())),
            message_id: parsed
                .message_id()
                .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
                .filter(|id| !id.is_empty()),
            body: parsed
                .body_text(0)
                .map(|b| b.trim_end().to_owned())
                .unwrap_or_default(),
            attachments,
        })
    }

    /// `From`, `To`, `Cc`, `Date` and `Subject`, where present, for printing.
    pub fn shown_headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for name in SHOWN {
            let value = match *name {
                "From" => self.from.clone(),
                "To" => (!self.to.is_empty()).then(|| self.to.join(", ")),
                "Cc" => (!self.cc.is_empty()).then(|| self.cc.join(", ")),
                "Date" => self.date_header.clone(),
                _ => self.subject.clone(),
            };
            if let Some(value) = value {
                out.push(((*name).to_owned(), value));
            }
        }
        out
    }
}

/// Each address of a header as a reader writes it: `Name <address>`, or the address alone.
fn addresses(address: &Address<'_>) -> Vec<String> {
    address
        .iter()
        .filter_map(|a| {
            let name = a.name().map(one_line).filter(|n| !n.is_empty());
            let addr = a.address().map(str::trim).filter(|a| !a.is_empty());
            match (name, addr) {
                (Some(name), Some(addr)) if !name.eq_ignore_ascii_case(addr) => {
                    Some(format!("{name} <{addr}>"))
                }
                (_, Some(addr)) => Some(addr.to_owned()),
                (Some(name), None) => Some(name),
                (None, None) => None,
            }
        })
        .collect()
}

/// Text on one line: line breaks and other control characters become spaces, runs of spaces
/// one space.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name safe to store and later write out: the last part of any path, without control
/// characters, at most 120 characters.
pub fn file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = one_line(last)
        .chars()
        .filter(|c| !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    let cleaned = cleaned.trim_matches(['.', ' ']).to_owned();
    if cleaned.chars().count() <= 120 {
        return cleaned;
    }
    // Keep the extension when shortening.
    match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.len() <= 10 => {
            let stem: String = stem.chars().take(119 - ext.chars().count()).collect();
            format!("{stem}.{ext}")
        }
        _ => cleaned.chars().take(120).collect(),
    }
}

/// A name for an attached file that came without one.
fn unnamed(index: usize, message: bool, media_type: Option<&str>) -> String {
    if message {
        return format!("attached-message-{index}.eml");
    }
    let ext = media_type
        .and_then(mime_guess::get_mime_extensions_str)
        .and_then(|exts| exts.first())
        .map_or("bin", |e| e);
    format!("attachment-{index}.{ext}")
}

/// Whether `raw` looks like an mbox file (several messages, each after a `From ` line).
pub fn is_mbox(raw: &[u8]) -> bool {
    raw.starts_with(b"From ")
}

/// The messages of an mbox, in order, each as the bytes of one message (the `From ` line
/// removed, `>From ` quoting undone). Stops at a read error, which it returns.
pub fn mbox_messages(reader: impl BufRead) -> impl Iterator<Item = std::io::Result<Vec<u8>>> {
    mail_parser::mailbox::mbox::MessageIterator::new(reader)
        .map(|message| message.map(|m| m.contents().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_message_has_its_headers_and_body() {
        let raw = b"From: A Person <A@Example.org>\r\nTo: B <b@example.org>, c@example.org\r\n\
                    Subject: Re: the\r\n request\r\nDate: Tue, 3 Mar 2026 16:05:09 -0600\r\n\
                    Message-ID: <abc@example.org>\r\nX-Other: no\r\n\r\nHello,\r\nworld.\r\n";
        let email = Message::parse(raw).unwrap();
        assert_eq!(email.from.as_deref(), Some("A Person <A@Example.org>"));
        assert_eq!(email.from_address.as_deref(), Some("a@example.org"));
        assert_eq!(email.to, ["B <b@example.org>", "c@example.org"]);
        assert_eq!(email.subject.as_deref(), Some("Re: the request"));
        assert_eq!(email.message_id.as_deref(), Some("abc@example.org"));
        let sent = email.sent.unwrap();
        assert_eq!(sent.date, Date::new(2026, 3, 3).unwrap());
        assert_eq!(sent.time.to_string(), "16:05:09");
        assert_eq!(sent.offset_minutes, -360);
        assert_eq!(email.body.replace("\r\n", "\n"), "Hello,\nworld.");
        assert_eq!(
            email.shown_headers(),
            [
                ("From".to_owned(), "A Person <A@Example.org>".to_owned()),
                (
                    "To".to_owned(),
                    "B <b@example.org>, c@example.org".to_owned()
                ),
                (
                    "Date".to_owned(),
                    "Tue, 3 Mar 2026 16:05:09 -0600".to_owned()
                ),
                ("Subject".to_owned(), "Re: the request".to_owned()),
            ]
        );
    }

    #[test]
    fn mime_parts_are_decoded_and_attachments_kept() {
        let raw = "Subject: =?utf-8?Q?Caf=C3=A9_notes?=\nContent-Type: multipart/mixed; boundary=\"XX\"\n\n\
                   preamble\n--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
                   Line one=\n continues =E2=9C=93\n--XX\nContent-Type: application/pdf; name=\"../../a.pdf\"\n\
                   Content-Disposition: attachment; filename=\"../../a.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--XX--\n";
        let email = Message::parse(raw.as_bytes()).unwrap();
        assert_eq!(email.subject.as_deref(), Some("Café notes"));
        assert_eq!(email.body, "Line one continues ✓");
        assert_eq!(email.attachments.len(), 1);
        assert_eq!(email.attachments[0].name, "a.pdf", "no folders in names");
        assert_eq!(email.attachments[0].data, b"%PDF");
        let html_only = "Subject: x\nContent-Type: text/html\n\n<div>Hi &amp; bye</div>";
        assert_eq!(
            Message::parse(html_only.as_bytes()).unwrap().body,
            "Hi & bye"
        );
    }

    #[test]
    fn latin1_bodies_are_read_in_their_charset() {
        let raw = b"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n\nEl ni\xf1o\n";
        assert_eq!(Message::parse(raw).unwrap().body, "El niño");
    }

    #[test]
    fn an_mbox_splits_into_messages_with_quoting_undone() {
        let mbox =
            b"From a@example.org Tue Mar  3 16:05:09 2026\nSubject: one\n\n>From the start\n\n\
                     From b@example.org Wed Mar  4 09:00:00 2026\nSubject: two\n\nbody\n";
        let messages: Vec<Vec<u8>> = mbox_messages(&mbox[..]).map(Result::unwrap).collect();
        assert_eq!(messages.len(), 2);
        let first = Message::parse(&messages[0]).unwrap();
        assert_eq!(first.subject.as_deref(), Some("one"));
        assert!(first.body.starts_with("From the start"), "{}", first.body);
        assert!(is_mbox(mbox));
        assert!(!is_mbox(b"Subject: x\n\n"));
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(file_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(file_name("a\u{1b}[31mb.txt"), "a [31mb.txt");
        assert_eq!(file_name(".."), "");
        let long = format!("{}.pdf", "x".repeat(300));
        assert_eq!(file_name(&long).chars().count(), 120);
        assert!(file_name(&long).ends_with(".pdf"));
    }

    #[test]
    fn garbage_does_not_panic() {
        for raw in [
            &b""[..],
            b"\n\n",
            b"=?",
            b"Content-Type: multipart/mixed; boundary=\n\n--",
            b"a=\n=4",
            b"\xff\xfe\x00\x01binary",
            b"Date: 99 Foo 99999 99:99:99 +9999\n\n",
        ] {
            let _ = Message::parse(raw);
        }
        assert_eq!(Message::parse(b"\xff\xfe\x00\x01\x02\x80\x81"), None);
        assert_eq!(Message::parse(b"just words\n"), None);
        let _: Vec<_> = mbox_messages(&b"From \n\xff"[..]).collect();
    }
}
