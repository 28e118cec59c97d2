//! Running a statement on an engine pool (`sluicegate.vw`): which
//! statements take one of the pool's slots, and how the slot stays held
//! while their work runs.

use std::sync::Arc;

use futures::StreamExt;

use super::dialect::FlinkStatement;
use super::{Prepared, PreparedRows, SessionEngine, StatementOptions};
use crate::error::Result;
use crate::pool::{Admission, POOL_PROPERTY};

/// Whether a statement runs a query (and so takes a slot of its pool):
/// queries, writes and refreshes do; DDL, SET, SHOW and EXPLAIN do not.
/// `EXECUTE stmt` does not itself: the statement it wraps does.
fn runs_a_query(statement: &FlinkStatement) -> bool {
    use FlinkStatement as S;
    match statement {
        S::Query(_) | S::Insert { .. } | S::ExecuteStatementSet(_) | S::End | S::Passthrough(_) => true,
        S::CreateTable(ddl) => ddl.as_query.is_some(),
        S::CreateMaterializedTable(_) | S::AlterMaterializedTable { .. } => true,
        _ => false,
    }
}

impl SessionEngine {
    /// The pool the statement runs on: its own `executionConfig`, else the session's.
    fn pool_of(&self, options: &StatementOptions) -> Option<String> {
        options.config.get(POOL_PROPERTY).cloned().or_else(|| self.properties.get(POOL_PROPERTY)).map(|p| p.trim().to_string()).filter(|p| !p.is_empty())
    }

    /// Admit the statement to its pool when it runs a query there (waiting
    /// for a slot); `None` when it runs on the shared engine.
    pub(super) async fn admit(&self, statement: &FlinkStatement, options: &StatementOptions) -> Result<Option<Arc<Admission>>> {
        if !runs_a_query(statement) {
            return Ok(None);
        }
        // An INSERT into an open statement set is only buffered: END runs it.
        let buffered = || matches!(statement, FlinkStatement::Insert { .. }) && self.statement_set_open();
        match self.pool_of(options) {
            Some(pool) if !buffered() => Ok(Some(Arc::new(self.shared.pools.admit(&pool).await?))),
            _ => Ok(None),
        }
    }
}

/// `prepared` holding `admission` until its rows are produced (a background
/// job holds it through the session state it was planned with); an
/// out-of-memory failure names the pool.
pub(super) fn hold(prepared: Result<Prepared>, admission: Option<Arc<Admission>>) -> Result<Prepared> {
    let Some(admission) = admission else { return prepared };
    let mut prepared = prepared.map_err(|e| admission.explain(e))?;
    if let PreparedRows::Stream(rows) = prepared.rows {
        prepared.rows = PreparedRows::Stream(rows.map(move |batch| batch.map_err(|e| admission.explain(e))).boxed());
    }
    Ok(prepared)
}
