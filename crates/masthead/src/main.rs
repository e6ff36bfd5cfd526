//! `masthead`: a news publication in one program.
//!
//! Subcommands live in `commands/`, one module each, and only wire things together.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Masthead: run a news publication from one program.
#[derive(Debug, Parser)]
#[command(name = "masthead", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the publication (reader site) from an embedded database in the data directory.
    ///
    /// Every setting can also be given as an environment variable or in masthead.toml;
    /// a flag wins over the environment, which wins over the file.
    Serve(commands::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => commands::serve::run(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
