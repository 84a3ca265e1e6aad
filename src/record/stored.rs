//! A record as a case holds it: what every reader of records (rules, findings, letters, the
//! timeline, bundles) works from, without depending on how the case stores it.

use super::{Record, RecordId};

/// A record as stored: its id, its text as written, and the parsed record.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub id: RecordId,
    pub text: String,
    pub record: Record,
}

impl StoredRecord {
    /// The chronological sort key of SPEC section 5: date, then time (untimed last), then id.
    pub fn order_key(&self) -> (super::Date, bool, Option<super::Time>, &RecordId) {
        let common = &self.record.common;
        (common.date, common.time.is_none(), common.time, &self.id)
    }
}
