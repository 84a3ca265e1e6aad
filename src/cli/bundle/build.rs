//! `iepcase bundle --purpose P --out DIR`: resolve the options, build, write, and report what
//! went in, what was left out and why.

use iepcase::bundle::{self, Options};
use iepcase::ops;

use super::super::context::Ctx;
use super::super::error::CliError;
use super::BuildArgs;

pub fn run(ctx: &Ctx, args: BuildArgs) -> Result<(), CliError> {
    crate::cli::common::args::check_range(args.from, args.to)?;
    let purpose = args.purpose.expect("clap requires --purpose");
    let out = ctx.absolute(args.out.as_deref().expect("clap requires --out"));
    let ws = ctx.workspace()?;
    ops::bundle::check_out(ws, &out)?;
    let case = ctx.open_case()?;
    let options = options(&case, &args, purpose)?;
    let disclosure = args
        .disclosed_to
        .as_deref()
        .map(ops::bundle::recipient)
        .transpose()?;
    let request = ops::bundle::Request {
        options: &options,
        out: &out,
        replace: args.force,
    };
    let (built, manifest) = crate::cli::common::bundle::make(ctx, ws, &case, &request)?;
    ctx.ui
        .notices(&ops::bundle::left_out_notices(&built, purpose));
    let recorded = match disclosure {
        Some(with) => {
            let (case, lock) = ctx.open_slug_locked(case.slug(), "bundle")?;
            let date = args.on.unwrap_or_else(|| ctx.today());
            Some(ops::bundle::record_disclosure(
                &case,
                &lock,
                &manifest,
                with,
                date,
                &ctx.commit_context()?,
            )?)
        }
        None => None,
    };
    report(
        ctx,
        case.slug(),
        purpose,
        &out,
        &built,
        &manifest,
        recorded.as_ref(),
    )
}

/// The bundle's options from the flags and the case (its Bates prefix, its first exhibit).
fn options(
    case: &iepcase::store::Case,
    args: &BuildArgs,
    purpose: bundle::Purpose,
) -> Result<Options, CliError> {
    let (_, meta) = case.meta()?;
    let first = match &args.first {
        Some(prefix) => Some(case.resolve(prefix)?),
        None => None,
    };
    Ok(Options {
        purpose,
        from: args.from,
        to: args.to,
        kinds: bundle::plan::dedup_kinds(&args.kinds),
        exhibit_prefix: args.exhibit_prefix.clone(),
        bates: ops::bundle::bates_prefix(&meta, args.bates.clone(), args.no_bates),
        first,
        include_privileged: args.include_privileged,
        skip_broken: args.skip_broken,
        initials: args.initials,
        sections: args.sections,
    })
}

/// What `bundle` tells the user once the bundle is written: the exhibits (or the manifest
/// as JSON), the disclosure deadline and record, and that the bundle is not encrypted.
fn report(
    ctx: &Ctx,
    slug: &str,
    purpose: bundle::Purpose,
    out: &std::path::Path,
    built: &bundle::Bundle,
    manifest: &bundle::Manifest,
    recorded: Option<&ops::bundle::Recorded>,
) -> Result<(), CliError> {
    if ctx.ui.json {
        ctx.ui.json(&iepcase::json::BundleJson {
            manifest,
            disclosure: recorded,
        })?;
    } else {
        let text = ops::bundle::exhibits_text(&manifest.exhibits, ctx.ui.width(), ctx.ui.painter());
        ctx.ui.out(&text)?;
    }
    let written = ops::bundle::Written {
        slug,
        purpose,
        out,
        exhibits: manifest.exhibits.len(),
        pages: manifest.pages,
        disclosure: built.disclosure.as_ref(),
        recorded,
    };
    ctx.ui.notices(&written.notices());
    Ok(())
}
