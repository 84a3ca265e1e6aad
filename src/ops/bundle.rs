//! `bundle`: check where it goes, build it with the case's rules, write it, and record its
//! disclosure when asked.

use std::path::Path;

use crate::bundle::{self, Bundle, Manifest, Options, Stage, disclosed};
use crate::git::CommitContext;
use crate::record::{CaseMeta, Date, RecordId, parse_record};
use crate::store::{Case, CaseLock};
use crate::workspace::Workspace;

use crate::text::{Paint, Table};

use super::{Notice, OpsError};

/// The Bates prefix a bundle is stamped with: none with `--no-bates`, else `--bates`, else
/// the case's `bates_prefix`; without the dash or underscore a stamp adds itself.
pub fn bates_prefix(meta: &CaseMeta, given: Option<String>, none: bool) -> Option<String> {
    if none {
        return None;
    }
    given
        .or_else(|| meta.bates_prefix.clone())
        .map(|b| b.trim_end_matches(['-', '_']).to_owned())
}

/// Refuses an output folder inside `cases/` (or `cases/` itself), however it is spelled: a
/// bundle is plaintext.
pub fn check_out(ws: &Workspace, out: &Path) -> Result<(), OpsError> {
    if super::output::inside_cases(ws, out, 0) {
        return Err(OpsError::InsideCases {
            path: out.to_owned(),
        });
    }
    Ok(())
}

/// Checks `--disclosed-to` before anything is built: one line naming someone.
pub fn recipient(who: &str) -> Result<String, OpsError> {
    let who = who.trim();
    if who.is_empty() || who.chars().any(char::is_control) {
        return Err(OpsError::BadRecipient);
    }
    Ok(who.to_owned())
}

/// A bundle to build.
pub struct Request<'a> {
    pub options: &'a Options,
    /// The folder to write it to (absolute).
    pub out: &'a Path,
    /// An earlier bundle in `out` may be replaced.
    pub replace: bool,
}

/// Builds the bundle of `case` and writes it; "prepared by" is the workspace's advocate,
/// else its commit author, and the cover's dates come from the case's rules, as `deadlines`
/// computes them. `on_stage` hears how far it has got.
pub fn make(
    ws: &Workspace,
    case: &Case,
    request: &Request<'_>,
    on_stage: &mut dyn FnMut(Stage),
) -> Result<(Bundle, Manifest), OpsError> {
    check_out(ws, request.out)?;
    let (_, meta) = case.meta()?;
    let book = ws.rulebook()?;
    let rules = ws.rules_for(&meta, &book);
    let config = &ws.config;
    let prepared_by = config
        .advocate
        .as_ref()
        .and_then(|a| a.name.as_deref())
        .or(config.author.name.as_deref());
    let source = bundle::source(case, prepared_by)?;
    let built = bundle::build_with_progress(case, request.options, &source, rules.set, on_stage)?;
    let manifest = bundle::write(&built, case, request.out, request.replace)?;
    Ok((built, manifest))
}

/// A disclosure, recorded; serialized, the `disclosure` of `bundle --json`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Recorded {
    #[serde(rename = "record", serialize_with = "crate::json::display")]
    pub id: RecordId,
    pub with: String,
    #[serde(serialize_with = "crate::json::display")]
    pub date: Date,
    pub manifest_sha256: String,
}

/// Records that the bundle of `manifest` was disclosed to `with` on `date`: a
/// `communication` record carrying the manifest's SHA-256, in one commit.
pub fn record_disclosure(
    case: &Case,
    lock: &CaseLock,
    manifest: &Manifest,
    with: String,
    date: Date,
    context: &CommitContext,
) -> Result<Recorded, OpsError> {
    let text = disclosed::record_text(manifest, &with, date);
    parse_record(&text, "the disclosure's record")?;
    let id = RecordId::generate();
    let mut tx = case.transaction(lock);
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), context)?;
    Ok(Recorded {
        id,
        with,
        date,
        manifest_sha256: disclosed::manifest_sha256(manifest),
    })
}

/// A bundle written, as its user is told of it.
#[derive(Clone, Copy, Debug)]
pub struct Written<'a> {
    pub slug: &'a str,
    pub purpose: bundle::Purpose,
    pub out: &'a Path,
    pub exhibits: usize,
    pub pages: usize,
    /// The last day to disclose it, for a due-process bundle with a hearing on record.
    pub disclosure: Option<&'a bundle::Disclosure>,
    pub recorded: Option<&'a Recorded>,
}

impl Written<'_> {
    /// What to tell once the bundle is written: what it holds and where, the disclosure
    /// deadline and record, and that it is not encrypted.
    pub fn notices(&self) -> Vec<Notice> {
        let exhibits = self.exhibits;
        let mut notices = vec![Notice::Status(format!(
            "Wrote the {} bundle of case `{}`: {exhibits} {}, {} pages, to {}",
            self.purpose.as_str(),
            self.slug,
            if exhibits == 1 { "exhibit" } else { "exhibits" },
            self.pages,
            self.out.display()
        ))];
        if let Some(d) = self.disclosure {
            notices.push(Notice::Status(format!(
                "Disclose it by {} (five business days before the hearing on {}, 34 CFR 300.512(b))",
                d.due, d.hearing
            )));
        }
        if let Some(recorded) = self.recorded {
            notices.push(Notice::Status(format!(
                "Recorded the disclosure to {} on {} as communication {} (manifest.json SHA-256 {})",
                recorded.with, recorded.date, recorded.id, recorded.manifest_sha256
            )));
        }
        notices.push(Notice::Warning(
            "the bundle is NOT encrypted: share it only with the people it is for, and delete \
             copies you no longer need"
                .into(),
        ));
        notices.push(Notice::Hint(format!(
            "check it later with `iepcase bundle verify {}`",
            self.out.display()
        )));
        notices
    }
}

/// The exhibits of a bundle as a table, a row each with its label, date, kind, pages
/// (one page, or the first and last) and title; titles wrap to fit `width` when there is
/// one.
pub fn exhibits_text(
    exhibits: &[bundle::ManifestExhibit],
    width: Option<usize>,
    paint: Paint,
) -> String {
    let mut table = Table::new(&["EXHIBIT", "DATE", "KIND", "PAGES", "TITLE"]).flexible(&[4]);
    for e in exhibits {
        let pages = match e.pages[0] == e.pages[1] {
            true => e.pages[0].to_string(),
            false => format!("{}-{}", e.pages[0], e.pages[1]),
        };
        let row = [&e.label, &e.date, &e.kind, &pages, &e.title];
        table.row(row.into_iter().cloned().collect());
    }
    table.render(width, paint)
}

/// What a bundle built has to tell besides its exhibits: the records left out and why, the
/// upcoming meetings listed on the cover, and each notice of the build.
pub fn left_out_notices(built: &Bundle, purpose: bundle::Purpose) -> Vec<Notice> {
    let mut notices = exclusions(&built.excluded, purpose);
    if built.filtered_out > 0 {
        notices.push(Notice::Status(format!(
            "Left out {} records outside --from/--to/--kind",
            built.filtered_out
        )));
    }
    for (id, date, title) in &built.upcoming {
        notices.push(Notice::Status(format!(
            "Listed on the cover, not bound: upcoming meeting {id} ({date}, {title}); pin it \
             with `--first {id}` to bind it"
        )));
    }
    notices.extend(built.notices.iter().map(build_notice));
    notices
}

/// One line per reason records were left out, naming them.
fn exclusions(excluded: &[bundle::plan::Excluded], purpose: bundle::Purpose) -> Vec<Notice> {
    use bundle::plan::Exclusion;
    let reasons = [
        Exclusion::Privileged,
        Exclusion::MediationConfidential,
        Exclusion::Conflict,
        Exclusion::Broken,
    ];
    let mut notices = Vec::new();
    for why in reasons {
        let ids: Vec<&str> = (excluded.iter())
            .filter(|e| e.why == why)
            .map(|e| e.id.as_str())
            .collect();
        if !ids.is_empty() {
            let records = if ids.len() == 1 { "record" } else { "records" };
            notices.push(Notice::Status(format!(
                "Left out {} {records} ({}): {}",
                ids.len(),
                ids.join(", "),
                why.reason(purpose)
            )));
        }
    }
    notices
}

/// What one notice of the build tells: an attachment not printed as it is, or a choice
/// iepcase made.
fn build_notice(notice: &bundle::Notice) -> Notice {
    use bundle::Notice as B;
    match notice {
        B::Skipped { id, name, problem } => Notice::Warning(format!(
            "attachment `{name}` of record {id} is a placeholder page: {problem}"
        )),
        B::Copied { id, name, file } => Notice::Warning(format!(
            "attachment `{name}` of record {id} cannot be printed: copied as {file} with a \
             placeholder page (convert it to PDF to show its pages)"
        )),
        B::FirstOutsideFilters { id } => Notice::Status(format!(
            "Exhibit 1 is record {id}, as asked, though it is outside --from/--to/--kind"
        )),
        B::InitialsDerived { initials } => Notice::Status(format!(
            "The case has no `initials`, so the child is printed as {initials}, from the \
             name (set others with `iepcase case edit --set initials=…`)"
        )),
        B::MayNameChild { id, name } => Notice::Warning(format!(
            "attachment `{name}` of record {id} is bound as it is: iepcase does not rewrite \
             attached files, so it may still carry the child's name"
        )),
        B::NamesChild { id, name } => Notice::Warning(format!(
            "attachment `{name}` of record {id} names the child in its text, so it is left \
             out (a placeholder page says so): redact a copy, attach it and detach the \
             original to include it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_left_out_are_named_once_per_reason() {
        use bundle::plan::{Excluded, Exclusion};
        let left = |id: &str, why| Excluded {
            id: RecordId::parse(id).unwrap(),
            why,
        };
        let excluded = [
            left("x760srq3ep", Exclusion::Conflict),
            left("0sahk8ww6n", Exclusion::Privileged),
            left("ttnaq2b4kd", Exclusion::Privileged),
        ];
        let told = exclusions(&excluded, bundle::Purpose::DueProcess);
        assert_eq!(told.len(), 2);
        assert!(
            matches!(&told[0], Notice::Status(s)
                if s.starts_with("Left out 2 records (0sahk8ww6n, ttnaq2b4kd): privileged")),
            "{told:?}"
        );
        assert!(
            matches!(&told[1], Notice::Status(s) if s.starts_with("Left out 1 record (x760srq3ep)"))
        );
        assert!(exclusions(&[], bundle::Purpose::DueProcess).is_empty());
    }

    #[test]
    fn an_attachment_that_may_name_the_child_is_a_warning_and_derived_initials_a_status() {
        let id = RecordId::parse("x760srq3ep").unwrap();
        let may = build_notice(&bundle::Notice::MayNameChild {
            id: id.clone(),
            name: "scan.jpg".into(),
        });
        assert!(
            matches!(may, Notice::Warning(w) if w.starts_with("attachment `scan.jpg` of record x760srq3ep"))
        );
        let initials = build_notice(&bundle::Notice::InitialsDerived {
            initials: "E.Q.".into(),
        });
        assert!(matches!(initials, Notice::Status(s) if s.contains("printed as E.Q.")));
    }

    #[test]
    fn a_written_bundle_says_what_it_holds_and_that_it_is_not_encrypted() {
        let written = Written {
            slug: "eq-2025",
            purpose: bundle::Purpose::DueProcess,
            out: Path::new("out"),
            exhibits: 1,
            pages: 4,
            disclosure: None,
            recorded: None,
        };
        let told = written.notices();
        assert_eq!(told.len(), 3);
        assert!(
            matches!(&told[0], Notice::Status(s) if s.contains(": 1 exhibit, 4 pages, to out")),
            "{told:?}"
        );
        assert!(matches!(&told[1], Notice::Warning(w) if w.contains("NOT encrypted")));
        assert_eq!(
            told[2],
            Notice::Hint("check it later with `iepcase bundle verify out`".into())
        );

        let date = |d: &str| d.parse::<Date>().unwrap();
        let due = bundle::Disclosure {
            hearing: date("2026-12-14"),
            record: RecordId::parse("x760srq3ep").unwrap(),
            due: date("2026-12-07"),
        };
        let recorded = Recorded {
            id: RecordId::parse("0sahk8ww6n").unwrap(),
            with: "District counsel".into(),
            date: date("2026-12-01"),
            manifest_sha256: "ab12".into(),
        };
        let told = Written {
            exhibits: 3,
            disclosure: Some(&due),
            recorded: Some(&recorded),
            ..written
        }
        .notices();
        assert_eq!(told.len(), 5);
        assert!(matches!(&told[0], Notice::Status(s) if s.contains(": 3 exhibits,")));
        assert!(
            matches!(&told[1], Notice::Status(s) if s.starts_with("Disclose it by 2026-12-07"))
        );
        assert!(matches!(&told[2], Notice::Status(s) if s.contains("communication 0sahk8ww6n")));
    }

    #[test]
    fn each_exhibit_is_a_row_with_its_pages() {
        let exhibit = |label: &str, pages: [usize; 2], title: &str| bundle::ManifestExhibit {
            number: 1,
            label: label.into(),
            record: "x760srq3ep".into(),
            date: "2026-05-04".into(),
            kind: "iep".into(),
            record_type: None,
            title: title.into(),
            pages,
            bates: None,
            file: format!("exhibits/{label}.pdf"),
            sha256: String::new(),
            attachments: Vec::new(),
            withheld: Vec::new(),
        };
        let exhibits = [
            exhibit("P-1", [3, 3], "Annual IEP"),
            exhibit("P-2", [4, 7], "Amended IEP"),
        ];
        assert_eq!(
            exhibits_text(&exhibits, None, Paint::plain()),
            "EXHIBIT  DATE        KIND  PAGES  TITLE
\
             P-1      2026-05-04  iep   3      Annual IEP
\
             P-2      2026-05-04  iep   4-7    Amended IEP
"
        );
    }
}
