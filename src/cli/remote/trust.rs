//! `iepcase remote trust REMOTE|URL [--fingerprint SHA256:…]`: show an SSH server's host key,
//! and trust it once its fingerprint is the one the host publishes.

use clap::Args;
use iepcase::ops::remotes;
use iepcase::sync::transport;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// A remote of the case (such as origin), an SSH address, or a host (git.example.org,
    /// 127.0.0.1:2222)
    pub remote: String,
    /// The fingerprint the host publishes (SHA256:…): the key is trusted only if it matches
    #[arg(long)]
    pub fingerprint: Option<String>,
}

pub fn run(ctx: &Ctx, args: TrustArgs) -> Result<(), CliError> {
    let url = match remotes::trust_address(&args.remote) {
        Some(url) => url,
        None => ctx.open_case()?.remote_url(&args.remote)?,
    };
    let access = crate::cli::common::access::access()?;
    let Some(fingerprint) = args.fingerprint else {
        let (key, verdict) = transport::host_key(&url, &access)?;
        let (line, notices, ending) = remotes::host_key_report(url, key, verdict);
        ctx.ui.out(&line)?;
        ctx.ui.notices(&notices);
        return ending.map_err(CliError::from);
    };
    let (key, trusted) = transport::trust_host(&url, &fingerprint, &access)?;
    ctx.ui.notices(&remotes::trusted_notices(&key, &trusted));
    Ok(())
}
