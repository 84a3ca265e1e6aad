//! Progress for long operations, drawn on stderr only when it is a terminal and the output is
//! not JSON: a bar when the amount of work is known, a spinner when it is not.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress display; does nothing when progress is not shown.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A display that shows nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// A bar counting `unit` (`bytes` or a noun such as `pages`) up to `total`.
    pub fn bar(message: &str, total: u64, bytes: bool) -> Progress {
        let template = if bytes {
            "{msg} [{bar:30}] {bytes}/{total_bytes}"
        } else {
            "{msg} [{bar:30}] {pos}/{len}"
        };
        let style = ProgressStyle::with_template(template)
            .expect("the template is valid")
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(message.to_owned());
        bar.tick();
        Progress { bar: Some(bar) }
    }

    /// A spinner with `message`, turning by itself until finished.
    pub fn spinner(message: &str) -> Progress {
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .expect("the template is valid")
            .tick_chars("|/-\\ ");
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    /// Sets how much of `total` is done.
    pub fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    /// Counts one more step done, named `message`.
    pub fn step(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_owned());
            bar.inc(1);
        }
    }

    /// Removes the display.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
