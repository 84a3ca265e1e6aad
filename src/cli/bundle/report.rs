//! What `bundle` tells the user besides the exhibit table: the records left out and why,
//! and the attachments that became placeholder pages or copies.

use iepcase::bundle::{Bundle, Exclusion, Notice, Purpose};

use super::super::context::Ctx;

/// One stderr line per reason a record was left out, and one per notice.
pub fn left_out(ctx: &Ctx, built: &Bundle, purpose: Purpose) {
    let reasons = [
        Exclusion::Privileged,
        Exclusion::MediationConfidential,
        Exclusion::Conflict,
        Exclusion::Broken,
    ];
    for why in reasons {
        let ids: Vec<&str> = built
            .excluded
            .iter()
            .filter(|e| e.why == why)
            .map(|e| e.id.as_str())
            .collect();
        if !ids.is_empty() {
            let records = if ids.len() == 1 { "record" } else { "records" };
            ctx.ui.status(&format!(
                "Left out {} {records} ({}): {}",
                ids.len(),
                ids.join(", "),
                why.reason(purpose)
            ));
        }
    }
    if built.filtered_out > 0 {
        ctx.ui.status(&format!(
            "Left out {} records outside --from/--to/--kind",
            built.filtered_out
        ));
    }
    for (id, date, title) in &built.upcoming {
        ctx.ui.status(&format!(
            "Listed on the cover, not bound: upcoming meeting {id} ({date}, {title}); pin it \
             with `--first {id}` to bind it"
        ));
    }
    for notice in &built.notices {
        tell(ctx, notice);
    }
}

/// What one notice of the bundle tells: an attachment not printed as it is, or a choice
/// iepcase made.
fn tell(ctx: &Ctx, notice: &Notice) {
    match notice {
        Notice::Skipped { id, name, problem } => ctx.ui.warn(&format!(
            "attachment `{name}` of record {id} is a placeholder page: {problem}"
        )),
        Notice::Copied { id, name, file } => ctx.ui.warn(&format!(
            "attachment `{name}` of record {id} cannot be printed: copied as {file} with a \
             placeholder page (convert it to PDF to show its pages)"
        )),
        Notice::FirstOutsideFilters { id } => ctx.ui.status(&format!(
            "Exhibit 1 is record {id}, as asked, though it is outside --from/--to/--kind"
        )),
        Notice::InitialsDerived { initials } => ctx.ui.status(&format!(
            "The case has no `initials`, so the child is printed as {initials}, from the \
             name (set others with `iepcase case edit --set initials=…`)"
        )),
        Notice::MayNameChild { id, name } => ctx.ui.warn(&format!(
            "attachment `{name}` of record {id} is bound as it is: iepcase does not rewrite \
             attached files, so it may still carry the child's name"
        )),
        Notice::NamesChild { id, name } => ctx.ui.warn(&format!(
            "attachment `{name}` of record {id} names the child in its text, so it is left \
             out (a placeholder page says so): redact a copy, attach it and detach the \
             original to include it"
        )),
    }
}
