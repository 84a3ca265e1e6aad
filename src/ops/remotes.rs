//! `remote add`: where a case's remote is kept, and one remote for every case at once.

use std::path::{Path, PathBuf};

use crate::sync::known_hosts::Verdict;
use crate::sync::transport::Trusted;
use crate::sync::{HostKey, RemoteAdded, SyncError, UrlKind};
use crate::workspace::Workspace;

use crate::json::{RemoteAddedJson, RemoteJson};
use crate::text::{Paint, Table};

use super::diagnosis::Diagnosis;
use super::{Notice, OpsError};

/// A folder address made absolute against `cwd`, without `.` and `..` steps: sync runs from
/// wherever the user stands. Worked out on the text, as the folder may not exist yet.
pub fn absolute_folder(cwd: &Path, url: &str) -> PathBuf {
    crate::record::refs::lexical(&cwd.join(url))
}

/// What adding a remote did to one case.
#[derive(Debug)]
pub struct Added {
    pub slug: String,
    /// The case's address: the template with its slug, a folder made absolute.
    pub url: String,
    pub result: Result<RemoteAdded, SyncError>,
}

/// Adds remote `name` to every case of the workspace, at `template` with `{slug}` replaced
/// by each case's slug; a case that already has it at that address is left as it is, and
/// one that fails does not stop the others.
pub fn add_all(
    ws: &Workspace,
    name: &str,
    template: &str,
    cwd: &Path,
) -> Result<Vec<Added>, OpsError> {
    if !template.contains("{slug}") {
        return Err(OpsError::NoSlugInTemplate {
            template: template.to_owned(),
        });
    }
    let slugs = ws.case_slugs()?;
    if slugs.is_empty() {
        return Err(OpsError::NoCases);
    }
    Ok(slugs
        .into_iter()
        .map(|slug| {
            let mut url = template.replace("{slug}", &slug);
            if let Ok(UrlKind::Path) = crate::sync::check_remote_url(&url) {
                url = absolute_folder(cwd, &url).display().to_string();
            }
            let result = crate::sync::add_remote_in(&ws.case_dir(&slug), name, &url);
            Added { slug, url, result }
        })
        .collect())
}

/// A remote address as it is kept: checked, and a folder made absolute against `cwd`
/// because sync runs from wherever the user stands; a folder with nothing in it yet is
/// pointed out.
pub fn stored_url(cwd: &Path, url: &str) -> Result<(String, Vec<Notice>), SyncError> {
    if crate::sync::check_remote_url(url)? != UrlKind::Path {
        return Ok((url.to_owned(), Vec::new()));
    }
    let path = absolute_folder(cwd, url);
    let mut notices = Vec::new();
    if !path.exists() {
        notices.push(Notice::Warning(format!(
            "there is nothing at {} yet",
            path.display()
        )));
        notices.push(Notice::Hint(format!(
            "make an empty repository there with `git init --bare {}` before `iepcase sync`",
            path.display()
        )));
    }
    Ok((path.display().to_string(), notices))
}

/// The address a case is cloned from: a relative folder kept as [`stored_url`] keeps it,
/// any other address checked and taken as it is.
pub fn clone_url(cwd: &Path, url: &str) -> Result<(String, Vec<Notice>), SyncError> {
    match crate::sync::check_remote_url(url)? {
        UrlKind::Path if !Path::new(url).is_absolute() => stored_url(cwd, url),
        _ => Ok((url.to_owned(), Vec::new())),
    }
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

/// The table of a case's remotes, each address with its secret hidden, fitting `width`.
pub fn render_list(remotes: &[(String, String)], width: Option<usize>, paint: Paint) -> String {
    let mut table = Table::new(&["NAME", "URL"]).flexible(&[1]);
    for (name, url) in remotes {
        table.row(vec![name.clone(), hide_secret(url)]);
    }
    table.render(width, paint)
}

/// The rows of `remote list --json`.
pub fn list_json(remotes: &[(String, String)]) -> Vec<RemoteJson<'_>> {
    remotes
        .iter()
        .map(|(name, url)| RemoteJson {
            name,
            url: hide_secret(url),
        })
        .collect()
}

/// What to tell when a case has no remote.
pub fn no_remote_notices() -> Vec<Notice> {
    vec![
        Notice::Status("No remotes".into()),
        Notice::Hint("add one with `iepcase remote add origin URL`".into()),
    ]
}

/// What `remote add --all` did to each case, as its STATUS column says it: `added`,
/// `already there`, or the error.
pub fn status(result: &Result<RemoteAdded, Diagnosis>) -> String {
    match result {
        Ok(RemoteAdded::New) => "added".to_owned(),
        Ok(RemoteAdded::AlreadyThere) => "already there".to_owned(),
        Err(e) => e.message.clone(),
    }
}

/// Remote `name` added to every case, each case's failure put in the words the user is
/// told.
#[derive(Debug)]
pub struct AddedAll {
    /// The remote's name.
    pub name: String,
    /// Each case, its remote's address, and what adding it did.
    pub cases: Vec<(String, String, Result<RemoteAdded, Diagnosis>)>,
}

impl AddedAll {
    /// What [`add_all`] did, its errors in words.
    pub fn of(name: &str, added: Vec<Added>) -> AddedAll {
        let cases = added
            .into_iter()
            .map(|a| (a.slug, a.url, a.result.map_err(Diagnosis::from)))
            .collect();
        AddedAll {
            name: name.to_owned(),
            cases,
        }
    }

    /// The rows of `remote add --all --json`.
    pub fn json_rows(&self) -> Vec<RemoteAddedJson<'_>> {
        self.cases
            .iter()
            .map(|(slug, url, result)| RemoteAddedJson {
                case: slug,
                url: hide_secret(url),
                status: status(result),
            })
            .collect()
    }

    /// The table of cases with their addresses (secrets hidden) and what happened, fitting
    /// `width`.
    pub fn render(&self, width: Option<usize>, paint: Paint) -> String {
        let mut table = Table::new(&["CASE", "URL", "STATUS"]).flexible(&[1, 2]);
        for (slug, url, result) in &self.cases {
            table.row(vec![slug.clone(), hide_secret(url), status(result)]);
        }
        table.render(width, paint)
    }

    /// The line counting the cases that got the remote.
    pub fn notices(&self) -> Vec<Notice> {
        vec![Notice::Status(format!(
            "Remote `{}` set for {} of {} cases",
            self.name,
            self.cases.len() - self.failures(),
            self.cases.len()
        ))]
    }

    fn failures(&self) -> usize {
        self.cases.iter().filter(|(_, _, r)| r.is_err()).count()
    }

    /// The failure to end with when some cases did not get the remote (with the first
    /// failure's hints), else the hint to sync.
    pub fn ending(&self) -> Result<Vec<Notice>, Diagnosis> {
        let first = self.cases.iter().find_map(|(_, _, r)| r.as_ref().err());
        let Some(first) = first else {
            return Ok(vec![Notice::Hint(
                "send every case there with `iepcase sync --all` (the repositories must exist on the server)".into(),
            )]);
        };
        let mut failure = Diagnosis::fixable(format!(
            "{} of {} cases did not get remote `{}`",
            self.failures(),
            self.cases.len(),
            self.name
        ));
        failure.hints = first.hints.clone();
        Err(failure)
    }
}

/// The address `remote trust` looks at for `given`: an SSH address as it is, a host (with
/// its port) as an address with no user or path, since only its key is looked at; `None`
/// when `given` names a remote of the case.
pub fn trust_address(given: &str) -> Option<String> {
    if given.contains("://") || given.contains('@') {
        Some(given.to_owned())
    } else if given.contains(['.', ':']) {
        Some(format!("ssh://{given}/"))
    } else {
        None
    }
}

/// What trusting `key` did, in one line.
pub fn trusted_notices(key: &HostKey, trusted: &Trusted) -> Vec<Notice> {
    let (kind, host, fingerprint) = (key.key_type(), key.host_entry(), key.fingerprint());
    vec![Notice::Status(match trusted {
        Trusted::Added(file) => format!(
            "Trusted the {kind} key of {host} ({fingerprint}) in {}",
            file.display()
        ),
        Trusted::AlreadyKnown => {
            format!("The {kind} key of {host} ({fingerprint}) was already trusted")
        }
    })]
}

/// What `remote trust` without a fingerprint tells of the host `key` at `url`: the line for
/// stdout (host, type and fingerprint), what to say beside it, and the failure to end with
/// when the key is not trusted (not compared yet, changed or revoked).
pub fn host_key_report(
    url: String,
    key: HostKey,
    verdict: Verdict,
) -> (String, Vec<Notice>, Result<(), Diagnosis>) {
    let line = format!(
        "{} {} {}\n",
        key.host_entry(),
        key.key_type(),
        key.fingerprint()
    );
    let changed = |file, line, revoked| {
        let e = SyncError::HostKeyChanged {
            url,
            key: key.clone(),
            file,
            line,
            revoked,
        };
        Err(Diagnosis::from(e))
    };
    match verdict {
        Verdict::Known => (
            line,
            vec![Notice::Status("This key is already trusted".into())],
            Ok(()),
        ),
        Verdict::Unknown => {
            let hint = format!(
                "compare it with the fingerprint your host publishes; if they match, run `iepcase remote trust {} --fingerprint {}`",
                key.address(),
                key.fingerprint()
            );
            let failure = Diagnosis::fixable(format!(
                "not trusted yet: the host key of {} was not compared",
                key.host_entry()
            ));
            (line, vec![Notice::Hint(hint)], Err(failure))
        }
        Verdict::Changed { file, line: at } => (line, Vec::new(), changed(file, at, false)),
        Verdict::Revoked { file, line: at } => (line, Vec::new(), changed(file, at, true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_made_absolute_without_dot_steps() {
        let cwd = Path::new("/home/me/work");
        assert_eq!(
            absolute_folder(cwd, "../backup/./c1.git"),
            PathBuf::from("/home/me/backup/c1.git")
        );
        assert_eq!(
            absolute_folder(cwd, "/srv/git/c1.git"),
            PathBuf::from("/srv/git/c1.git")
        );
    }

    #[test]
    fn a_template_without_slug_is_refused_before_any_case_is_touched() {
        let ws = Workspace {
            root: PathBuf::from("/nonexistent"),
            config: Default::default(),
        };
        let refused = add_all(&ws, "origin", "git@host:team/all.git", Path::new("/"));
        assert!(matches!(refused, Err(OpsError::NoSlugInTemplate { .. })));
    }

    #[test]
    fn tokens_are_hidden() {
        assert_eq!(
            hide_secret("https://pat:ghp_123@host/x.git"),
            "https://pat:***@host/x.git"
        );
        assert_eq!(hide_secret("git@host:me/x.git"), "git@host:me/x.git");
        assert_eq!(hide_secret("/srv/x.git"), "/srv/x.git");
    }

    #[test]
    fn a_folder_with_nothing_in_it_yet_is_pointed_out() {
        let cwd = Path::new("/nonexistent/work");
        let (url, notices) = stored_url(cwd, "../c1.git").unwrap();
        assert_eq!(url, "/nonexistent/c1.git");
        assert_eq!(
            notices[0],
            Notice::Warning("there is nothing at /nonexistent/c1.git yet".into())
        );
        let (url, notices) = stored_url(cwd, "git@host:me/c1.git").unwrap();
        assert_eq!((url.as_str(), notices.len()), ("git@host:me/c1.git", 0));
        let (url, notices) = clone_url(cwd, "/srv/../c1.git").unwrap();
        assert_eq!((url.as_str(), notices.len()), ("/srv/../c1.git", 0));
    }

    #[test]
    fn remotes_are_listed_with_their_secrets_hidden() {
        let remotes = vec![
            (
                "origin".to_string(),
                "https://me:token@host/c.git".to_string(),
            ),
            ("backup".to_string(), "/srv/c.git".to_string()),
        ];
        let text = render_list(&remotes, None, Paint::plain());
        assert_eq!(
            text,
            "NAME    URL\norigin  https://me:***@host/c.git\nbackup  /srv/c.git\n"
        );
        assert_eq!(text, render_list(&remotes, None, Paint::new(true)));
        assert_eq!(list_json(&remotes)[0].url, "https://me:***@host/c.git");
    }

    #[test]
    fn adding_to_every_case_shows_each_status_and_counts_the_failures() {
        let added = vec![
            Added {
                slug: "eq".into(),
                url: "https://me:token@host/eq.git".into(),
                result: Ok(RemoteAdded::New),
            },
            Added {
                slug: "mk".into(),
                url: "/srv/mk.git".into(),
                result: Ok(RemoteAdded::AlreadyThere),
            },
        ];
        let all = AddedAll::of("origin", added);
        assert_eq!(
            all.render(None, Paint::plain()),
            "CASE  URL                         STATUS\n\
             eq    https://me:***@host/eq.git  added\n\
             mk    /srv/mk.git                 already there\n"
        );
        assert_eq!(
            all.notices(),
            [Notice::Status(
                "Remote `origin` set for 2 of 2 cases".into()
            )]
        );
        assert!(all.ending().is_ok());
        let mut failed = all;
        failed.cases[1].2 = Err(Diagnosis::fixable("refused"));
        let failure = failed.ending().unwrap_err();
        assert_eq!(failure.message, "1 of 2 cases did not get remote `origin`");
        assert_eq!(failed.json_rows()[1].status, "refused");
    }

    #[test]
    fn trust_looks_at_addresses_and_hosts_and_leaves_remote_names_to_the_case() {
        assert_eq!(
            trust_address("git@host:me/c.git").as_deref(),
            Some("git@host:me/c.git")
        );
        assert_eq!(
            trust_address("127.0.0.1:2222").as_deref(),
            Some("ssh://127.0.0.1:2222/")
        );
        assert_eq!(trust_address("origin"), None);
    }

    #[test]
    fn a_host_key_not_compared_yet_says_how_to_trust_it() {
        let key = HostKey {
            host: "git.example.org".into(),
            port: 2222,
            blob: [&[0, 0, 0, 11][..], b"ssh-ed25519", &[1, 2, 3]].concat(),
        };
        let fingerprint = key.fingerprint();
        let (line, notices, ending) = host_key_report(
            "ssh://git.example.org:2222/".into(),
            key.clone(),
            Verdict::Unknown,
        );
        assert_eq!(
            line,
            format!("[git.example.org]:2222 ssh-ed25519 {fingerprint}\n")
        );
        assert!(
            matches!(&notices[..], [Notice::Hint(h)] if h.contains("--fingerprint SHA256:")),
            "{notices:?}"
        );
        assert_eq!(
            ending.unwrap_err().message,
            "not trusted yet: the host key of [git.example.org]:2222 was not compared"
        );
        let (_, notices, ending) = host_key_report(String::new(), key.clone(), Verdict::Known);
        assert_eq!(
            notices,
            [Notice::Status("This key is already trusted".into())]
        );
        assert!(ending.is_ok());
        assert_eq!(
            trusted_notices(&key, &Trusted::AlreadyKnown),
            [Notice::Status(format!(
                "The ssh-ed25519 key of [git.example.org]:2222 ({fingerprint}) was already trusted"
            ))]
        );
    }
}
