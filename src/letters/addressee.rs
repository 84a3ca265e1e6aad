//! Who a letter goes to when `--to` does not say: the case contact whose role fits the
//! letter's recipient (the district's special-education director, the state's
//! dispute-resolution office), else the district's director of special education by title
//! or the state agency by name.

use crate::record::CaseMeta;
use crate::record::enums::string_enum;

string_enum! {
    /// Whom a letter is written to, as a template's front matter says (`addressed_to`).
    #[derive(Default)]
    AddressedTo { #[default] District = "district", State = "state" }
}

/// Words in a contact's role that make it fit a district letter, best first.
const DISTRICT_ROLES: &[&[&str]] = &[
    &["director", "special education"],
    &["director", "exceptional"],
    &["director", "student services"],
    &["coordinator", "special education"],
    &["supervisor", "special education"],
    &["case manager"],
    &["principal"],
];

/// Words in a contact's role that make it fit a letter to the state, best first.
const STATE_ROLES: &[&[&str]] = &[
    &["dispute resolution"],
    &["office of special education"],
    &["department of education"],
    &["state complaint"],
];

/// The title a district letter goes to when no contact fits: the office every district has.
const DISTRICT_TITLE: &str = "Director of Special Education";

/// The contact a letter to `who` goes to, as `Name, role`; when no contact fits, the
/// district's director of special education by title (with the district's name when known),
/// or `agency` by name.
pub fn addressee(meta: &CaseMeta, who: AddressedTo, agency: &str) -> String {
    let roles = match who {
        AddressedTo::District => DISTRICT_ROLES,
        AddressedTo::State => STATE_ROLES,
    };
    let best = meta
        .contacts
        .iter()
        .filter(|c| !c.name.trim().is_empty())
        .filter_map(|c| {
            let role = normalize(c.role.as_deref().unwrap_or_default());
            let rank = roles
                .iter()
                .position(|words| words.iter().all(|w| role.contains(w)))?;
            Some((rank, c))
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, c)| match c.role.as_deref().map(str::trim) {
            Some(role) if !role.is_empty() => format!("{}, {role}", c.name.trim()),
            _ => c.name.trim().to_owned(),
        });
    best.unwrap_or_else(|| match who {
        AddressedTo::District => match meta.district.as_deref().map(str::trim) {
            Some(district) if !district.is_empty() => format!("{DISTRICT_TITLE}, {district}"),
            _ => DISTRICT_TITLE.to_owned(),
        },
        // An addressee line starts with a name, not an article ("the State Department of
        // Education" when the state is not known).
        AddressedTo::State => agency.strip_prefix("the ").unwrap_or(agency).to_owned(),
    })
}

/// A role in lower case, with hyphens as spaces ("Special-Education Director" →
/// "special education director").
fn normalize(role: &str) -> String {
    role.to_lowercase()
        .replace('-', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_case_meta;

    fn meta(contacts: &str) -> CaseMeta {
        let text = format!("child = \"A B\"\ndistrict = \"North District\"\n{contacts}");
        parse_case_meta(&text, "case").unwrap()
    }

    #[test]
    fn the_best_fitting_contact_is_chosen() {
        let example = parse_case_meta(crate::example::meta(), "case").unwrap();
        assert_eq!(
            addressee(&example, AddressedTo::District, "the agency"),
            "Dr. Harland Vesey, director of special education, Tallowmere County School District"
        );
        assert_eq!(
            addressee(&example, AddressedTo::State, "the agency"),
            "Gwendolyn Ashcombe, dispute resolution coordinator, MDE Office of Special Education"
        );
        let m = meta(
            "[[contacts]]\nname = \"P\"\nrole = \"parent\"\n\
             [[contacts]]\nname = \"Pat Lee\"\nrole = \"Principal\"\n\
             [[contacts]]\nname = \"Cam Moe\"\nrole = \"Case Manager\"\n",
        );
        assert_eq!(
            addressee(&m, AddressedTo::District, "x"),
            "Cam Moe, Case Manager",
            "a case manager before a principal"
        );
        let m = meta("[[contacts]]\nname = \"Sam Roe\"\nrole = \"Special-Education Director\"\n");
        assert_eq!(
            addressee(&m, AddressedTo::District, "x"),
            "Sam Roe, Special-Education Director"
        );
    }

    #[test]
    fn without_a_fitting_contact_the_directors_title_or_the_agency() {
        let m = meta("[[contacts]]\nname = \"P\"\nrole = \"parent\"\n");
        assert_eq!(
            addressee(&m, AddressedTo::District, "the agency"),
            "Director of Special Education, North District"
        );
        assert_eq!(
            addressee(&m, AddressedTo::State, "Texas Education Agency"),
            "Texas Education Agency"
        );
        assert_eq!(
            addressee(&m, AddressedTo::State, "the State Department of Education"),
            "State Department of Education",
            "a name, not an article, starts the line"
        );
        // No contacts and no district: still someone to write to.
        let none = parse_case_meta("child = \"A B\"\n", "case").unwrap();
        assert_eq!(
            addressee(&none, AddressedTo::District, "x"),
            "Director of Special Education"
        );
    }
}
