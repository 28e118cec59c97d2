//! The changes one input batch makes to the aggregate's result, carried
//! through the query's projection and HAVING filter, then laid out as a
//! changelog batch.
//!
//! Changes stay paired (an update knows both its old and its new row) until
//! the very end, because a filter turns an update into an insert, a delete
//! or nothing depending on which side passes.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::compute::interleave_record_batch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::physical_expr::PhysicalExpr;

use crate::engine::errors::from_datafusion;
use crate::error::{GatewayError, Result};
use crate::result::{RowKind, Rows};

/// A step between the aggregate and the query's result.
#[derive(Debug)]
pub(super) enum Stage {
    /// `SELECT` expressions over the rows below.
    Project {
        /// One expression per output column.
        exprs: Vec<Arc<dyn PhysicalExpr>>,
        /// The columns they produce.
        schema: SchemaRef,
    },
    /// A condition rows must meet (HAVING, or WHERE over a subquery).
    Filter(Arc<dyn PhysicalExpr>),
}

/// What happened to one result row. The index is a row of both `old` and `new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// `new[i]` appeared.
    Insert(usize),
    /// `old[i]` became `new[i]`.
    Update(usize),
    /// `old[i]` disappeared.
    Delete(usize),
}

/// The changes of one batch: row-aligned old and new values.
#[derive(Debug)]
pub(super) struct Changes {
    /// Values before the batch; `None` when nothing was updated or deleted.
    pub(super) old: Option<RecordBatch>,
    /// Values after the batch.
    pub(super) new: RecordBatch,
    /// The changes, in emission order.
    pub(super) list: Vec<Change>,
}

impl Changes {
    /// Carry the changes through one stage.
    pub(super) fn apply(self, stage: &Stage) -> Result<Changes> {
        match stage {
            Stage::Project { exprs, schema } => {
                let project = |batch: &RecordBatch| -> Result<RecordBatch> {
                    let columns = exprs
                        .iter()
                        .map(|e| e.evaluate(batch).and_then(|v| v.into_array(batch.num_rows())))
                        .collect::<datafusion::error::Result<Vec<ArrayRef>>>()
                        .map_err(from_datafusion)?;
                    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
                    RecordBatch::try_new_with_options(schema.clone(), columns, &options).map_err(|e| GatewayError::Internal(e.to_string()))
                };
                Ok(Changes {
                    old: self.old.as_ref().map(project).transpose()?,
                    new: project(&self.new)?,
                    list: self.list,
                })
            }
            Stage::Filter(predicate) => {
                let evaluate = |batch: &RecordBatch| -> Result<BooleanArray> {
                    let value = predicate.evaluate(batch).and_then(|v| v.into_array(batch.num_rows())).map_err(from_datafusion)?;
                    value.as_boolean_opt().cloned().ok_or_else(|| GatewayError::Sql("HAVING condition is not a boolean".into()))
                };
                let passes = |mask: &BooleanArray, i: usize| mask.is_valid(i) && mask.value(i);
                let new_mask = evaluate(&self.new)?;
                let old_mask = self.old.as_ref().map(evaluate).transpose()?;
                let old_passes = |i: usize| old_mask.as_ref().is_some_and(|m| passes(m, i));
                let list = self
                    .list
                    .into_iter()
                    .filter_map(|change| match change {
                        Change::Insert(i) => passes(&new_mask, i).then_some(change),
                        Change::Delete(i) => old_passes(i).then_some(change),
                        Change::Update(i) => match (old_passes(i), passes(&new_mask, i)) {
                            (true, true) => Some(change),
                            (true, false) => Some(Change::Delete(i)),
                            (false, true) => Some(Change::Insert(i)),
                            (false, false) => None,
                        },
                    })
                    .collect();
                Ok(Changes { old: self.old, new: self.new, list })
            }
        }
    }

    /// Lay the changes out as changelog rows of `schema`, at most `limit` of
    /// them. `None` when there is no row to send.
    pub(super) fn into_rows(self, schema: &SchemaRef, limit: Option<usize>) -> Result<Option<Rows>> {
        const OLD: usize = 0;
        const NEW: usize = 1;
        let mut indices = Vec::with_capacity(self.list.len() * 2);
        let mut kinds = Vec::with_capacity(self.list.len() * 2);
        for change in &self.list {
            match *change {
                Change::Insert(i) => {
                    indices.push((NEW, i));
                    kinds.push(RowKind::Insert);
                }
                Change::Update(i) => {
                    indices.extend([(OLD, i), (NEW, i)]);
                    kinds.extend([RowKind::UpdateBefore, RowKind::UpdateAfter]);
                }
                Change::Delete(i) => {
                    indices.push((OLD, i));
                    kinds.push(RowKind::Delete);
                }
            }
        }
        if let Some(limit) = limit {
            indices.truncate(limit);
            kinds.truncate(limit);
        }
        if indices.is_empty() {
            return Ok(None);
        }
        // Every index into `old` comes from an update or delete, which exist only with `old`.
        let old = self.old.as_ref().unwrap_or(&self.new);
        let batch = interleave_record_batch(&[old, &self.new], &indices).map_err(|e| GatewayError::Internal(e.to_string()))?;
        let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
        let batch = RecordBatch::try_new_with_options(schema.clone(), batch.columns().to_vec(), &options).map_err(|e| GatewayError::Internal(e.to_string()))?;
        Ok(Some(Rows { batch, kinds: Some(kinds.into()) }))
    }
}
