//! `masthead demo generate`: a realistic site of any size, for benchmarks.

use std::io::Write;
use std::process::ExitCode;

use masthead_config::{Settings, SettingsArgs};

/// Arguments of `masthead demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    #[command(subcommand)]
    action: DemoAction,
}

#[derive(Debug, clap::Subcommand)]
enum DemoAction {
    /// Add generated articles (sections, authors, tags, lead images, comments, spread over six years).
    Generate {
        /// How many articles.
        #[arg(long, default_value_t = 1000)]
        articles: usize,
        /// Seed of the choices; the same seed gives the same site.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        settings: SettingsArgs,
    },
}

pub(crate) fn run(args: DemoArgs) -> ExitCode {
    let DemoAction::Generate { articles, seed, settings } = args.action;
    let settings = match Settings::resolve(settings) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("masthead: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("masthead: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let options = masthead_demo::GenerateOptions { articles, seed };
    let started = std::time::Instant::now();
    let progress = |done: usize, elapsed: std::time::Duration| {
        let mut err = std::io::stderr();
        let _ = write!(err, "\rGenerated {done} of {articles} articles ({:.1} s)", elapsed.as_secs_f64());
        let _ = err.flush();
    };
    match runtime.block_on(masthead::generate_site(&settings, options, progress)) {
        Ok(report) => {
            eprintln!();
            println!(
                "Generated {} articles and {} comments in {} in {:.1} s.",
                report.articles,
                report.comments,
                settings.data_dir.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("\nmasthead: {error}");
            ExitCode::FAILURE
        }
    }
}
