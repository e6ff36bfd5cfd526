//! `masthead analyze FILE...` and `masthead evaluate DIR...`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `masthead analyze`.
#[derive(Debug, clap::Args)]
pub(crate) struct AnalyzeArgs {
    /// Plain-text articles: the first line is the headline, `## ` starts a
    /// subheading, blank lines separate paragraphs.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Skip ranking the files against each other (`related` is then empty): entities and quotations only.
    #[arg(long)]
    no_related: bool,
}

/// Prints one JSON object per file (JSON Lines): its entities, quotations
/// and the other files ranked by relatedness.
pub(crate) fn run(args: AnalyzeArgs) -> ExitCode {
    let analysed = match masthead::analysis::analyse_paths(&args.files, !args.no_related) {
        Ok(analysed) => analysed,
        Err(error) => {
            eprintln!("masthead: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    for file in analysed {
        let line = match serde_json::to_string(&file) {
            Ok(line) => line,
            Err(error) => {
                eprintln!("masthead: cannot write the analysis of {}: {error}", file.id);
                return ExitCode::FAILURE;
            }
        };
        if writeln!(out, "{line}").is_err() {
            // The reader went away (`| head`): not an error worth a message.
            return ExitCode::SUCCESS;
        }
    }
    ExitCode::SUCCESS
}

/// Arguments of `masthead evaluate`.
#[derive(Debug, clap::Args)]
pub(crate) struct EvaluateArgs {
    /// Folders of labelled articles: each `NAME.txt` beside its `NAME.gold.json`.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Also list every missed or wrong entity and quotation.
    #[arg(long)]
    verbose: bool,
}

/// Scores the analysis against hand-labelled articles.
pub(crate) fn evaluate(args: EvaluateArgs) -> ExitCode {
    for dir in &args.dirs {
        match masthead::analysis::evaluate_dir(dir) {
            Ok(scores) => {
                println!("# {}", dir.display());
                println!("{scores}");
                if args.verbose {
                    for error in &scores.errors {
                        println!("  {error}");
                    }
                }
                println!();
            }
            Err(error) => {
                eprintln!("masthead: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
