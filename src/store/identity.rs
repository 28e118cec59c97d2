//! The identity part of the store: numbered users, API keys (hashes only),
//! role assignments and the permissions granted to roles. Small tables, read
//! whole at start into [`crate::identity::iam::Iam`] and written through one
//! change at a time, before memory changes (as catalog DDL is).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::sql::SqlStore;
use super::{now_ms, store_error};
use crate::error::Result;

/// One API key as stored: never the secret, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// The public part of the key (`sg_<id>_<secret>`), naming it.
    pub id: String,
    /// Whom the key authenticates.
    pub owner: String,
    /// SHA-256 of the secret part, hex.
    pub secret_sha256: String,
    /// What the owner wrote about it.
    pub comment: String,
    /// Disabled keys are refused but kept, so they can be enabled again.
    pub enabled: bool,
    /// Milliseconds since the epoch after which the key is refused; 0 = never.
    pub expires_at: i64,
    /// When it was created (ms since the epoch).
    pub created_at: i64,
}

/// A permission granted to a role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredGrant {
    /// The role holding it.
    pub role: String,
    /// `Account`, `Catalog` or `Database`.
    pub object_type: String,
    /// The object: `*`, a catalog, or `catalog.database`.
    pub resource: String,
    /// `SELECT`, `INSERT`, `CREATE`, `DROP`, `ALTER` or `ALL`.
    pub action: String,
    /// Whether holders may grant it on (recorded and shown).
    pub grant_option: bool,
}

/// Everything of the identity tables, as read at start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityRows {
    /// `(name, user id)` of every numbered user.
    pub users: Vec<(String, i64)>,
    /// Every API key.
    pub keys: Vec<StoredKey>,
    /// `(user, role)` assignments.
    pub assignments: Vec<(String, String)>,
    /// Every grant.
    pub grants: Vec<StoredGrant>,
}

/// One change of the identity tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityChange {
    /// Create or replace a key (status and expiry changes replace it).
    PutKey(StoredKey),
    /// Remove a key.
    DeleteKey(String),
    /// Give a user a role.
    Assign(String, String),
    /// Take a role from a user.
    Unassign(String, String),
    /// Grant a permission (replacing its grant option).
    Grant(StoredGrant),
    /// Revoke a permission (the grant option is ignored).
    Revoke(StoredGrant),
}

fn key_of(row: &AnyRow) -> Option<StoredKey> {
    Some(StoredKey {
        id: row.try_get("id").ok()?,
        owner: row.try_get("owner").ok()?,
        secret_sha256: row.try_get("secret_sha256").ok()?,
        comment: row.try_get("comment").ok()?,
        enabled: row.try_get::<i64, _>("enabled").ok()? != 0,
        expires_at: row.try_get("expires_at").ok()?,
        created_at: row.try_get("created_at").ok()?,
    })
}

fn grant_of(row: &AnyRow) -> Option<StoredGrant> {
    Some(StoredGrant {
        role: row.try_get("role_name").ok()?,
        object_type: row.try_get("object_type").ok()?,
        resource: row.try_get("resource").ok()?,
        action: row.try_get("action").ok()?,
        grant_option: row.try_get::<i64, _>("grant_option").ok()? != 0,
    })
}

impl SqlStore {
    /// Every row of the identity tables.
    pub(super) async fn read_identity(&self) -> Result<IdentityRows> {
        let fail = |e| store_error("read users, keys and roles", e);
        let pool = self.pool();
        let users = sqlx::query("SELECT name, user_id FROM users ORDER BY user_id").fetch_all(pool).await.map_err(fail)?;
        let keys = sqlx::query("SELECT id, owner, secret_sha256, comment, enabled, expires_at, created_at FROM api_keys ORDER BY created_at, id")
            .fetch_all(pool)
            .await
            .map_err(fail)?;
        let assignments = sqlx::query("SELECT user_name, role_name FROM role_assignments ORDER BY user_name, role_name").fetch_all(pool).await.map_err(fail)?;
        let grants = sqlx::query("SELECT role_name, object_type, resource, action, grant_option FROM role_grants ORDER BY role_name, object_type, resource, action")
            .fetch_all(pool)
            .await
            .map_err(fail)?;
        Ok(IdentityRows {
            users: users.iter().filter_map(|r| Some((r.try_get("name").ok()?, r.try_get("user_id").ok()?))).collect(),
            keys: keys.iter().filter_map(key_of).collect(),
            assignments: assignments.iter().filter_map(|r| Some((r.try_get("user_name").ok()?, r.try_get("role_name").ok()?))).collect(),
            grants: grants.iter().filter_map(grant_of).collect(),
        })
    }

    /// The number of `name`, numbering it now when it has none.
    pub(super) async fn number_user(&self, name: &str) -> Result<i64> {
        let _writing = self.writes().lock().await;
        let fail = |e| store_error("number a user", e);
        let mut tx = self.pool().begin().await.map_err(fail)?;
        if let Some(row) = sqlx::query("SELECT user_id FROM users WHERE name = $1").bind(name).fetch_optional(&mut *tx).await.map_err(fail)? {
            return row.try_get(0).map_err(fail);
        }
        let next: i64 = sqlx::query("SELECT COALESCE(MAX(user_id), 0) + 1 FROM users").fetch_one(&mut *tx).await.map_err(fail)?.try_get(0).map_err(fail)?;
        sqlx::query("INSERT INTO users (name, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(name)
            .bind(next)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(next)
    }

    /// Make one identity change durable.
    pub(super) async fn change_identity(&self, change: &IdentityChange) -> Result<()> {
        let _writing = self.writes().lock().await;
        let fail = |e| store_error("record the change of users, keys or roles", e);
        let pool = self.pool();
        let done = match change {
            IdentityChange::PutKey(key) => {
                sqlx::query(
                    "INSERT INTO api_keys (id, owner, secret_sha256, comment, enabled, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (id) DO UPDATE SET comment = excluded.comment, enabled = excluded.enabled, expires_at = excluded.expires_at",
                )
                .bind(&key.id)
                .bind(&key.owner)
                .bind(&key.secret_sha256)
                .bind(&key.comment)
                .bind(key.enabled as i64)
                .bind(key.expires_at)
                .bind(key.created_at)
                .execute(pool)
                .await
            }
            IdentityChange::DeleteKey(id) => sqlx::query("DELETE FROM api_keys WHERE id = $1").bind(id).execute(pool).await,
            IdentityChange::Assign(user, role) => {
                sqlx::query("INSERT INTO role_assignments (user_name, role_name, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_name, role_name) DO NOTHING")
                    .bind(user)
                    .bind(role)
                    .bind(now_ms())
                    .execute(pool)
                    .await
            }
            IdentityChange::Unassign(user, role) => {
                sqlx::query("DELETE FROM role_assignments WHERE user_name = $1 AND role_name = $2").bind(user).bind(role).execute(pool).await
            }
            IdentityChange::Grant(grant) => {
                sqlx::query(
                    "INSERT INTO role_grants (role_name, object_type, resource, action, grant_option, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (role_name, object_type, resource, action) DO UPDATE SET grant_option = excluded.grant_option",
                )
                .bind(&grant.role)
                .bind(&grant.object_type)
                .bind(&grant.resource)
                .bind(&grant.action)
                .bind(grant.grant_option as i64)
                .bind(now_ms())
                .execute(pool)
                .await
            }
            IdentityChange::Revoke(grant) => {
                sqlx::query("DELETE FROM role_grants WHERE role_name = $1 AND object_type = $2 AND resource = $3 AND action = $4")
                    .bind(&grant.role)
                    .bind(&grant.object_type)
                    .bind(&grant.resource)
                    .bind(&grant.action)
                    .execute(pool)
                    .await
            }
        };
        done.map(|_| ()).map_err(fail)
    }
}
