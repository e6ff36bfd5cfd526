//! Throwaway schemas for tests: each test works in a schema of its own on
//! one database, so tests run in parallel without seeing each other.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;

/// The database tests use unless `MASTHEAD_TEST_POSTGRES_URL` names another.
pub const DEFAULT_TEST_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A schema of its own for one test, dropped when it goes out of scope.
pub struct TestSchema {
    name: String,
    server: String,
}

impl TestSchema {
    /// Creates an empty schema on the test database.
    ///
    /// # Panics
    /// When the test database cannot be reached: the test cannot run.
    pub async fn create() -> Self {
        let server = std::env::var("MASTHEAD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_TEST_URL.to_owned());
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let admin = sqlx::PgPool::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("the test database {server} cannot be reached: {e}"));
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create a test schema: {e}"));
        admin.close().await;
        Self { name, server }
    }

    /// A database URL that works in this schema alone, as a node would be given it.
    pub fn url(&self) -> String {
        let separator = if self.server.contains('?') { '&' } else { '?' };
        // The schema's name is also the connections' application name, so that dropping the
        // schema can end every connection still using it.
        format!("{}{separator}options=-c%20search_path%3D{name}&application_name={name}", self.server, name = self.name)
    }

    /// Ends every connection working in this schema (those made with [`Self::url`]),
    /// as a restart of the server would; returns how many there were.
    ///
    /// # Panics
    /// When the test database cannot be reached.
    pub async fn end_connections(&self) -> u64 {
        let admin = sqlx::PgPool::connect(&self.server).await.unwrap_or_else(|e| panic!("test database: {e}"));
        let ended: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) t",
        )
        .bind(&self.name)
        .fetch_one(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot end the schema's connections: {e}"));
        admin.close().await;
        u64::try_from(ended).unwrap_or(0)
    }

    /// Connection options that work in this schema alone.
    ///
    /// # Panics
    /// When the test database URL is not a PostgreSQL URL.
    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&self.url()).unwrap_or_else(|e| panic!("bad test database URL: {e}"))
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        // Dropping needs a connection of its own, made on a thread of its own
        // because this may run inside an async test. A schema left behind by a
        // crashed test is harmless: the test command starts from a fresh database.
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = sqlx::PgPool::connect(&server).await.ok()?;
                // A site still running in this test's runtime (which waits for this thread) may be
                // in the middle of a transaction that would hold the drop up forever: end its connections.
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
                    .bind(&name)
                    .execute(&admin)
                    .await
                    .ok()?;
                sqlx::query(&format!("DROP SCHEMA {name} CASCADE")).execute(&admin).await.ok()?;
                admin.close().await;
                Some(())
            })
        });
        let _ = dropped.join();
    }
}
