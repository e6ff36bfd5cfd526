//! `masthead reindex`: rebuilds the search index from the database.

use std::process::ExitCode;

use masthead_config::{Settings, SettingsArgs};

/// Arguments of `masthead reindex`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReindexArgs {
    #[command(flatten)]
    settings: SettingsArgs,
}

pub(crate) fn run(args: ReindexArgs) -> ExitCode {
    let settings = match Settings::resolve(args.settings) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("masthead: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("masthead: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} articles ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let result = runtime.block_on(masthead::reindex(&settings, progress));
    bar.finish_and_clear();
    match result {
        Ok(count) => {
            println!(
                "Indexed {count} published articles in {} in {:.1} s.",
                settings.search_dir().display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("masthead: {error}");
            ExitCode::FAILURE
        }
    }
}
