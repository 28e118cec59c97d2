//! Which tables and views a statement reads, from its DataFusion logical
//! plan: every table scan, subqueries included, and through views into the
//! relations their queries read in turn.
//!
//! The statement is planned (with the Flink rewrites queries get) but not
//! run. A view is reported as a view, and what it reads is reported too;
//! names are resolved against the session's current catalog and database.

use std::collections::BTreeSet;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::{source_as_provider, ViewTable};
use datafusion::logical_expr::LogicalPlan;

use super::catalog::TableKey;
use super::dialect::{self, FlinkStatement};
use super::errors::from_datafusion;
use super::SessionEngine;
use crate::error::{GatewayError, Result};

/// How deep views may nest before the walk stops (a view over a view ...).
const MAX_VIEW_DEPTH: usize = 16;

/// The relations a statement reads, each once, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadTables {
    /// Tables scanned (materialized tables included).
    pub tables: BTreeSet<TableKey>,
    /// Views named, directly or by another view.
    pub views: BTreeSet<TableKey>,
}

impl SessionEngine {
    /// The tables and views `sql` (one query or INSERT) reads.
    pub async fn tables_read(&self, sql: &str) -> Result<ReadTables> {
        let text = match dialect::parse(sql)? {
            FlinkStatement::Query(text) => text,
            FlinkStatement::Insert { sql, .. } => sql,
            _ => return Err(GatewayError::bad_request("Only a query (SELECT, WITH, VALUES) or an INSERT reads tables.")),
        };
        let text = self.flink_sql(&text)?;
        let plan = self.ctx.state().create_logical_plan(&text).await.map_err(from_datafusion)?;
        let (catalog, database) = self.current();
        let mut out = ReadTables::default();
        walk(&plan, &catalog, &database, &mut out, 0)?;
        Ok(out)
    }
}

fn walk(plan: &LogicalPlan, catalog: &str, database: &str, out: &mut ReadTables, depth: usize) -> Result<()> {
    let mut nested = Vec::new();
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            let name = scan.table_name.clone().resolve(catalog, database);
            let key: TableKey = (name.catalog.to_string(), name.schema.to_string(), name.table.to_string());
            let view = source_as_provider(&scan.source).ok().and_then(|p| p.downcast_ref::<ViewTable>().map(|v| v.logical_plan().clone()));
            match view {
                Some(inner) => {
                    out.views.insert(key.clone());
                    nested.push((inner, key));
                }
                None => {
                    out.tables.insert(key);
                }
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .map_err(from_datafusion)?;
    if depth < MAX_VIEW_DEPTH {
        for (inner, key) in nested {
            walk(&inner, &key.0, &key.1, out, depth + 1)?;
        }
    }
    Ok(())
}
