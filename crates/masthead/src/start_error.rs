use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use masthead_storage::StorageError;

/// Why the site could not start, worded for the person starting it: what is
/// wrong and how to fix it, on one line.
#[derive(Debug)]
pub enum StartError {
    /// The data directory cannot be created or written.
    DataDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The database cannot be opened or brought up to date.
    Database {
        /// The database file or server, as [`masthead_config::Database`] shows it.
        database: String,
        /// The cause.
        source: StorageError,
    },
    /// The demo publication could not be loaded.
    Demo(masthead_demo::DemoError),
    /// A template override does not compile.
    Templates(masthead_web::TemplateError),
    /// The listening address cannot be bound.
    Listen {
        /// The address.
        address: SocketAddr,
        /// The cause.
        source: io::Error,
    },
    /// The server stopped with an I/O error.
    Serve(io::Error),
    /// A background job handler could not be set up.
    Jobs(masthead_jobs::JobError),
    /// The newsroom could not be read.
    Newsroom(String),
    /// The search index could not be opened or built.
    Search(masthead_search::SearchError),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Newsroom(message) => write!(f, "the newsroom cannot start: {message}"),
            Self::Search(error) if error.to_string().contains("LockBusy") => write!(
                f,
                "the search index is in use by another Masthead process on this data directory \
                 (is `masthead serve` running?); stop it first"
            ),
            Self::Search(error) => write!(
                f,
                "{error}. The index holds nothing the database does not: delete the data directory's \
                 search/ folder and start again to rebuild it"
            ),
            Self::DataDir { path, source } => write!(
                f,
                "cannot use the data directory {}: {source}. Choose another one with --data-dir \
                 (or MASTHEAD_DATA_DIR), or make this one writable.",
                path.display()
            ),
            Self::Database { database, source: source @ StorageError::Corrupt(_) } => write!(
                f,
                "the database {database} cannot be read: {source}. Restore it from a backup, or move it away \
                 to start a new site in this data directory."
            ),
            Self::Database { database, source: source @ StorageError::SchemaTooNew { .. } } => write!(
                f,
                "cannot open {database}: {source}. Run that newer version of Masthead, or restore a backup \
                 made by this one."
            ),
            Self::Database { database, source } => write!(f, "cannot open the database {database}: {source}"),
            Self::Demo(error) => write!(f, "cannot load the demo publication: {error}"),
            Self::Templates(error) => {
                write!(f, "{error}. Fix or remove that file in the data directory's templates/ folder.")
            }
            Self::Listen { address, source } if source.kind() == io::ErrorKind::AddrInUse => write!(
                f,
                "cannot listen on {address}: the address is already in use. Stop the program using it, \
                 or choose another address with --listen (or MASTHEAD_LISTEN)."
            ),
            Self::Listen { address, source } if source.kind() == io::ErrorKind::AddrNotAvailable => write!(
                f,
                "cannot listen on {address}: this machine has no such address. Choose another one with \
                 --listen, such as 127.0.0.1:8080."
            ),
            Self::Listen { address, source } if source.kind() == io::ErrorKind::PermissionDenied => write!(
                f,
                "cannot listen on {address}: permission denied (ports below 1024 need privileges). \
                 Choose a port above 1024 with --listen."
            ),
            Self::Listen { address, source } => write!(f, "cannot listen on {address}: {source}"),
            Self::Serve(error) => write!(f, "the web server stopped: {error}"),
            Self::Jobs(error) => write!(f, "cannot start the background jobs: {error}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<masthead_demo::DemoError> for StartError {
    fn from(error: masthead_demo::DemoError) -> Self {
        Self::Demo(error)
    }
}

impl From<masthead_web::TemplateError> for StartError {
    fn from(error: masthead_web::TemplateError) -> Self {
        Self::Templates(error)
    }
}
