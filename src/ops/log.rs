//! `log`'s output in chunks, so the first page shows at once even on years of history:
//! text lines, or the items of a JSON array written exactly as the whole array would be.

/// Log entries gathered into chunks as history is read, newest first.
#[derive(Debug)]
pub struct Chunks {
    json: bool,
    buffer: String,
    entries: usize,
    handed_out: bool,
}

impl Chunks {
    /// How many entries make the first chunk (a screenful) and every later one.
    const FIRST: usize = 60;
    const CHUNK: usize = 500;

    /// Chunks of text entries, or of pretty JSON ones when `json`.
    pub fn new(json: bool) -> Chunks {
        Chunks {
            json,
            buffer: String::new(),
            entries: 0,
            handed_out: false,
        }
    }

    /// Adds an entry (see [`super::history::entry_text`] and
    /// [`super::history::entry_json`]); a chunk to write when one is full.
    pub fn push(&mut self, entry: &str) -> Option<String> {
        if self.json {
            self.buffer
                .push_str(if self.entries == 0 { "[\n" } else { ",\n" });
            for line in entry.lines() {
                self.buffer.push_str("  ");
                self.buffer.push_str(line);
                self.buffer.push('\n');
            }
            // Keep the separator's place: the last line ends without its newline.
            self.buffer.pop();
        } else {
            self.buffer.push_str(entry);
        }
        self.entries += 1;
        let chunk = if self.handed_out {
            Self::CHUNK
        } else {
            Self::FIRST
        };
        if !self.entries.is_multiple_of(chunk) {
            return None;
        }
        self.handed_out = true;
        Some(std::mem::take(&mut self.buffer))
    }

    /// What is left to write; `None` for text with no entry at all ("No history").
    pub fn finish(mut self) -> Option<String> {
        if self.json {
            self.buffer
                .push_str(if self.entries == 0 { "[]\n" } else { "\n]\n" });
        } else if self.entries == 0 {
            return None;
        }
        Some(self.buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_chunks_join_into_one_array() {
        let mut chunks = Chunks::new(true);
        let mut out = String::new();
        for n in 0..61 {
            out.extend(chunks.push(&format!("{{\n  \"n\": {n}\n}}")));
            if n == 58 {
                assert!(out.is_empty());
            }
        }
        out.push_str(&chunks.finish().unwrap());
        let items: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        assert_eq!(items.len(), 61);
        assert!(
            out.starts_with("[\n  {\n    \"n\": 0\n  },\n  {\n"),
            "{out}"
        );
        assert!(out.ends_with("  }\n]\n"));
        assert_eq!(Chunks::new(true).finish().unwrap(), "[]\n");
    }

    #[test]
    fn text_chunks_are_the_lines_and_no_entry_is_none() {
        let mut chunks = Chunks::new(false);
        assert_eq!(chunks.push("a\n"), None);
        assert_eq!(chunks.finish().unwrap(), "a\n");
        let mut chunks = Chunks::new(false);
        let first: Vec<String> = (0..60).filter_map(|_| chunks.push("x\n")).collect();
        assert_eq!(first, vec!["x\n".repeat(60)]);
        assert_eq!(Chunks::new(false).finish(), None);
    }
}
