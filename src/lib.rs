//! iepcase: encrypted, git-backed case files for special-education advocates and parents.
//!
//! The library holds everything but the command line (`src/cli/`, declared from `main.rs`):
//! it never prints, never exits, and takes every input, the current time included, from its
//! caller.
//!
//! | module | owns |
//! |---|---|
//! | [`workspace`] | `iepcase.toml`, the `cases/` folder, discovery, case selection, identity path |
//! | [`crypto`] | identities, recipients, the case key (`.iepcase/case-key.age`), age encryption |
//! | [`store`] | one case: `records/<id>.age`, `attachments/<mac>.age`, `case.age`, transactions, lock, cache, fsck |
//! | [`git`] | libgit2 plumbing: bare case repositories, tree splicing, commits, history |
//! | [`record`] | the 17 record kinds and case metadata, strict parsing, editing, JSON Schemas (`schemas/`) |
//! | [`example`] | the built-in example case (`examples/case/`) used by `demo`, docs and tests |
//! | [`bundle`] | evidence bundles written where the user asks: `bundle.pdf`, `index.html`, `index.md`, `exhibits/`, `manifest.json` |
//! | [`atomic`] | atomic file writes and the temporary files Ctrl-C must remove |
//! | [`synth`] | synthetic cases for benchmarks |

pub mod atomic;
pub mod bundle;
pub mod crypto;
pub mod example;
pub mod git;
pub mod record;
pub mod store;
pub mod synth;
pub mod workspace;
