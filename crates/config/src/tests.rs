use std::io::Write;

use clap::{CommandFactory, Parser};

use super::*;

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    settings: SettingsArgs,
}

fn resolve(flags: &[&str]) -> Result<Settings, ConfigError> {
    let mut argv = vec!["masthead"];
    argv.extend_from_slice(flags);
    let cli = Cli::try_parse_from(argv).expect("flags parse");
    Settings::resolve(cli.settings)
}

fn file_with(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(contents.as_bytes()).unwrap();
    file
}

#[test]
fn defaults_apply_when_nothing_is_given() {
    let settings = Settings::resolve(SettingsArgs::default()).unwrap();
    assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(settings.data_dir, PathBuf::from("./masthead-data"));
    assert_eq!(settings.site_url, None);
    assert_eq!(settings.page_size, 10);
    assert!(settings.demo);
    assert_eq!(settings.database_path(), PathBuf::from("./masthead-data/masthead.db"));
}

#[test]
fn a_flag_wins_over_the_file_and_the_file_over_the_default() {
    let file = file_with("listen = \"127.0.0.1:9000\"\nsite_name = \"From File\"\npage_size = 5\ndemo = false\n");
    let path = file.path().to_str().unwrap();
    let settings = resolve(&["--config", path, "--listen", "127.0.0.1:9100"]).unwrap();
    assert_eq!(settings.listen.to_string(), "127.0.0.1:9100");
    assert_eq!(settings.site_name, "From File");
    assert_eq!(settings.page_size, 5);
    assert!(!settings.demo);
}

#[test]
fn an_invalid_listen_address_names_the_setting_and_an_example() {
    let err = resolve(&["--listen", "nonsense"]).unwrap_err().to_string();
    assert!(err.contains("invalid listen \"nonsense\""), "{err}");
    assert!(err.contains("--listen or MASTHEAD_LISTEN"), "{err}");
    assert!(err.contains("127.0.0.1:8080"), "{err}");
}

#[test]
fn an_invalid_value_in_the_file_names_the_file() {
    let file = file_with("page_size = 0\n");
    let err = resolve(&["--config", file.path().to_str().unwrap()]).unwrap_err().to_string();
    assert!(err.contains("`page_size` in"), "{err}");
    assert!(err.contains("1 to 100"), "{err}");
}

#[test]
fn an_unknown_key_in_the_file_is_an_error() {
    let file = file_with("listne = \"127.0.0.1:1\"\n");
    let err = resolve(&["--config", file.path().to_str().unwrap()]).unwrap_err().to_string();
    assert!(err.contains("unknown field `listne`"), "{err}");
}

#[test]
fn a_missing_settings_file_that_was_named_is_an_error() {
    let err = resolve(&["--config", "/nonexistent/masthead.toml"]).unwrap_err().to_string();
    assert!(err.contains("cannot read the settings file /nonexistent/masthead.toml"), "{err}");
}

#[test]
fn bad_values_of_each_setting_are_refused() {
    for flags in [
        ["--page-size", "abc"],
        ["--page-size", "101"],
        ["--demo", "maybe"],
        ["--site-url", "ftp://example.com"],
        ["--site-url", "https://"],
        ["--websub-hub", "ftp://hub.example.com"],
        ["--websub-hub", "hub.example.com"],
        ["--language", "english language"],
        ["--site-name", " "],
        ["--log", ""],
        ["--data-dir", ""],
    ] {
        // Clap itself refuses some (an empty path); the rest must be refused by `resolve`.
        let mut argv = vec!["masthead"];
        argv.extend_from_slice(&flags);
        let refused = Cli::try_parse_from(argv).map_or(true, |cli| Settings::resolve(cli.settings).is_err());
        assert!(refused, "{flags:?} was accepted");
    }
}

#[test]
fn the_site_url_loses_its_trailing_slash() {
    assert_eq!(
        resolve(&["--site-url", "https://news.example.com/"]).unwrap().site_url.as_deref(),
        Some("https://news.example.com")
    );
}

#[test]
fn every_documented_setting_is_a_flag_with_its_environment_variable() {
    let command = Cli::command();
    for doc in SETTINGS {
        let arg = command
            .get_arguments()
            .find(|a| a.get_long().map(|l| format!("--{l}")) == Some(doc.flag.to_owned()))
            .unwrap_or_else(|| panic!("{} is documented but not a flag", doc.flag));
        assert_eq!(arg.get_env().and_then(|e| e.to_str()), Some(doc.env), "{}", doc.flag);
    }
    let flags = command.get_arguments().filter(|a| a.get_long().is_some()).count();
    assert_eq!(flags, SETTINGS.len(), "a flag is not documented in SETTINGS");
}

#[test]
fn every_documented_file_key_is_read_from_the_file() {
    for doc in SETTINGS.iter().filter(|d| !d.key.is_empty()) {
        let value = match doc.key {
            "page_size" | "read_also_links" | "read_also_every" => "3".to_owned(),
            "demo" => "false".to_owned(),
            _ => format!("{:?}", "x"),
        };
        let parsed: Result<FileSettings, _> = toml::from_str(&format!("{} = {value}", doc.key));
        assert!(parsed.is_ok(), "`{}` is documented but the file does not accept it", doc.key);
    }
}
