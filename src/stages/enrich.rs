//! Enrichment ([`crate::enrich`]) of every new or changed lead, in the mapping workers, as
//! its spec's `[enrich]` says: on unless a spec turns it off. A reference source's records
//! are the CRM's own values, kept as it has them: `export matched` then offers what the
//! leads derive (a website) as an update where the CRM has none.

use crate::enrich::enrich;
use crate::map::MappedLead;
use crate::pipeline::Stage;
use crate::spec::{Role, Spec};

/// The enrichment stage.
#[derive(Debug, Default)]
pub struct Enrichment;

impl Stage for Enrichment {
    fn name(&self) -> &'static str {
        "enrich"
    }

    fn after_normalize(&self, spec: &Spec, lead: &mut MappedLead) {
        if spec.role == Role::Leads {
            enrich(&spec.enrich, lead);
        }
    }
}
