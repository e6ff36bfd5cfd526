//! One module per subcommand.

pub(crate) mod analyze;
pub(crate) mod demo;
pub(crate) mod reindex;
pub(crate) mod serve;
pub(crate) mod user;
