//! Letters: the written requests and notices that build the paper trail (SPEC section 10).
//!
//! A template is a Markdown file with a TOML front matter between `+++` lines that says what
//! the letter is (`title`, the rule it invokes and its `cite`, the record it becomes, the facts
//! it needs), then the body, rendered with minijinja. Built-in templates live in `templates/`
//! and are compiled in; `<workspace>/templates/<name>.md` overrides one. Record text only ever
//! reaches a template as data: it is never parsed as template code.

mod addressee;
mod context;
mod docx;
mod layout;
mod pdf;
mod record;
mod signer;
mod timing;
mod wording;

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::record::parse::{did_you_mean, parse_with_shape};
use crate::record::schema::Shape;
use crate::record::{Date, Kind, RecordError};

pub use addressee::AddressedTo;
pub use context::{LetterInput, long_date};
pub use docx::letter_docx;
pub use layout::{Block, Frame, Part, plain_text};
pub use pdf::letter_pdf;
pub use record::record_text;
pub use signer::{Signer, SignerError, Signing, case_parent, signing};
pub use timing::{NoticeTiming, notice_hours};

/// The built-in templates, in the order `letter --list` shows them.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "records-request",
        include_str!("../../templates/records-request.md"),
    ),
    (
        "evaluation-request",
        include_str!("../../templates/evaluation-request.md"),
    ),
    (
        "iep-meeting-request",
        include_str!("../../templates/iep-meeting-request.md"),
    ),
    (
        "parent-concerns",
        include_str!("../../templates/parent-concerns.md"),
    ),
    (
        "recording-notice",
        include_str!("../../templates/recording-notice.md"),
    ),
    (
        "pwn-request",
        include_str!("../../templates/pwn-request.md"),
    ),
    (
        "iee-request",
        include_str!("../../templates/iee-request.md"),
    ),
    (
        "compensatory-services-request",
        include_str!("../../templates/compensatory-services-request.md"),
    ),
    (
        "facilitation-request",
        include_str!("../../templates/facilitation-request.md"),
    ),
    (
        "mediation-request",
        include_str!("../../templates/mediation-request.md"),
    ),
    (
        "state-complaint",
        include_str!("../../templates/state-complaint.md"),
    ),
    (
        "due-process-complaint",
        include_str!("../../templates/due-process-complaint.md"),
    ),
    (
        "draft-documents-request",
        include_str!("../../templates/draft-documents-request.md"),
    ),
];

/// What a template says about itself, in its front matter.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterSpec {
    /// The letter's subject; also the title of the record it becomes.
    pub title: String,
    /// Other subjects, chosen by a fact's value: `[titles.type] reevaluation = "Request for
    /// a reevaluation"` titles the letter so when `--set type=reevaluation` is given.
    #[serde(default)]
    pub titles: BTreeMap<String, BTreeMap<String, String>>,
    /// One line for `letter --list`.
    pub description: String,
    /// The kind of record the letter becomes: `request`, `notice` or `complaint`.
    pub record: Kind,
    /// That record's `type`, such as `pwn` or `recording`.
    #[serde(rename = "type")]
    pub record_type: String,
    /// The rule the letter invokes, with its citation.
    pub cite: String,
    /// How sure the rule is (`confirmed`, `secondary`, `unconfirmed`).
    #[serde(default = "confirmed")]
    pub confidence: String,
    /// The rule the letter invokes in a state that has its own, by two-letter code
    /// (`[states.MS]`): it replaces `cite` and `confidence` for a case in that state.
    #[serde(default)]
    pub states: BTreeMap<String, StateAuthority>,
    /// Kinds of record `--for` may name.
    #[serde(default)]
    pub for_kinds: Vec<Kind>,
    /// Whom the letter goes to without `--to`: the district (default) or the state; the
    /// case contact whose role fits is chosen.
    #[serde(default)]
    pub addressed_to: AddressedTo,
    /// Facts the letter cannot be written without.
    #[serde(default)]
    pub needs: Vec<Need>,
    /// Whether the letter asks for papers to be sent to the signer's address (a warning says
    /// when the signer has none).
    #[serde(default)]
    pub reply_address: bool,
}

fn confirmed() -> String {
    "confirmed".into()
}

/// The rule a letter invokes in one state, from its template's `[states.XX]` table.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateAuthority {
    /// The state's rule, with its citation.
    pub cite: String,
    /// How sure the rule is (`confirmed`, `secondary`, `unconfirmed`).
    #[serde(default = "confirmed")]
    pub confidence: String,
}

/// The rule a letter invokes for one case, and how sure it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authority<'a> {
    pub cite: &'a str,
    pub confidence: &'a str,
}

impl LetterSpec {
    /// The letter's subject for the facts given: the first `[titles.FACT]` entry whose
    /// value a fact has (compared without case or surrounding spaces), else `title`.
    pub fn title_for(&self, facts: &BTreeMap<String, Vec<String>>) -> &str {
        self.titles
            .iter()
            .find_map(|(name, by_value)| {
                let given = facts.get(name)?;
                given.iter().find_map(|value| {
                    by_value
                        .iter()
                        .find(|(v, _)| v.trim().eq_ignore_ascii_case(value.trim()))
                        .map(|(_, title)| title.as_str())
                })
            })
            .unwrap_or(&self.title)
    }

    /// The rule the letter invokes for a case in `state`: the state's own when the template
    /// names one, else its `cite` (which must then hold for any state).
    pub fn authority(&self, state: Option<&str>) -> Authority<'_> {
        let own = state.and_then(|code| {
            self.states
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(code.trim()))
        });
        match own {
            Some((_, s)) => Authority {
                cite: &s.cite,
                confidence: &s.confidence,
            },
            None => Authority {
                cite: &self.cite,
                confidence: &self.confidence,
            },
        }
    }
}

/// A fact a letter needs.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Need {
    /// The fact's name: `--set NAME=VALUE` gives it.
    pub name: String,
    /// What it is, for the error that asks for it ("the date of the meeting").
    pub what: String,
    /// Places in the letter's data to take it from when not given, such as `about.date`.
    #[serde(default)]
    pub from: Vec<String>,
    /// An example value for the error message.
    #[serde(default)]
    pub example: Option<String>,
}

/// A template: its spec and body, and where it came from.
#[derive(Clone, Debug)]
pub struct Template {
    pub name: String,
    /// `templates/pwn-request.md` (built in) or the workspace file's path.
    pub origin: String,
    pub builtin: bool,
    pub spec: LetterSpec,
    body: String,
    /// The line of the file the body starts on, for error messages.
    body_line: usize,
}

/// Errors finding, reading or rendering a letter.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("there is no letter template `{name}`")]
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
    #[error("{origin} has no front matter: it must start with a line `+++`")]
    NoFrontMatter { origin: String },
    #[error(transparent)]
    Spec(#[from] RecordError),
    #[error("{origin}: `[states.{state}]` does not name a state by its two-letter code")]
    UnknownState { origin: String, state: String },
    #[error("{origin}:{line}: {message}")]
    Template {
        origin: String,
        line: usize,
        message: String,
        /// A built-in template's error is iepcase's bug, not the user's to fix.
        builtin: bool,
    },
    #[error("the {template} letter needs {}", missing.iter().map(|m| m.what.as_str()).collect::<Vec<_>>().join("; "))]
    MissingFacts {
        template: String,
        missing: Vec<Need>,
    },
    #[error(
        "the {template} letter answers {} {expected}, and {id} is {} {found}",
        crate::record::article(expected),
        crate::record::article(found)
    )]
    WrongFor {
        template: String,
        id: String,
        expected: String,
        found: String,
    },
    #[error(
        "the recording notice is dated {letter}, on or after the meeting it gives notice of ({meeting})"
    )]
    NoticeAfterMeeting { letter: Date, meeting: Date },
    #[error("{name} `{value}` is not {expected}")]
    BadFact {
        name: String,
        value: String,
        expected: &'static str,
        example: &'static str,
    },
    #[error("cannot set the letter as {format}: {message}")]
    Typeset {
        format: &'static str,
        message: String,
    },
    #[error("cannot read {}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn spec_shape() -> &'static Shape {
    static SHAPE: std::sync::OnceLock<Shape> = std::sync::OnceLock::new();
    SHAPE.get_or_init(|| {
        let mut settings = schemars::generate::SchemaSettings::draft07();
        settings.inline_subschemas = true;
        Shape::from_schema(
            &settings
                .into_generator()
                .root_schema_for::<LetterSpec>()
                .to_value(),
        )
    })
}

impl Template {
    /// Parses a template file.
    pub fn parse(
        name: &str,
        origin: &str,
        text: &str,
        builtin: bool,
    ) -> Result<Template, LetterError> {
        let no_front = || LetterError::NoFrontMatter {
            origin: origin.to_owned(),
        };
        let rest = text
            .strip_prefix("+++\n")
            .or_else(|| text.strip_prefix("+++\r\n"))
            .ok_or_else(no_front)?;
        let end = rest.find("\n+++").ok_or_else(no_front)?;
        let front = &rest[..end + 1];
        let after = &rest[end + 4..];
        let body = after
            .strip_prefix('\n')
            .or_else(|| after.strip_prefix("\r\n"))
            .unwrap_or(after);
        // One line in front for the opening `+++`, so errors give the file's line numbers.
        let spec: LetterSpec = parse_with_shape(
            &format!("\n{front}"),
            origin,
            "letter template front matter",
            spec_shape(),
        )?;
        if let Some(state) = spec
            .states
            .keys()
            .find(|code| code.len() != 2 || crate::record::state_name(code).is_none())
        {
            return Err(LetterError::UnknownState {
                origin: origin.to_owned(),
                state: state.clone(),
            });
        }
        let body_line = front.lines().count() + 3;
        Ok(Template {
            name: name.to_owned(),
            origin: origin.to_owned(),
            builtin,
            spec,
            body: body.to_owned(),
            body_line,
        })
    }

    /// Whether the letter is a notice of intent to record, which must come before its meeting.
    pub fn is_recording_notice(&self) -> bool {
        self.spec.record == Kind::Notice && self.spec.record_type == "recording"
    }

    /// Renders the letter, ready to be set in any format.
    pub fn letter(&self, input: &LetterInput<'_>) -> Result<Letter, LetterError> {
        Ok(Letter {
            markdown: self.render(input)?,
            frame: Frame::of(input),
            title: self.spec.title_for(&input.facts).to_owned(),
            author: input.signing.name().to_owned(),
            date: input.date,
        })
    }

    /// Renders the letter as Markdown.
    pub fn render(&self, input: &LetterInput<'_>) -> Result<String, LetterError> {
        let data = input.data(self)?;
        let mut env = minijinja::Environment::new();
        // Printing a missing value is an error (a typo in a template shows), testing one is not.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        env.set_keep_trailing_newline(true);
        env.add_filter("long_date", |value: String| {
            long_date(&value).unwrap_or(value)
        });
        wording::add_filters(&mut env);
        let error = |e: minijinja::Error| {
            let line = e.line().map_or(self.body_line, |l| l + self.body_line - 1);
            let mut message = e
                .detail()
                .map_or_else(|| e.kind().to_string(), String::from);
            if let minijinja::ErrorKind::UndefinedError = e.kind() {
                let used = e.range().and_then(|r| self.body.get(r)).map(str::trim);
                message = match used {
                    Some(expr) if !expr.is_empty() => format!("`{expr}` is not set"),
                    _ => format!("{message}: a variable the template uses is not set"),
                };
            }
            LetterError::Template {
                origin: self.origin.clone(),
                line,
                message,
                builtin: self.builtin,
            }
        };
        let text = env
            .render_named_str(&self.origin, &self.body, data)
            .map_err(error)?;
        Ok(tidy(&text))
    }
}

/// The formats a letter is written in (`letter --format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Text,
    Docx,
    Pdf,
}

impl Format {
    /// Every format, as `--format` names it.
    pub const NAMES: [&str; 4] = ["md", "txt", "docx", "pdf"];

    /// The format named `md`, `txt`, `docx` or `pdf`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "md" => Some(Format::Markdown),
            "txt" => Some(Format::Text),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    /// Its name, which is also the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Text => "txt",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// The format to write: `given`, else the one `out`'s extension names, else Markdown. A
    /// format the extension contradicts comes back as `Err((given, named))`.
    pub fn choose(
        given: Option<Format>,
        out: Option<&std::path::Path>,
    ) -> Result<Format, (Format, Format)> {
        let named = out
            .and_then(|p| p.extension())
            .and_then(|e| Format::from_name(&e.to_string_lossy().to_lowercase()));
        match (given, named) {
            (Some(given), Some(named)) if given != named => Err((given, named)),
            (Some(format), _) | (None, Some(format)) => Ok(format),
            (None, None) => Ok(Format::Markdown),
        }
    }

    /// Whether it is not text (not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Docx | Format::Pdf)
    }

    /// What it is, for messages ("a Word document").
    pub fn describe(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Text => "plain text",
            Format::Docx => "a Word document",
            Format::Pdf => "a PDF",
        }
    }
}

/// A rendered letter: its Markdown and the parts iepcase wrote, to set it in any format.
#[derive(Clone, Debug)]
pub struct Letter {
    pub markdown: String,
    pub frame: Frame,
    pub title: String,
    pub author: String,
    pub date: Date,
}

impl Letter {
    /// Its blocks: letterhead, date, addressee, subject, body, closing, signature, copies.
    pub fn blocks(&self) -> Vec<Block> {
        layout::blocks(&self.markdown, &self.frame)
    }

    /// As plain text, wrapped at 72 columns, with no Markdown marks.
    pub fn text(&self) -> String {
        plain_text(&self.blocks(), 72)
    }

    /// As a typeset PDF.
    pub fn pdf(&self) -> Result<Vec<u8>, crate::typeset::TypesetError> {
        letter_pdf(&self.blocks(), &self.title, &self.author, self.date)
    }

    /// As a Word document.
    pub fn docx(&self) -> Result<Vec<u8>, std::io::Error> {
        letter_docx(&self.blocks(), &self.title, self.date)
    }

    /// The letter in `format`.
    pub fn bytes(&self, format: Format) -> Result<Vec<u8>, LetterError> {
        let failed = |e: String| LetterError::Typeset {
            format: format.describe(),
            message: e,
        };
        match format {
            Format::Markdown => Ok(self.markdown.clone().into_bytes()),
            Format::Text => Ok(self.text().into_bytes()),
            Format::Docx => self.docx().map_err(|e| failed(e.to_string())),
            Format::Pdf => self.pdf().map_err(|e| failed(e.to_string())),
        }
    }
}

/// Collapses runs of blank lines that conditional blocks leave behind.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(&wording::single_periods(line.trim_end()));
        out.push('\n');
    }
    out.trim_start_matches('\n').to_owned()
}

/// One entry of the template catalogue: a template, or why its file does not parse.
pub struct Listing {
    pub name: String,
    /// `templates/pwn-request.md` (built in) or the workspace file's path.
    pub origin: String,
    pub builtin: bool,
    pub template: Result<Template, LetterError>,
}

/// Every template: built in, or overridden by `<workspace>/templates/<name>.md`, plus any
/// other `.md` file there. A file that does not parse is listed with its error.
pub fn catalog(workspace: Option<&Path>) -> Result<Vec<Listing>, LetterError> {
    let mut all: Vec<Listing> = BUILT_IN
        .iter()
        .map(|(name, text)| {
            let origin = format!("templates/{name}.md");
            Listing {
                name: (*name).to_owned(),
                template: Template::parse(name, &origin, text, true),
                origin,
                builtin: true,
            }
        })
        .collect();
    let Some(dir) = workspace
        .map(|w| w.join("templates"))
        .filter(|d| d.is_dir())
    else {
        return Ok(all);
    };
    let entries = fs_err::read_dir(&dir).map_err(|source| LetterError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        let origin = path.display().to_string();
        let template = fs_err::read_to_string(&path)
            .map_err(|source| LetterError::Io {
                path: path.clone(),
                source,
            })
            .and_then(|text| Template::parse(&name, &origin, &text, false));
        let listing = Listing {
            name: name.clone(),
            origin,
            builtin: false,
            template,
        };
        match all.iter_mut().find(|l| l.name == name) {
            Some(slot) => *slot = listing,
            None => all.push(listing),
        }
    }
    Ok(all)
}

/// Every template, failing on the first that does not parse.
pub fn templates(workspace: Option<&Path>) -> Result<Vec<Template>, LetterError> {
    catalog(workspace)?
        .into_iter()
        .map(|l| l.template)
        .collect()
}

/// The template called `name`.
pub fn template(name: &str, workspace: Option<&Path>) -> Result<Template, LetterError> {
    let all = catalog(workspace)?;
    let suggestion = did_you_mean(name, all.iter().map(|l| l.name.as_str())).map(String::from);
    match all.into_iter().find(|l| l.name == name) {
        Some(listing) => listing.template,
        None => Err(LetterError::Unknown {
            name: name.to_owned(),
            suggestion,
        }),
    }
}

#[cfg(test)]
mod tests;
