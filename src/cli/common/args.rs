//! Arguments several commands take, checked the same way everywhere.

use super::super::error::CliError;

/// A size such as `4G`, `500M`, `800K` or a number of bytes (binary units).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t
        .strip_suffix("IB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(&t);
    let (number, shift) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        Some('T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size: write it like 500M or 4G"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// A `--state` value as the two-letter postal code of a US state or territory, in capitals.
pub fn state_code(text: &str) -> Result<String, CliError> {
    let state = text.trim().to_ascii_uppercase();
    if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(
            CliError::usage(format!("`{text}` is not a two-letter state code"))
                .hint("use the state's postal code, such as MS or TX"),
        );
    }
    if iepcase::record::state_name(&state).is_none() {
        return Err(CliError::usage(format!(
            "`{state}` is not the code of a US state or territory"
        ))
        .hint("use the state's postal code, such as MS or TX"));
    }
    Ok(state)
}

/// Refuses a `--from` later than `--to`: the range would be empty, which is never what was meant.
pub fn check_range(
    from: Option<iepcase::record::Date>,
    to: Option<iepcase::record::Date>,
) -> Result<(), CliError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => {
            Err(CliError::usage(format!("--from {from} is after --to {to}"))
                .hint("swap the two dates"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(super::parse_size("4G"), Ok(4 << 30));
        assert_eq!(super::parse_size("500m"), Ok(500 << 20));
        assert_eq!(super::parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(super::parse_size("1024"), Ok(1024));
        assert!(super::parse_size("lots").is_err());
        assert!(super::parse_size("99999999999T").is_err());
    }
}
