//! Building a bundle with a progress display (`bundle`, `demo`).

use iepcase::bundle::{self, Bundle, Manifest};
use iepcase::ops;
use iepcase::store::Case;
use iepcase::workspace::Workspace;

use super::super::context::Ctx;
use super::super::error::CliError;
use super::super::ui::Progress;

/// From how many pages a bundle shows progress while it is typeset.
const PROGRESS_PAGES: usize = 100;

/// Builds and writes the bundle, with a spinner once it is long enough to wait for.
pub fn make(
    ctx: &Ctx,
    ws: &Workspace,
    case: &Case,
    request: &ops::bundle::Request<'_>,
) -> Result<(Bundle, Manifest), CliError> {
    let mut shown = Progress::hidden();
    let made = ops::bundle::make(ws, case, request, &mut |stage| {
        // Small bundles are done before a display would be read.
        if let bundle::Stage::Typesetting { pages } = stage
            && pages >= PROGRESS_PAGES
        {
            shown = ctx.ui.spinner(&format!("Typesetting about {pages} pages"));
        }
    });
    shown.finish();
    Ok(made?)
}
