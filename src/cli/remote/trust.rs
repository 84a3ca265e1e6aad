//! `iepcase remote trust REMOTE|URL [--fingerprint SHA256:…]`: show an SSH server's host key,
//! and trust it once its fingerprint is the one the host publishes.

use clap::Args;

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
    let url = if args.remote.contains("://") || args.remote.contains('@') {
        args.remote.clone()
    } else if args.remote.contains(['.', ':']) {
        // A host, with its port: only its key is looked at, so no user or path is needed.
        format!("ssh://{}/", args.remote)
    } else {
        let case = ctx.open_case()?;
        case.remote_url(&args.remote)?
    };
    let access = crate::cli::common::access::access()?;
    let Some(fingerprint) = args.fingerprint else {
        return show_key(ctx, url, &access);
    };
    let (key, trusted) = iepcase::sync::transport::trust_host(&url, &fingerprint, &access)?;
    match trusted {
        iepcase::sync::transport::Trusted::Added(file) => ctx.ui.status(&format!(
            "Trusted the {} key of {} ({}) in {}",
            key.key_type(),
            key.host_entry(),
            key.fingerprint(),
            file.display()
        )),
        iepcase::sync::transport::Trusted::AlreadyKnown => ctx.ui.status(&format!(
            "The {} key of {} ({}) was already trusted",
            key.key_type(),
            key.host_entry(),
            key.fingerprint()
        )),
    }
    Ok(())
}

/// Without `--fingerprint`: the host's key, and whether it is trusted yet.
fn show_key(ctx: &Ctx, url: String, access: &iepcase::sync::Access<'_>) -> Result<(), CliError> {
    let (key, verdict) = iepcase::sync::transport::host_key(&url, access)?;
    ctx.ui.out(&format!(
        "{} {} {}\n",
        key.host_entry(),
        key.key_type(),
        key.fingerprint()
    ))?;
    match verdict {
        iepcase::sync::known_hosts::Verdict::Known => {
            ctx.ui.status("This key is already trusted");
            Ok(())
        }
        iepcase::sync::known_hosts::Verdict::Unknown => {
            ctx.ui.hint(&format!(
                "compare it with the fingerprint your host publishes; if they match, run `iepcase remote trust {} --fingerprint {}`",
                key.address(),
                key.fingerprint()
            ));
            Err(CliError::user(format!(
                "not trusted yet: the host key of {} was not compared",
                key.host_entry()
            )))
        }
        iepcase::sync::known_hosts::Verdict::Changed { file, line } => {
            Err(iepcase::sync::SyncError::HostKeyChanged {
                url,
                key,
                file,
                line,
                revoked: false,
            }
            .into())
        }
        iepcase::sync::known_hosts::Verdict::Revoked { file, line } => {
            Err(iepcase::sync::SyncError::HostKeyChanged {
                url,
                key,
                file,
                line,
                revoked: true,
            }
            .into())
        }
    }
}
