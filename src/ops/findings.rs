//! The text of `check`: each finding as a short block (severity, code and record, the
//! message wrapped to the width, the citation, the next step and what its letter needs).

use crate::check::{Finding, Severity};
use crate::text::{Paint, Tone};

use super::check::CaseFindings;

/// The findings of every case as text; `all` cases put a `Case SLUG` line before the
/// findings of each case that has any. Messages wrap to fit `width` when there is one.
pub fn render(results: &[CaseFindings], all: bool, width: Option<usize>, paint: Paint) -> String {
    use rayon::prelude::*;
    let mut out = String::new();
    for case in results {
        if all && !case.findings.is_empty() {
            out.push_str(&format!("Case {}\n\n", case.slug));
        }
        // A case with years of service logs has thousands of findings: their blocks are
        // laid out on every core, then put together in order.
        let blocks: Vec<String> = case
            .findings
            .par_iter()
            .map(|finding| block(finding, case.needs_flags(finding).as_deref(), width, paint))
            .collect();
        out.reserve(blocks.iter().map(String::len).sum());
        for block in blocks {
            out.push_str(&block);
        }
    }
    out
}

/// A finding as a short block: the severity in its colour, the code and record, the message
/// wrapped to the width (40 to 92 columns), then the citation, the next step and the
/// `--set` flags the next step's letter still `needs`.
fn block(f: &Finding, needs: Option<&str>, width: Option<usize>, paint: Paint) -> String {
    let tone = match f.severity {
        Severity::Error => Tone::Alarm,
        Severity::Warning => Tone::Alert,
        Severity::Info => Tone::Notice,
    };
    let label = paint.paint(tone, &format!("{:<7}", f.severity.as_str()));
    let record = f
        .record
        .as_ref()
        .map_or(String::new(), |r| format!("  {r}"));
    let mut out = format!("{label} {}{record}\n", f.code);
    let width = width.map_or(92, |w| w.saturating_sub(2).clamp(40, 92));
    for line in wrap(&f.message, width) {
        out.push_str(&format!("  {line}\n"));
    }
    if let Some(cite) = &f.cite {
        let confidence = f.confidence.map_or(String::new(), |c| format!(" ({c})"));
        out.push_str(&format!("  cite: {cite}{confidence}\n"));
    }
    if let Some(next) = &f.next_step {
        out.push_str(&format!("  next: {next}\n"));
    }
    if let Some(needs) = needs {
        out.push_str(&format!(
            "        needs {needs} (run it to see what each is)\n"
        ));
    }
    out.push('\n');
    out
}

/// Splits `text` into lines of at most `width` characters, at spaces; a word longer than
/// the width has a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // The characters in `line`, counted as it grows.
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        if !line.is_empty() && chars + 1 + word_chars > width {
            lines.push(std::mem::take(&mut line));
            chars = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            chars += 1;
        }
        line.push_str(word);
        chars += word_chars;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::check::Code;
    use crate::rules::Confidence;

    fn findings() -> Vec<CaseFindings> {
        let finding = Finding {
            code: Code::RequestUnanswered,
            severity: Severity::Warning,
            record: None,
            message: "the district did not answer the request of 2026-10-01 in time".into(),
            cite: Some("34 CFR 300.503".into()),
            confidence: Some(Confidence::Confirmed),
            next_step: Some("iepcase letter pwn-request".into()),
            inferred: Vec::new(),
        };
        let needs = [(
            "iepcase letter pwn-request".to_owned(),
            vec!["action".to_owned()],
        )]
        .into_iter()
        .collect();
        vec![
            CaseFindings {
                slug: "eq".into(),
                findings: vec![finding],
                needs,
                fallback_state: None,
            },
            CaseFindings {
                slug: "mq".into(),
                findings: Vec::new(),
                needs: Default::default(),
                fallback_state: None,
            },
        ]
    }

    #[test]
    fn a_finding_reads_as_a_block_with_its_citation_next_step_and_needs() {
        let code = Code::RequestUnanswered;
        assert_eq!(
            render(&findings(), true, Some(41), Paint::plain()),
            format!(
                "Case eq\n\nwarning {code}\n  the district did not answer the request\n  \
                 of 2026-10-01 in time\n  cite: 34 CFR 300.503 (confirmed)\n  \
                 next: iepcase letter pwn-request\n        needs --set action=… (run it to \
                 see what each is)\n\n"
            )
        );
        let one = render(&findings(), false, None, Paint::plain());
        assert!(one.starts_with(&format!(
            "warning {code}\n  the district did not answer the request of 2026-10-01 in time\n"
        )));
    }

    #[test]
    fn the_severity_takes_its_colour() {
        let text = render(&findings(), false, None, Paint::new(true));
        let label = Paint::new(true).paint(Tone::Alert, "warning");
        assert!(label.contains("\u{1b}[33m"), "{label:?}");
        assert!(text.starts_with(&format!("{label} ")), "{text:?}");
    }

    #[test]
    fn words_wrap_at_spaces_and_a_long_word_keeps_its_line() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("aaaaaaa b", 5), ["aaaaaaa", "b"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
