//! Use cases: what a command does, as one call the command line (or any other front end)
//! makes and then renders. Nothing here prints, prompts or reads the environment; what a
//! command must tell the user comes back in the result.

pub mod attachments;
pub mod bundle;
pub mod cases;
pub mod check;
mod error;
pub mod export;
pub mod import;
pub mod letters;
pub mod output;
pub mod records;
pub mod search;

pub use error::OpsError;
