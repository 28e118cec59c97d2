//! Flink's `print` and `blackhole` connectors: sink-only tables.
//!
//! `print` writes every row the way Flink's print sink does, `Row.toString`
//! with its change flag (`+I[1, foo, 2024-01-01T00:00]`), prefixed by
//! `<print-identifier>> ` when one is set. Flink prints to the task manager's
//! stdout, which a gateway user never sees; here each line goes to the server
//! log (target `sluicegate::print`) and to the [`OperationLog`] of the
//! statement, which the statement finds in its DataFusion session config
//! extensions. `blackhole` discards rows and only counts them.
//!
//! `sink.parallelism` is accepted and has no effect: each insert has one
//! writer. `standard-error` marks the log lines with `stream=stderr`.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::sink::{DataSink, DataSinkExec};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan};
use futures::StreamExt;

use super::filesystem::options;
use super::row_text::render_rows;
use super::{TableSpec, check_supported_options};
use crate::error::Result;
pub use crate::operation::OperationLog;

/// Build a `print` table.
pub fn print(spec: &TableSpec) -> Result<Arc<dyn TableProvider>> {
    check_supported_options("print", spec.options.keys(), &["connector", "print-identifier", "standard-error", "sink.parallelism"])?;
    let standard_error = match spec.options.get("standard-error") {
        Some(value) => options::boolean("standard-error", value)?,
        None => false,
    };
    if let Some(value) = spec.options.get("sink.parallelism") {
        options::positive_int("sink.parallelism", value)?;
    }
    let sink = PrintSink {
        schema: spec.schema.clone(),
        prefix: spec.options.get("print-identifier").map(|id| format!("{id}> ")).unwrap_or_default(),
        standard_error,
    };
    Ok(Arc::new(SinkTable { connector: "print", name: spec.name.clone(), schema: spec.schema.clone(), sink: Arc::new(sink) }))
}

/// Build a `blackhole` table.
pub fn blackhole(spec: &TableSpec) -> Result<Arc<dyn TableProvider>> {
    check_supported_options("blackhole", spec.options.keys(), &["connector", "sink.parallelism"])?;
    if let Some(value) = spec.options.get("sink.parallelism") {
        options::positive_int("sink.parallelism", value)?;
    }
    let sink = BlackholeSink { schema: spec.schema.clone() };
    Ok(Arc::new(SinkTable { connector: "blackhole", name: spec.name.clone(), schema: spec.schema.clone(), sink: Arc::new(sink) }))
}

/// A table that can only be inserted into.
#[derive(Debug)]
struct SinkTable {
    /// The connector name, for messages.
    connector: &'static str,
    /// The table name, for messages.
    name: String,
    /// The table's columns.
    schema: SchemaRef,
    /// Where inserted rows go.
    sink: Arc<dyn DataSink>,
}

impl SinkTable {
    /// The plan of an `INSERT INTO`.
    fn plan_insert(&self, input: Arc<dyn ExecutionPlan>, insert_op: InsertOp) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        if insert_op != InsertOp::Append {
            let statement = if insert_op == InsertOp::Overwrite { "INSERT OVERWRITE" } else { "REPLACE INTO" };
            return Err(DataFusionError::Plan(format!(
                "{statement} is not supported by the '{}' connector (table {}).",
                self.connector, self.name
            )));
        }
        Ok(Arc::new(DataSinkExec::new(input, self.sink.clone(), None)))
    }
}

#[async_trait]
impl TableProvider for SinkTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        _projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        Err(DataFusionError::Plan(format!(
            "Connector '{}' can only be used as a sink. It cannot be used as a source (table {}).",
            self.connector, self.name
        )))
    }

    async fn insert_into(
        &self,
        _state: &dyn Session,
        input: Arc<dyn ExecutionPlan>,
        insert_op: InsertOp,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        self.plan_insert(input, insert_op)
    }
}

/// Writes rows as text lines to the server log and the statement's log.
#[derive(Debug)]
struct PrintSink {
    /// The table's columns.
    schema: SchemaRef,
    /// `<print-identifier>> `, or nothing.
    prefix: String,
    /// `standard-error`: the lines are marked as Flink's stderr output.
    standard_error: bool,
}

impl PrintSink {
    /// Print every row of `data`; the number of rows.
    async fn print(&self, mut data: SendableRecordBatchStream, context: Arc<TaskContext>) -> Result<u64, DataFusionError> {
        let log = context.session_config().get_extension::<OperationLog>();
        let mut rows = 0u64;
        while let Some(batch) = data.next().await {
            let batch = batch?;
            rows += batch.num_rows() as u64;
            for line in render_rows(&batch, &self.prefix)? {
                if self.standard_error {
                    tracing::info!(target: "sluicegate::print", stream = "stderr", "{line}");
                } else {
                    tracing::info!(target: "sluicegate::print", "{line}");
                }
                if let Some(log) = &log {
                    log.push(line);
                }
            }
        }
        Ok(rows)
    }
}

impl DisplayAs for PrintSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrintSink")
    }
}

#[async_trait]
impl DataSink for PrintSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(&self, data: SendableRecordBatchStream, context: &Arc<TaskContext>) -> Result<u64, DataFusionError> {
        self.print(data, context.clone()).await
    }
}

/// Discards rows, counting them.
#[derive(Debug)]
struct BlackholeSink {
    /// The table's columns.
    schema: SchemaRef,
}

impl DisplayAs for BlackholeSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlackholeSink")
    }
}

#[async_trait]
impl DataSink for BlackholeSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(&self, mut data: SendableRecordBatchStream, _context: &Arc<TaskContext>) -> Result<u64, DataFusionError> {
        let mut rows = 0u64;
        while let Some(batch) = data.next().await {
            rows += batch?.num_rows() as u64;
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
    use datafusion::execution::context::{SessionConfig, SessionContext};

    fn spec(connector: &str, extra: &[(&str, &str)]) -> TableSpec {
        let mut options = BTreeMap::from([("connector".to_string(), connector.to_string())]);
        options.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        TableSpec {
            name: "default_catalog.default_database.out".to_string(),
            schema: Arc::new(Schema::new(vec![
                Field::new("id", DataType::Int32, true),
                Field::new("name", DataType::Utf8, true),
                Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), true),
            ])),
            options,
        }
    }

    #[tokio::test]
    async fn print_writes_flink_lines_into_the_operation_log() {
        let log = Arc::new(OperationLog::default());
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_extension(log.clone()));
        ctx.register_table("out", print(&spec("print", &[("print-identifier", "sink")])).unwrap()).unwrap();
        let result = ctx
            .sql("INSERT INTO out VALUES (1, 'foo', TIMESTAMP '2024-01-01 00:00:00'), (2, NULL, NULL)")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let count = result[0].column(0).as_primitive::<datafusion::arrow::datatypes::UInt64Type>().value(0);
        assert_eq!(count, 2);
        assert_eq!(log.lines(), vec!["sink> +I[1, foo, 2024-01-01T00:00]", "sink> +I[2, null, null]"]);

        // Without a log in the session, printing still works (server log only).
        let plain = SessionContext::new();
        plain.register_table("out", print(&spec("print", &[])).unwrap()).unwrap();
        plain.sql("INSERT INTO out VALUES (1, 'x', NULL)").await.unwrap().collect().await.unwrap();
    }

    #[tokio::test]
    async fn blackhole_counts_and_sinks_refuse_reads() {
        let ctx = SessionContext::new();
        ctx.register_table("hole", blackhole(&spec("blackhole", &[("sink.parallelism", "2")])).unwrap()).unwrap();
        ctx.register_table("out", print(&spec("print", &[])).unwrap()).unwrap();
        let result = ctx
            .sql("INSERT INTO hole SELECT CAST(value AS INT), 'x', NULL FROM generate_series(1, 3)")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let count = result[0].column(0).as_primitive::<datafusion::arrow::datatypes::UInt64Type>().value(0);
        assert_eq!(count, 3);

        for table in ["hole", "out"] {
            let err = match ctx.sql(&format!("SELECT * FROM {table}")).await {
                Ok(frame) => frame.collect().await.unwrap_err(),
                Err(e) => e,
            };
            assert!(err.to_string().contains("can only be used as a sink"), "{err}");
        }
    }

    #[test]
    fn options_are_checked() {
        let err = print(&spec("print", &[("print-identifer", "x")])).unwrap_err().to_string();
        assert!(err.starts_with("Unsupported options found for 'print'."), "{err}");
        assert!(err.contains("Unsupported options:\n\nprint-identifer\n\nSupported options:\n\nconnector\nprint-identifier\nsink.parallelism\nstandard-error"), "{err}");
        assert!(print(&spec("print", &[("standard-error", "maybe")])).unwrap_err().to_string().contains("'standard-error'"));
        assert!(print(&spec("print", &[("standard-error", "true")])).is_ok());
        let err = blackhole(&spec("blackhole", &[("print-identifier", "x")])).unwrap_err().to_string();
        assert!(err.contains("Unsupported options found for 'blackhole'") && err.contains("print-identifier"), "{err}");
    }
}
