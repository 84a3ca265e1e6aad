//! What every command needs, resolved once: the terminal, the clock, the workspace, the
//! unlocked identities and the selected case.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use age::secrecy::SecretString;
use iepcase::clock::Clock;
use iepcase::crypto::{Identities, PassphrasePrompt};
use iepcase::git::CommitContext;
use iepcase::record::Date;
use iepcase::store::{Case, CaseLock};
use iepcase::workspace::{KeyEnv, Workspace};

use super::GlobalArgs;
use super::error::CliError;
use super::ui::Ui;

/// Resolved global state for one command.
pub struct Ctx {
    pub ui: Ui,
    pub global: GlobalArgs,
    pub cwd: PathBuf,
    pub key_env: KeyEnv,
    /// The current time (from `IEPCASE_NOW` when set).
    pub now: jiff::Timestamp,
    /// The date and time of day `IEPCASE_NOW` fixes, where the user is (see [`Clock`]).
    fixed_local: Option<jiff::civil::DateTime>,
    /// Today's date, from `IEPCASE_NOW` or (when first asked) the system time zone.
    today: OnceCell<Date>,
    workspace: OnceCell<Workspace>,
    identities: OnceCell<Identities>,
    /// The cases this command opened to change, for packing afterwards.
    changed: std::cell::RefCell<Vec<PathBuf>>,
}

impl Ctx {
    /// Reads the environment and the clock.
    pub fn new(global: GlobalArgs) -> Result<Ctx, CliError> {
        let ui = Ui::new(super::ui::Settings {
            color: global.color,
            json: global.json,
            no_color_env: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            no_pager: global.no_pager,
        });
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::user(format!("cannot read the current folder: {e}")))?;
        let key_env = KeyEnv {
            identity: std::env::var_os("IEPCASE_IDENTITY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            xdg_config_home: std::env::var_os("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            home: std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        };
        let clock = match std::env::var("IEPCASE_NOW") {
            Ok(text) if !text.is_empty() => Clock::parse(&text).map_err(|e| {
                CliError::user(format!("IEPCASE_NOW={e}"))
                    .hint("write it like 2026-11-28T09:00:00-06:00 or 2026-11-28, or unset it")
            })?,
            _ => Clock::system(),
        };
        let today = OnceCell::new();
        if let Some(local) = clock.local {
            let _ = today.set(Date(local.date()));
        }
        Ok(Ctx {
            ui,
            global,
            cwd,
            key_env,
            now: clock.now,
            fixed_local: clock.local,
            today,
            workspace: OnceCell::new(),
            identities: OnceCell::new(),
            changed: Default::default(),
        })
    }

    /// Today's date where the user is (or in `IEPCASE_NOW`'s offset).
    pub fn today(&self) -> Date {
        // Reading the system time zone costs about a millisecond; only some commands need it.
        *self
            .today
            .get_or_init(|| Date(jiff::ZonedDateTime::now().date()))
    }

    /// The time of day where the user is, for what is still ahead today (an upcoming meeting):
    /// from `IEPCASE_NOW` (see [`Clock`]), else the system clock in the system time zone.
    pub fn local_now(&self) -> jiff::civil::DateTime {
        self.fixed_local
            .unwrap_or_else(|| jiff::ZonedDateTime::now().datetime())
    }

    /// The moment to look ahead from: the start of `today` when given (`--today`), else
    /// [`Ctx::local_now`].
    pub fn now_or(&self, today: Option<Date>) -> jiff::civil::DateTime {
        match today {
            Some(d) => d.0.at(0, 0, 0, 0),
            None => self.local_now(),
        }
    }

    /// The workspace, found once.
    pub fn workspace(&self) -> Result<&Workspace, CliError> {
        if let Some(ws) = self.workspace.get() {
            return Ok(ws);
        }
        let ws = Workspace::discover(self.global.workspace.as_deref(), &self.cwd)?;
        Ok(self.workspace.get_or_init(|| ws))
    }

    /// The identity file path for this workspace (or none).
    pub fn identity_path(&self) -> PathBuf {
        let ws = self.workspace().ok();
        iepcase::workspace::resolve_identity_path(ws, &self.key_env)
    }

    /// The user's identities, unlocked once per process.
    pub fn identities(&self) -> Result<&Identities, CliError> {
        Ok(self.try_identities()?)
    }

    /// The same, or the library's reason they did not unlock (for a use case to report).
    pub fn try_identities(&self) -> Result<&Identities, iepcase::crypto::CryptoError> {
        if let Some(ids) = self.identities.get() {
            return Ok(ids);
        }
        let path = self.identity_path();
        let ids = Identities::load(&path, &TerminalPrompt)?;
        // An identity file others on this computer can read gives away every case it opens.
        self.ui
            .notices(&iepcase::ops::keys::exposure_notices(&path));
        Ok(self.identities.get_or_init(|| ids))
    }

    /// The slug of the selected case.
    pub fn case_slug(&self) -> Result<String, CliError> {
        let ws = self.workspace()?;
        Ok(ws.select_case(self.global.case.as_deref(), &self.cwd)?)
    }

    /// Every case of the workspace with `all`, else the selected one.
    pub fn case_slugs(&self, all: bool) -> Result<Vec<String>, CliError> {
        if all {
            Ok(self.workspace()?.case_slugs()?)
        } else {
            Ok(vec![self.case_slug()?])
        }
    }

    /// Opens the selected case.
    pub fn open_case(&self) -> Result<Case, CliError> {
        let slug = self.case_slug()?;
        self.open_case_slug(&slug)
    }

    /// Opens case `slug`.
    pub fn open_case_slug(&self, slug: &str) -> Result<Case, CliError> {
        let ws = self.workspace()?;
        let ids = self.identities()?;
        Ok(Case::open(&ws.case_dir(slug), slug, ids)?)
    }

    /// How long to wait for another command on the same case (`IEPCASE_LOCK_TIMEOUT`).
    pub fn lock_timeout(&self) -> Duration {
        std::env::var("IEPCASE_LOCK_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .map_or(Duration::from_secs(30), Duration::from_secs)
    }

    /// Takes the lock of the selected case for `command`, saying so while it waits, then
    /// opens the case: its key is read only once no other command can change it.
    pub fn open_case_locked(&self, command: &str) -> Result<(Case, CaseLock), CliError> {
        let slug = self.case_slug()?;
        self.open_slug_locked(&slug, command)
    }

    /// The same for case `slug`.
    pub fn open_slug_locked(
        &self,
        slug: &str,
        command: &str,
    ) -> Result<(Case, CaseLock), CliError> {
        let ws = self.workspace()?;
        let identities = self.identities()?;
        let context = self.commit_context()?;
        self.will_change(slug)?;
        Ok(Case::open_locked(
            &ws.case_dir(slug),
            slug,
            identities,
            command,
            self.lock_timeout(),
            &mut |holder| self.waiting(slug, holder),
            &context,
        )?)
    }

    /// Says that the command waits for case `slug`, which `holder` is working on.
    pub fn waiting(&self, slug: &str, holder: &str) {
        self.ui.status(&format!(
            "Waiting for case `{slug}`: {holder} is working on it…"
        ));
    }

    /// Notes that this command changes case `slug`, for packing afterwards.
    pub fn will_change(&self, slug: &str) -> Result<(), CliError> {
        let dir = self.workspace()?.case_dir(slug);
        self.changed.borrow_mut().push(dir);
        Ok(())
    }

    /// The cases this command opened to change.
    pub fn changed_cases(&self) -> Vec<PathBuf> {
        self.changed.borrow().clone()
    }

    /// Author and time for commits.
    pub fn commit_context(&self) -> Result<CommitContext, CliError> {
        Ok(self.workspace()?.commit_context(self.now.as_second()))
    }

    /// `path` made absolute against the current folder.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.cwd.join(path)
        }
    }
}

/// Asks for passphrases: `IEPCASE_PASSPHRASE` for scripts, else the terminal.
pub struct TerminalPrompt;

impl PassphrasePrompt for TerminalPrompt {
    fn passphrase(&self, path: &Path) -> Option<SecretString> {
        if let Ok(p) = std::env::var("IEPCASE_PASSPHRASE") {
            return Some(SecretString::from(p));
        }
        let prompt = format!("Passphrase for {}: ", path.display());
        rpassword::prompt_password(prompt)
            .ok()
            .map(SecretString::from)
    }
}
