//! Finding the date a document carries: the first full date in its text, written the ways
//! US letters and notices write them (`March 4, 2026`, `Mar. 4th, 2026`, `4 March 2026`,
//! `3/4/2026`, `2026-03-04`).

use crate::record::Date;

/// A date found in text, with the words it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundDate {
    pub date: Date,
    /// The text as written, for telling the user what was read.
    pub written: String,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The first plausible date in `text`: between 1990 and `latest_year`.
pub fn first_date(text: &str, latest_year: i16) -> Option<FoundDate> {
    let words = words(text);
    for i in 0..words.len() {
        if let Some(found) = date_at(&words, i)
            && (1990..=latest_year).contains(&found.date.0.year())
        {
            return Some(found);
        }
    }
    None
}

/// The words of `text` with where each ends: letters and digits, and `/`, `-` and `.`
/// between digits (`3/4/2026`), each word keeping a trailing comma or period off.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .map(|w| w.trim_end_matches(['.', ';', ':']))
        .filter(|w| !w.is_empty())
        .take(10_000)
        .collect()
}

fn date_at(words: &[&str], i: usize) -> Option<FoundDate> {
    let word = words[i];
    // 2026-03-04, 3/4/2026, 03-04-2026
    if word.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        if let Ok(date) = word.parse::<Date>() {
            return Some(found(date, &[word]));
        }
        if let Some(iso) = crate::record::us_date_as_iso(word) {
            return Some(found(iso.parse().ok()?, &[word]));
        }
        // 4 March 2026
        let day = day_number(word)?;
        let month = month_number(words.get(i + 1)?)?;
        let year = year_number(words.get(i + 2)?)?;
        return Some(found(Date::new(year, month, day)?, &words[i..i + 3]));
    }
    // March 4, 2026 / Mar. 4th 2026
    let month = month_number(word)?;
    let day = day_number(words.get(i + 1)?)?;
    let year = year_number(words.get(i + 2)?)?;
    Some(found(Date::new(year, month, day)?, &words[i..i + 3]))
}

fn found(date: Date, words: &[&str]) -> FoundDate {
    FoundDate {
        date,
        written: words.join(" "),
    }
}

fn month_number(word: &str) -> Option<i8> {
    let word = word.to_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() >= 3 && m.starts_with(&word) && word.len() <= 4))
        .map(|i| i as i8 + 1)
}

fn day_number(word: &str) -> Option<i8> {
    let digits = word.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_number(word: &str) -> Option<i16> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<(String, String)> {
        first_date(text, 2027).map(|f| (f.date.to_string(), f.written))
    }

    #[test]
    fn dates_are_found_as_letters_write_them() {
        let pair = |a: &str, b: &str| Some((a.to_owned(), b.to_owned()));
        assert_eq!(
            first("Larkspur School District\nMarch 4, 2026\nDear Parent"),
            pair("2026-03-04", "March 4 2026")
        );
        assert_eq!(
            first("Sent Mar. 4th, 2026"),
            pair("2026-03-04", "Mar 4th 2026")
        );
        assert_eq!(
            first("on 4 March 2026."),
            pair("2026-03-04", "4 March 2026")
        );
        assert_eq!(first("Date: 3/4/2026"), pair("2026-03-04", "3/4/2026"));
        assert_eq!(first("(2026-03-04)"), pair("2026-03-04", "2026-03-04"));
        assert_eq!(first("Sept 30, 2025"), pair("2025-09-30", "Sept 30 2025"));
    }

    #[test]
    fn the_first_real_date_wins_and_non_dates_are_skipped() {
        assert_eq!(
            first("Founded in 1998. Room 12, 2026 plan. February 30, 2026. April 2, 2026 and May 1, 2026")
                .map(|f| f.0),
            Some("2026-04-02".to_owned())
        );
        assert_eq!(
            first("May I ask 12 2026 things"),
            None,
            "`May` needs a day after it"
        );
        assert_eq!(first("March 4, 1980"), None, "too early to be this case");
        assert_eq!(first("March 4, 2031"), None, "too late");
        assert_eq!(first(""), None);
    }
}
