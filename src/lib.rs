//! iepcase: encrypted, git-backed case files for special-education advocates and parents.
//!
//! The library holds everything but the command line (`src/cli/`, declared from `main.rs`):
//! it never prints, never exits, and takes every input, the current time included, from its
//! caller.
//!
//! | module | owns |
//! |---|---|
//! | [`workspace`] | `iepcase.toml`, the `cases/` folder, discovery, case selection, identity path |
//! | [`clock`] | the moment a command runs at, and the date and time of day where the user is |
//! | [`check`] | procedural checks: findings with codes, severities, citations and next steps |
//! | [`crypto`] | identities, recipients, the case key (`.iepcase/case-key.age`), age encryption |
//! | [`store`] | one case: `records/k/3/<id>.age`, `attachments/7/c/<mac>.age`, `case.age`, `.iepcase/manifest`, transactions, trust, lock, cache, fsck |
//! | [`sync`] | remotes, clone, fetch / record-level merge / push, conflict copies |
//! | [`git`] | libgit2 plumbing: bare case repositories, tree splicing, commits, history |
//! | [`diff`] | semantic IEP diffs and field-by-field record diffs, rendered as text or Markdown |
//! | [`prep`] | the checklist for the days before a meeting: drafts, concerns, recording notice, asks, ladder |
//! | [`timeline`] | the chronological view of a case, deadlines interleaved |
//! | [`search`] | case-insensitive full-text search over decrypted records |
//! | [`record`] | the 17 record kinds and case metadata, strict parsing, editing, JSON Schemas (`schemas/`) |
//! | [`letters`] | letter templates (`templates/`, overridable per workspace), rendering, the record a letter becomes |
//! | [`links`] | links people leave out (`refuses`, `responds_to`, `meeting`), inferred from the case, and what cannot be |
//! | [`rules`] | deadline rules (`rules/*.toml`, embedded; `<workspace>/rules/*.toml`), calendars, deadlines, iCalendar |
//! | [`example`] | the built-in example case (`examples/case/`) used by `demo`, docs and tests |
//! | [`import`] | e-mails, mbox files, PDFs and images read from the user's files and drafted as records |
//! | [`mail`] | e-mail messages and mbox files, read with `mail-parser` (import, bundles) |
//! | [`json`] | the documents commands print with `--json` (docs/json.md), as views of the reports |
//! | [`bundle`] | evidence bundles written where the user asks: `bundle.pdf`, `index.html`, `index.md`, `exhibits/`, `manifest.json` |
//! | [`atomic`] | atomic file writes and the temporary files Ctrl-C must remove |
//! | [`synth`] | synthetic cases for benchmarks |

pub mod atomic;
pub mod bundle;
pub mod check;
pub mod clock;
pub mod crypto;
pub mod diff;
pub mod example;
pub mod git;
pub mod import;
pub mod json;
pub mod letters;
pub mod links;
pub mod mail;
pub mod markdown;
pub mod ops;
pub mod prep;
pub mod record;
pub mod rules;
pub mod search;
pub mod store;
pub mod sync;
pub mod synth;
pub mod text;
pub mod timeline;
pub mod typeset;
pub mod workspace;
