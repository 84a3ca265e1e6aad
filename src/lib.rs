//! iepcase: encrypted, git-backed case files for special-education advocates and parents.
pub mod record;
pub mod crypto;
pub mod atomic;
pub mod workspace;
pub mod git;
pub mod store;
pub mod example;
