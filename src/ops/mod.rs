//! Use cases: what a command does, as one call the command line (or any other front end)
//! makes and then renders. Nothing here prints, prompts or reads the environment; what a
//! command must tell the user comes back in the result.

pub mod add;
mod advice;
pub mod attachments;
pub mod bundle;
pub mod case_list;
pub mod cases;
pub mod check;
pub mod demo;
pub mod diagnosis;
mod error;
pub mod export;
pub mod findings;
#[cfg(test)]
mod fixture;
pub mod fsck;
pub mod history;
pub mod import;
pub mod keys;
pub mod letters;
pub mod list;
pub mod log;
pub mod members;
mod notice;
pub mod output;
pub mod prep;
pub mod records;
pub mod remotes;
pub mod remove;
pub mod search;
mod show;
pub mod sync;
pub mod tally;
pub mod timeline;
pub mod urgency;
pub mod verify;
mod written;

pub use advice::letter_hints;
pub use error::OpsError;
pub use notice::Notice;
