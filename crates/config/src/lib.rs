//! Masthead's settings: where they come from and what they may be.
//!
//! Each setting is looked up in this order, first found wins: a command-line
//! flag, a `MASTHEAD_*` environment variable, the settings file
//! (`masthead.toml`), then the built-in default. [`SettingsArgs`] is the
//! first two layers (clap reads both), [`Settings::resolve`] adds the file
//! and the defaults and checks every value, so the rest of the program only
//! ever sees a valid [`Settings`]. [`SETTINGS`] documents each one; the
//! README's settings table is checked against it by a test.
//!
//! This crate depends on no other Masthead crate: the binary turns
//! `Settings` into each library's own configuration.

mod docs;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use docs::{SETTINGS, SettingDoc, markdown_table};

/// The file read when `--config` is not given, if it exists in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "masthead.toml";

/// Settings given as flags or `MASTHEAD_*` environment variables (clap reads
/// both; a flag wins). Values stay text here so that a bad one is reported
/// together with where it came from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SettingsArgs {
    /// Folder holding the database, media files and template overrides; created if missing [default: ./masthead-data]
    #[arg(long, env = "MASTHEAD_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database: postgres://user@host/name for several nodes, or sqlite:FILE [default: the data directory's masthead.db]
    #[arg(long, env = "MASTHEAD_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Address and port to serve on [default: 127.0.0.1:8080]
    #[arg(long, env = "MASTHEAD_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// The publication's name, shown in the masthead and in page titles [default: The Masthead Times]
    #[arg(long, env = "MASTHEAD_SITE_NAME", value_name = "NAME")]
    pub site_name: Option<String>,
    /// The public address readers use, for canonical links, e.g. `https://news.example.com` [default: the address served on]
    #[arg(long, env = "MASTHEAD_SITE_URL", value_name = "URL")]
    pub site_url: Option<String>,
    /// Language of the site's content, as a BCP 47 tag such as en or en-GB [default: en]
    #[arg(long, env = "MASTHEAD_LANGUAGE", value_name = "TAG")]
    pub language: Option<String>,
    /// Articles on each section, tag and author page, 1 to 100 [default: 10]
    #[arg(long, env = "MASTHEAD_PAGE_SIZE", value_name = "N")]
    pub page_size: Option<String>,
    /// "READ ALSO" links placed inside an article's text, 0 to 5 [default: 2]
    #[arg(long, env = "MASTHEAD_READ_ALSO_LINKS", value_name = "N")]
    pub read_also_links: Option<String>,
    /// Paragraphs before the first inline "READ ALSO" link and between links, 1 to 20 [default: 3]
    #[arg(long, env = "MASTHEAD_READ_ALSO_EVERY", value_name = "N")]
    pub read_also_every: Option<String>,
    /// WebSub hub to announce in feeds and to ping when articles are published [default: none]
    #[arg(long, env = "MASTHEAD_WEBSUB_HUB", value_name = "URL")]
    pub websub_hub: Option<String>,
    /// Load the demo publication on the first start: true or false [default: true]
    #[arg(long, env = "MASTHEAD_DEMO", value_name = "BOOL")]
    pub demo: Option<String>,
    /// What to log: error, warn, info, debug, trace, or a filter such as masthead_web=debug [default: info]
    #[arg(long, env = "MASTHEAD_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// Settings file to read [default: ./masthead.toml when it exists]
    #[arg(long, env = "MASTHEAD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Every setting, resolved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Holds everything the site stores; every path derives from it.
    pub data_dir: PathBuf,
    /// Where the site's data is kept.
    pub database: Database,
    /// Where the web server listens.
    pub listen: SocketAddr,
    /// The publication's name.
    pub site_name: String,
    /// Public base URL, without a trailing slash; `None` means the address served on.
    pub site_url: Option<String>,
    /// BCP 47 language tag of the content.
    pub language: String,
    /// Articles per listing page.
    pub page_size: u32,
    /// WebSub hub URL, if the site uses one.
    pub websub_hub: Option<String>,
    /// Related-story links placed inside an article's text.
    pub read_also_links: u32,
    /// Paragraphs before the first inline related-story link and between links.
    pub read_also_every: u32,
    /// Whether the first start loads the demo publication.
    pub demo: bool,
    /// tracing filter directive.
    pub log: String,
}

/// Which database engine holds the site, and where.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// An embedded SQLite file: one node, nothing to set up.
    Sqlite(PathBuf),
    /// A PostgreSQL server, shared by every node: its connection URL.
    Postgres(String),
}

impl Database {
    /// Reads a database URL: `postgres://…` (or `postgresql://…`), or
    /// `sqlite:FILE` (`sqlite://FILE` too).
    pub fn parse(url: &str) -> Option<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return (url.len() > "postgres://".len()).then(|| Self::Postgres(url.to_owned()));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
        (!path.is_empty()).then(|| Self::Sqlite(PathBuf::from(path)))
    }
}

/// Shows where the database is without its password, for messages and logs.
impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.split_once('@') {
                    Some((credentials, host)) if credentials.contains(':') => {
                        let user = credentials.split(':').next().unwrap_or_default();
                        write!(f, "{scheme}://{user}:***@{host}")
                    }
                    _ => write!(f, "{url}"),
                }
            }
        }
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Database({self})")
    }
}

impl Settings {
    /// The SQLite database file of the data directory (used unless `database_url` says otherwise).
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("masthead.db")
    }

    /// Where media files are kept.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// Where the search index is kept (rebuilt from the database when missing).
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// Where templates that override the built-in ones are looked for.
    pub fn templates_dir(&self) -> PathBuf {
        self.data_dir.join("templates")
    }

    /// Merges flags and environment (`args`) over the settings file over the
    /// defaults, and checks every value.
    pub fn resolve(args: SettingsArgs) -> Result<Self, ConfigError> {
        let (file, file_path) = match &args.config {
            Some(path) => (read_file(path)?, Some(path.clone())),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                (read_file(Path::new(DEFAULT_CONFIG_FILE))?, Some(PathBuf::from(DEFAULT_CONFIG_FILE)))
            }
            None => (FileSettings::default(), None),
        };
        let from_file =
            |name: &'static str| Origin::File { path: file_path.clone().unwrap_or_default(), setting: name };

        let data_dir = args.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("./masthead-data"));
        if data_dir.as_os_str().is_empty() {
            return Err(ConfigError::invalid("data_dir", "", Origin::Given("data_dir"), "it is empty"));
        }

        let database = match pick(args.database_url, file.database_url, "database_url", from_file("database_url")) {
            None => Database::Sqlite(data_dir.join("masthead.db")),
            Some((text, origin)) => Database::parse(&text).ok_or_else(|| {
                ConfigError::invalid(
                    "database_url",
                    &text,
                    origin,
                    "expected postgres://user@host:port/database or sqlite:FILE",
                )
            })?,
        };

        let listen = pick(args.listen, file.listen, "listen", from_file("listen"));
        let listen = match listen {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some((text, origin)) => text.trim().parse().map_err(|_| {
                ConfigError::invalid(
                    "listen",
                    &text,
                    origin,
                    "expected an IP address and port such as 127.0.0.1:8080 or [::1]:8080",
                )
            })?,
        };

        let site_name = match pick(args.site_name, file.site_name, "site_name", from_file("site_name")) {
            None => "The Masthead Times".to_owned(),
            Some((text, origin)) => {
                let name = text.trim();
                if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
                    return Err(ConfigError::invalid(
                        "site_name",
                        &text,
                        origin,
                        "use 1 to 100 characters on one line",
                    ));
                }
                name.to_owned()
            }
        };

        let site_url = match pick(args.site_url, file.site_url, "site_url", from_file("site_url")) {
            None => None,
            Some((text, origin)) => Some(parse_http_url(&text).ok_or_else(|| {
                ConfigError::invalid(
                    "site_url",
                    &text,
                    origin,
                    "expected an http:// or https:// address such as https://news.example.com",
                )
            })?),
        };

        let websub_hub = match pick(args.websub_hub, file.websub_hub, "websub_hub", from_file("websub_hub")) {
            None => None,
            Some((text, origin)) => Some(parse_http_url(&text).ok_or_else(|| {
                ConfigError::invalid(
                    "websub_hub",
                    &text,
                    origin,
                    "expected an http:// or https:// address such as https://pubsubhubbub.example.com/",
                )
            })?),
        };

        let language = match pick(args.language, file.language, "language", from_file("language")) {
            None => "en".to_owned(),
            Some((text, origin)) => {
                let valid = !text.is_empty()
                    && text.len() <= 35
                    && text.split('-').all(|part| {
                        !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
                    })
                    && text.split('-').next().is_some_and(|primary| primary.chars().all(|c| c.is_ascii_alphabetic()));
                if !valid {
                    return Err(ConfigError::invalid(
                        "language",
                        &text,
                        origin,
                        "expected a language tag such as en, de or pt-BR",
                    ));
                }
                text
            }
        };

        let page_size = match args.page_size.map(|t| (t, Origin::Given("page_size"))) {
            Some((text, origin)) => {
                text.trim().parse::<u32>().ok().filter(|n| (1..=100).contains(n)).ok_or_else(|| {
                    ConfigError::invalid("page_size", &text, origin, "expected a whole number from 1 to 100")
                })?
            }
            None => match file.page_size {
                Some(n) if (1..=100).contains(&n) => u32::try_from(n).unwrap_or(10),
                Some(n) => {
                    return Err(ConfigError::invalid(
                        "page_size",
                        &n.to_string(),
                        from_file("page_size"),
                        "expected a whole number from 1 to 100",
                    ));
                }
                None => 10,
            },
        };

        let read_also_links = whole_number(
            args.read_also_links,
            file.read_also_links,
            "read_also_links",
            from_file("read_also_links"),
            0..=5,
            2,
        )?;
        let read_also_every = whole_number(
            args.read_also_every,
            file.read_also_every,
            "read_also_every",
            from_file("read_also_every"),
            1..=20,
            3,
        )?;

        let demo = match args.demo {
            Some(text) => parse_bool(&text)
                .ok_or_else(|| ConfigError::invalid("demo", &text, Origin::Given("demo"), "expected true or false"))?,
            None => file.demo.unwrap_or(true),
        };

        let log = match pick(args.log, file.log, "log", from_file("log")) {
            None => "info".to_owned(),
            Some((text, origin)) => {
                if text.trim().is_empty() || text.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    return Err(ConfigError::invalid(
                        "log",
                        &text,
                        origin,
                        "expected a level such as info or a filter such as masthead_web=debug",
                    ));
                }
                text
            }
        };

        Ok(Self {
            data_dir,
            database,
            listen,
            site_name,
            site_url,
            language,
            page_size,
            websub_hub,
            read_also_links,
            read_also_every,
            demo,
            log,
        })
    }
}

/// A whole-number setting within `range`: the flag or environment value, else the file's, else `default`.
fn whole_number(
    given: Option<String>,
    file: Option<i64>,
    setting: &'static str,
    file_origin: Origin,
    range: std::ops::RangeInclusive<u32>,
    default: u32,
) -> Result<u32, ConfigError> {
    let expected = format!("expected a whole number from {} to {}", range.start(), range.end());
    match (given, file) {
        (Some(text), _) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| ConfigError::invalid(setting, &text, Origin::Given(setting), &expected)),
        (None, Some(n)) => u32::try_from(n)
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| ConfigError::invalid(setting, &n.to_string(), file_origin, &expected)),
        (None, None) => Ok(default),
    }
}

/// The first of a flag/env value and a file value, with where it came from.
fn pick(
    given: Option<String>,
    file: Option<String>,
    setting: &'static str,
    file_origin: Origin,
) -> Option<(String, Origin)> {
    given.map(|v| (v, Origin::Given(setting))).or_else(|| file.map(|v| (v, file_origin)))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// `https://host[:port][/path]`, returned without a trailing slash.
fn parse_http_url(text: &str) -> Option<String> {
    let text = text.trim();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let host = rest.split('/').next()?;
    let host_ok =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let path_ok =
        !rest.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '?' | '#'));
    (host_ok && path_ok).then(|| text.trim_end_matches('/').to_owned())
}

/// The settings file's contents. Unknown keys are an error, so a typo is never silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<String>,
    site_name: Option<String>,
    site_url: Option<String>,
    language: Option<String>,
    page_size: Option<i64>,
    websub_hub: Option<String>,
    read_also_links: Option<i64>,
    read_also_every: Option<i64>,
    demo: Option<bool>,
    log: Option<String>,
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|cause| ConfigError::FileUnreadable { path: path.to_owned(), cause })?;
    toml::from_str(&text)
        .map_err(|e| ConfigError::FileInvalid { path: path.to_owned(), message: e.message().to_owned() })
}

/// Where a setting's value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag or its environment variable.
    Given(&'static str),
    /// The settings file.
    File {
        /// The file.
        path: PathBuf,
        /// The key in it.
        setting: &'static str,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Given(setting) => {
                let flag = setting.replace('_', "-");
                write!(f, "--{flag} or MASTHEAD_{}", setting.to_ascii_uppercase())
            }
            Self::File { path, setting } => write!(f, "`{setting}` in {}", path.display()),
        }
    }
}

/// A setting that cannot be used, explained so that the person can fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value that breaks the setting's rule.
    #[error("invalid {setting} {value:?} (from {origin}): {reason}")]
    Invalid {
        /// Setting name.
        setting: &'static str,
        /// The value given.
        value: String,
        /// Where it was given.
        origin: Origin,
        /// What is expected instead.
        reason: String,
    },
    /// The settings file could not be read.
    #[error("cannot read the settings file {path}: {cause}")]
    FileUnreadable {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        cause: std::io::Error,
    },
    /// The settings file is not valid TOML or has an unknown key or a value of the wrong type.
    #[error("the settings file {path} is not valid: {message}")]
    FileInvalid {
        /// The file.
        path: PathBuf,
        /// What the TOML reader reported.
        message: String,
    },
}

impl ConfigError {
    fn invalid(setting: &'static str, value: &str, origin: Origin, reason: &str) -> Self {
        Self::Invalid { setting, value: value.chars().take(100).collect(), origin, reason: reason.to_owned() }
    }
}

#[cfg(test)]
mod tests;
