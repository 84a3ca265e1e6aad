//! US states and territories by postal code: the codes a case's `state` may hold.

/// The name of a US state or territory from its two-letter code.
pub fn state_name(code: &str) -> Option<&'static str> {
    STATES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Whether `word` begins the name of a state or territory ("Texas", "New"): a capital that
/// names something, not one that begins a sentence.
pub fn starts_state_name(word: &str) -> bool {
    STATES
        .iter()
        .any(|(_, name)| name.split(' ').next() == Some(word))
}

/// Every state and territory: its postal code and its name.
const STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AS", "American Samoa"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("GU", "Guam"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MP", "Northern Mariana Islands"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("VI", "U.S. Virgin Islands"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

#[cfg(test)]
mod tests {
    use super::{starts_state_name, state_name};

    #[test]
    fn known_codes_and_unknown_ones() {
        assert_eq!(state_name("MS"), Some("Mississippi"));
        assert_eq!(state_name("GU"), Some("Guam"));
        assert_eq!(state_name("ZZ"), None);
        assert_eq!(state_name("ms"), None);
        assert!(starts_state_name("Texas") && starts_state_name("New"));
        assert!(!starts_state_name("Facilitated"));
    }
}
