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
        self.tables_read_by(&text).await
    }

    /// The tables and views a query (or an INSERT's source) in the Flink dialect reads.
    pub(super) async fn tables_read_by(&self, text: &str) -> Result<ReadTables> {
        let text = self.flink_sql(text)?;
        let plan = self.ctx.state().create_logical_plan(&text).await.map_err(from_datafusion)?;
        let (catalog, database) = self.current();
        let mut out = ReadTables::default();
        let mut aliases = Vec::new();
        walk(&plan, &catalog, &database, &mut out, &mut aliases, 0)?;
        // The planner inlines a view as its plan under an alias of its name:
        // an alias whose input is exactly the plan of the view it names is that view.
        for (key, input) in aliases {
            let Some(schema) = self.ctx.catalog(&key.0).and_then(|c| c.schema(&key.1)) else { continue };
            let Ok(Some(provider)) = schema.table(&key.2).await else { continue };
            if provider.downcast_ref::<ViewTable>().is_some_and(|v| v.logical_plan() == &input) {
                out.views.insert(key);
            }
        }
        Ok(out)
    }
}

/// Collect the scans of `plan` (subqueries included) into `out`, views not
/// inlined by the planner as views (and their plans walked), and every
/// alias with its input into `aliases`.
fn walk(plan: &LogicalPlan, catalog: &str, database: &str, out: &mut ReadTables, aliases: &mut Vec<(TableKey, LogicalPlan)>, depth: usize) -> Result<()> {
    let mut nested = Vec::new();
    let resolve = |name: &datafusion::common::TableReference| {
        let name = name.clone().resolve(catalog, database);
        (name.catalog.to_string(), name.schema.to_string(), name.table.to_string())
    };
    plan.apply_with_subqueries(|node| {
        match node {
            LogicalPlan::TableScan(scan) => {
                let key = resolve(&scan.table_name);
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
            LogicalPlan::SubqueryAlias(alias) => aliases.push((resolve(&alias.alias), alias.input.as_ref().clone())),
            _ => {}
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .map_err(from_datafusion)?;
    if depth < MAX_VIEW_DEPTH {
        for (inner, key) in nested {
            walk(&inner, &key.0, &key.1, out, aliases, depth + 1)?;
        }
    }
    Ok(())
}
