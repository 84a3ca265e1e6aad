//! `iepcase bundle --purpose P --out DIR`: resolve the options, build, write, and report what
//! went in, what was left out and why.

use std::path::Path;

use iepcase::bundle::{self, Bundle, Manifest, Options};
use iepcase::rules::RuleSet;
use iepcase::store::Case;
use iepcase::workspace::Config;

use super::super::context::Ctx;
use super::super::error::CliError;
use super::super::ui::{Progress, Ui};
use super::BuildArgs;

pub fn run(ctx: &Ctx, args: BuildArgs) -> Result<(), CliError> {
    super::super::records::check_range(args.from, args.to)?;
    let purpose = args.purpose.expect("clap requires --purpose");
    let out = ctx.absolute(&args.out.expect("clap requires --out"));
    let case = ctx.open_case()?;
    let ws = ctx.workspace()?;
    // However it is spelled (`..`, a symbolic link), a bundle never goes into cases/.
    let cases = super::super::letter::output::resolved(&ws.cases_dir());
    if super::super::letter::output::resolved(&out)
        .strip_prefix(&cases)
        .is_ok_and(|inside| inside.components().count() > 0)
    {
        return Err(CliError::user(format!(
            "{} is inside the workspace's cases folder, which holds only encrypted files",
            out.display()
        ))
        .hint("write the bundle somewhere else: `--out ~/bundles/NAME`"));
    }
    let (_, meta) = case.meta()?;
    let bates = match (args.no_bates, args.bates) {
        (true, _) => None,
        (false, Some(prefix)) => Some(prefix),
        (false, None) => meta.bates_prefix.clone(),
    };
    let first = match &args.first {
        Some(prefix) => Some(case.resolve(prefix)?),
        None => None,
    };
    let options = Options {
        purpose,
        from: args.from,
        to: args.to,
        kinds: bundle::plan::dedup_kinds(&args.kinds),
        exhibit_prefix: args.exhibit_prefix,
        bates: bates.map(|b| b.trim_end_matches(['-', '_']).to_owned()),
        first,
        include_privileged: args.include_privileged,
        skip_broken: args.skip_broken,
        initials: args.initials,
        sections: args.sections,
    };
    let disclosure = super::disclose::check(args.disclosed_to.as_deref())?;
    let book = super::super::rules::rulebook(ctx)?;
    let rules = book
        .select(meta.state.as_deref().or(ws.config.state.as_deref()))
        .set;
    let (built, manifest) = make(
        &ctx.ui, &case, &ws.config, rules, &options, &out, args.force,
    )?;
    super::report::left_out(ctx, &built, purpose);
    let recorded = match disclosure {
        Some(with) => Some(super::disclose::record(
            ctx,
            &case,
            &manifest,
            with,
            args.on.unwrap_or_else(|| ctx.today()),
        )?),
        None => None,
    };
    if ctx.ui.json {
        ctx.ui.json(&BundleJson {
            manifest: &manifest,
            disclosure: recorded.as_ref(),
        })?;
    } else {
        let rows: Vec<Vec<String>> = manifest
            .exhibits
            .iter()
            .map(|e| {
                let pages = if e.pages[0] == e.pages[1] {
                    e.pages[0].to_string()
                } else {
                    format!("{}-{}", e.pages[0], e.pages[1])
                };
                vec![
                    e.label.clone(),
                    e.date.clone(),
                    e.kind.clone(),
                    pages,
                    e.title.clone(),
                ]
            })
            .collect();
        ctx.ui.out(
            &ctx.ui
                .fitted(&["EXHIBIT", "DATE", "KIND", "PAGES", "TITLE"], &[4], &rows),
        )?;
    }
    let exhibits = manifest.exhibits.len();
    ctx.ui.status(&format!(
        "Wrote the {} bundle of case `{}`: {exhibits} {}, {} pages, to {}",
        purpose.as_str(),
        case.slug(),
        if exhibits == 1 { "exhibit" } else { "exhibits" },
        manifest.pages,
        out.display()
    ));
    if let Some(d) = &built.disclosure {
        ctx.ui.status(&format!(
            "Disclose it by {} (five business days before the hearing on {}, 34 CFR 300.512(b))",
            d.due, d.hearing
        ));
    }
    if let Some(recorded) = &recorded {
        ctx.ui.status(&format!(
            "Recorded the disclosure to {} on {} as communication {} (manifest.json SHA-256 {})",
            recorded.with, recorded.date, recorded.id, recorded.manifest_sha256
        ));
    }
    ctx.ui.warn(
        "the bundle is NOT encrypted: share it only with the people it is for, and delete \
         copies you no longer need",
    );
    ctx.ui.hint(&format!(
        "check it later with `iepcase bundle verify {}`",
        out.display()
    ));
    Ok(())
}

/// From how many pages a bundle shows progress while it is typeset.
const PROGRESS_PAGES: usize = 100;

/// Builds the bundle of `case` with `options` and writes it to `out`; "prepared by" is the
/// workspace's advocate, else its commit author. The cover's dates come from `rules`, the
/// case's rule set, as `deadlines` computes them. An earlier bundle in `out` is replaced
/// only with `replace`.
pub fn make(
    ui: &Ui,
    case: &Case,
    config: &Config,
    rules: &RuleSet,
    options: &Options,
    out: &Path,
    replace: bool,
) -> Result<(Bundle, Manifest), CliError> {
    let prepared_by = config
        .advocate
        .as_ref()
        .and_then(|a| a.name.as_deref())
        .or(config.author.name.as_deref());
    let source = bundle::source(case, prepared_by)?;
    let mut shown = Progress::hidden();
    let built = bundle::build_with_progress(case, options, &source, rules, &mut |stage| {
        // Small bundles are done before a display would be read.
        if let bundle::Stage::Typesetting { pages } = stage
            && pages >= PROGRESS_PAGES
        {
            shown = ui.spinner(&format!("Typesetting about {pages} pages"));
        }
    })?;
    shown.finish();
    let manifest = bundle::write(&built, case, out, replace)?;
    Ok((built, manifest))
}

/// `bundle --json`: the manifest, and the disclosure recorded with `--disclosed-to` (which
/// is not part of `manifest.json`).
#[derive(serde::Serialize)]
struct BundleJson<'a> {
    #[serde(flatten)]
    manifest: &'a iepcase::bundle::Manifest,
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosure: Option<&'a super::disclose::Recorded>,
}
