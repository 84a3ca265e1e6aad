//! `iepcase check [--all] [--today D]`: procedural findings with citations and next steps;
//! exits 3 when any finding is a warning or an error.

use clap::Args;

use iepcase::check::{Finding, Severity};
use iepcase::json::FindingJson;
use iepcase::ops::{self, check::CaseFindings};
use iepcase::record::Date;

use super::context::Ctx;
use super::error::CliError;
use crate::cli::common::cases::{cases, rulebook, today, warn_fallback};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Every open case of the workspace, not just the selected one
    #[arg(long)]
    pub all: bool,
    /// Check as of DATE instead of today
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
}

pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<(), CliError> {
    let book = rulebook(ctx)?;
    let today = today(ctx, args.today);
    let (cases, failure) = cases(ctx, args.all)?;
    let results = ops::check::check(ctx.workspace()?, &cases, &book, today, !ctx.ui.json);
    for case in &results {
        if let Some(state) = &case.fallback_state {
            warn_fallback(ctx, &case.slug, state);
        }
    }
    let all = || {
        results
            .iter()
            .flat_map(|c| c.findings.iter().map(move |f| (&c.slug, f)))
    };
    if ctx.ui.json {
        let rows: Vec<FindingJson<'_>> = all().map(|(c, f)| FindingJson::new(c, f)).collect();
        ctx.ui.json(&rows)?;
    } else {
        show_text(ctx, &results, args.all, today)?;
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if all().any(|(_, f)| f.severity >= Severity::Warning) {
        return Err(CliError::found());
    }
    Ok(())
}

/// The findings as text, each with the facts its suggested letter still needs, and a count.
fn show_text(
    ctx: &Ctx,
    results: &[CaseFindings],
    all_cases: bool,
    today: Date,
) -> Result<(), CliError> {
    let mut out = String::new();
    for case in results {
        if all_cases && !case.findings.is_empty() {
            out.push_str(&format!("Case {}\n\n", case.slug));
        }
        for finding in &case.findings {
            let flags = case.needs_flags(finding);
            out.push_str(&render(ctx, finding, flags.as_deref()));
        }
    }
    ctx.ui.out(&out)?;
    ctx.ui
        .status(&ops::check::summary(results, all_cases, today));
    ctx.ui.status(
        "Not legal advice: each finding names its citation and how sure the rule is; check \
         it against the law.",
    );
    Ok(())
}

/// A finding as a short block: severity, code and record, the message wrapped, then the
/// citation and the next step.
fn render(ctx: &Ctx, f: &Finding, needs: Option<&str>) -> String {
    use anstyle::AnsiColor;
    let style = match f.severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
    };
    let label = ctx.ui.paint(style, &format!("{:<7}", f.severity.as_str()));
    let record = f
        .record
        .as_ref()
        .map_or(String::new(), |r| format!("  {r}"));
    let mut out = format!("{label} {}{record}\n", f.code);
    let width = ctx
        .ui
        .width()
        .map_or(92, |w| w.saturating_sub(2).clamp(40, 92));
    for line in wrap(&f.message, width) {
        out.push_str(&format!("  {line}\n"));
    }
    if let Some(cite) = &f.cite {
        let confidence = f.confidence.map_or(String::new(), |c| format!(" ({c})"));
        out.push_str(&format!("  cite: {cite}{confidence}\n"));
    }
    if let Some(next) = &f.next_step {
        out.push_str(&format!("  next: {next}\n"));
    }
    if let Some(needs) = needs {
        out.push_str(&format!(
            "        needs {needs} (run it to see what each is)\n"
        ));
    }
    out.push('\n');
    out
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("starts with one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}
