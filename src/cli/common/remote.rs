//! Remote addresses as commands keep and show them.

use super::super::context::Ctx;
use super::super::error::CliError;

/// A remote address as it is kept: checked, and a folder made absolute because sync runs from
/// wherever the user stands. A folder with nothing in it yet is pointed out.
pub fn stored_url(ctx: &Ctx, url: &str) -> Result<String, CliError> {
    Ok(match iepcase::sync::check_remote_url(url)? {
        iepcase::sync::UrlKind::Path => {
            let path = absolute_folder(ctx, url);
            if !path.exists() {
                ctx.ui.warn(&format!(
                    "there is nothing at {} yet",
                    super::super::ui::printable(&path.display().to_string())
                ));
                ctx.ui.hint(&format!(
                    "make an empty repository there with `git init --bare {}` before `iepcase sync`",
                    path.display()
                ));
            }
            path.display().to_string()
        }
        _ => url.to_owned(),
    })
}

/// A folder address made absolute, without `.` and `..` steps.
pub fn absolute_folder(ctx: &Ctx, url: &str) -> std::path::PathBuf {
    iepcase::ops::remotes::absolute_folder(&ctx.cwd, url)
}

/// A URL with any password or token replaced by `***`.
pub fn hide_secret(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_hidden() {
        assert_eq!(
            super::hide_secret("https://pat:ghp_123@host/x.git"),
            "https://pat:***@host/x.git"
        );
        assert_eq!(super::hide_secret("git@host:me/x.git"), "git@host:me/x.git");
        assert_eq!(super::hide_secret("/srv/x.git"), "/srv/x.git");
    }
}
