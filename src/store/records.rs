//! The two tables whose rows resolution links into entities: `leads`, and the records of
//! reference sources (CRM exports). Their ids share one space (`source:key`), and their
//! columns are the same; what resolution and explain read, they read from both.

/// One of the tables of records resolution links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Records {
    Leads,
    Reference,
}

impl Records {
    /// Both, leads first.
    pub(crate) const BOTH: [Records; 2] = [Records::Leads, Records::Reference];

    pub(crate) fn table(self) -> &'static str {
        match self {
            Records::Leads => "leads",
            Records::Reference => "reference_records",
        }
    }

    /// Whether a row of table alias `alias` is current: an active lead, a reference record
    /// its source's newest export lists.
    pub(crate) fn current(self, alias: &str) -> String {
        match self {
            Records::Leads => format!("{alias}.is_active"),
            Records::Reference => format!("NOT {alias}.removed"),
        }
    }
}
