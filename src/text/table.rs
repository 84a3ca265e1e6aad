//! Tables that fit the terminal: columns aligned by display width; when the terminal is too
//! narrow, the columns marked as flexible give up width and wrap their text onto more lines,
//! while ids, dates and other fixed columns are never cut.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Paint, Tone, printable};

/// The narrowest a flexible column is made.
const MIN_FLEX: usize = 12;
/// How narrow the first flexible column gets before the others give up width.
const COMFORT: usize = 40;
/// The longest word the first flexible column keeps whole when it must shrink.
const LONG_WORD: usize = 20;
/// The longest word the other flexible columns keep whole (`accommodation`).
const SHORT_WORD: usize = 14;
/// Spaces between columns.
const GAP: usize = 2;

/// A table being built.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The display width of the widest line of each cell of `rows`.
    cell_widths: Vec<Vec<usize>>,
    styles: Vec<Vec<Option<Tone>>>,
    /// Columns that may be narrowed (their text wraps), the one to narrow first first.
    flexible: Vec<usize>,
    indent: usize,
}

impl Table {
    /// A table with these column names; no column is flexible yet.
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            cell_widths: Vec::new(),
            styles: Vec::new(),
            flexible: Vec::new(),
            indent: 0,
        }
    }

    /// Marks columns that may be narrowed to fit, their text wrapped: the first gives up
    /// width first.
    pub fn flexible(mut self, columns: &[usize]) -> Table {
        self.flexible = columns.to_vec();
        self
    }

    /// Indents every line by `spaces`.
    pub fn indent(mut self, spaces: usize) -> Table {
        self.indent = spaces;
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        let styles = vec![None; cells.len()];
        self.styled_row(cells, styles);
    }

    /// Adds a row whose cells have their own styles. A new line in a cell starts a new line
    /// within it.
    pub fn styled_row(&mut self, cells: Vec<String>, styles: Vec<Option<Tone>>) {
        let (cells, widths) = measured(cells);
        self.cell_widths.push(widths);
        self.rows.push(cells);
        self.styles.push(styles);
    }

    /// Adds rows, as [`Table::row`] adds one; their cells are measured on every core (a
    /// timeline of ten thousand records).
    pub fn rows(&mut self, rows: Vec<Vec<String>>) {
        use rayon::prelude::*;
        let rows: Vec<(Vec<String>, Vec<usize>)> = rows.into_par_iter().map(measured).collect();
        for (cells, widths) in rows {
            self.styles.push(vec![None; cells.len()]);
            self.cell_widths.push(widths);
            self.rows.push(cells);
        }
    }

    /// The width each column needs to show every cell on one line.
    fn natural_widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for row in &self.cell_widths {
            for (width, &cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell);
            }
        }
        widths
    }

    /// The width of the table with nothing wrapped.
    pub fn natural_width(&self) -> usize {
        let widths = self.natural_widths();
        self.indent + widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1)
    }

    /// Lays the table out in `width` columns (no limit when `None`), painted by `paint`.
    pub fn render(&self, width: Option<usize>, paint: Paint) -> String {
        let color = paint.colored();
        let mut widths = self.natural_widths();
        if let Some(limit) = width {
            self.fit(&mut widths, limit.saturating_sub(self.indent));
        }
        let mut out = String::new();
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        self.push_lines(&mut out, &header, &[], &widths, false);
        for ((row, cell_widths), styles) in
            self.rows.iter().zip(&self.cell_widths).zip(&self.styles)
        {
            if !self.push_line(&mut out, row, cell_widths, styles, &widths, color) {
                let cells: Vec<&str> = row.iter().map(String::as_str).collect();
                self.push_lines(&mut out, &cells, styles, &widths, color);
            }
        }
        out
    }

    /// Writes a row that takes one line as it stands (no cell holds a new line or must
    /// wrap) straight into `out`, as [`Table::push_lines`] would lay it out; `false`, with
    /// nothing written, for any other row.
    fn push_line(
        &self,
        out: &mut String,
        cells: &[String],
        cell_widths: &[usize],
        styles: &[Option<Tone>],
        widths: &[usize],
        color: bool,
    ) -> bool {
        let column = |i: usize| widths.get(i).copied().unwrap_or(0);
        let one_line = cells
            .iter()
            .zip(cell_widths)
            .enumerate()
            .all(|(i, (cell, &width))| {
                !cell.contains('\n') && (width <= column(i) || !self.flexible.contains(&i))
            });
        if !one_line {
            return false;
        }
        let start = out.len();
        out.extend(std::iter::repeat_n(' ', self.indent));
        for (i, (cell, &width)) in cells.iter().zip(cell_widths).enumerate() {
            match styles.get(i).copied().flatten() {
                Some(tone) if color && !cell.is_empty() => {
                    let style = tone.style();
                    let _ = write!(out, "{style}{cell}{style:#}");
                }
                _ => out.push_str(cell),
            }
            if i + 1 < cells.len() {
                out.extend(std::iter::repeat_n(
                    ' ',
                    column(i).saturating_sub(width) + GAP,
                ));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
        true
    }

    /// How narrow flexible column `column` may get: its longest word (up to `cap`), so
    /// words are split only when they must be.
    fn floor(&self, column: usize, natural: usize, cap: usize) -> usize {
        let longest = self
            .rows
            .iter()
            .filter_map(|row| row.get(column))
            .flat_map(|cell| cell.split([' ', '\n']))
            .map(str::width)
            .max()
            .unwrap_or(0);
        longest.min(cap).min(natural)
    }

    /// Narrows the flexible columns until the table fits in `limit`: the first one down to
    /// [`COMFORT`], then the others in order down to their longest words (longer ones split,
    /// after a `-` or `/` where they can be), then the first one down to its longest word. A table still too wide overflows to the right: its fixed columns stay whole
    /// and on screen.
    fn fit(&self, widths: &mut [usize], limit: usize) {
        let Some((&first, others)) = self.flexible.split_first() else {
            return;
        };
        let floor = |column: usize, widths: &[usize], cap: usize| {
            widths
                .get(column)
                .map_or(0, |&w| self.floor(column, w, cap))
        };
        let first_floor = floor(first, widths, LONG_WORD).max(MIN_FLEX.min(widths[first]));
        let mut steps = vec![(first, first_floor.max(COMFORT))];
        steps.extend(others.iter().map(|&c| (c, floor(c, widths, SHORT_WORD))));
        steps.push((first, first_floor));
        for (column, floor) in steps {
            let total = widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
            let excess = total.saturating_sub(limit);
            if excess == 0 {
                return;
            }
            if let Some(w) = widths.get_mut(column) {
                *w = w.saturating_sub(excess).max(floor.min(*w));
            }
        }
    }

    fn push_lines(
        &self,
        out: &mut String,
        cells: &[&str],
        styles: &[Option<Tone>],
        widths: &[usize],
        color: bool,
    ) {
        // Each cell as the lines it takes: flexible columns wrap, fixed ones never do.
        let laid: Vec<Vec<String>> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let width = widths.get(i).copied().unwrap_or(0);
                cell.split('\n')
                    .flat_map(|line| {
                        if line.width() > width && self.flexible.contains(&i) {
                            wrap(line, width)
                        } else {
                            vec![line.to_owned()]
                        }
                    })
                    .collect()
            })
            .collect();
        let height = laid.iter().map(Vec::len).max().unwrap_or(1);
        for line_no in 0..height {
            let mut line = " ".repeat(self.indent);
            for (i, lines) in laid.iter().enumerate() {
                let text = lines.get(line_no).map_or("", String::as_str);
                let last = i + 1 == laid.len();
                let styled = match styles.get(i).copied().flatten() {
                    Some(tone) if color && !text.is_empty() => Paint::new(true).paint(tone, text),
                    _ => text.to_owned(),
                };
                line.push_str(&styled);
                if !last {
                    let pad = widths[i].saturating_sub(text.width()) + GAP;
                    line.push_str(&" ".repeat(pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

/// The display width of the widest line of `text`.
/// A row's cells as shown (control characters escaped, tabs as spaces), with the display
/// width of each one's widest line.
fn measured(cells: Vec<String>) -> (Vec<String>, Vec<usize>) {
    let cells: Vec<String> = cells
        .into_iter()
        .map(|cell| match printable(&cell) {
            Cow::Borrowed(_) if !cell.contains('\t') => cell,
            shown => shown.replace('\t', " "),
        })
        .collect();
    let widths = cells.iter().map(|cell| widest_line(cell)).collect();
    (cells, widths)
}

fn widest_line(text: &str) -> usize {
    text.split('\n').map(str::width).max().unwrap_or(0)
}

/// `text` in lines of at most `width` display columns, broken at spaces where it can be.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let line = lines.last_mut().expect("starts with one line");
        let needed = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if needed <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(String::new());
        }
        // A word longer than the column is split, after a `/`, `-` or `.` where one falls
        // past the first third of the line.
        let mut rest = word;
        while rest.width() > width {
            let mut end = 0;
            let mut used = 0;
            let mut soft = None;
            for (i, c) in rest.char_indices() {
                let w = c.width().unwrap_or(0);
                if used + w > width {
                    break;
                }
                used += w;
                end = i + c.len_utf8();
                if matches!(c, '/' | '-' | '.') && used * 3 >= width {
                    soft = Some(end);
                }
            }
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let cut = soft.unwrap_or(end).max(first);
            lines.last_mut().expect("a line").push_str(&rest[..cut]);
            lines.push(String::new());
            rest = &rest[cut..];
        }
        lines.last_mut().expect("a line").push_str(rest);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new(&["ID", "DATE", "TITLE"]).flexible(&[2]);
        table.row(vec![
            "k3f9a2bq7x".into(),
            "2026-03-04".into(),
            "Request for an independent educational evaluation at public expense".into(),
        ]);
        table
    }

    #[test]
    fn rows_added_at_once_lay_out_as_rows_added_one_by_one() {
        let rows: Vec<Vec<String>> = (0..300)
            .map(|n| {
                vec![
                    format!("2026-01-{:02}", n % 28 + 1),
                    "request".to_owned(),
                    format!(
                        "Title {n}\twith a tab and a bell \u{7} and more words {}",
                        "x".repeat(n % 40)
                    ),
                    format!("id{n:05}"),
                ]
            })
            .collect();
        let mut one_by_one = Table::new(&["DATE", "KIND", "TITLE", "ID"]).flexible(&[2]);
        for row in rows.clone() {
            one_by_one.row(row);
        }
        let mut at_once = Table::new(&["DATE", "KIND", "TITLE", "ID"]).flexible(&[2]);
        at_once.rows(rows);
        for width in [None, Some(60), Some(200)] {
            let shown = at_once.render(width, Paint::plain());
            assert_eq!(shown, one_by_one.render(width, Paint::plain()));
            assert!(shown.contains("\\u{7}") && !shown.contains('\t'), "{shown}");
        }
    }

    #[test]
    fn without_a_limit_nothing_is_cut() {
        let text = sample().render(None, Paint::plain());
        assert!(text.contains("at public expense\n"), "{text}");
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn a_narrow_terminal_wraps_the_title_and_keeps_the_id() {
        let text = sample().render(Some(50), Paint::plain());
        for line in text.lines() {
            assert!(line.width() <= 50, "{line:?} is wider than 50");
        }
        assert_eq!(
            text,
            "ID          DATE        TITLE\n\
             k3f9a2bq7x  2026-03-04  Request for an independent\n\
             \x20                       educational evaluation at\n\
             \x20                       public expense\n"
        );
    }

    #[test]
    fn other_flexible_columns_give_up_width_breaking_after_a_slash() {
        let mut table = Table::new(&["ID", "KIND", "TITLE"]).flexible(&[2, 1]);
        table.row(vec![
            "k3f9a2bq7x".into(),
            "request/accommodation and more".into(),
            "Short title here".into(),
        ]);
        assert_eq!(table.natural_width(), 60);
        assert_eq!(
            table.render(Some(46), Paint::plain()),
            "ID          KIND              TITLE\n\
             k3f9a2bq7x  request/          Short title here\n\
             \x20           accommodation\n\
             \x20           and more\n"
        );
    }

    #[test]
    fn new_lines_in_a_cell_are_kept() {
        let mut table = Table::new(&["ID", "DEADLINE"]).flexible(&[1]);
        table.row(vec![
            "k3f9a2bq7x".into(),
            "Annual review\n34 CFR 300.324".into(),
        ]);
        assert_eq!(
            table.render(None, Paint::plain()),
            "ID          DEADLINE\nk3f9a2bq7x  Annual review\n            34 CFR 300.324\n"
        );
    }

    #[test]
    fn a_row_on_one_line_is_laid_out_as_the_general_layout_would() {
        let mut table = Table::new(&["ID", "KIND", "TITLE", "NOTE"])
            .flexible(&[2])
            .indent(2);
        let bold = Some(Tone::Strong);
        table.styled_row(
            vec![
                "k3f9a2bq7x".into(),
                "meeting".into(),
                "日本語 IEP".into(),
                String::new(),
            ],
            vec![bold, None, bold, bold],
        );
        table.row(vec![
            "a-fixed-cell-wider-than-its-column".into(),
            "x\ty".into(),
        ]);
        table.row(vec![
            "k3f9a2bq7x".into(),
            "note".into(),
            "Title   ".into(),
            "end  ".into(),
        ]);
        let widths = vec![10, 7, 12, 4];
        for color in [false, true] {
            for ((row, cell_widths), styles) in
                table.rows.iter().zip(&table.cell_widths).zip(&table.styles)
            {
                let mut fast = String::new();
                assert!(table.push_line(&mut fast, row, cell_widths, styles, &widths, color));
                let mut general = String::new();
                let cells: Vec<&str> = row.iter().map(String::as_str).collect();
                table.push_lines(&mut general, &cells, styles, &widths, color);
                assert_eq!(fast, general);
            }
        }
        let mut wraps = String::new();
        let long = vec![
            "k3f9a2bq7x".into(),
            "note".into(),
            "a title too long".into(),
        ];
        assert!(!table.push_line(&mut wraps, &long, &[10, 4, 16], &[], &widths, false));
        assert!(wraps.is_empty());
    }

    #[test]
    fn wide_characters_are_measured_by_their_display_width() {
        assert_eq!(wrap("日本語 タイトル", 6), ["日本語", "タイト", "ル"]);
        assert_eq!(
            wrap("34 CFR 300.508(e)(1)", 12),
            ["34 CFR", "300.", "508(e)(1)"]
        );
    }
}
