//! iepcase: encrypted, git-backed case files for special-education advocates and parents.
pub mod atomic;
pub mod crypto;
pub mod example;
pub mod git;
pub mod record;
pub mod store;
pub mod synth;
pub mod workspace;
