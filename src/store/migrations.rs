//! The store's schema, versioned: each migration is an SQL file in
//! `src/store/migrations/`, compiled in, applied once, in order, at start.
//!
//! The SQL is the common ground of SQLite and PostgreSQL (TEXT, BIGINT,
//! composite keys, `ON CONFLICT`), so one file serves both backends.
//! `schema_migrations` records what was applied; a store written by a newer
//! gateway (a version this binary does not know) is refused rather than
//! misread.

use sqlx::{AnyPool, Row};

use super::{now_ms, store_error};
use crate::error::{GatewayError, Result};

/// Every migration: version, name, SQL. Append only; never edit an applied one.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "catalog_and_history", include_str!("migrations/0001_catalog_and_history.sql")),
    (2, "identity", include_str!("migrations/0002_identity.sql")),
    (3, "engine_pools", include_str!("migrations/0003_engine_pools.sql")),
];

/// Bring the schema up to date; answers the versions applied now.
pub async fn migrate(pool: &AnyPool) -> Result<Vec<i64>> {
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")
        .execute(pool)
        .await
        .map_err(|e| store_error("create its migration table", e))?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
        .fetch_all(pool)
        .await
        .map_err(|e| store_error("read its schema version", e))?
        .iter()
        .map(|row| row.get::<i64, _>(0))
        .collect();
    let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if let Some(newer) = applied.iter().find(|v| **v > known) {
        return Err(GatewayError::Unavailable(format!(
            "The metadata store has schema version {newer}, newer than this gateway knows ({known}): upgrade the gateway."
        )));
    }
    let mut done = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| !applied.contains(&m.0)) {
        // One transaction per migration: a failed one leaves no half schema.
        let mut tx = pool.begin().await.map_err(|e| store_error("start a migration", e))?;
        // Comment lines go first: they may hold a `;`.
        let code: String = sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n");
        for statement in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
                .execute(&mut *tx)
                .await
                .map_err(|e| store_error(&format!("apply migration {version} ({name})"), e))?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(*version)
            .bind(*name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(|e| store_error("record a migration", e))?;
        tx.commit().await.map_err(|e| store_error(&format!("commit migration {version}"), e))?;
        done.push(*version);
    }
    Ok(done)
}
