//! The workspace: `iepcase.toml`, the `cases/` folder, discovery, case selection and where the
//! identity file lives (SPEC sections 2 and 3).
//!
//! The workspace config is plaintext and must hold no child data: only the default state, the
//! commit author, the identity path, default recipients and the advocate's own letterhead.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::record::RecordError;
use crate::record::parse::{did_you_mean, parse_with_shape};
use crate::record::schema::Shape;

mod advice;

/// The workspace config file name.
pub const CONFIG_FILE: &str = "iepcase.toml";
/// The folder holding one git repository per case.
pub const CASES_DIR: &str = "cases";
/// The local file naming the current case (`iepcase case use`): beside the config, local to
/// this computer, holding a slug and no case data.
pub const CURRENT_CASE_FILE: &str = ".current-case";

/// `iepcase.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Config {
    /// Default two-letter state for new cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Path of the identity file (relative paths are relative to the workspace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Public keys every new case is shared with, besides your own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Who commits are attributed to.
    #[serde(default)]
    pub author: Author,
    /// Your details for letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advocate: Option<Advocate>,
}

/// The commit author.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Author {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The advocate or parent who signs letters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advocate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// Errors finding or reading a workspace and selecting a case.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("no iepcase workspace found in {} or any folder above it", start.display())]
    NotFound { start: PathBuf },
    #[error("{} is not an iepcase workspace (it has no {CONFIG_FILE})", path.display())]
    NotAWorkspace { path: PathBuf },
    #[error("{} already holds an iepcase workspace", path.display())]
    AlreadyExists { path: PathBuf },
    #[error(transparent)]
    Config(#[from] RecordError),
    #[error("cannot read or write {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no case selected")]
    NoCaseSelected { available: Vec<String> },
    #[error("no case `{slug}` in this workspace")]
    UnknownCase {
        slug: String,
        suggestion: Option<String>,
        available: Vec<String>,
    },
    #[error("`{prefix}` is the start of several cases: {}", matches.join(", "))]
    AmbiguousCase {
        prefix: String,
        matches: Vec<String>,
    },
    #[error("the current case `{slug}` (set with `iepcase case use`) is not in this workspace")]
    StaleCurrentCase { slug: String },
    #[error("case `{slug}` already exists")]
    CaseExists { slug: String },
    #[error("`{slug}` cannot name a case: {reason}")]
    BadSlug { slug: String, reason: &'static str },
    #[error("{} is inside the cases folder of the workspace in {}", path.display(), workspace.display())]
    InsideCases { path: PathBuf, workspace: PathBuf },
}

/// The machine facts identity resolution needs, gathered by the caller.
#[derive(Clone, Debug, Default)]
pub struct KeyEnv {
    /// `$IEPCASE_IDENTITY`.
    pub identity: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`.
    pub xdg_config_home: Option<PathBuf>,
    /// `$HOME`.
    pub home: Option<PathBuf>,
}

impl KeyEnv {
    /// `$XDG_CONFIG_HOME/iepcase/identity.txt`, else `~/.config/iepcase/identity.txt`.
    pub fn default_identity_path(&self) -> PathBuf {
        let base = match (&self.xdg_config_home, &self.home) {
            (Some(xdg), _) if xdg.is_absolute() => xdg.clone(),
            (_, Some(home)) => home.join(".config"),
            _ => PathBuf::from(".config"),
        };
        base.join("iepcase").join("identity.txt")
    }

    /// Expands a leading `~/`.
    pub fn expand(&self, path: &str) -> PathBuf {
        match (path.strip_prefix("~/"), &self.home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(path),
        }
    }
}

/// An open workspace.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

fn config_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(|| {
        let mut settings = schemars::generate::SchemaSettings::draft07();
        settings.inline_subschemas = true;
        let schema = settings
            .into_generator()
            .root_schema_for::<Config>()
            .to_value();
        Shape::from_schema(&schema)
    })
}

impl Workspace {
    /// Who commits, and when: the workspace's `[author]`, with a stand-in for what it does
    /// not set (commits need a name and an e-mail), at `time` (seconds since the epoch).
    pub fn commit_context(&self, time: i64) -> crate::git::CommitContext {
        let author = &self.config.author;
        crate::git::CommitContext {
            name: author.name.clone().unwrap_or_else(|| "iepcase user".into()),
            email: author
                .email
                .clone()
                .unwrap_or_else(|| "iepcase@localhost".into()),
            time,
        }
    }

    /// Opens the workspace at `explicit` (from `-w` or `$IEPCASE_WORKSPACE`), else searches
    /// upward from `cwd` for `iepcase.toml`.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Workspace, WorkspaceError> {
        if let Some(dir) = explicit {
            let dir = absolute(cwd, dir);
            if !dir.join(CONFIG_FILE).is_file() {
                return Err(WorkspaceError::NotAWorkspace { path: dir });
            }
            return Self::open(&dir);
        }
        let mut dir = Some(cwd);
        while let Some(d) = dir {
            if d.join(CONFIG_FILE).is_file() {
                return Self::open(d);
            }
            dir = d.parent();
        }
        Err(WorkspaceError::NotFound {
            start: cwd.to_owned(),
        })
    }

    /// Opens the workspace rooted at `root`.
    pub fn open(root: &Path) -> Result<Workspace, WorkspaceError> {
        let path = root.join(CONFIG_FILE);
        let text = fs_err::read_to_string(&path).map_err(|source| WorkspaceError::Io {
            path: path.clone(),
            source,
        })?;
        let config = parse_with_shape(
            &text,
            &path.display().to_string(),
            "workspace config",
            config_shape(),
        )?;
        Ok(Workspace {
            root: root.to_owned(),
            config,
        })
    }

    /// Creates a workspace in `root` with `config`.
    pub fn create(root: &Path, config: &Config) -> Result<Workspace, WorkspaceError> {
        let path = root.join(CONFIG_FILE);
        if path.exists() {
            return Err(WorkspaceError::AlreadyExists {
                path: root.to_owned(),
            });
        }
        // A workspace inside another's cases/ would sit in (or beside) a case repository and
        // hide it from case selection.
        if let Some(workspace) = root
            .ancestors()
            .skip(1)
            .find(|a| a.join(CONFIG_FILE).is_file() && root.starts_with(a.join(CASES_DIR)))
        {
            return Err(WorkspaceError::InsideCases {
                path: root.to_owned(),
                workspace: workspace.to_owned(),
            });
        }
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| WorkspaceError::Io { path, source }
        };
        fs_err::create_dir_all(root.join(CASES_DIR)).map_err(io(&root.join(CASES_DIR)))?;
        crate::atomic::write(&path, render_config(config).as_bytes(), None).map_err(io(&path))?;
        Ok(Workspace {
            root: root.to_owned(),
            config: config.clone(),
        })
    }

    /// The folder holding the case repositories.
    pub fn cases_dir(&self) -> PathBuf {
        self.root.join(CASES_DIR)
    }

    /// The folder of case `slug`.
    pub fn case_dir(&self, slug: &str) -> PathBuf {
        self.cases_dir().join(slug)
    }

    /// Every case in the workspace, sorted by slug.
    pub fn case_slugs(&self) -> Result<Vec<String>, WorkspaceError> {
        let dir = self.cases_dir();
        let entries = match fs_err::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(WorkspaceError::Io { path: dir, source }),
        };
        let mut slugs: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join(".git").exists())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|s| validate_slug(s).is_ok())
            .collect();
        slugs.sort();
        Ok(slugs)
    }

    /// The case `given` names: the case of that slug, else the only case whose slug starts
    /// with it.
    pub fn resolve_slug(&self, given: &str) -> Result<String, WorkspaceError> {
        let available = self.case_slugs()?;
        if available.iter().any(|s| s == given) {
            return Ok(given.to_owned());
        }
        let matches: Vec<String> = available
            .iter()
            .filter(|s| !given.is_empty() && s.starts_with(given))
            .cloned()
            .collect();
        match matches.as_slice() {
            [only] => Ok(only.clone()),
            [] => {
                let suggestion =
                    did_you_mean(given, available.iter().map(String::as_str)).map(String::from);
                Err(WorkspaceError::UnknownCase {
                    slug: given.to_owned(),
                    suggestion,
                    available,
                })
            }
            _ => Err(WorkspaceError::AmbiguousCase {
                prefix: given.to_owned(),
                matches,
            }),
        }
    }

    /// Picks the case to work on: `explicit` (from `-c` or `$IEPCASE_CASE`, a slug or a
    /// unique start of one), else the case folder `cwd` is in, else the current case
    /// (`iepcase case use`), else the only case in the workspace.
    pub fn select_case(
        &self,
        explicit: Option<&str>,
        cwd: &Path,
    ) -> Result<String, WorkspaceError> {
        if let Some(given) = explicit {
            return self.resolve_slug(given);
        }
        let available = self.case_slugs()?;
        let cases_dir = self.cases_dir();
        let cwd_real = cwd.canonicalize().unwrap_or_else(|_| cwd.to_owned());
        let cases_real = cases_dir.canonicalize().unwrap_or(cases_dir);
        if let Ok(rest) = cwd_real.strip_prefix(&cases_real)
            && let Some(Component::Normal(first)) = rest.components().next()
        {
            let slug = first.to_string_lossy().into_owned();
            if available.contains(&slug) {
                return Ok(slug);
            }
            // Standing in a folder under cases/ that is not a case must not quietly pick
            // another one: the user meant this folder.
            let suggestion =
                did_you_mean(&slug, available.iter().map(String::as_str)).map(String::from);
            return Err(WorkspaceError::UnknownCase {
                slug,
                suggestion,
                available,
            });
        }
        if let Some(current) = self.current_case()? {
            return if available.contains(&current) {
                Ok(current)
            } else {
                Err(WorkspaceError::StaleCurrentCase { slug: current })
            };
        }
        match available.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(WorkspaceError::NoCaseSelected { available }),
        }
    }

    /// The current case set with `iepcase case use`, if any.
    pub fn current_case(&self) -> Result<Option<String>, WorkspaceError> {
        let path = self.root.join(CURRENT_CASE_FILE);
        let text = match fs_err::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(WorkspaceError::Io { path, source }),
        };
        Ok(text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_owned))
    }

    /// Makes `slug` the current case (it must exist), or clears the current case.
    pub fn set_current_case(&self, slug: Option<&str>) -> Result<(), WorkspaceError> {
        let path = self.root.join(CURRENT_CASE_FILE);
        let io = |source| WorkspaceError::Io {
            path: path.clone(),
            source,
        };
        match slug {
            Some(slug) => {
                validate_slug(slug)?;
                let text = format!(
                    "# The case iepcase uses when a command names none (set by `iepcase case use`).\n\
                     # Local to this computer, not case data; safe to delete.\n{slug}\n"
                );
                crate::atomic::write(&path, text.as_bytes(), None).map_err(io)
            }
            None => match fs_err::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
                _ => Ok(()),
            },
        }
    }

    /// Renames case `old` to `new`: its folder moves (the caller holds its lock), and the
    /// current case follows it. Nothing inside the case names its slug, so its history,
    /// records and keys are untouched.
    pub fn rename_case(
        &self,
        old: &str,
        new: &str,
        _lock: &crate::store::CaseLock,
    ) -> Result<(), WorkspaceError> {
        validate_slug(new)?;
        let from = self.case_dir(old);
        let to = self.case_dir(new);
        if to.exists() {
            return Err(WorkspaceError::CaseExists {
                slug: new.to_owned(),
            });
        }
        fs_err::rename(&from, &to).map_err(|source| WorkspaceError::Io {
            path: from.clone(),
            source,
        })?;
        if self.current_case()?.as_deref() == Some(old) {
            self.set_current_case(Some(new))?;
        }
        Ok(())
    }

    /// The identity file: `$IEPCASE_IDENTITY`, else the config's `identity`, else the default.
    pub fn identity_path(&self, env: &KeyEnv) -> PathBuf {
        resolve_identity_path(Some(self), env)
    }
}

/// The identity file, with or without a workspace.
pub fn resolve_identity_path(workspace: Option<&Workspace>, env: &KeyEnv) -> PathBuf {
    if let Some(path) = &env.identity {
        return path.clone();
    }
    if let Some(path) = workspace.and_then(|ws| ws.config.identity.as_ref().map(|p| (ws, p))) {
        let (ws, path) = path;
        let path = env.expand(path);
        return if path.is_absolute() {
            path
        } else {
            ws.root.join(path)
        };
    }
    env.default_identity_path()
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        cwd.join(path)
    }
}

/// Checks a case slug: it names a folder and is visible on remotes.
pub fn validate_slug(slug: &str) -> Result<(), WorkspaceError> {
    let bad = |reason| {
        Err(WorkspaceError::BadSlug {
            slug: slug.to_owned(),
            reason,
        })
    };
    if slug.is_empty() || slug.len() > 64 {
        return bad("use 1 to 64 characters");
    }
    if !slug
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return bad("start with a lowercase letter or a digit");
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
    {
        return bad("use only lowercase letters, digits, `-`, `_` and `.`");
    }
    if slug.contains("..") || slug.ends_with(".git") || slug.ends_with('.') {
        return bad("avoid `..` and a trailing `.` or `.git`");
    }
    Ok(())
}

/// Whether a slug seems to contain the child's name: slugs are visible on remotes.
pub fn slug_looks_like_name(slug: &str, child: &str) -> bool {
    let slug_words: Vec<&str> = slug
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    child
        .split(|c: char| !c.is_alphabetic())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3)
        .any(|name| slug_words.iter().any(|w| w.contains(name.as_str())))
}

/// The text of a new `iepcase.toml`, with comments explaining each setting.
pub fn render_config(config: &Config) -> String {
    let mut out = String::from(
        "# iepcase workspace settings. Keep child data out of this file: it is not encrypted.\n\n",
    );
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    match &config.state {
        Some(state) => out.push_str(&format!(
            "# Default state for new cases (picks deadline rules).\nstate = {}\n",
            quoted(state)
        )),
        None => out
            .push_str("# Default state for new cases (picks deadline rules).\n# state = \"MS\"\n"),
    }
    match &config.identity {
        Some(path) => out.push_str(&format!("\n# Your identity file.\nidentity = {}\n", quoted(path))),
        None => out.push_str(
            "\n# Your identity file (default: ~/.config/iepcase/identity.txt).\n# identity = \"~/.config/iepcase/identity.txt\"\n",
        ),
    }
    out.push_str("\n# Public keys every new case is also shared with.\n");
    if config.recipients.is_empty() {
        out.push_str("# recipients = [\"age1…\"]\n");
    } else {
        let list: Vec<String> = config.recipients.iter().map(|r| quoted(r)).collect();
        out.push_str(&format!("recipients = [{}]\n", list.join(", ")));
    }
    out.push_str(
        "\n# Commits are attributed to this name and e-mail (visible on remotes).\n[author]\n",
    );
    out.push_str(&format!(
        "name = {}\n",
        quoted(config.author.name.as_deref().unwrap_or("iepcase user"))
    ));
    out.push_str(&format!(
        "email = {}\n",
        quoted(
            config
                .author
                .email
                .as_deref()
                .unwrap_or("iepcase@localhost")
        )
    ));
    match &config.advocate {
        Some(advocate) => {
            out.push_str("\n# Your details for letters.\n[advocate]\n");
            let fields = [
                ("name", &advocate.name),
                ("role", &advocate.role),
                ("organization", &advocate.organization),
                ("email", &advocate.email),
                ("phone", &advocate.phone),
                ("address", &advocate.address),
            ];
            for (key, value) in fields {
                if let Some(value) = value {
                    out.push_str(&format!("{key} = {}\n", quoted(value)));
                }
            }
        }
        None => out.push_str(
            "\n# Your details for letters.\n# [advocate]\n# name = \"\"\n# role = \"\"\n\
             # organization = \"\"\n# email = \"\"\n# phone = \"\"\n# address = \"\"\n",
        ),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_are_signed_by_the_author_or_a_stand_in() {
        let mut ws = Workspace {
            root: PathBuf::from("/nonexistent"),
            config: Config::default(),
        };
        let unset = ws.commit_context(1_790_000_000);
        assert_eq!(
            (unset.name.as_str(), unset.email.as_str()),
            ("iepcase user", "iepcase@localhost")
        );
        ws.config.author.name = Some("Pat Advocate".into());
        let named = ws.commit_context(1_790_000_000);
        assert_eq!(named.name, "Pat Advocate");
        assert_eq!(named.email, "iepcase@localhost");
        assert_eq!(named.time, 1_790_000_000);
    }

    #[test]
    fn slugs_are_checked() {
        assert!(validate_slug("case-2026-01").is_ok());
        assert!(validate_slug("Case").is_err());
        assert!(validate_slug("../x").is_err());
        assert!(validate_slug("a..b").is_err());
        assert!(validate_slug("").is_err());
        assert!(validate_slug("a b").is_err());
    }

    #[test]
    fn name_like_slugs_are_noticed() {
        assert!(slug_looks_like_name("marisol-q", "Marisol Quintero-Vance"));
        assert!(slug_looks_like_name("vance-2026", "Marisol Quintero-Vance"));
        assert!(!slug_looks_like_name("case-0412", "Marisol Quintero-Vance"));
        assert!(
            !slug_looks_like_name("mq-2026", "Marisol Quintero-Vance"),
            "initials are fine"
        );
    }

    #[test]
    fn config_round_trips_and_rejects_typos() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            state: Some("MS".into()),
            author: Author {
                name: Some("Pat".into()),
                email: Some("pat@example.org".into()),
            },
            // The advocate's details must survive being written (a regression: they were not).
            advocate: Some(Advocate {
                name: Some("Pat".into()),
                role: Some("Parent advocate".into()),
                address: Some("1 Main St\nTown, MS".into()),
                ..Advocate::default()
            }),
            ..Config::default()
        };
        let ws = Workspace::create(dir.path(), &config).unwrap();
        let reopened = Workspace::open(&ws.root).unwrap();
        assert_eq!(reopened.config, config);
        std::fs::write(dir.path().join(CONFIG_FILE), "stat = \"MS\"\n").unwrap();
        let err = Workspace::open(dir.path()).unwrap_err();
        let WorkspaceError::Config(e) = err else {
            panic!("{err}")
        };
        assert_eq!(
            e.diagnostics()[0].help.as_deref(),
            Some("did you mean `state`?")
        );
    }

    #[test]
    fn discovery_searches_upward_and_selects_cases() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path(), &Config::default()).unwrap();
        for slug in ["alpha", "beta"] {
            std::fs::create_dir_all(ws.case_dir(slug).join(".git")).unwrap();
            std::fs::create_dir_all(ws.case_dir(slug).join("records")).unwrap();
        }
        let deep = ws.case_dir("beta").join("records");
        let found = Workspace::discover(None, &deep).unwrap();
        assert_eq!(found.select_case(None, &deep).unwrap(), "beta");
        assert!(matches!(
            found.select_case(None, dir.path()),
            Err(WorkspaceError::NoCaseSelected { .. })
        ));
        // A stray folder under cases/ is not silently taken for another case.
        let stray = ws.cases_dir().join("notes");
        std::fs::create_dir_all(&stray).unwrap();
        assert!(matches!(
            found.select_case(None, &stray),
            Err(WorkspaceError::UnknownCase { ref slug, .. }) if slug == "notes"
        ));
        match found.select_case(Some("alpah"), dir.path()) {
            Err(WorkspaceError::UnknownCase { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("alpha"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Workspace::discover(Some(&deep), dir.path()),
            Err(WorkspaceError::NotAWorkspace { .. })
        ));
    }

    #[test]
    fn identity_resolution_order() {
        let env = KeyEnv {
            identity: None,
            xdg_config_home: None,
            home: Some(PathBuf::from("/home/u")),
        };
        let ws = Workspace {
            root: PathBuf::from("/ws"),
            config: Config {
                identity: Some("keys/me.txt".into()),
                ..Config::default()
            },
        };
        assert_eq!(ws.identity_path(&env), PathBuf::from("/ws/keys/me.txt"));
        let no_config = Workspace {
            config: Config::default(),
            ..ws.clone()
        };
        assert_eq!(
            no_config.identity_path(&env),
            PathBuf::from("/home/u/.config/iepcase/identity.txt")
        );
        let env2 = KeyEnv {
            identity: Some(PathBuf::from("/x/id.txt")),
            ..env
        };
        assert_eq!(ws.identity_path(&env2), PathBuf::from("/x/id.txt"));
    }
}
