//! E-mail messages as `communication` records: the date and time of the `Date` header, `from`,
//! `to`, the subject as title and `subject`, the body as `body`, every attached file and the
//! original message attached.

use std::io::BufReader;
use std::path::Path;

use super::{Draft, DraftFile, Fields, ImportError, Known, Options, Plan, Skipped};
use crate::mail::{MAX_MESSAGE_BYTES, Message};
use crate::record::Kind;

/// The longest body kept in the record's `body`; the whole message stays attached.
pub const MAX_BODY_CHARS: usize = 64 * 1024;

/// Drafts every message of the mbox at `path`; `progress` is told how many bytes were read.
pub(super) fn plan_mbox(
    path: &Path,
    name: &str,
    options: &Options,
    known: &mut Known,
    plan: &mut Plan,
    progress: &mut dyn FnMut(u64),
) -> Result<(), ImportError> {
    let file = fs_err::File::open(path).map_err(ImportError::io(path))?;
    let mut read = 0u64;
    let mut found = 0;
    for (index, message) in crate::mail::mbox_messages(BufReader::new(file)).enumerate() {
        let raw = message.map_err(ImportError::io(path))?;
        read += raw.len() as u64;
        progress(read);
        let origin = format!("{name}, message {}", index + 1);
        if raw.len() > MAX_MESSAGE_BYTES {
            return Err(ImportError::TooLarge {
                path: path.to_owned(),
                size: raw.len() as u64,
                limit: MAX_MESSAGE_BYTES as u64,
            });
        }
        let attach_as = format!("message-{}.eml", index + 1);
        match plan_message(&raw, &origin, &attach_as, options, known, plan) {
            Some(result) => {
                result?;
                found += 1;
            }
            None => plan
                .warnings
                .push(format!("{origin} holds no e-mail message and was left out")),
        }
    }
    if found == 0 {
        return Err(ImportError::NoMessages {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Drafts the record of one message (or skips it as imported before); `None` when `raw`
/// holds no message.
pub(super) fn plan_message(
    raw: &[u8],
    origin: &str,
    attach_as: &str,
    options: &Options,
    known: &mut Known,
    plan: &mut Plan,
) -> Option<Result<(), ImportError>> {
    let message = Message::parse(raw)?;
    let sha256 = super::sha256_hex(raw);
    if let Some((earlier, same_message_id)) =
        known.check(origin, message.message_id.as_deref(), &sha256)
    {
        plan.skipped.push(Skipped {
            origin: origin.to_owned(),
            earlier,
            same_message_id,
        });
        return Some(Ok(()));
    }
    let mut draft = draft(&message, origin, options);
    let attach_as = if attach_as.to_ascii_lowercase().ends_with(".eml") {
        crate::mail::file_name(attach_as)
    } else {
        format!("{}.eml", crate::mail::file_name(attach_as))
    };
    draft.files.push(DraftFile::Bytes {
        name: attach_as,
        data: raw.to_vec(),
    });
    for file in message.attachments {
        draft.files.push(DraftFile::Bytes {
            name: file.name,
            data: file.data,
        });
    }
    plan.drafts.push(draft);
    Some(Ok(()))
}

/// The record of `message`, with what was guessed.
fn draft(message: &Message, origin: &str, options: &Options) -> Draft {
    let mut guesses = Vec::new();
    let date = match (options.date, &message.sent) {
        (Some(date), _) => date,
        (None, Some(sent)) => sent.date,
        (None, None) => {
            guesses.push(format!(
                "it has no readable Date header, so it is dated today ({})",
                options.today
            ));
            options.today
        }
    };
    let sender = message.from.clone().unwrap_or_default();
    let title = match (&options.title, &message.subject) {
        (Some(title), _) => title.clone(),
        (None, Some(subject)) => subject.clone(),
        (None, None) => {
            let title = if sender.is_empty() {
                "E-mail without a subject".to_owned()
            } else {
                format!("E-mail from {sender}")
            };
            guesses.push(format!("it has no subject; the title is \"{title}\""));
            title
        }
    };
    let mine = message.from_address.as_deref().is_some_and(|from| {
        options
            .my_addresses
            .iter()
            .any(|m| m.trim().eq_ignore_ascii_case(from))
    });
    let (direction, with) = if mine {
        guesses.push("direction = sent: it is from your own address (iepcase.toml)".to_owned());
        ("sent", message.to.first().cloned().unwrap_or_default())
    } else {
        guesses.push(
            "direction = received: it is not from your address in iepcase.toml \
             (--set direction=sent if you sent it)"
                .to_owned(),
        );
        ("received", sender.clone())
    };
    let mut to = message.to.join(", ");
    if !message.cc.is_empty() {
        to.push_str(&format!("; cc {}", message.cc.join(", ")));
    }
    let time = match (options.date, &message.sent) {
        (None, Some(sent)) => Some(sent.time),
        _ => None,
    };
    let mut fields = Fields::new(Kind::Communication, date, time, &title);
    fields.text("from", &sender);
    fields.text("to", &to);
    fields.text("method", "email");
    fields.text("direction", direction);
    fields.text("channel", "email");
    fields.text("with", &with);
    if let Some(subject) = &message.subject {
        fields.text("subject", subject);
    }
    fields.text("body", &body(&message.body));
    if let Some(id) = &message.message_id {
        fields.extra(super::MESSAGE_ID_FIELD, id);
    }
    Draft {
        origin: origin.to_owned(),
        text: fields.finish(),
        kind: Kind::Communication,
        files: Vec::new(),
        guesses,
    }
}

/// The body for the record: control characters out, long bodies cut (the original message
/// is attached whole).
fn body(text: &str) -> String {
    let cleaned: String = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.chars().count() <= MAX_BODY_CHARS {
        return cleaned;
    }
    let mut cut: String = cleaned.chars().take(MAX_BODY_CHARS).collect();
    cut.push_str("\n\n[… the rest of the message is in the attached original]");
    cut
}
