//! Deployed scripts (Flink's v4 `scripts` endpoint): several statements run
//! one after another as a single background application.
//!
//! The script gets an engine of its own (the submitting session's properties
//! plus the request's `executionConfig`), so it neither blocks nor changes
//! the session. Its writes wait for their jobs (`table.dml-sync`), so the
//! application ends when its last statement has; both the application and
//! its INSERT jobs show in `SHOW JOBS`.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::StreamExt;

use super::dialect::split_statements;
use super::dml::DML_SYNC;
use super::{EngineShared, PreparedRows, SessionEngine, StatementOptions};
use crate::error::{GatewayError, Result};

/// Start `script` as an application; answers its id (the cluster id).
/// Objects it creates are owned by `owner`.
pub fn deploy(shared: &Arc<EngineShared>, defaults: Arc<BTreeMap<String, String>>, mut properties: BTreeMap<String, String>, script: &str, owner: &str) -> Result<String> {
    let statements = split_statements(script)?;
    if statements.is_empty() {
        return Err(GatewayError::bad_request("The script holds no statement."));
    }
    properties.insert(DML_SYNC.to_string(), "true".to_string());
    let engine = SessionEngine::new(defaults, properties, shared.clone())?.owned_by(owner);
    let job = shared.jobs.spawn_owned("script-application".to_string(), owner.to_string(), move |job| async move {
        let options = StatementOptions::default();
        let mut rows = 0u64;
        let total = statements.len();
        for (n, statement) in statements.iter().enumerate() {
            job.log.push(format!("{} INFO Statement {} of {total}: {}", now(), n + 1, crate::operation::first_line(statement)));
            let prepared = engine
                .execute(statement, &options)
                .await
                .map_err(|e| GatewayError::Sql(format!("Statement {} of the script failed: {e}", n + 1)))?;
            // A query in a script is run to its end; its rows go nowhere.
            let mut produced = 0u64;
            if let PreparedRows::Stream(mut stream) = prepared.rows {
                while let Some(batch) = stream.next().await {
                    produced += batch?.num_rows() as u64;
                }
            }
            rows += produced;
            job.log.push(format!("{} INFO Statement {} done ({produced} row(s)).", now(), n + 1));
        }
        Ok(rows)
    })?;
    Ok(job.id.clone())
}

/// Now, as log lines print it.
fn now() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

/// Read a script from a `scriptUri`: a file under a data root.
pub fn read_uri(shared: &EngineShared, uri: &str) -> Result<String> {
    if uri.contains("://") && !uri.starts_with("file://") {
        return Err(GatewayError::bad_request(format!("Unsupported scriptUri '{uri}': only files under a data root (file:// or a path) can be read.")));
    }
    let path = shared.roots.resolve(uri)?;
    std::fs::read_to_string(&path).map_err(|e| GatewayError::bad_request(format!("Could not read script '{}': {e}", path.display())))
}
