//! Blocking: the keys that decide which pairs of leads are compared at all. Two leads are
//! compared when any rule gives both the same key; a lead a rule gives no key (a missing
//! or placeholder value) is in no block of that rule.

use super::prepared::Prepared;
use crate::lead::LeadValues;

/// A blocking rule, by what its key is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockingRule {
    /// The phone number's digits (`+17027471797` → `17027471797`).
    Phone,
    /// House number, street name in USPS abbreviations and 5-digit ZIP code
    /// (`150|N WILLOW ST|89027`): the same building, however its street is spelled.
    Address,
    /// 5-digit ZIP code and the first word of the business name that tells providers
    /// apart (`89110|DISCOVERY`): a provider that changed its phone and moved in its ZIP code.
    ZipCompany,
    /// The e-mail address, lower-cased.
    Email,
    /// Last name and first initial (`HELLSTROM|E`): a home provider who moved keeps her
    /// name, not her address or phone.
    Person,
    /// The license's issue date (`2016-03-01`): not a default, but for data whose dates
    /// are dense enough to tell records apart (a date of birth in a benchmark).
    LicenseIssued,
    /// The license number's letters and digits (`CCL1804974`): a re-export under new
    /// keys that kept the agency's number.
    LicenseNumber,
    /// The 5-digit ZIP code alone: not a default (a ZIP code has thousands of leads), but
    /// for data whose ZIP codes are small enough to pair out (a benchmark's postcodes).
    Zip,
    /// House number and street name without the ZIP code (`150|N WILLOW ST`): not a
    /// default, for data whose ZIP codes are mistyped.
    Street,
}

impl BlockingRule {
    /// Every rule, in the order of the defaults.
    pub const ALL: [BlockingRule; 9] = [
        BlockingRule::Phone,
        BlockingRule::Address,
        BlockingRule::ZipCompany,
        BlockingRule::Email,
        BlockingRule::Person,
        BlockingRule::LicenseIssued,
        BlockingRule::LicenseNumber,
        BlockingRule::Zip,
        BlockingRule::Street,
    ];

    /// The key this rule gives a lead, or `None` when the lead lacks what the key is made
    /// of or has only a placeholder of it.
    pub fn key(self, lead: &LeadValues) -> Option<String> {
        Prepared::of(lead).key(self).map(|key| key.to_string())
    }

    /// A key of this rule as the store keeps it: 64 bits of a hash of the rule and the key,
    /// so that no two rules' keys meet.
    pub fn hashed(self, key: &str) -> i64 {
        let rule = BlockingRule::ALL
            .iter()
            .position(|r| *r == self)
            .unwrap_or(0);
        let mut bytes = Vec::with_capacity(key.len() + 1);
        bytes.push(rule as u8);
        bytes.extend_from_slice(key.as_bytes());
        xxhash_rust::xxh3::xxh3_64(&bytes) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lead::text_lead as lead;

    fn keys(lead: &LeadValues) -> Vec<Option<String>> {
        BlockingRule::ALL
            .iter()
            .map(|rule| rule.key(lead))
            .collect()
    }

    #[test]
    fn keys_of_a_nevada_center() {
        let lead = lead(&[
            ("company", "SUNSHINE ACADEMY PRE-SCHOOL"),
            ("address1", "150 N. WILLOW ST"),
            ("zip", "89027"),
            ("phone", "+13463939400"),
            ("first_name", "Janeece"),
            ("last_name", "Noel"),
        ]);
        assert_eq!(
            keys(&lead),
            [
                Some("13463939400".into()),
                Some("150|N WILLOW ST|89027".into()),
                Some("89027|SUNSHINE".into()),
                None,
                Some("NOEL|J".into()),
                None,
                None,
                Some("89027".into()),
                Some("150|N WILLOW ST".into()),
            ]
        );
    }

    #[test]
    fn license_date_and_number() {
        let licensed = lead(&[
            ("license_issued", "2016-03-01"),
            ("license_number", "ccl-1804974"),
        ]);
        assert_eq!(
            BlockingRule::LicenseIssued.key(&licensed),
            Some("2016-03-01".into())
        );
        assert_eq!(
            BlockingRule::LicenseNumber.key(&licensed),
            Some("CCL1804974".into())
        );
        let placeholder = lead(&[("license_number", "0000000")]);
        assert_eq!(BlockingRule::LicenseNumber.key(&placeholder), None);
    }

    #[test]
    fn one_building_however_its_street_is_spelled() {
        let published = lead(&[("address1", "150 N. WILLOW ST"), ("zip", "89027")]);
        let re_exported = lead(&[
            ("address1", "150 North Willow Street, Suite 2"),
            ("zip", "89027-1234"),
        ]);
        let key = BlockingRule::Address.key(&published);
        assert_eq!(key, Some("150|N WILLOW ST|89027".into()));
        assert_eq!(BlockingRule::Address.key(&re_exported), key);
    }

    #[test]
    fn the_first_significant_word_of_the_business() {
        let key = |company| {
            BlockingRule::ZipCompany.key(&lead(&[("company", company), ("zip", "73120")]))
        };
        assert_eq!(
            key("BRIGGS, DASHESHIA DBA DEELIGHTFUL LEARNING STATION, LLC"),
            Some("73120|DEELIGHTFUL".into())
        );
        assert_eq!(key("THE LITTLE EXPLORERS LLC"), Some("73120|LITTLE".into()));
        assert_eq!(key("A CHILD CARE CENTER, INC."), None);
        assert_eq!(key("N/A"), None);
    }

    #[test]
    fn placeholders_give_no_key() {
        let lead = lead(&[
            ("phone", "+11234567890"),
            ("email", "test1@gmail.com"),
            ("first_name", "N/A"),
            ("last_name", "Garcia"),
            ("address1", "PO BOX 12"),
            ("zip", "89027"),
        ]);
        // The ZIP code is no placeholder: only the rule on it alone gives a key.
        let mut keys = keys(&lead);
        let zip = BlockingRule::ALL
            .iter()
            .position(|r| *r == BlockingRule::Zip);
        assert_eq!(keys.remove(zip.unwrap()), Some("89027".to_string()));
        assert!(keys.iter().all(Option::is_none));
    }

    #[test]
    fn e_mail_lower_cased() {
        let lead = lead(&[("email", "Lorena123ABC@aol.com")]);
        assert_eq!(
            BlockingRule::Email.key(&lead),
            Some("lorena123abc@aol.com".into())
        );
    }
}
