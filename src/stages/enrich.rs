//! Enrichment ([`crate::enrich`]) of every new or changed lead, in the mapping workers, as
//! its spec's `[enrich]` says: on unless a spec turns it off.

use crate::enrich::enrich;
use crate::map::MappedLead;
use crate::pipeline::Stage;
use crate::spec::Spec;

/// The enrichment stage.
#[derive(Debug, Default)]
pub struct Enrichment;

impl Stage for Enrichment {
    fn name(&self) -> &'static str {
        "enrich"
    }

    fn after_normalize(&self, spec: &Spec, lead: &mut MappedLead) {
        enrich(&spec.enrich, lead);
    }
}
