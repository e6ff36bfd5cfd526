//! `masthead user`: newsroom accounts from the command line, for the first
//! admin (before anyone can sign in) and for scripts.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use masthead_config::{Settings, SettingsArgs};
use masthead_content::{Email, Role};
use masthead_newsroom::accounts::AccountRequest;

/// Arguments of `masthead user`.
#[derive(Debug, clap::Args)]
pub(crate) struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, clap::Subcommand)]
enum UserAction {
    /// Create an account. Prints a one-time password, or reads one from stdin with --password-stdin.
    Add {
        /// Sign-in email address.
        #[arg(long)]
        email: String,
        /// Display name, also used as the byline.
        #[arg(long)]
        name: String,
        /// contributor, author, editor or admin.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// Create an API token acting as an account, for scripts; printed once.
    Token {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        label: String,
        #[command(flatten)]
        settings: SettingsArgs,
    },
}

pub(crate) fn run(args: UserArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("masthead: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(act(args.action)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("masthead: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("masthead: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    /// Bad input: exit code 2, like a bad flag.
    Usage(String),
    /// Could not be done.
    Failed(String),
}

fn settings(args: SettingsArgs) -> Result<Settings, Failure> {
    Settings::resolve(args).map_err(|e| Failure::Usage(e.to_string()))
}

async fn act(action: UserAction) -> Result<(), Failure> {
    match action {
        UserAction::Add { email, name, role, password_stdin, settings: args } => {
            let role = Role::parse(&role).map_err(|e| Failure::Usage(e.to_string()))?;
            let password = if password_stdin { Some(read_password()?) } else { None };
            let settings = settings(args)?;
            let (store, newsroom) =
                masthead::open_newsroom(&settings).await.map_err(|e| Failure::Failed(e.to_string()))?;
            let request = AccountRequest { email, name, role, password };
            let result = newsroom.create_account(None, request).await;
            store.close().await;
            let (user, generated) = result.map_err(|e| Failure::Usage(e.to_string()))?;
            let mut out = std::io::stdout();
            let _ = writeln!(out, "Created {} <{}> as {}.", user.name, user.email, user.role);
            if let Some(password) = generated {
                let _ = writeln!(out, "One-time password: {password}");
                let _ = writeln!(out, "Sign in at /admin/sign-in; an admin can reset it under Accounts.");
            }
            Ok(())
        }
        UserAction::Token { email, label, settings: args } => {
            let email = Email::parse(&email).map_err(|e| Failure::Usage(e.to_string()))?;
            let settings = settings(args)?;
            let (store, newsroom) =
                masthead::open_newsroom(&settings).await.map_err(|e| Failure::Failed(e.to_string()))?;
            let result = async {
                let (user, _) = newsroom
                    .store()
                    .credentials(&email)
                    .await
                    .map_err(|e| Failure::Failed(e.to_string()))?
                    .ok_or_else(|| Failure::Usage(format!("there is no account for {email}")))?;
                newsroom.create_api_token(&user, &label).await.map_err(|e| Failure::Usage(e.to_string()))
            }
            .await;
            store.close().await;
            let token = result?;
            let _ = writeln!(std::io::stdout(), "{token}");
            Ok(())
        }
    }
}

fn read_password() -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password: ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(|e| Failure::Failed(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
