//! What a use case has to tell besides its result, each line with how loudly to tell it; a
//! front end shows statuses plainly, warnings and hints marked.

/// One line to tell the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// What happened.
    Status(String),
    /// What the user should know is wrong or risky.
    Warning(String),
    /// What to do next, usually a command.
    Hint(String),
}
