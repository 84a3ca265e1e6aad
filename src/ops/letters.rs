//! `letter`: who signs, the facts given on the command line, and recording a letter sent.

use std::collections::BTreeMap;

use crate::git::CommitContext;
use crate::letters::{self, Format, Signer, SignerError, Signing};
use crate::record::{CaseMeta, Date, RecordId, edit, parse_record};
use crate::store::{Case, CaseLock};
use crate::workspace::{Advocate, Workspace};

use crate::text::{Paint, Table};

use super::{Notice, OpsError};

/// The name a letter is signed with when no name is known at all.
pub const PLACEHOLDER: &str = "iepcase user";

impl Workspace {
    /// The sender from the workspace's `[advocate]` table, else the commit author's name.
    pub fn advocate(&self) -> Advocate {
        let mut sender = self.config.advocate.clone().unwrap_or_default();
        sender.name = sender.name.or_else(|| self.config.author.name.clone());
        sender
    }

    /// [`Workspace::advocate`], with a placeholder name when none is known.
    pub fn sender(&self) -> Advocate {
        let mut sender = self.advocate();
        if sender.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            sender.name = Some(PLACEHOLDER.into());
        }
        sender
    }

    /// Who signs a letter of a case with `meta`: `chosen`, else the case's parent, else the
    /// advocate, with `cc` lines.
    pub fn signing(
        &self,
        chosen: Option<Signer>,
        meta: &CaseMeta,
        cc: Vec<String>,
    ) -> Result<Signing, SignerError> {
        letters::signing(
            chosen,
            self.config.advocate.as_ref(),
            self.sender(),
            meta,
            cc,
        )
    }
}

/// Whether a signing names nobody: the letter is not properly signed.
pub fn unsigned(signing: &Signing) -> bool {
    signing
        .sender
        .name
        .as_deref()
        .is_none_or(|n| n.trim().is_empty() || n == PLACEHOLDER)
}

/// The facts a letter is given: `--set NAME=VALUE` assignments (a name given several times
/// is a list), and a certified-mail number, recorded on the request: the letter is sent by
/// certified mail unless a `method` fact says otherwise.
pub fn facts(
    assignments: &[String],
    tracking: Option<&str>,
) -> Result<BTreeMap<String, Vec<String>>, OpsError> {
    let mut facts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for assignment in assignments {
        let (key, value) = edit::split_assignment(assignment)?;
        // `type` names the record's type, one of a fixed list written in lower case.
        let value = match key {
            "type" => value.trim().to_lowercase(),
            _ => value.to_owned(),
        };
        facts.entry(key.to_owned()).or_default().push(value);
    }
    let Some(number) = tracking else {
        return Ok(facts);
    };
    if number.trim().is_empty() {
        return Err(OpsError::BlankTracking);
    }
    facts.insert("tracking".into(), vec![number.trim().to_owned()]);
    let method = facts
        .get("method")
        .and_then(|m| m.iter().find(|v| !v.trim().is_empty()));
    if method.is_none() {
        facts.insert("method".into(), vec!["certified-mail".into()]);
    }
    Ok(facts)
}

/// A letter as it is kept in the case: its Markdown, and each typeset form that was made.
pub struct Sent {
    /// The template's name, for the file names.
    pub name: String,
    pub date: Date,
    pub markdown: String,
    pub typeset: Vec<(Format, Vec<u8>)>,
}

/// Records the letter: a new record of text `record_text` with the letter's forms
/// attached, in one commit.
pub fn record(
    case: &Case,
    lock: &CaseLock,
    record_text: &str,
    sent: Sent,
    context: &CommitContext,
) -> Result<RecordId, OpsError> {
    let Sent {
        name,
        date,
        markdown,
        typeset,
    } = sent;
    let files = [(format!("{name}-{date}.md"), markdown.into_bytes())]
        .into_iter()
        .chain(
            typeset
                .into_iter()
                .map(|(format, bytes)| (format!("{name}-{date}.{}", format.name()), bytes)),
        );
    let id = RecordId::generate();
    let mut tx = case.transaction(lock);
    let mut attachments = Vec::new();
    for (file, bytes) in files {
        attachments.push(tx.add_attachment_bytes(&file, &bytes)?);
    }
    let text = edit::append_attachments(record_text, &attachments)?;
    parse_record(&text, "the letter's record")?;
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), context)?;
    Ok(id)
}

/// What `letter TEMPLATE` was asked to write.
pub struct Request<'a> {
    pub template: &'a letters::Template,
    pub date: Date,
    /// The time now, when the letter is dated today: a notice counts its hours from it.
    pub time: Option<crate::record::Time>,
    /// Who the letter goes to; else the case's best-fitting contact.
    pub to: Option<String>,
    pub facts: BTreeMap<String, Vec<String>>,
    /// An id prefix of the record the letter answers.
    pub for_id: Option<&'a str>,
    pub signer: Option<Signer>,
    pub cc: Vec<String>,
    /// The format the letter is written in.
    pub format: Format,
    /// Whether a PDF is also wanted.
    pub pdf: bool,
    /// Whether the letter is recorded in the case.
    pub record: bool,
}

/// A letter drafted: its bytes, what is to be recorded, and what the user should be told.
pub struct Drafted {
    /// The letter in the format asked for.
    pub main: Vec<u8>,
    /// The letter as a PDF, when asked for.
    pub pdf: Option<Vec<u8>>,
    /// The record's text and the letter's forms to keep, unless it is not recorded.
    pub record: Option<(String, Sent)>,
    pub notes: Notes,
}

/// What `letter` tells beside the letter.
#[derive(Debug, Default, PartialEq)]
pub struct Notes {
    /// Nobody is named to sign: the letter is not properly signed.
    pub unsigned: bool,
    /// Whom the letter went to, when the request did not say.
    pub addressed_to: Option<String>,
    /// A recording notice that gives less than the state's notice period.
    pub short_notice: Option<letters::NoticeTiming>,
    /// The letter asks for papers to be sent to the signer, whose address is not known:
    /// the signer's name, and whether their details come from the case.
    pub no_reply_address: Option<(String, bool)>,
    /// The rule the letter relies on is not confirmed: its confidence.
    pub unconfirmed: Option<String>,
    /// A tracking number was given for a letter whose record has no tracking field: the
    /// record's kind.
    pub tracking_not_recorded: Option<crate::record::Kind>,
}

impl Notes {
    /// What to tell before the letter is written: that nobody signs it.
    pub fn signing_notices(&self) -> Vec<Notice> {
        if !self.unsigned {
            return Vec::new();
        }
        vec![
            Notice::Warning("your name is not set, so the letter is not properly signed".into()),
            Notice::Hint(
                "add an [advocate] table to iepcase.toml with your name, e-mail, phone and address"
                    .into(),
            ),
        ]
    }

    /// What to tell once the letter from template `template` is written: whom it went to
    /// when the request did not say, and what the letter cannot claim.
    pub fn notices(&self, template: &str) -> Vec<Notice> {
        let mut notices = Vec::new();
        if let Some(to) = &self.addressed_to {
            notices.push(Notice::Status(format!(
                "Addressed to {to} (pass --to to change it)"
            )));
        }
        if let Some(timing) = &self.short_notice {
            notices.extend(short_notice(timing));
        }
        if let Some((signer, from_case)) = &self.no_reply_address {
            notices.push(Notice::Warning(format!(
                "the {template} letter asks for papers to be sent to {signer}, and no address is known",
            )));
            // The parent's address is the child's, from the case; everyone else's is the
            // workspace's [advocate] table.
            notices.push(Notice::Hint(
                if *from_case {
                    "add the family's address to the case details: `address = \"…\"` under [extra] \
                     (`iepcase case edit`)"
                } else {
                    "add `address = \"…\"` to the [advocate] table in iepcase.toml"
                }
                .into(),
            ));
        }
        if let Some(confidence) = &self.unconfirmed {
            notices.push(Notice::Warning(format!(
                "this letter relies on a rule marked {confidence}: check it before sending"
            )));
        }
        if let Some(kind) = self.tracking_not_recorded {
            notices.push(Notice::Status(format!(
                "A {kind} record has no tracking field: the number is in the attached letter"
            )));
        }
        notices
    }
}

/// A recording notice that gives less than the state's notice period: why the letter does
/// not claim it, and by when to send it instead.
fn short_notice(timing: &letters::NoticeTiming) -> Vec<Notice> {
    let Some((hours, state)) = &timing.required else {
        return Vec::new();
    };
    let at = timing
        .meeting_time
        .map_or(String::new(), |t| format!(" at {t}"));
    let mut notices = vec![Notice::Warning(format!(
        "the meeting on {}{at} is less than {hours} hours after this notice (dated {}); \
         {state} expects {hours} hours' notice, so the letter does not claim it",
        timing.meeting_date, timing.letter
    ))];
    if let Some((date, time)) = timing.send_by() {
        notices.push(Notice::Hint(format!(
            "send it by {date} at {time} to give {hours} hours' notice, or ask the team to \
             accept shorter notice"
        )));
    }
    notices
}

/// Drafts the letter `request` asks for from `case`: the case's details with the workspace's
/// default state, its rules (needed for a recording notice, used when readable otherwise).
pub fn draft(ws: &Workspace, case: &Case, request: Request<'_>) -> Result<Drafted, OpsError> {
    let template = request.template;
    let meta = ws.with_default_state(case.meta()?.1);
    let about = match request.for_id {
        Some(prefix) => Some(case.read_record(&case.resolve(prefix)?)?),
        None => None,
    };
    let book = match template.is_recording_notice() {
        true => Some(ws.rulebook()?),
        false => ws.rulebook().ok(),
    };
    let signing = ws.signing(request.signer, &meta, request.cc)?;
    let input = letters::LetterInput {
        date: request.date,
        time: request.time,
        to: request.to,
        facts: request.facts,
        for_record: about.as_ref(),
        meta: &meta,
        signing,
        rules: book.as_ref().map(|b| ws.rules_for(&meta, b).set),
    };
    let letter = template.letter(&input)?;
    let main = letter.bytes(request.format)?;
    let pdf = match (request.pdf, request.format) {
        (false, _) => None,
        (true, Format::Pdf) => Some(main.clone()),
        (true, _) => Some(letter.bytes(Format::Pdf)?),
    };
    let notes = notes(template, &input, request.record)?;
    let record = match request.record {
        false => None,
        true => {
            let text = letters::record_text(template, &input, &letter.text())?;
            // The Markdown, and each typeset form that was made.
            let pdf = pdf
                .clone()
                .or_else(|| (request.format == Format::Pdf).then(|| main.clone()));
            let docx = (request.format == Format::Docx).then(|| main.clone());
            let sent = Sent {
                name: template.name.clone(),
                date: request.date,
                markdown: letter.markdown,
                typeset: pdf
                    .map(|bytes| (Format::Pdf, bytes))
                    .into_iter()
                    .chain(docx.map(|bytes| (Format::Docx, bytes)))
                    .collect(),
            };
            Some((text, sent))
        }
    };
    Ok(Drafted {
        main,
        pdf,
        record,
        notes,
    })
}

/// What to tell of a letter written from `input`.
fn notes(
    template: &letters::Template,
    input: &letters::LetterInput<'_>,
    recorded: bool,
) -> Result<Notes, OpsError> {
    let spec = &template.spec;
    let no_address = input
        .signing
        .sender
        .address
        .as_deref()
        .is_none_or(|a| a.trim().is_empty());
    Ok(Notes {
        unsigned: unsigned(&input.signing),
        // A blank `--to` counts as not given.
        addressed_to: input
            .to
            .as_deref()
            .is_none_or(|to| to.trim().is_empty())
            .then(|| input.addressee(template)),
        short_notice: input.notice_timing(template)?.filter(|t| t.short()),
        no_reply_address: (spec.reply_address && no_address)
            .then(|| (input.signing.name().to_owned(), input.signing.from_case)),
        unconfirmed: {
            let authority = spec.authority(input.meta.state.as_deref());
            (authority.confidence != "confirmed").then(|| authority.confidence.to_owned())
        },
        tracking_not_recorded: (recorded
            && input.facts.contains_key("tracking")
            && spec.record != crate::record::Kind::Request)
            .then_some(spec.record),
    })
}

/// The letter's format: `given` (`--format`), else the `out` file's extension, else
/// Markdown. A format the extension contradicts is refused, and so is a binary format for a
/// terminal (`to_terminal`, with no `out`), each with the file name to use instead.
pub fn choose_format(
    given: Option<&str>,
    out: Option<&std::path::Path>,
    to_terminal: bool,
    template: &str,
    date: Date,
) -> Result<Format, super::diagnosis::Diagnosis> {
    use super::diagnosis::Diagnosis;
    let format =
        Format::choose(given.and_then(Format::from_name), out).map_err(|(format, ext)| {
            let path = out.expect("an extension comes from --out");
            let mut d = Diagnosis::fixable(format!(
                "--format {} writes {}, but --out {} names a .{} file",
                format.name(),
                format.describe(),
                path.display(),
                ext.name()
            ));
            d.hints.push(format!(
                "name the file {}, or leave out --format",
                path.with_extension(format.name()).display()
            ));
            d
        })?;
    if out.is_none() && format.is_binary() && to_terminal {
        let mut d = Diagnosis::fixable(format!(
            "{} cannot be shown in a terminal",
            capitalized(format.describe())
        ));
        d.hints.push(format!(
            "write it to a file: `--out {template}-{date}.{}`",
            format.name()
        ));
        return Err(d);
    }
    Ok(format)
}

/// The text of `letter --list`: a table of the templates, each with what it writes and
/// where it comes from (built in, or the workspace file), or why it does not parse. The
/// descriptions wrap to fit `width` when there is one.
pub fn catalog_text(all: &[letters::Listing], width: Option<usize>, paint: Paint) -> String {
    let mut table = Table::new(&["TEMPLATE", "WRITES", "FROM"]).flexible(&[1, 2]);
    for listing in all {
        let source = match listing.builtin {
            true => "built in".to_owned(),
            false => listing.origin.clone(),
        };
        let writes = match &listing.template {
            Ok(t) => t.spec.description.clone(),
            Err(e) => format!("(does not parse: {e})"),
        };
        table.row(vec![listing.name.clone(), writes, source]);
    }
    table.render(width, paint)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_without_a_signer_or_a_reply_address_says_what_to_add() {
        assert!(Notes::default().signing_notices().is_empty());
        assert!(Notes::default().notices("pwn-request").is_empty());
        let notes = Notes {
            unsigned: true,
            addressed_to: Some("Ms. Rivera".into()),
            no_reply_address: Some(("Dana Q.".into(), true)),
            unconfirmed: Some("unverified".into()),
            ..Notes::default()
        };
        assert_eq!(notes.signing_notices().len(), 2);
        let told = notes.notices("pwn-request");
        assert_eq!(
            told[0],
            Notice::Status("Addressed to Ms. Rivera (pass --to to change it)".into())
        );
        assert_eq!(
            told[1],
            Notice::Warning(
                "the pwn-request letter asks for papers to be sent to Dana Q., and no address is known"
                    .into()
            )
        );
        assert!(matches!(&told[2], Notice::Hint(h) if h.contains("[extra]")));
        assert!(matches!(&told[3], Notice::Warning(w) if w.contains("unverified")));
        assert_eq!(told.len(), 4);
    }

    #[test]
    fn short_notice_says_when_to_send_it_only_when_the_rules_ask_for_a_period() {
        let date = |d: &str| d.parse::<Date>().unwrap();
        let mut timing = letters::NoticeTiming {
            letter: date("2026-12-07"),
            meeting_date: date("2026-12-08"),
            meeting_time: None,
            hours_left: 20,
            required: None,
        };
        assert!(short_notice(&timing).is_empty());
        timing.required = Some((72, "Mississippi".into()));
        let told = short_notice(&timing);
        assert!(matches!(&told[0], Notice::Warning(w)
            if w.contains("less than 72 hours") && w.contains("Mississippi expects")));
    }
    use crate::store::fixture::{self, Fixture};

    #[test]
    fn a_format_the_file_name_contradicts_or_a_terminal_cannot_show_is_refused() {
        let date: Date = "2026-02-02".parse().unwrap();
        let out = std::path::Path::new("letter.docx");
        let choose =
            |given, out, terminal| choose_format(given, out, terminal, "pwn-request", date);
        assert_eq!(choose(None, Some(out), true).unwrap(), Format::Docx);
        assert_eq!(choose(None, None, true).unwrap(), Format::Markdown);
        let clash = choose(Some("pdf"), Some(out), false).unwrap_err();
        assert!(
            clash.message.starts_with("--format pdf writes"),
            "{clash:?}"
        );
        assert!(clash.message.ends_with("names a .docx file"), "{clash:?}");
        assert_eq!(
            clash.hints,
            ["name the file letter.pdf, or leave out --format"]
        );
        let terminal = choose(Some("pdf"), None, true).unwrap_err();
        assert!(terminal.message.ends_with(" cannot be shown in a terminal"));
        assert!(
            terminal.message.starts_with(char::is_uppercase),
            "{terminal:?}"
        );
        assert_eq!(
            terminal.hints,
            ["write it to a file: `--out pwn-request-2026-02-02.pdf`"]
        );
        assert_eq!(choose(Some("pdf"), None, false).unwrap(), Format::Pdf);
    }

    fn request<'a>(template: &'a letters::Template, record: bool) -> Request<'a> {
        Request {
            template,
            date: "2026-02-02".parse().unwrap(),
            time: None,
            to: None,
            facts: BTreeMap::new(),
            for_id: None,
            signer: None,
            cc: Vec::new(),
            format: Format::Markdown,
            pdf: false,
            record,
        }
    }

    #[test]
    fn a_type_given_in_any_case_is_the_records_type_and_reads_as_one_in_the_letter() {
        let fx = Fixture::new();
        let (case, _lock) = fixture::open(&fx.root(), &fx.owner);
        let ws = Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            config: Default::default(),
        };
        let template = letters::template("evaluation-request", None).unwrap();
        let mut asked = request(&template, true);
        asked.facts = facts(&["type= Reevaluation ".to_owned()], None).unwrap();
        let drafted = draft(&ws, &case, asked).unwrap();
        let (text, sent) = drafted.record.expect("recorded");
        assert!(text.contains("type = \"reevaluation\""), "{text}");
        assert!(
            text.contains("title = \"Request for a reevaluation\""),
            "{text}"
        );
        assert!(
            sent.markdown
                .contains("I am writing to request a reevaluation"),
            "{}",
            sent.markdown
        );
    }

    #[test]
    fn a_tracking_number_means_certified_mail_unless_a_method_is_given() {
        let given = |set: &[&str], tracking| {
            let set: Vec<String> = set.iter().map(|s| (*s).to_owned()).collect();
            facts(&set, tracking)
        };
        let mailed = given(&["issue=speech", "issue=OT"], Some(" 7019 0700 ")).unwrap();
        assert_eq!(mailed["issue"], ["speech", "OT"]);
        assert_eq!(mailed["tracking"], ["7019 0700"]);
        assert_eq!(mailed["method"], ["certified-mail"]);
        let handed = given(&["method=hand-delivered"], Some("1")).unwrap();
        assert_eq!(handed["method"], ["hand-delivered"]);
        assert!(!given(&[], None).unwrap().contains_key("method"));
        assert!(matches!(
            given(&[], Some("  ")),
            Err(OpsError::BlankTracking)
        ));
        assert!(given(&["no equals sign"], None).is_err());
    }

    #[test]
    fn a_letter_without_a_known_sender_is_drafted_unsigned_and_says_whom_it_went_to() {
        let fx = Fixture::new();
        let (case, _lock) = fixture::open(&fx.root(), &fx.owner);
        let ws = Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            config: Default::default(),
        };
        let template = letters::template("records-request", None).unwrap();
        let drafted = draft(&ws, &case, request(&template, true)).unwrap();
        assert!(drafted.notes.unsigned);
        assert!(drafted.pdf.is_none());
        let (text, sent) = drafted.record.expect("recorded");
        assert!(text.contains("kind = \"request\""), "{text}");
        assert_eq!(sent.markdown.as_bytes(), drafted.main.as_slice());
        assert!(sent.typeset.is_empty());
        // Not recorded: nothing to keep. Addressed as asked: nothing to say about it.
        let mut asked = request(&template, false);
        asked.to = Some("Records custodian".into());
        let unrecorded = draft(&ws, &case, asked).unwrap();
        assert!(unrecorded.record.is_none());
        assert_eq!(unrecorded.notes.addressed_to, None);
        let markdown = String::from_utf8(unrecorded.main).unwrap();
        assert!(markdown.contains("Records custodian"), "{markdown}");
    }

    #[test]
    fn the_catalogue_is_a_table_of_what_each_template_writes() {
        let all = letters::catalog(None).unwrap();
        let text = catalog_text(&all, None, Paint::plain());
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(
            header.starts_with("TEMPLATE") && header.ends_with("FROM"),
            "{header}"
        );
        let row = lines.find(|l| l.starts_with("iee-request ")).unwrap();
        assert!(row.ends_with(" built in"), "{row}");
        assert_eq!(text.lines().count(), all.len() + 1);
        let narrow = catalog_text(&all, Some(60), Paint::plain());
        assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
    }
}
