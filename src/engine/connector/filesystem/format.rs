//! The three file formats and how their values meet the table's types.
//!
//! CSV is read as text and cast to the column types here, rather than by the
//! CSV reader: that is what lets `csv.null-literal` and
//! `csv.ignore-parse-errors` work (a literal becomes NULL before the cast, a
//! value that does not parse becomes NULL instead of failing the file). Every
//! format ends in [`conform`], which also adapts Parquet files whose columns
//! are missing, reordered or of another type, and enforces `NOT NULL`.
//!
//! Writing spells values the way Flink's formats do: timestamps as
//! `2024-01-01 12:00:00[.fff]` (or ISO-8601 for JSON when asked), instants in
//! UTC with a `Z`, binary values as base64.

use std::sync::Arc;

use base64::Engine as _;
use datafusion::arrow::array::{Array, ArrayRef, BinaryBuilder, BooleanArray, RecordBatch, RecordBatchOptions, StringArray, new_null_array};
use datafusion::arrow::compute::kernels::cmp::eq;
use datafusion::arrow::compute::{CastOptions, and, cast, cast_with_options, filter, is_not_null, nullif};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::error::ArrowError;
use datafusion::parquet::basic::Compression;

/// Base64 as Flink's formats write BINARY and VARBINARY.
const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// How the files of a table are encoded.
#[derive(Debug, Clone)]
pub(super) enum Format {
    /// Header-less delimited text.
    Csv(CsvFormat),
    /// One JSON object per line.
    Json(JsonFormat),
    /// Apache Parquet.
    Parquet(ParquetFormat),
}

impl Format {
    /// The `format` option value.
    pub(super) fn name(&self) -> &'static str {
        match self {
            Format::Csv(_) => "csv",
            Format::Json(_) => "json",
            Format::Parquet(_) => "parquet",
        }
    }
}

/// Options of the CSV format.
#[derive(Debug, Clone)]
pub(super) struct CsvFormat {
    /// `csv.field-delimiter`.
    pub(super) delimiter: u8,
    /// `csv.quote-character`; `None` when `csv.disable-quote-character` is set.
    pub(super) quote: Option<u8>,
    /// `csv.escape-character`, none by default.
    pub(super) escape: Option<u8>,
    /// `csv.allow-comments`: lines starting with `#` are skipped.
    pub(super) allow_comments: bool,
    /// `csv.ignore-parse-errors`.
    pub(super) ignore_parse_errors: bool,
    /// `csv.null-literal`: a field spelled like this is NULL (and NULL is
    /// written like this).
    pub(super) null_literal: Option<String>,
}

/// Options of the JSON format.
#[derive(Debug, Clone)]
pub(super) struct JsonFormat {
    /// `json.ignore-parse-errors`: lines that do not parse are skipped.
    pub(super) ignore_parse_errors: bool,
    /// `json.timestamp-format.standard` = `ISO-8601` (instead of `SQL`):
    /// timestamps are written with a `T` between date and time.
    pub(super) iso_timestamps: bool,
    /// `json.encode.ignore-null-fields`: NULL fields are left out of the
    /// written objects.
    pub(super) ignore_null_fields: bool,
}

/// Options of the Parquet format.
#[derive(Debug, Clone)]
pub(super) struct ParquetFormat {
    /// `parquet.compression` of written files (Flink's default is SNAPPY).
    pub(super) compression: Compression,
    /// `parquet.block.size`: bytes of a row group.
    pub(super) block_size: Option<usize>,
    /// `parquet.page.size`: bytes of a data page.
    pub(super) page_size: Option<usize>,
    /// `parquet.enable.dictionary`.
    pub(super) dictionary: Option<bool>,
}

/// Turn a batch as a reader produced it into the `target` columns: matched by
/// name, cast to the declared type (`ignore_errors`: values that do not cast
/// become NULL), `null_literal` strings NULL, missing columns all NULL. Rows
/// with NULL in a `NOT NULL` column fail (or are dropped when ignoring
/// errors). An `output` without columns yields just the row count, for scans
/// that need no column at all (`COUNT(*)`).
pub(super) fn conform(
    batch: &RecordBatch,
    target: &SchemaRef,
    output: &SchemaRef,
    ignore_errors: bool,
    null_literal: Option<&str>,
) -> Result<RecordBatch, String> {
    let rows = batch.num_rows();
    let mut columns = Vec::with_capacity(target.fields().len());
    for field in target.fields() {
        let column = match batch.column_by_name(field.name()) {
            Some(column) => convert(column, field, ignore_errors, null_literal)
                .map_err(|e| format!("column '{}': {e}", field.name()))?,
            None => new_null_array(field.data_type(), rows),
        };
        columns.push(column);
    }

    let mut keep: Option<BooleanArray> = None;
    for (field, column) in target.fields().iter().zip(&columns) {
        if field.is_nullable() || column.null_count() == 0 {
            continue;
        }
        if !ignore_errors {
            return Err(format!("column '{}' is declared NOT NULL but a row has no value for it", field.name()));
        }
        let present = is_not_null(column.as_ref()).map_err(|e| e.to_string())?;
        keep = Some(match keep {
            Some(keep) => and(&keep, &present).map_err(|e| e.to_string())?,
            None => present,
        });
    }
    let mut kept_rows = rows;
    if let Some(keep) = keep {
        columns = columns
            .iter()
            .map(|column| filter(column.as_ref(), &keep))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        kept_rows = keep.true_count();
    }
    if output.fields().is_empty() {
        let options = RecordBatchOptions::new().with_row_count(Some(kept_rows));
        return RecordBatch::try_new_with_options(output.clone(), Vec::new(), &options).map_err(|e| e.to_string());
    }
    RecordBatch::try_new(output.clone(), columns).map_err(|e| e.to_string())
}

/// One column to its declared type.
fn convert(column: &ArrayRef, field: &Field, ignore_errors: bool, null_literal: Option<&str>) -> Result<ArrayRef, ArrowError> {
    let mut column = column.clone();
    if let (Some(literal), DataType::Utf8) = (null_literal, column.data_type()) {
        let is_literal = eq(&column, &StringArray::new_scalar(literal))?;
        column = nullif(column.as_ref(), &is_literal)?;
    }
    let target = field.data_type();
    if column.data_type() == target {
        return Ok(column);
    }
    if matches!(target, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_))
        && let Some(text) = column.as_any().downcast_ref::<StringArray>()
    {
        column = decode_base64(text, ignore_errors)?;
        if column.data_type() == target {
            return Ok(column);
        }
    }
    let options = CastOptions { safe: ignore_errors, ..Default::default() };
    cast_with_options(column.as_ref(), target, &options)
}

/// Base64 text to bytes; a value that is not base64 fails or, when ignoring
/// errors, becomes NULL.
fn decode_base64(text: &StringArray, ignore_errors: bool) -> Result<ArrayRef, ArrowError> {
    let mut out = BinaryBuilder::with_capacity(text.len(), text.value_data().len());
    for value in text.iter() {
        match value.map(|v| BASE64.decode(v)) {
            None => out.append_null(),
            Some(Ok(bytes)) => out.append_value(bytes),
            Some(Err(_)) if ignore_errors => out.append_null(),
            Some(Err(e)) => {
                return Err(ArrowError::CastError(format!("Cannot decode '{}' as base64: {e}", value.unwrap_or_default())));
            }
        }
    }
    Ok(Arc::new(out.finish()))
}

/// The type a text format reads a column as before [`conform`] casts it:
/// binary values travel as base64 text.
pub(super) fn text_read_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => DataType::Utf8,
        other => other.clone(),
    }
}

/// A batch about to be written as CSV or JSON, in the spellings Flink's
/// formats use: binary as base64, instants shifted to UTC (the writers then
/// print them with a `Z`), dictionaries unpacked.
pub(super) fn prepare_text(batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        let prepared: ArrayRef = match column.data_type() {
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
                let binary = cast(column.as_ref(), &DataType::Binary)?;
                let binary = binary
                    .as_any()
                    .downcast_ref::<datafusion::arrow::array::BinaryArray>()
                    .ok_or_else(|| ArrowError::CastError("binary column expected".to_string()))?;
                Arc::new(binary.iter().map(|v| v.map(|bytes| BASE64.encode(bytes))).collect::<StringArray>())
            }
            DataType::Timestamp(unit, Some(_)) => cast(column.as_ref(), &DataType::Timestamp(*unit, Some("+00:00".into())))?,
            DataType::Dictionary(_, value) => cast(column.as_ref(), value)?,
            _ => column.clone(),
        };
        fields.push(field.as_ref().clone().with_data_type(prepared.data_type().clone()));
        columns.push(prepared);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)
}

/// Whether the CSV format can hold a column of this type (it has no syntax
/// for nested values here).
pub(super) fn csv_supports(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(_, value) => csv_supports(value),
        other => !other.is_nested() && !matches!(other, DataType::Union(..) | DataType::RunEndEncoded(..)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int32Array, TimestampMicrosecondArray};
    use datafusion::arrow::datatypes::TimeUnit;

    fn text_batch(values: Vec<Option<&str>>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Utf8, true)]));
        RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(values))]).unwrap()
    }

    #[test]
    fn text_is_cast_with_null_literals_and_lenient_errors() {
        let target = Arc::new(Schema::new(vec![Field::new("v", DataType::Int32, true)]));
        let batch = text_batch(vec![Some("1"), Some("N/A"), None]);
        let out = conform(&batch, &target, &target, false, Some("N/A")).unwrap();
        assert_eq!(out.column(0).as_any().downcast_ref::<Int32Array>().unwrap(), &Int32Array::from(vec![Some(1), None, None]));

        let bad = text_batch(vec![Some("1"), Some("x")]);
        let err = conform(&bad, &target, &target, false, None).unwrap_err();
        assert!(err.contains("column 'v'") && err.contains("'x'"), "{err}");
        let out = conform(&bad, &target, &target, true, None).unwrap();
        assert_eq!(out.column(0).null_count(), 1);

        let strict = Arc::new(Schema::new(vec![Field::new("v", DataType::Int32, false)]));
        let err = conform(&bad, &strict, &strict, false, None).unwrap_err();
        assert!(err.contains("'x'"), "{err}");
        let out = conform(&bad, &strict, &strict, true, None).unwrap();
        assert_eq!(out.num_rows(), 1);
        let nulls = text_batch(vec![Some("1"), None]);
        assert!(conform(&nulls, &strict, &strict, false, None).unwrap_err().contains("NOT NULL"));

        let empty = Arc::new(Schema::empty());
        assert_eq!(conform(&bad, &target, &empty, true, None).unwrap().num_rows(), 2);
    }

    #[test]
    fn binary_and_instants_are_spelled_for_text() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("b", DataType::Binary, true),
            Field::new("t", DataType::Timestamp(TimeUnit::Microsecond, Some("+08:00".into())), true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(datafusion::arrow::array::BinaryArray::from(vec![Some(&b"hi"[..]), None])),
                Arc::new(TimestampMicrosecondArray::from(vec![Some(0), None]).with_timezone("+08:00")),
            ],
        )
        .unwrap();
        let out = prepare_text(&batch).unwrap();
        let b = out.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(b.value(0), "aGk=");
        assert!(b.is_null(1));
        assert_eq!(out.schema().field(1).data_type(), &DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())));

        let back = Arc::new(Schema::new(vec![Field::new("b", DataType::Binary, true)]));
        let decoded = conform(&out.project(&[0]).unwrap(), &back, &back, false, None).unwrap();
        let bytes = decoded.column(0).as_any().downcast_ref::<datafusion::arrow::array::BinaryArray>().unwrap();
        assert_eq!(bytes.value(0), b"hi");
    }
}
