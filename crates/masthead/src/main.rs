//! `masthead`: a news publication in one program.
//!
//! Subcommands live in `commands/`, one module each, and only wire things together.

mod commands;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    /// Manage newsroom accounts: create the first admin, or API tokens for scripts.
    User(commands::user::UserArgs),
    /// Generate a large realistic site, for benchmarks and load tests.
    Demo(commands::demo::DemoArgs),
    /// Rebuild the search index from the database (with a progress bar).
    Reindex(commands::reindex::ReindexArgs),
    /// Find the people, organisations, places and quotations in plain-text articles, and rank how they relate.
    ///
    /// Prints one JSON object per file (JSON Lines): {"id", "entities", "quotes", "related"}.
    Analyze(commands::analyze::AnalyzeArgs),
    /// Score the analysis against hand-labelled articles (NAME.txt beside NAME.gold.json).
    Evaluate(commands::analyze::EvaluateArgs),
}

fn main() -> ExitCode {
    let matches = Cli::command().after_help(settings_help()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    match cli.command {
        Command::Serve(args) => commands::serve::run(args),
        Command::User(args) => commands::user::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Reindex(args) => commands::reindex::run(args),
        Command::Analyze(args) => commands::analyze::run(args),
        Command::Evaluate(args) => commands::analyze::evaluate(args),
    }
}

/// Every setting, for `masthead --help`, from the same table the README is checked against.
fn settings_help() -> String {
    let mut help = String::from(
        "Settings of `masthead serve` (a flag wins over its environment variable, which wins over masthead.toml):\n",
    );
    for setting in masthead_config::SETTINGS {
        help.push_str(&format!("  {:<12} {:<20} [default: {}]\n", setting.flag, setting.env, setting.default));
    }
    help
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
