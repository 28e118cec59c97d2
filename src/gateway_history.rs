//! What ran, kept in the metadata store's history: operations a protocol
//! asks to remember (ByteHouse queries), read back when their result is
//! gone or the gateway restarted since. Jobs record themselves
//! ([`crate::job::JobRegistry::record_history`]).

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::error::Result;
use crate::gateway::Gateway;
use crate::identity::User;
use crate::operation::Operation;
use crate::store::HistoryRecord;

impl Gateway {
    /// Record operation `operation` of `session` in the history as `id` of
    /// `kind`: now as running, and again when it ends (rows, error, times).
    pub fn record_operation(&self, user: &User, session: Uuid, operation: Uuid, id: &str, kind: &str) -> Result<()> {
        let Some(history) = self.history.clone() else { return Ok(()) };
        let op = self.session(user, session)?.operation(operation)?;
        let (id, kind, owner) = (id.to_string(), kind.to_string(), user.name.clone());
        history.write(operation_record(&op, &id, &kind, &owner));
        tokio::spawn(async move {
            op.done_token().cancelled().await;
            history.write(operation_record(&op, &id, &kind, &owner));
        });
        Ok(())
    }

    /// The stored history record `id`, when the caller may see it.
    pub async fn history(&self, user: &User, id: &str) -> Result<Option<HistoryRecord>> {
        let Some(store) = self.engine_shared().catalog.store() else { return Ok(None) };
        Ok(store.history(id).await?.filter(|r| user.may_access(&User::named(&r.owner))))
    }

    /// Wait until queued history is stored (shutdown).
    pub async fn flush_history(&self) {
        if let Some(history) = &self.history {
            history.flush().await;
        }
    }

}

/// The history record of an operation as it stands.
fn operation_record(op: &Operation, id: &str, kind: &str, owner: &str) -> HistoryRecord {
    let ms = |t: std::time::SystemTime| t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    let info = op.info();
    HistoryRecord {
        id: id.to_string(),
        kind: kind.to_string(),
        owner: owner.to_string(),
        statement: op.statement.clone(),
        state: info.status.name().to_string(),
        created_at: ms(info.created_at),
        ended_at: info.ended_at.map(ms),
        rows: info.rows_produced as i64,
        // What a protocol answered of the rows is its own affair.
        bytes: 0,
        error: info.error,
        properties: BTreeMap::new(),
    }
}

