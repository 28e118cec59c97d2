//! Flink's `logicalType` JSON (LogicalTypeJsonSerializer) for Arrow fields.
//!
//! Every result column carries one of these. The Flink SQL client and JDBC
//! driver parse it back into a `LogicalType`, so the key names, the key order
//! and the presence of `nullable` must match Flink exactly (section 5 of
//! `flink-protocol.md`).

use datafusion::arrow::datatypes::{DataType, Field, IntervalUnit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::temporal::unit_precision;

/// Length Flink uses for `STRING` / `BYTES` (`VARCHAR(2147483647)`).
const MAX_LENGTH: i32 = i32::MAX;
/// Flink's largest DECIMAL precision.
const MAX_DECIMAL_PRECISION: i32 = 38;
/// Flink's default year/day precision for intervals.
const DEFAULT_INTERVAL_PRECISION: i32 = 2;

/// Flink's `LogicalTypeRoot` names: the value of the `type` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TypeRoot {
    /// `CHAR(n)`.
    Char,
    /// `VARCHAR(n)`; `STRING` is `VARCHAR(2147483647)`.
    Varchar,
    /// `BOOLEAN`.
    Boolean,
    /// `BINARY(n)`.
    Binary,
    /// `VARBINARY(n)`; `BYTES` is `VARBINARY(2147483647)`.
    Varbinary,
    /// `DECIMAL(p, s)`.
    Decimal,
    /// 8-bit signed integer.
    Tinyint,
    /// 16-bit signed integer.
    Smallint,
    /// 32-bit signed integer.
    Integer,
    /// 64-bit signed integer.
    Bigint,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// `DATE`.
    Date,
    /// `TIME(p)`.
    TimeWithoutTimeZone,
    /// `TIMESTAMP(p)`.
    TimestampWithoutTimeZone,
    /// `TIMESTAMP(p) WITH TIME ZONE` (never produced here, accepted on input).
    TimestampWithTimeZone,
    /// `TIMESTAMP_LTZ(p)`: an instant shown in the session time zone.
    TimestampWithLocalTimeZone,
    /// `INTERVAL YEAR TO MONTH` and its sub-ranges.
    IntervalYearMonth,
    /// `INTERVAL DAY TO SECOND` and its sub-ranges.
    IntervalDayTime,
    /// `ARRAY<T>`.
    Array,
    /// `MULTISET<T>` (never produced here, accepted on input).
    Multiset,
    /// `MAP<K, V>`.
    Map,
    /// `ROW<...>`.
    Row,
    /// The type of an untyped `NULL` literal.
    Null,
    /// Semi-structured `VARIANT` (never produced here, accepted on input).
    Variant,
}

/// The `resolution` of an interval type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntervalResolution {
    /// `INTERVAL YEAR`.
    Year,
    /// `INTERVAL YEAR TO MONTH`.
    YearToMonth,
    /// `INTERVAL MONTH`.
    Month,
    /// `INTERVAL DAY`.
    Day,
    /// `INTERVAL DAY TO HOUR`.
    DayToHour,
    /// `INTERVAL DAY TO MINUTE`.
    DayToMinute,
    /// `INTERVAL DAY TO SECOND`.
    DayToSecond,
    /// `INTERVAL HOUR`.
    Hour,
    /// `INTERVAL HOUR TO MINUTE`.
    HourToMinute,
    /// `INTERVAL HOUR TO SECOND`.
    HourToSecond,
    /// `INTERVAL MINUTE`.
    Minute,
    /// `INTERVAL MINUTE TO SECOND`.
    MinuteToSecond,
    /// `INTERVAL SECOND`.
    Second,
}

/// One Flink logical type as JSON. Field order is the wire key order; absent
/// keys are skipped rather than written as `null`, as Flink does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogicalType {
    /// The type root; always first on the wire.
    #[serde(rename = "type")]
    pub type_root: TypeRoot,
    /// Whether the column may hold NULL. Absent only for the NULL type; the
    /// Java client crashes on any other type without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// CHAR/VARCHAR/BINARY/VARBINARY length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<i32>,
    /// DECIMAL precision, TIME/TIMESTAMP fractional precision, or the
    /// year/day precision of an interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<i32>,
    /// DECIMAL scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<i32>,
    /// Fractional-second precision of a DAY TO SECOND interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fractional_precision: Option<i32>,
    /// Which fields an interval spans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<IntervalResolution>,
    /// ARRAY/MULTISET element type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub element_type: Option<Box<LogicalType>>,
    /// MAP key type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub key_type: Option<Box<LogicalType>>,
    /// MAP value type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub value_type: Option<Box<LogicalType>>,
    /// ROW fields, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub fields: Option<Vec<LogicalTypeField>>,
}

/// One field of a ROW type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogicalTypeField {
    /// The field name (ROW values in JSON are objects keyed by it).
    pub name: String,
    /// The field's type.
    #[schema(no_recursion)]
    pub field_type: LogicalType,
    /// The field comment; Flink writes the key only when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl LogicalType {
    /// A type with only `type` and `nullable` set.
    pub fn simple(type_root: TypeRoot, nullable: bool) -> Self {
        Self {
            type_root,
            nullable: Some(nullable),
            length: None,
            precision: None,
            scale: None,
            fractional_precision: None,
            resolution: None,
            element_type: None,
            key_type: None,
            value_type: None,
            fields: None,
        }
    }

    /// `STRING`, i.e. `VARCHAR(2147483647)`.
    pub fn string(nullable: bool) -> Self {
        Self {
            length: Some(MAX_LENGTH),
            ..Self::simple(TypeRoot::Varchar, nullable)
        }
    }
}

/// The Flink logical type of an Arrow field (type and nullability).
///
/// Every Arrow type has an answer. Types Flink lacks are widened (unsigned
/// integers) or shown as `STRING` (unions, rendered as text by the encoders).
pub fn logical_type(field: &Field) -> LogicalType {
    declared_length(field).unwrap_or_else(|| map_type(field.data_type(), field.is_nullable()))
}

/// Field metadata naming a Flink type Arrow cannot tell apart from a wider
/// one: `CHAR(n)` (stored as a string) and `BINARY(n)` (stored as bytes).
pub const FLINK_TYPE: &str = "flink.type";

/// `CHAR(n)` / `BINARY(n)` where the field's [`FLINK_TYPE`] says so and its
/// Arrow type can hold it; anything else in the metadata is ignored.
fn declared_length(field: &Field) -> Option<LogicalType> {
    let declared = field.metadata().get(FLINK_TYPE)?;
    let (root, rest) = declared.split_once('(')?;
    let length: i32 = rest.strip_suffix(')')?.trim().parse().ok().filter(|n| *n >= 1)?;
    let type_root = match (root.trim(), field.data_type()) {
        ("CHAR", DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => TypeRoot::Char,
        ("BINARY", DataType::Binary | DataType::LargeBinary | DataType::BinaryView) => TypeRoot::Binary,
        _ => return None,
    };
    Some(LogicalType { length: Some(length), ..LogicalType::simple(type_root, field.is_nullable()) })
}

/// [`logical_type`] on a data type with explicit nullability.
fn map_type(data_type: &DataType, nullable: bool) -> LogicalType {
    use TypeRoot as R;
    let simple = |root| LogicalType::simple(root, nullable);
    let with_precision = |root, precision: u8| LogicalType {
        precision: Some(i32::from(precision)),
        ..simple(root)
    };
    match data_type {
        DataType::Null => LogicalType {
            nullable: None,
            ..simple(R::Null)
        },
        DataType::Boolean => simple(R::Boolean),
        DataType::Int8 => simple(R::Tinyint),
        DataType::Int16 | DataType::UInt8 => simple(R::Smallint),
        DataType::Int32 | DataType::UInt16 => simple(R::Integer),
        DataType::Int64 | DataType::UInt32 => simple(R::Bigint),
        DataType::UInt64 => decimal(20, 0, nullable),
        DataType::Float16 | DataType::Float32 => simple(R::Float),
        DataType::Float64 => simple(R::Double),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => LogicalType::string(nullable),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => LogicalType {
            length: Some(MAX_LENGTH),
            ..simple(R::Varbinary)
        },
        DataType::FixedSizeBinary(size) => LogicalType {
            length: Some(*size),
            ..simple(R::Binary)
        },
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => decimal(*p, *s, nullable),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => decimal(*p, *s, nullable),
        DataType::Date32 | DataType::Date64 => simple(R::Date),
        DataType::Time32(unit) | DataType::Time64(unit) => {
            with_precision(R::TimeWithoutTimeZone, unit_precision(*unit))
        }
        DataType::Timestamp(unit, None) => {
            with_precision(R::TimestampWithoutTimeZone, unit_precision(*unit))
        }
        DataType::Timestamp(unit, Some(_)) => {
            with_precision(R::TimestampWithLocalTimeZone, unit_precision(*unit))
        }
        DataType::Interval(IntervalUnit::YearMonth) => LogicalType {
            precision: Some(DEFAULT_INTERVAL_PRECISION),
            resolution: Some(IntervalResolution::YearToMonth),
            ..simple(R::IntervalYearMonth)
        },
        DataType::Interval(IntervalUnit::DayTime) => day_time(3, nullable),
        DataType::Interval(IntervalUnit::MonthDayNano) => day_time(9, nullable),
        DataType::Duration(unit) => day_time(unit_precision(*unit), nullable),
        DataType::List(child)
        | DataType::LargeList(child)
        | DataType::FixedSizeList(child, _)
        | DataType::ListView(child)
        | DataType::LargeListView(child) => LogicalType {
            element_type: Some(Box::new(logical_type(child))),
            ..simple(R::Array)
        },
        DataType::Struct(fields) => LogicalType {
            fields: Some(
                fields
                    .iter()
                    .map(|f| LogicalTypeField {
                        name: f.name().clone(),
                        field_type: logical_type(f),
                        description: None,
                    })
                    .collect(),
            ),
            ..simple(R::Row)
        },
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => LogicalType {
                key_type: Some(Box::new(logical_type(&kv[0]))),
                value_type: Some(Box::new(logical_type(&kv[1]))),
                ..simple(R::Map)
            },
            // A map whose entries are not a key/value struct is malformed;
            // describe it as text rather than inventing a shape.
            _ => LogicalType::string(nullable),
        },
        DataType::Dictionary(_, values) => map_type(values, nullable),
        DataType::RunEndEncoded(_, values) => map_type(values.data_type(), nullable),
        // No Flink counterpart: the encoders send arrow's text for it.
        DataType::Union(_, _) => LogicalType::string(nullable),
    }
}

/// DECIMAL(p, s), squeezed into what Flink accepts (1 <= p <= 38,
/// 0 <= s <= p). A negative Arrow scale means trailing integer zeros, so it
/// widens the precision instead; a precision above 38 (Decimal256) is capped
/// at 38. Values keep their exact digits on the wire either way.
fn decimal(precision: u8, scale: i8, nullable: bool) -> LogicalType {
    let (precision, scale) = if scale < 0 {
        (i32::from(precision) - i32::from(scale), 0)
    } else {
        (i32::from(precision), i32::from(scale))
    };
    // Arrow allows a scale above the precision (0.00123 as DECIMAL(3, 5));
    // Flink needs p >= s, so widen p to cover it.
    let precision = precision.max(scale).clamp(1, MAX_DECIMAL_PRECISION);
    LogicalType {
        precision: Some(precision),
        scale: Some(scale.min(precision)),
        ..LogicalType::simple(TypeRoot::Decimal, nullable)
    }
}

/// INTERVAL DAY(2) TO SECOND(`fraction`).
fn day_time(fraction: u8, nullable: bool) -> LogicalType {
    LogicalType {
        precision: Some(DEFAULT_INTERVAL_PRECISION),
        fractional_precision: Some(i32::from(fraction)),
        resolution: Some(IntervalResolution::DayToSecond),
        ..LogicalType::simple(TypeRoot::IntervalDayTime, nullable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_fixed_lengths_only_where_the_arrow_type_holds_them() {
        let with = |dt: DataType, declared: &str| {
            let meta = std::collections::HashMap::from([(FLINK_TYPE.to_string(), declared.to_string())]);
            serde_json::to_string(&logical_type(&Field::new("c", dt, false).with_metadata(meta))).unwrap()
        };
        assert_eq!(with(DataType::Utf8, "CHAR(3)"), r#"{"type":"CHAR","nullable":false,"length":3}"#);
        assert_eq!(with(DataType::Binary, "BINARY(2)"), r#"{"type":"BINARY","nullable":false,"length":2}"#);
        // A mismatch or a malformed declaration falls back to the Arrow type.
        assert_eq!(with(DataType::Int32, "CHAR(3)"), r#"{"type":"INTEGER","nullable":false}"#);
        assert_eq!(with(DataType::Utf8, "CHAR(x)"), r#"{"type":"VARCHAR","nullable":false,"length":2147483647}"#);
        assert_eq!(with(DataType::Utf8, "CHAR(0)"), r#"{"type":"VARCHAR","nullable":false,"length":2147483647}"#);
    }

    #[test]
    fn key_order_and_skipping() {
        let json = serde_json::to_string(&map_type(&DataType::Decimal128(10, 2), false)).unwrap();
        assert_eq!(
            json,
            r#"{"type":"DECIMAL","nullable":false,"precision":10,"scale":2}"#
        );
        let json = serde_json::to_string(&map_type(&DataType::Null, true)).unwrap();
        assert_eq!(json, r#"{"type":"NULL"}"#);
    }

    #[test]
    fn round_trips_through_serde() {
        let original = map_type(&DataType::Interval(IntervalUnit::MonthDayNano), true);
        let json = serde_json::to_string(&original).unwrap();
        assert_eq!(
            serde_json::from_str::<LogicalType>(&json).unwrap(),
            original
        );
    }

    #[test]
    fn schema_generation_terminates() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_string(&LogicalType::schema()).unwrap();
        assert!(schema.contains("elementType"), "{schema}");
    }
}
