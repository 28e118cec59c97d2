//! Catalog reads for management APIs, through a session the caller may
//! use: the databases of its current catalog, the relations of a database,
//! one relation, and the tables and views a query reads (planned, not run).
//!
//! Writes (CREATE, DROP, ALTER) do not come through here: they run as Flink
//! DDL statements of the session, through the engine's one DDL path.

use uuid::Uuid;

use crate::engine::catalog::TableKey;
use crate::engine::listing::Relation;
use crate::engine::plan_tables::ReadTables;
use crate::error::Result;
use crate::gateway::Gateway;
use crate::identity::User;

impl Gateway {
    /// The session's current catalog and database.
    pub fn current_database(&self, user: &User, session: Uuid) -> Result<(String, String)> {
        Ok(self.sessions().get(user, session)?.engine().current())
    }

    /// The session's current catalog and its databases, sorted.
    pub fn databases(&self, user: &User, session: Uuid) -> Result<(String, Vec<String>)> {
        Ok(self.sessions().get(user, session)?.engine().database_names())
    }

    /// The relations of `catalog.database`; None when it does not exist.
    pub async fn relations(&self, user: &User, session: Uuid, catalog: &str, database: &str) -> Result<Option<Vec<Relation>>> {
        let session = self.sessions().get(user, session)?;
        session.engine().list_relations(catalog, database).await
    }

    /// One relation; None when it does not exist.
    pub async fn relation(&self, user: &User, session: Uuid, key: &TableKey) -> Result<Option<Relation>> {
        let session = self.sessions().get(user, session)?;
        session.engine().find_relation(key).await
    }

    /// The tables and views `sql` reads, from its logical plan.
    pub async fn tables_read(&self, user: &User, session: Uuid, sql: &str) -> Result<ReadTables> {
        let session = self.sessions().get(user, session)?;
        session.engine().tables_read(sql).await
    }

    /// Storage of the databases of the session's current catalog (or of
    /// `database` alone): `(database, tables with data on disk, bytes)`;
    /// None when `database` does not exist.
    pub async fn storage(&self, user: &User, session: Uuid, database: Option<&str>) -> Result<Option<Vec<(String, usize, u64)>>> {
        let (catalog, databases) = self.databases(user, session)?;
        let wanted: Vec<String> = match database {
            Some(name) if databases.iter().any(|d| d == name) => vec![name.to_string()],
            Some(_) => return Ok(None),
            None => databases,
        };
        let mut out = Vec::with_capacity(wanted.len());
        for name in wanted {
            let relations = self.relations(user, session, &catalog, &name).await?.unwrap_or_default();
            let sizes: Vec<u64> = relations.iter().filter_map(|r| r.stored_bytes).collect();
            out.push((name, sizes.len(), sizes.iter().sum()));
        }
        Ok(Some(out))
    }
}
