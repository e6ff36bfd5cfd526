//! The `masthead` binary as an operator meets it: `--help`, the settings
//! table, clear one-line errors with a non-zero exit code, and a real start.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use masthead_config::{SETTINGS, markdown_table};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Tests run in parallel, so every test that gets as far as binding uses port 0,
/// never the default 8080.
///
/// The binary, run in an empty working directory (so no `masthead.toml` is
/// picked up) with no `MASTHEAD_*` variables from the calling environment.
fn masthead(workdir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_masthead"));
    command.current_dir(workdir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MASTHEAD_") {
            command.env_remove(name);
        }
    }
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The last line of stderr, where the failure is explained.
fn last_error_line(output: &Output) -> String {
    stderr(output).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn help_documents_every_setting_with_its_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["serve", "--help"][..]] {
        let output = masthead(dir.path()).args(args).output().unwrap();
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        for setting in SETTINGS {
            assert!(help.contains(setting.flag), "{args:?} lacks {}", setting.flag);
            assert!(help.contains(setting.env), "{args:?} lacks {}", setting.env);
        }
    }
}

#[test]
fn the_readme_settings_table_matches_the_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    assert!(
        readme.contains(&markdown_table()),
        "README.md's settings table differs from the code; replace it with:\n{}",
        markdown_table()
    );
}

#[test]
fn an_invalid_flag_value_exits_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path()).args(["serve", "--listen", "nonsense"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
    let line = last_error_line(&output);
    assert!(line.starts_with("masthead: invalid listen \"nonsense\""), "{line}");
    assert!(line.contains("127.0.0.1:8080"), "{line}");
    assert!(!dir.path().join("masthead-data").exists(), "nothing is created for a bad setting");
}

#[test]
fn an_invalid_environment_variable_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path()).args(["serve"]).env("MASTHEAD_PAGE_SIZE", "lots").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(last_error_line(&output).contains("MASTHEAD_PAGE_SIZE"), "{}", stderr(&output));
}

#[test]
fn a_bad_settings_file_exits_2_naming_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("masthead.toml"), "listen = \"127.0.0.1:8080\"\nport = 9\n").unwrap();
    let output = masthead(dir.path()).args(["serve"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line = last_error_line(&output);
    assert!(line.contains("masthead.toml") && line.contains("unknown field `port`"), "{line}");
}

#[test]
fn an_invalid_log_filter_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path()).args(["serve", "--log", "masthead=loud"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(last_error_line(&output).contains("invalid log"), "{}", stderr(&output));
}

#[test]
fn an_unusable_data_directory_exits_1_saying_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    // A path under a regular file can never be a directory, whoever runs the test.
    std::fs::write(dir.path().join("a-file"), "x").unwrap();
    let output =
        masthead(dir.path()).args(["serve", "--data-dir", "a-file/data", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line = last_error_line(&output);
    assert!(line.starts_with("masthead: cannot use the data directory a-file/data"), "{line}");
    assert!(line.contains("--data-dir"), "{line}");
}

#[test]
fn a_port_in_use_exits_1_saying_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = masthead(dir.path()).args(["serve", "--listen", &address, "--log", "error"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line = last_error_line(&output);
    assert!(line.contains(&format!("cannot listen on {address}: the address is already in use")), "{line}");
    assert!(line.contains("--listen"), "{line}");
}

#[test]
fn a_corrupt_database_exits_1_saying_how_to_recover() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/masthead.db"), "this is not a database, it is a shopping list".repeat(200))
        .unwrap();
    let output =
        masthead(dir.path()).args(["serve", "--data-dir", "data", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line = last_error_line(&output);
    assert!(line.contains("is not a SQLite database"), "{line}");
    assert!(line.contains("backup"), "{line}");
}

#[tokio::test]
async fn a_database_from_a_newer_version_exits_1_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let path = data.join("masthead.db");
    let store = masthead_storage_sqlite::SqliteStore::open(&path).await.unwrap();
    masthead_storage::Store::close(&store).await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display())).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from the future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let output =
        masthead(dir.path()).args(["serve", "--data-dir", "data", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line = last_error_line(&output);
    assert!(line.contains("newer version of Masthead"), "{line}");
}

/// Starts `masthead serve` on port 0 and returns the child and the URL it printed.
async fn start_server(workdir: &Path) -> (tokio::process::Child, String) {
    start_server_with(workdir, &[]).await
}

/// `masthead serve` with more arguments, as [`start_server`].
async fn start_server_with(workdir: &Path, args: &[&str]) -> (tokio::process::Child, String) {
    let mut child = tokio::process::Command::from(masthead(workdir))
        .args(["serve", "--listen", "127.0.0.1:0", "--log", "warn"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.strip_prefix("Masthead is serving The Masthead Times at ") {
                return at.trim_end_matches('/').to_owned();
            }
        }
        panic!("masthead exited without printing its URL");
    })
    .await
    .expect("masthead printed its URL within a minute");
    // Keep reading, as a terminal would, so the server never writes into a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

async fn stop_server(mut child: tokio::process::Child) {
    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "a graceful stop exits 0, got {status}");
}

#[tokio::test]
async fn serve_with_defaults_prints_its_url_and_loads_the_demo_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let (child, url) = start_server(dir.path()).await;
    assert!(dir.path().join("masthead-data/masthead.db").is_file(), "the default data directory is ./masthead-data");
    let client = reqwest::Client::new();
    let home = client.get(format!("{url}/")).send().await.unwrap();
    assert_eq!(home.status(), reqwest::StatusCode::OK);
    let first = client.get(format!("{url}/world")).send().await.unwrap().text().await.unwrap();
    stop_server(child).await;

    // The second start finds the site initialised and loads nothing again.
    let (child, url) = start_server(dir.path()).await;
    let second = client.get(format!("{url}/world")).send().await.unwrap().text().await.unwrap();
    assert_eq!(first.matches("class=\"card\"").count(), second.matches("class=\"card\"").count());
    assert!(first.matches("class=\"card\"").count() >= 4);
    stop_server(child).await;
}

#[tokio::test]
async fn a_fresh_site_says_how_to_create_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::from(masthead(dir.path()))
        .args(["serve", "--listen", "127.0.0.1:0", "--log", "warn"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let hint = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("masthead user add") {
                return line;
            }
        }
        panic!("masthead never said how to create an account");
    })
    .await
    .unwrap();
    assert!(hint.contains("--role admin") && hint.contains("--data-dir ./masthead-data"), "{hint}");
}

#[test]
fn user_add_prints_a_one_time_password_that_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path())
        .args(["user", "add", "--email", "Ada@Example.org", "--name", "Ada Admin", "--role", "admin"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Created Ada Admin <ada@example.org> as admin."), "{stdout}");
    let password = stdout.lines().find_map(|l| l.strip_prefix("One-time password: ")).unwrap().to_owned();
    assert_eq!(password.len(), 20);
    // The same address twice is refused in words, with the usage exit code.
    let again = masthead(dir.path())
        .args(["user", "add", "--email", "ada@example.org", "--name", "Ada Again", "--role", "editor"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(last_error_line(&again), "masthead: There is already an account for ada@example.org.");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let settings = crate::support::test_settings(&dir.path().join("masthead-data"));
        let (store, newsroom) = masthead::open_newsroom(&settings).await.unwrap();
        let signed = newsroom.sign_in("ada@example.org", &password, None).await.unwrap();
        assert_eq!(signed.user.role, masthead_content::Role::Admin);
        store.close().await;
    });
}

#[test]
fn user_add_reads_a_password_from_stdin_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let add = |args: &[&str], stdin: &str| {
        let mut child = masthead(dir.path())
            .args(["user", "add"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = add(
        &["--email", "e@example.org", "--name", "Eve", "--role", "editor", "--password-stdin"],
        "long enough secret\n",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("One-time password"));
    let short = add(&["--email", "f@example.org", "--name", "Fay", "--role", "editor", "--password-stdin"], "short\n");
    assert_eq!(short.status.code(), Some(2));
    assert_eq!(last_error_line(&short), "masthead: A password needs at least 10 characters; this one has 5.");
    let role = add(&["--email", "g@example.org", "--name", "Gil", "--role", "owner"], "");
    assert_eq!(role.status.code(), Some(2));
    assert!(last_error_line(&role).contains("`owner` is not a role"), "{}", stderr(&role));
    let email = add(&["--email", "not-an-address", "--name", "Hal", "--role", "author"], "");
    assert_eq!(email.status.code(), Some(2));
    assert!(last_error_line(&email).contains("is not an email address"), "{}", stderr(&email));
}

#[tokio::test]
async fn demo_generate_adds_a_realistic_site_on_top_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let output =
        masthead(dir.path()).args(["demo", "generate", "--articles", "300", "--log", "warn"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("Generated 300 articles and "), "{stdout}");
    assert!(stderr(&output).contains("Generated 300 of 300 articles"), "progress is shown");
    let (child, url) = start_server(dir.path()).await;
    let client = reqwest::Client::new();
    let seed = client.get(format!("{url}/world/us-doubtful-on-ukraine-ceasefire")).send().await.unwrap();
    assert_eq!(seed.status(), reqwest::StatusCode::OK, "the demo publication is there too");
    let sitemap = client.get(format!("{url}/sitemap.xml")).send().await.unwrap().text().await.unwrap();
    assert!(sitemap.matches("<sitemap>").count() >= 12, "articles spread over years: {sitemap}");
    let science = client.get(format!("{url}/science")).send().await.unwrap().text().await.unwrap();
    assert!(science.matches("class=\"card\"").count() >= 5);
    stop_server(child).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serve_processes_on_one_database_share_every_change_and_one_outlives_the_others_death() {
    let data = crate::support::TestData::create().await;
    let workdir = data.dir.path();
    let database = match &data.schema {
        Some(schema) => schema.url(),
        None => format!("sqlite:{}", workdir.join("shared.db").display()),
    };
    let (mut a, url_a) = start_server_with(workdir, &["--data-dir", "node-a", "--database-url", &database]).await;
    let (b, url_b) =
        start_server_with(workdir, &["--data-dir", "node-b", "--database-url", &database, "--demo", "false"]).await;
    let added = masthead(workdir)
        .args(["user", "add", "--database-url", &database, "--data-dir", "node-a"])
        .args(["--email", "ed@example.org", "--name", "Ed", "--role", "editor", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"a long enough secret\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(added.status.success(), "{}", stderr(&added));

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let seed = "/world/us-doubtful-on-ukraine-ceasefire";
    let page_on_b = || async { client.get(format!("{url_b}{seed}")).send().await.unwrap().text().await.unwrap() };
    assert!(!page_on_b().await.contains("misquoted the minister"), "node B has the page cached, uncorrected");

    let crate::support::Browser { cookie, csrf } =
        crate::support::sign_in_at(&client, &url_a, "ed@example.org", "a long enough secret").await;
    let listed: serde_json::Value = client
        .get(format!("{url_a}/admin/api/articles?q=ceasefire"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = listed["articles"][0]["id"].as_str().expect("the seed article is listed").to_owned();
    let corrected = client
        .post(format!("{url_a}/admin/articles/{id}/corrections"))
        .header("cookie", &cookie)
        .header("origin", &url_a)
        .form(&[("csrf", csrf.as_str()), ("note", "An earlier version misquoted the minister.")])
        .send()
        .await
        .unwrap();
    assert_eq!(corrected.status(), reqwest::StatusCode::SEE_OTHER);
    let started = std::time::Instant::now();
    while !page_on_b().await.contains("misquoted the minister") {
        assert!(started.elapsed() < Duration::from_secs(10), "node B never served the correction made on node A");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("a correction on process A was served by process B after {:?}", started.elapsed());

    // Node A dies without a chance to stop cleanly; node B serves on, and is ready.
    a.start_kill().unwrap();
    a.wait().await.unwrap();
    assert_eq!(client.get(format!("{url_b}/world")).send().await.unwrap().status(), reqwest::StatusCode::OK);
    assert_eq!(client.get(format!("{url_b}/readyz")).send().await.unwrap().status(), reqwest::StatusCode::OK);
    stop_server(b).await;
}
