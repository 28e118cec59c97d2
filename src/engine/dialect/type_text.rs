//! Flink's type text (`INT NOT NULL`, `ROW<`a` STRING>`, `INTERVAL DAY(2) TO
//! SECOND(3)`) of the logical types result columns are described with: what
//! `DESCRIBE` prints for tables not declared with Flink DDL, and what
//! `TYPEOF` answers.

use datafusion::arrow::datatypes::{DataType, Field};

use super::types::row_field_sql;
use crate::format::{IntervalResolution, LogicalType, TypeRoot};

/// Flink's type text for an Arrow type (taken as nullable), for tables that
/// were not declared with Flink DDL.
pub fn flink_type_of(dt: &DataType) -> String {
    logical_sql(&crate::format::logical_type(&Field::new("", dt.clone(), true)))
}

/// Flink's type text for an Arrow field, nullability and a declared
/// `CHAR(n)` / `BINARY(n)` included: the `logicalType` the gateway reports
/// for a column of that field, as Flink's `TYPEOF` prints it.
pub fn flink_type_of_field(field: &Field) -> String {
    logical_sql(&crate::format::logical_type(field))
}

/// Flink's summary text of a logical type.
fn logical_sql(t: &LogicalType) -> String {
    use TypeRoot as R;
    let precision = t.precision.unwrap_or(0);
    let length = |max: &str, name: &str| match t.length {
        Some(n) if n == i32::MAX && !max.is_empty() => max.to_string(),
        Some(n) => format!("{name}({n})"),
        None => name.to_string(),
    };
    let inner = |c: &Option<Box<LogicalType>>| c.as_deref().map_or_else(|| "NULL".to_string(), logical_sql);
    let text = match t.type_root {
        R::Char => length("", "CHAR"),
        R::Varchar => length("STRING", "VARCHAR"),
        R::Boolean => "BOOLEAN".to_string(),
        R::Binary => length("", "BINARY"),
        R::Varbinary => length("BYTES", "VARBINARY"),
        R::Decimal => format!("DECIMAL({precision}, {})", t.scale.unwrap_or(0)),
        R::Tinyint => "TINYINT".to_string(),
        R::Smallint => "SMALLINT".to_string(),
        R::Integer => "INT".to_string(),
        R::Bigint => "BIGINT".to_string(),
        R::Float => "FLOAT".to_string(),
        R::Double => "DOUBLE".to_string(),
        R::Date => "DATE".to_string(),
        R::TimeWithoutTimeZone => format!("TIME({precision})"),
        R::TimestampWithoutTimeZone => format!("TIMESTAMP({precision})"),
        R::TimestampWithTimeZone => format!("TIMESTAMP({precision}) WITH TIME ZONE"),
        R::TimestampWithLocalTimeZone => format!("TIMESTAMP_LTZ({precision})"),
        R::IntervalYearMonth | R::IntervalDayTime => interval_sql(t),
        R::Array => format!("ARRAY<{}>", inner(&t.element_type)),
        R::Multiset => format!("MULTISET<{}>", inner(&t.element_type)),
        R::Map => {
            // Arrow map keys are never null, so their `NOT NULL` says nothing
            // a Flink `MAP<K, V>` does not already say.
            let key = t.key_type.as_deref().map(|k| LogicalType { nullable: Some(true), ..k.clone() });
            format!("MAP<{}, {}>", key.as_ref().map_or_else(|| "NULL".to_string(), logical_sql), inner(&t.value_type))
        }
        R::Row => {
            let fields: Vec<String> = t
                .fields
                .iter()
                .flatten()
                .map(|f| row_field_sql(&f.name, &logical_sql(&f.field_type), f.description.as_deref()))
                .collect();
            format!("ROW<{}>", fields.join(", "))
        }
        R::Null => "NULL".to_string(),
        R::Variant => "VARIANT".to_string(),
    };
    if t.nullable == Some(false) { text + " NOT NULL" } else { text }
}

/// `INTERVAL DAY(2) TO SECOND(3)` and the like.
fn interval_sql(t: &LogicalType) -> String {
    use IntervalResolution as I;
    let p = t.precision.unwrap_or(2);
    let f = t.fractional_precision.unwrap_or(6);
    let resolution = t.resolution.unwrap_or(if t.type_root == TypeRoot::IntervalYearMonth {
        I::YearToMonth
    } else {
        I::DayToSecond
    });
    match resolution {
        I::Year => format!("INTERVAL YEAR({p})"),
        I::YearToMonth => format!("INTERVAL YEAR({p}) TO MONTH"),
        I::Month => "INTERVAL MONTH".to_string(),
        I::Day => format!("INTERVAL DAY({p})"),
        I::DayToHour => format!("INTERVAL DAY({p}) TO HOUR"),
        I::DayToMinute => format!("INTERVAL DAY({p}) TO MINUTE"),
        I::DayToSecond => format!("INTERVAL DAY({p}) TO SECOND({f})"),
        I::Hour => "INTERVAL HOUR".to_string(),
        I::HourToMinute => "INTERVAL HOUR TO MINUTE".to_string(),
        I::HourToSecond => format!("INTERVAL HOUR TO SECOND({f})"),
        I::Minute => "INTERVAL MINUTE".to_string(),
        I::MinuteToSecond => format!("INTERVAL MINUTE TO SECOND({f})"),
        I::Second => format!("INTERVAL SECOND({f})"),
    }
}
