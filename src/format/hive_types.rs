//! How Arrow types look to Hive / JDBC clients (the Kyuubi REST protocol).
//!
//! Kyuubi describes result columns with Hive's `TTypeId` names and answers
//! JDBC `DatabaseMetaData` questions (`getColumns`, `getTypeInfo`) with
//! Hive's numbers: the `java.sql.Types` code, COLUMN_SIZE, DECIMAL_DIGITS
//! and NUM_PREC_RADIX. [`hive_type`] gives all of them for one Arrow type,
//! following the same widening as the Flink descriptors
//! ([`super::logical_type`]): unsigned integers move to the next wider
//! signed type, types Hive lacks (TIME, unions) are shown as STRING.

use datafusion::arrow::datatypes::{DataType, Field, IntervalUnit};

/// Hive's largest DECIMAL precision (and Flink's).
const MAX_DECIMAL_PRECISION: i32 = 38;
/// COLUMN_SIZE of unbounded text and bytes (`Integer.MAX_VALUE`).
const MAX_LENGTH: i32 = i32::MAX;

/// `java.sql.Types` codes the gateway reports, named as in Java so the
/// numbers can be checked against the JDK.
pub mod java_types {
    /// `Types.BOOLEAN`.
    pub const BOOLEAN: i32 = 16;
    /// `Types.TINYINT`.
    pub const TINYINT: i32 = -6;
    /// `Types.SMALLINT`.
    pub const SMALLINT: i32 = 5;
    /// `Types.INTEGER`.
    pub const INTEGER: i32 = 4;
    /// `Types.BIGINT`.
    pub const BIGINT: i32 = -5;
    /// `Types.FLOAT`.
    pub const FLOAT: i32 = 6;
    /// `Types.DOUBLE`.
    pub const DOUBLE: i32 = 8;
    /// `Types.VARCHAR`: Hive's STRING and VARCHAR(n).
    pub const VARCHAR: i32 = 12;
    /// `Types.CHAR`.
    pub const CHAR: i32 = 1;
    /// `Types.DATE`.
    pub const DATE: i32 = 91;
    /// `Types.TIMESTAMP`.
    pub const TIMESTAMP: i32 = 93;
    /// `Types.TIMESTAMP_WITH_TIMEZONE`: instants (TIMESTAMP_LTZ).
    pub const TIMESTAMP_WITH_TIMEZONE: i32 = 2014;
    /// `Types.BINARY`.
    pub const BINARY: i32 = -2;
    /// `Types.DECIMAL`.
    pub const DECIMAL: i32 = 3;
    /// `Types.ARRAY`.
    pub const ARRAY: i32 = 2003;
    /// `Types.STRUCT`.
    pub const STRUCT: i32 = 2002;
    /// `Types.JAVA_OBJECT`: what Hive reports for maps.
    pub const JAVA_OBJECT: i32 = 2000;
    /// `Types.NULL`.
    pub const NULL: i32 = 0;
    /// `Types.OTHER`: intervals, which JDBC has no code for.
    pub const OTHER: i32 = 1111;
}

/// How one Arrow type appears to Hive/JDBC clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiveType {
    /// Hive TTypeId name ("INT_TYPE", "DECIMAL_TYPE", ...): the `dataType`
    /// of a Kyuubi column descriptor.
    pub type_id: &'static str,
    /// Hive type name as TYPE_NAME shows it: "INT", "DECIMAL(10,2)",
    /// "ARRAY<INT>", "STRUCT<a:INT,b:STRING>", ...
    pub name: String,
    /// java.sql.Types code: DATA_TYPE of getColumns / getTypeInfo.
    pub java_type: i32,
    /// Precision qualifier: DECIMAL precision, CHAR/VARCHAR length; 0
    /// otherwise (the `precision` of a Kyuubi column descriptor).
    pub precision: i32,
    /// Scale qualifier: DECIMAL scale; 0 otherwise.
    pub scale: i32,
    /// JDBC COLUMN_SIZE as Hive's getColumns reports it; None where Hive
    /// reports NULL (booleans, nested types, intervals).
    pub column_size: Option<i32>,
    /// JDBC DECIMAL_DIGITS (decimal scale, 9 for timestamps, 0 for
    /// integers); None where Hive reports NULL.
    pub decimal_digits: Option<i32>,
    /// NUM_PREC_RADIX: 10 for numeric types, None otherwise.
    pub radix: Option<i32>,
}

impl HiveType {
    /// A type without qualifiers or sizes; the arms fill in the rest.
    fn plain(type_id: &'static str, name: &str, java_type: i32) -> Self {
        HiveType { type_id, name: name.to_string(), java_type, precision: 0, scale: 0, column_size: None, decimal_digits: None, radix: None }
    }

    /// A numeric type: COLUMN_SIZE is its precision in digits, radix 10.
    fn numeric(type_id: &'static str, name: &str, java_type: i32, digits: i32, decimal_digits: i32) -> Self {
        HiveType { column_size: Some(digits), decimal_digits: Some(decimal_digits), radix: Some(10), ..Self::plain(type_id, name, java_type) }
    }

    /// Hive's `CHAR(n)` (`varying == false`) or `VARCHAR(n)`, for columns
    /// whose Flink DDL declared a length that the Arrow type (a plain
    /// string) does not carry.
    pub fn character(varying: bool, length: i32) -> Self {
        let (type_id, name, java_type) =
            if varying { ("VARCHAR_TYPE", "VARCHAR", java_types::VARCHAR) } else { ("CHAR_TYPE", "CHAR", java_types::CHAR) };
        HiveType { precision: length, column_size: Some(length), ..Self::plain(type_id, &format!("{name}({length})"), java_type) }
    }

    /// Hive's `DECIMAL(p,s)`.
    pub fn decimal(precision: i32, scale: i32) -> Self {
        HiveType {
            precision,
            scale,
            ..Self::numeric("DECIMAL_TYPE", &format!("DECIMAL({precision},{scale})"), java_types::DECIMAL, precision, scale)
        }
    }

    /// Hive's `STRING`: unbounded text, COLUMN_SIZE `Integer.MAX_VALUE`.
    pub fn string() -> Self {
        HiveType { column_size: Some(MAX_LENGTH), ..Self::plain("STRING_TYPE", "STRING", java_types::VARCHAR) }
    }
}

/// How `data_type` appears to Hive/JDBC clients. Every Arrow type has an
/// answer; what Hive cannot express is shown as STRING, which is how the
/// row encoders render it.
pub fn hive_type(data_type: &DataType) -> HiveType {
    use java_types as J;
    match data_type {
        DataType::Null => HiveType::plain("NULL_TYPE", "VOID", J::NULL),
        DataType::Boolean => HiveType::plain("BOOLEAN_TYPE", "BOOLEAN", J::BOOLEAN),
        DataType::Int8 => HiveType::numeric("TINYINT_TYPE", "TINYINT", J::TINYINT, 3, 0),
        DataType::Int16 | DataType::UInt8 => HiveType::numeric("SMALLINT_TYPE", "SMALLINT", J::SMALLINT, 5, 0),
        DataType::Int32 | DataType::UInt16 => HiveType::numeric("INT_TYPE", "INT", J::INTEGER, 10, 0),
        DataType::Int64 | DataType::UInt32 => HiveType::numeric("BIGINT_TYPE", "BIGINT", J::BIGINT, 19, 0),
        DataType::UInt64 => HiveType::decimal(20, 0),
        DataType::Float16 | DataType::Float32 => HiveType::numeric("FLOAT_TYPE", "FLOAT", J::FLOAT, 7, 7),
        DataType::Float64 => HiveType::numeric("DOUBLE_TYPE", "DOUBLE", J::DOUBLE, 15, 15),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => HiveType::string(),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) | DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => {
            let (precision, scale) = decimal_qualifiers(*p, *s);
            HiveType::decimal(precision, scale)
        }
        DataType::Date32 | DataType::Date64 => HiveType { column_size: Some(10), ..HiveType::plain("DATE_TYPE", "DATE", J::DATE) },
        DataType::Timestamp(_, None) => {
            HiveType { column_size: Some(29), decimal_digits: Some(9), ..HiveType::plain("TIMESTAMP_TYPE", "TIMESTAMP", J::TIMESTAMP) }
        }
        DataType::Timestamp(_, Some(_)) => HiveType {
            column_size: Some(29),
            decimal_digits: Some(9),
            ..HiveType::plain("TIMESTAMPLOCALTZ_TYPE", "TIMESTAMP WITH LOCAL TIME ZONE", J::TIMESTAMP_WITH_TIMEZONE)
        },
        // Hive has no TIME type; the encoders send the time of day as text.
        DataType::Time32(_) | DataType::Time64(_) => HiveType::string(),
        DataType::Binary | DataType::LargeBinary | DataType::FixedSizeBinary(_) | DataType::BinaryView => {
            HiveType { column_size: Some(MAX_LENGTH), ..HiveType::plain("BINARY_TYPE", "BINARY", J::BINARY) }
        }
        DataType::List(child)
        | DataType::LargeList(child)
        | DataType::FixedSizeList(child, _)
        | DataType::ListView(child)
        | DataType::LargeListView(child) => {
            HiveType::plain("ARRAY_TYPE", &format!("ARRAY<{}>", hive_type(child.data_type()).name), J::ARRAY)
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => HiveType::plain(
                "MAP_TYPE",
                &format!("MAP<{},{}>", hive_type(kv[0].data_type()).name, hive_type(kv[1].data_type()).name),
                J::JAVA_OBJECT,
            ),
            // Entries that are not a key/value struct: malformed, shown as text.
            _ => HiveType::string(),
        },
        DataType::Struct(fields) => {
            let fields: Vec<String> = fields.iter().map(|f| struct_field(f)).collect();
            HiveType::plain("STRUCT_TYPE", &format!("STRUCT<{}>", fields.join(",")), J::STRUCT)
        }
        DataType::Interval(IntervalUnit::YearMonth) => HiveType::plain("INTERVAL_YEAR_MONTH_TYPE", "INTERVAL_YEAR_MONTH", J::OTHER),
        DataType::Interval(_) | DataType::Duration(_) => HiveType::plain("INTERVAL_DAY_TIME_TYPE", "INTERVAL_DAY_TIME", J::OTHER),
        DataType::Dictionary(_, values) => hive_type(values),
        DataType::RunEndEncoded(_, values) => hive_type(values.data_type()),
        // No Hive counterpart the encoders could fill: sent as text.
        DataType::Union(_, _) => HiveType::string(),
    }
}

/// `name:TYPE` of one STRUCT field.
fn struct_field(field: &Field) -> String {
    format!("{}:{}", field.name(), hive_type(field.data_type()).name)
}

/// DECIMAL(p, s) squeezed into what Hive accepts (1 <= p <= 38, 0 <= s <=
/// p), the same way the Flink descriptors squeeze it: a negative Arrow scale
/// means trailing integer zeros and widens the precision instead.
fn decimal_qualifiers(precision: u8, scale: i8) -> (i32, i32) {
    let (precision, scale) = if scale < 0 { (i32::from(precision) - i32::from(scale), 0) } else { (i32::from(precision), i32::from(scale)) };
    let precision = precision.max(scale).clamp(1, MAX_DECIMAL_PRECISION);
    (precision, scale.min(precision))
}

#[cfg(test)]
#[path = "hive_types_tests.rs"]
mod tests;
