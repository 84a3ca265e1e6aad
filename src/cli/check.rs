//! `iepcase check [--all] [--today D]`: procedural findings with citations and next steps;
//! exits 3 when any finding is a warning or an error.

use clap::Args;
use std::collections::HashMap;

use iepcase::check::{Finding, Input, Severity, check_linked};
use iepcase::json::FindingJson;
use iepcase::letters::{self, LetterError, LetterInput};
use iepcase::record::Date;

use super::context::Ctx;
use super::error::CliError;
use super::rules::{CaseFacts, cases, rulebook, today};

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
    let mut results: Vec<(String, Vec<Finding>)> = Vec::new();
    // For text output: the facts each suggested letter will ask for, by case and next step.
    let mut needs: HashMap<(String, String), String> = HashMap::new();
    let mut templates: HashMap<String, Option<letters::Template>> = HashMap::new();
    for case in &cases {
        let rules = case.rules(ctx, &book);
        // Links are inferred once, for the deadlines and the findings alike.
        let linked = iepcase::links::link(&case.records);
        let deadlines = iepcase::rules::deadlines_of(&linked, &case.meta, rules, today);
        let input = Input {
            records: &case.records,
            meta: &case.meta,
            rules,
            deadlines: &deadlines,
            today,
        };
        let findings = check_linked(&input, &linked);
        if !ctx.ui.json {
            let by_id: HashMap<&str, &iepcase::store::StoredRecord> =
                case.records.iter().map(|r| (r.id.as_str(), r)).collect();
            for step in findings.iter().filter_map(|f| f.next_step.as_deref()) {
                let key = (case.slug.clone(), step.to_owned());
                if needs.contains_key(&key) {
                    continue;
                }
                if let Some(flags) =
                    letter_needs(ctx, &mut templates, case, &by_id, rules, step, today)
                {
                    needs.insert(key, flags);
                }
            }
        }
        results.push((case.slug.clone(), findings));
    }
    let all = || {
        results
            .iter()
            .flat_map(|(c, f)| f.iter().map(move |f| (c, f)))
    };
    if ctx.ui.json {
        let rows: Vec<FindingJson<'_>> = all().map(|(c, f)| FindingJson::new(c, f)).collect();
        ctx.ui.json(&rows)?;
    } else {
        let mut out = String::new();
        for (case, findings) in &results {
            if args.all && !findings.is_empty() {
                out.push_str(&format!("Case {case}\n\n"));
            }
            for finding in findings {
                let need = finding
                    .next_step
                    .as_ref()
                    .and_then(|step| needs.get(&(case.clone(), step.clone())));
                out.push_str(&render(ctx, finding, need.map(String::as_str)));
            }
        }
        ctx.ui.out(&out)?;
        let count = |s| all().filter(|(_, f)| f.severity == s).count();
        let (errors, warnings, notes) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        let scope = if args.all {
            format!("{} case(s)", results.len())
        } else {
            results
                .first()
                .map_or(String::new(), |(c, _)| format!("case `{c}`"))
        };
        if errors + warnings + notes == 0 {
            ctx.ui
                .status(&format!("No findings for {scope} as of {today}"));
        } else {
            ctx.ui.status(&format!(
                "{errors} error(s), {warnings} warning(s), {notes} note(s) for {scope} as of {today}"
            ));
        }
        ctx.ui.status(
            "Not legal advice: each finding names its citation and how sure the rule is; check \
             it against the law.",
        );
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if all().any(|(_, f)| f.severity >= Severity::Warning) {
        return Err(CliError::found());
    }
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

/// The `--set` flags a suggested `iepcase letter NAME [--for ID]` step will ask for, because
/// the case does not hold those facts: `--set issue=… --set resolution=…`.
fn letter_needs(
    ctx: &Ctx,
    templates: &mut HashMap<String, Option<letters::Template>>,
    case: &CaseFacts,
    by_id: &HashMap<&str, &iepcase::store::StoredRecord>,
    rules: &iepcase::rules::RuleSet,
    step: &str,
    today: iepcase::record::Date,
) -> Option<String> {
    let mut words = step.strip_prefix("iepcase letter ")?.split_whitespace();
    let name = words.next()?;
    let for_id = match (words.next(), words.next()) {
        (Some("--for"), Some(id)) => Some(id),
        _ => None,
    };
    let ws = ctx.workspace().ok()?;
    let template = templates
        .entry(name.to_owned())
        .or_insert_with(|| letters::template(name, Some(&ws.root)).ok())
        .as_ref()?;
    let input = LetterInput {
        date: today,
        time: None,
        to: None,
        facts: Default::default(),
        for_record: for_id.and_then(|id| by_id.get(id).copied()),
        meta: &case.meta,
        // Signed as `letter` would sign it by default.
        signing: letters::signing(
            None,
            ws.config.advocate.as_ref(),
            super::letter::advocate(ws),
            &case.meta,
            Vec::new(),
        )
        .ok()?,
        rules: Some(rules),
    };
    // The facts are gathered before anything is rendered: a missing one is found cheaply.
    match input.data(template) {
        Err(LetterError::MissingFacts { missing, .. }) => Some(
            missing
                .iter()
                .map(|need| format!("--set {}=…", need.name))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
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
