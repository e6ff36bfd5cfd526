//! `masthead serve`: resolve settings, open the site, serve until Ctrl+C or SIGTERM.

use std::io::Write;
use std::process::ExitCode;

use masthead_config::{Settings, SettingsArgs};

/// Arguments of `masthead serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    settings: SettingsArgs,
}

/// Exit code for a setting that cannot be used (as clap uses for bad flags).
const EXIT_BAD_SETTING: u8 = 2;

pub(crate) fn run(args: ServeArgs) -> ExitCode {
    let settings = match Settings::resolve(args.settings) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("masthead: {error}");
            return ExitCode::from(EXIT_BAD_SETTING);
        }
    };
    let filter = match tracing_subscriber::EnvFilter::try_new(&settings.log) {
        Ok(filter) => filter,
        Err(error) => {
            eprintln!("masthead: invalid log {:?} (from --log or MASTHEAD_LOG): {error}", settings.log);
            return ExitCode::from(EXIT_BAD_SETTING);
        }
    };
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("masthead: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("masthead: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), masthead::StartError> {
    // Bind first: a port in use is reported before anything is written to disk.
    let listener = masthead::bind(settings.listen).await?;
    let address = listener.local_addr().map_err(masthead::StartError::Serve)?;
    let site = masthead::open_site(&settings, address).await?;
    // The one line a person (or a test) reads to find the site; printed only once it is ready.
    // A closed stdout (a supervisor that stopped reading) must not stop the site, so errors are ignored.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Masthead is serving {} at http://{address}/", settings.site_name);
    let _ = writeln!(out, "Data directory: {}. Press Ctrl+C to stop.", settings.data_dir.display());
    if site.has_accounts {
        let _ = writeln!(out, "Newsroom: http://{address}/admin");
    } else {
        let _ = writeln!(
            out,
            "The newsroom has no accounts yet. Create the first admin with:\n  \
             masthead user add --data-dir {} --email you@example.org --name \"Your Name\" --role admin",
            settings.data_dir.display()
        );
    }
    let _ = out.flush();
    site.serve(listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl+C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
