//! The documentation of every setting, in one table that the README, `--help`
//! and the code are checked against.

/// One setting as a person configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingDoc {
    /// Key in `masthead.toml` (empty for settings that cannot be in the file).
    pub key: &'static str,
    /// Command-line flag.
    pub flag: &'static str,
    /// Environment variable.
    pub env: &'static str,
    /// Default value, as a person would write it.
    pub default: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// Every setting of `masthead serve`.
pub const SETTINGS: &[SettingDoc] = &[
    SettingDoc {
        key: "data_dir",
        flag: "--data-dir",
        env: "MASTHEAD_DATA_DIR",
        default: "./masthead-data",
        description: "Folder holding the database (`masthead.db`), media files (`media/`) and template overrides (`templates/`); created if missing.",
    },
    SettingDoc {
        key: "database_url",
        flag: "--database-url",
        env: "MASTHEAD_DATABASE_URL",
        default: "the data directory's masthead.db",
        description: "The database: `postgres://user@host:5432/name` for several nodes sharing one PostgreSQL, or `sqlite:FILE`. The password, if any, is never logged.",
    },
    SettingDoc {
        key: "listen",
        flag: "--listen",
        env: "MASTHEAD_LISTEN",
        default: "127.0.0.1:8080",
        description: "Address and port to serve on. Port 0 picks a free port.",
    },
    SettingDoc {
        key: "site_name",
        flag: "--site-name",
        env: "MASTHEAD_SITE_NAME",
        default: "The Masthead Times",
        description: "The publication's name, shown in the masthead and page titles.",
    },
    SettingDoc {
        key: "site_url",
        flag: "--site-url",
        env: "MASTHEAD_SITE_URL",
        default: "the address served on",
        description: "The public address readers use (e.g. `https://news.example.com`), for canonical links.",
    },
    SettingDoc {
        key: "language",
        flag: "--language",
        env: "MASTHEAD_LANGUAGE",
        default: "en",
        description: "Language of the content, as a BCP 47 tag (`en`, `de`, `pt-BR`).",
    },
    SettingDoc {
        key: "page_size",
        flag: "--page-size",
        env: "MASTHEAD_PAGE_SIZE",
        default: "10",
        description: "Articles on each section, tag and author page (1 to 100).",
    },
    SettingDoc {
        key: "read_also_links",
        flag: "--read-also-links",
        env: "MASTHEAD_READ_ALSO_LINKS",
        default: "2",
        description: "\"READ ALSO\" links placed inside an article's text when its body names none (0 to 5); pinned or suggested related stories.",
    },
    SettingDoc {
        key: "read_also_every",
        flag: "--read-also-every",
        env: "MASTHEAD_READ_ALSO_EVERY",
        default: "3",
        description: "Paragraphs before the first inline \"READ ALSO\" link and between links (1 to 20).",
    },
    SettingDoc {
        key: "websub_hub",
        flag: "--websub-hub",
        env: "MASTHEAD_WEBSUB_HUB",
        default: "none",
        description: "A WebSub hub: feeds name it, and it is pinged (with retries) when articles are published.",
    },
    SettingDoc {
        key: "demo",
        flag: "--demo",
        env: "MASTHEAD_DEMO",
        default: "true",
        description: "Load the demo publication on the first start of a new data directory.",
    },
    SettingDoc {
        key: "log",
        flag: "--log",
        env: "MASTHEAD_LOG",
        default: "info",
        description: "What to log: `error`, `warn`, `info`, `debug`, `trace`, or a filter such as `masthead_web=debug`.",
    },
    SettingDoc {
        key: "",
        flag: "--config",
        env: "MASTHEAD_CONFIG",
        default: "./masthead.toml if present",
        description: "The settings file to read.",
    },
];

/// The settings as a Markdown table, exactly as the README shows it.
pub fn markdown_table() -> String {
    let mut table =
        String::from("| `masthead.toml` key | flag | environment | default | what it does |\n|---|---|---|---|---|\n");
    for s in SETTINGS {
        let key = if s.key.is_empty() { "—".to_owned() } else { format!("`{}`", s.key) };
        table.push_str(&format!("| {key} | `{}` | `{}` | `{}` | {} |\n", s.flag, s.env, s.default, s.description));
    }
    table
}
