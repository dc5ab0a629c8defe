//! Each column's role: the lead columns it maps to and with which normalizer, from its
//! header's name (synonyms agencies use) and its values' shapes, with a confidence and the
//! evidence for it.

use super::shape::{Profile, Shape};

/// What a column becomes in a lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    LicenseNumber,
    /// `CHILD CARE FAMILY - K820055232`: the licence's type and number.
    TypeAndNumber,
    ProviderId,
    Company,
    Phone,
    Email,
    /// Street, city, state and ZIP in one field.
    OneLineAddress,
    Street,
    /// A second address line, read with the street before it.
    Street2,
    City,
    State,
    Zip,
    County,
    Capacity,
    Status,
    LicenseType,
    Issued,
    Expires,
    Person,
    PersonAndTitle,
    Title,
    AcceptsSubsidy,
    Website,
}

/// Header names (lower case, blanks collapsed) that say a role: the whole name, or, for the
/// longer ones, a part of it.
const SYNONYMS: &[(Role, &[&str])] = &[
    (
        Role::LicenseNumber,
        &[
            "license number",
            "license #",
            "license no",
            "licence number",
            "license",
            "credential number",
            "operation #",
            "operation number",
            "permit number",
            "license id",
            "facility number",
            "provider number",
        ],
    ),
    (
        Role::TypeAndNumber,
        &["type license", "license type and number"],
    ),
    (Role::ProviderId, &["facility id", "provider id", "site id"]),
    (
        Role::Company,
        &[
            "name",
            "facility name",
            "provider name",
            "company",
            "business name",
            "program name",
            "center name",
            "operation/caregiver name",
            "operation name",
            "facility",
            "provider",
        ],
    ),
    (
        Role::Phone,
        &[
            "phone",
            "phone#",
            "phone #",
            "telephone",
            "phone number",
            "tel",
        ],
    ),
    (
        Role::Email,
        &["email", "e-mail", "email address", "e-mail address"],
    ),
    (
        Role::Street,
        &[
            "address",
            "address1",
            "address 1",
            "street",
            "street address",
            "location address",
        ],
    ),
    (
        Role::Street2,
        &["address2", "address 2", "address line 2", "suite"],
    ),
    (Role::City, &["city", "town"]),
    (Role::State, &["state", "st"]),
    (
        Role::Zip,
        &[
            "zip",
            "zip code",
            "zipcode",
            "postal code",
            "zip/postal code",
        ],
    ),
    (Role::County, &["county"]),
    (
        Role::Capacity,
        &[
            "capacity",
            "total cap",
            "licensed capacity",
            "total capacity",
        ],
    ),
    (
        Role::Status,
        &["status", "license status", "credential status"],
    ),
    (
        Role::LicenseType,
        &[
            "type",
            "credential type",
            "license type",
            "facility type",
            "program type",
            "provider type",
        ],
    ),
    (
        Role::Issued,
        &[
            "issue date",
            "first issue date",
            "license issue date",
            "issued",
            "original issue date",
            "license monitoring since",
            "monitoring since",
        ],
    ),
    (
        Role::Expires,
        &["expiration date", "expiration", "expires", "expiry date"],
    ),
    (
        Role::Person,
        &[
            "primary contact name",
            "contact name",
            "contact",
            "director",
            "owner",
            "primary caregiver",
            "administrator",
            "director name",
        ],
    ),
    (
        Role::Title,
        &[
            "primary contact role",
            "contact title",
            "title",
            "contact role",
        ],
    ),
    (
        Role::AcceptsSubsidy,
        &["accepts subsidy", "subsidy", "accepts ccdf"],
    ),
    (
        Role::Website,
        &["website", "web site", "url", "website address"],
    ),
];

/// The shape a role's values have, when they have one.
fn shape_of(role: Role) -> Option<Shape> {
    Some(match role {
        Role::Phone => Shape::Phone,
        Role::Email => Shape::Email,
        Role::Zip => Shape::Zip,
        Role::State => Shape::State,
        Role::Issued | Role::Expires => Shape::Date,
        Role::OneLineAddress => Shape::OneLineAddress,
        Role::Street => Shape::Street,
        Role::Person => Shape::PersonName,
        Role::PersonAndTitle => Shape::NameAndTitle,
        Role::TypeAndNumber => Shape::TypeAndNumber,
        Role::Capacity => Shape::Integer,
        Role::LicenseNumber | Role::ProviderId => Shape::Identifier,
        _ => return None,
    })
}

/// The role a shape says on its own, without a header's word.
fn role_of(shape: Shape) -> Option<Role> {
    Some(match shape {
        Shape::Phone => Role::Phone,
        Shape::Email => Role::Email,
        Shape::Zip => Role::Zip,
        Shape::State => Role::State,
        Shape::OneLineAddress => Role::OneLineAddress,
        Shape::Street => Role::Street,
        Shape::NameAndTitle => Role::PersonAndTitle,
        Shape::TypeAndNumber => Role::TypeAndNumber,
        Shape::PersonName => Role::Person,
        _ => return None,
    })
}

/// A column's role, how sure, and why.
#[derive(Clone, Debug)]
pub(crate) struct Judged {
    pub role: Role,
    /// From 0 to 1.
    pub confidence: f64,
    pub evidence: String,
}

/// A header name as synonyms are written: lower case, blanks collapsed.
fn folded(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The role a header's name says: the synonym it is, else one it contains (of two words or
/// more, so that `Name` does not claim `Star Level Name`).
fn named(header: &str) -> Option<(Role, &'static str)> {
    let name = folded(header);
    let exact = SYNONYMS
        .iter()
        .find_map(|(role, words)| words.iter().find(|w| **w == name).map(|w| (*role, *w)));
    exact.or_else(|| {
        SYNONYMS.iter().find_map(|(role, words)| {
            words
                .iter()
                .find(|w| w.contains(' ') && name.contains(**w))
                .map(|w| (*role, *w))
        })
    })
}

/// A column's role from its header's name and its values; `None` when neither says one.
pub(crate) fn judge(header: &str, profile: &Profile) -> Option<Judged> {
    let percent = |share: f64| format!("{:.0}%", share * 100.0);
    let shaped = |shape: Shape| {
        format!(
            "{} of {} sampled values {}-shaped",
            percent(profile.share_of(shape)),
            profile.filled,
            shape.name()
        )
    };
    let by_name = named(header);
    // A few values repeated (`Daytime Hours`, `2 Star Level Program`) are a vocabulary,
    // never a person or a street, whatever their shape.
    let vocabulary = profile.vocabulary.is_some();
    let by_shape = profile
        .main_shape(0.8)
        .filter(|(shape, _)| {
            !(vocabulary
                && matches!(
                    shape,
                    Shape::PersonName | Shape::NameAndTitle | Shape::Street
                ))
        })
        .and_then(|(shape, share)| role_of(shape).map(|r| (r, shape, share)));
    match (by_name, by_shape) {
        (Some((role, word)), shape) => {
            // A one-field address under `Address`; a name with its title under a person's.
            let role = match (role, shape) {
                (Role::Street, Some((Role::OneLineAddress, ..))) => Role::OneLineAddress,
                (Role::Person, Some((Role::PersonAndTitle, ..))) => Role::PersonAndTitle,
                (Role::Company, Some((Role::TypeAndNumber, ..))) => Role::TypeAndNumber,
                _ => role,
            };
            let header_evidence = format!("header `{header}` is a synonym of `{word}`");
            let (confidence, evidence) = match shape_of(role) {
                Some(shape) => {
                    let share = profile.share_of(shape);
                    (
                        0.6 + 0.4 * share,
                        format!("{header_evidence}; {}", shaped(shape)),
                    )
                }
                None => (0.8, header_evidence),
            };
            Some(Judged {
                role,
                confidence,
                evidence,
            })
        }
        (None, Some((role, shape, share))) => Some(Judged {
            role,
            confidence: 0.5 * share,
            evidence: format!("no header synonym; {}", shaped(shape)),
        }),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(header: &str, values: &[&str]) -> Option<Role> {
        judge(header, &Profile::of(values)).map(|j| j.role)
    }

    #[test]
    fn headers_and_values_say_the_role() {
        assert_eq!(role("Phone#", &["346-393-9400"]), Some(Role::Phone));
        assert_eq!(
            role("Address", &["150 N. WILLOW ST MESQUITE, NV 89027"]),
            Some(Role::OneLineAddress)
        );
        assert_eq!(role("Address", &["19290 K ST"]), Some(Role::Street));
        assert_eq!(
            role("Credential Number", &["1106-22"]),
            Some(Role::LicenseNumber)
        );
        assert_eq!(
            role(
                "Primary Caregiver",
                &["Elizabeth Hellstrom\nPrimary Caregiver"]
            ),
            Some(Role::PersonAndTitle)
        );
        assert_eq!(
            role(
                "Star Level",
                &[
                    "2 Star Level Program",
                    "3 Star Level Program",
                    "2 Star Level Program"
                ]
            ),
            None
        );
        // No header's word: the values' shape alone, less surely.
        let judged = judge("col_3", &Profile::of(&["a@b.org", "c@d.com"])).unwrap();
        assert_eq!(judged.role, Role::Email);
        assert_eq!(judged.confidence, 0.5);
        assert_eq!(
            judged.evidence,
            "no header synonym; 100% of 2 sampled values e-mail-shaped"
        );
    }
}
