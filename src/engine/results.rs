//! Small in-memory results: `OK`, a job id, SHOW lists, DESCRIBE tables.
//!
//! Commands answer a handful of rows that are known at once; they are built
//! here as string (and boolean) columns named as Flink names them.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use uuid::Uuid;

use super::{Prepared, PreparedRows};
use crate::error::{GatewayError, Result};
use crate::result::{ResultShape, Rows};

/// A fresh 32-hex-digit job id.
pub fn new_job_id() -> String {
    Uuid::new_v4().simple().to_string()
}

/// The acknowledgement of a command: one `result` column holding `OK`.
pub fn ok_result() -> Prepared {
    let mut ok = single_column("result", vec![Some("OK".to_string())], ResultShape { is_query: false, has_content: false, job_id: None });
    ok.kind = "command";
    ok
}

/// The answer of a statement that started a job: one `job id` row.
pub fn job_result(job_id: &str) -> Prepared {
    let mut result = single_column(
        "job id",
        vec![Some(job_id.to_string())],
        ResultShape { is_query: false, has_content: true, job_id: Some(job_id.to_string()) },
    );
    result.kind = "dml";
    result
}

/// A one-column string result held in memory.
pub fn single_column(name: &str, values: Vec<Option<String>>, shape: ResultShape) -> Prepared {
    let schema = Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, true)]));
    let column: ArrayRef = Arc::new(StringArray::from(values));
    let rows = match RecordBatch::try_new(schema.clone(), vec![column]) {
        Ok(batch) => vec![Rows::inserts(batch)],
        Err(_) => Vec::new(),
    };
    Prepared { schema, shape, rows: PreparedRows::Materialized(rows), kind: "show", log: None }
}

/// A column of a listing: strings, or booleans (DESCRIBE's `null`).
pub enum Column {
    /// A STRING column.
    Text(&'static str, Vec<Option<String>>),
    /// A BOOLEAN column.
    Flag(&'static str, Vec<Option<bool>>),
}

/// A listing with content (`SHOW ...`, `DESCRIBE`), columns named as given.
pub fn listing(columns: Vec<Column>) -> Result<Prepared> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for column in columns {
        match column {
            Column::Text(name, values) => {
                fields.push(Field::new(name, DataType::Utf8, true));
                arrays.push(Arc::new(StringArray::from(values)));
            }
            Column::Flag(name, values) => {
                fields.push(Field::new(name, DataType::Boolean, true));
                arrays.push(Arc::new(BooleanArray::from(values)));
            }
        }
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| GatewayError::Internal(e.to_string()))?;
    Ok(Prepared {
        schema,
        shape: ResultShape { is_query: false, has_content: true, job_id: None },
        rows: PreparedRows::Materialized(vec![Rows::inserts(batch)]),
        kind: "show",
        log: None,
    })
}

/// A one-column listing of names (`SHOW TABLES` and the like).
pub fn names(column: &'static str, values: impl IntoIterator<Item = String>) -> Result<Prepared> {
    listing(vec![Column::Text(column, values.into_iter().map(Some).collect())])
}
