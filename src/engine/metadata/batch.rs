//! Building the small result sets of metadata requests: named, typed
//! columns with declared nullability, turned into one [`RecordBatch`].
//!
//! JDBC clients read these columns by name and by type (`getInt`,
//! `getShort`, `getBoolean`), so each column states its Arrow type and
//! whether it can hold NULL; [`RecordBatch::try_new`] then checks that no
//! non-nullable column got a NULL.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int16Array, Int32Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;

use crate::error::{GatewayError, Result};

/// The values of one column, of one of the types metadata results use.
pub(super) enum Values {
    /// A Utf8 column (names, remarks, "YES"/"NO").
    Text(Vec<Option<String>>),
    /// An Int32 column (java.sql.Types codes, sizes, positions).
    Int(Vec<Option<i32>>),
    /// An Int16 column, where JDBC says `short`.
    Short(Vec<Option<i16>>),
    /// A Boolean column (getTypeInfo's flags).
    Flag(Vec<Option<bool>>),
}

/// One named column of a result set.
pub(super) struct Column {
    /// The column name, as Hive / JDBC name it.
    name: &'static str,
    /// Whether the column may hold NULL.
    nullable: bool,
    /// Its values, one per row.
    values: Values,
}

/// A Utf8 column that never holds NULL.
pub(super) fn text(name: &'static str, values: impl IntoIterator<Item = String>) -> Column {
    Column { name, nullable: false, values: Values::Text(values.into_iter().map(Some).collect()) }
}

/// A Utf8 column that may hold NULL.
pub(super) fn text_or_null(name: &'static str, values: impl IntoIterator<Item = Option<String>>) -> Column {
    Column { name, nullable: true, values: Values::Text(values.into_iter().collect()) }
}

/// An Int32 column that never holds NULL.
pub(super) fn int(name: &'static str, values: impl IntoIterator<Item = i32>) -> Column {
    Column { name, nullable: false, values: Values::Int(values.into_iter().map(Some).collect()) }
}

/// An Int32 column that may hold NULL.
pub(super) fn int_or_null(name: &'static str, values: impl IntoIterator<Item = Option<i32>>) -> Column {
    Column { name, nullable: true, values: Values::Int(values.into_iter().collect()) }
}

/// An Int16 column that never holds NULL.
pub(super) fn short(name: &'static str, values: impl IntoIterator<Item = i16>) -> Column {
    Column { name, nullable: false, values: Values::Short(values.into_iter().map(Some).collect()) }
}

/// An Int16 column that may hold NULL.
pub(super) fn short_or_null(name: &'static str, values: impl IntoIterator<Item = Option<i16>>) -> Column {
    Column { name, nullable: true, values: Values::Short(values.into_iter().collect()) }
}

/// A Boolean column that never holds NULL.
pub(super) fn flag(name: &'static str, values: impl IntoIterator<Item = bool>) -> Column {
    Column { name, nullable: false, values: Values::Flag(values.into_iter().map(Some).collect()) }
}

/// A Utf8 column of `rows` NULLs: JDBC columns this catalog has nothing for.
pub(super) fn null_text(name: &'static str, rows: usize) -> Column {
    text_or_null(name, std::iter::repeat_n(None, rows))
}

/// An Int32 column of `rows` NULLs.
pub(super) fn null_int(name: &'static str, rows: usize) -> Column {
    int_or_null(name, std::iter::repeat_n(None, rows))
}

/// The batch of these columns, in order. Fails (rather than panics) if the
/// columns differ in length or a non-nullable column holds NULL.
pub(super) fn batch(columns: Vec<Column>) -> Result<RecordBatch> {
    let mut fields = Vec::with_capacity(columns.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len());
    for Column { name, nullable, values } in columns {
        let (data_type, array): (DataType, ArrayRef) = match values {
            Values::Text(v) => (DataType::Utf8, Arc::new(StringArray::from(v))),
            Values::Int(v) => (DataType::Int32, Arc::new(Int32Array::from(v))),
            Values::Short(v) => (DataType::Int16, Arc::new(Int16Array::from(v))),
            Values::Flag(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v))),
        };
        fields.push(Field::new(name, data_type, nullable));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| GatewayError::Internal(format!("metadata result: {e}")))
}
