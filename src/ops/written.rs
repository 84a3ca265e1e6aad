//! What `add`, `new` and `edit` tell about a record they wrote.

use super::Notice;
use super::records::{Written, dangling_notices};

impl Written {
    /// A warning for each record it refers to that the case lacks, then "`done` KIND ID:
    /// TITLE", with `from` the file it came from when it came from one.
    pub fn notices(&self, done: &str, from: Option<&str>) -> Vec<Notice> {
        let from = from
            .map(|origin| format!(" from {origin}"))
            .unwrap_or_default();
        let mut notices: Vec<Notice> = dangling_notices(&self.dangling).collect();
        notices.push(Notice::Status(format!(
            "{done} {} {}{from}: {}",
            self.record.kind(),
            self.id,
            self.record.title()
        )));
        notices
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RecordId, parse_record};

    #[test]
    fn a_written_record_is_named_after_its_dangling_references() {
        let text = "kind = \"note\"\ndate = 2026-01-15\ntitle = \"Call\"\n";
        let written = Written {
            id: RecordId::parse("k3f9a2bq7x").unwrap(),
            record: parse_record(text, "test").unwrap(),
            dangling: vec!["m3f9a2bq7x".into()],
        };
        assert_eq!(
            written.notices("Added", Some("call.toml")),
            vec![
                Notice::Warning(
                    "this record refers to m3f9a2bq7x, which is not in the case".into()
                ),
                Notice::Status("Added note k3f9a2bq7x from call.toml: Call".into()),
            ]
        );
        assert_eq!(
            written.notices("Updated", None)[1],
            Notice::Status("Updated note k3f9a2bq7x: Call".into())
        );
    }
}
