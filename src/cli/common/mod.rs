//! What several commands share: reading cases, checking arguments and output files, and the
//! wording and painting of what they print. Commands use these modules and never each other.

pub mod access;
pub mod args;
pub mod bundle;
pub mod cases;
pub mod files;
pub mod identity;
pub mod records;
