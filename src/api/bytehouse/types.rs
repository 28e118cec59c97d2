//! ByteHouse (ClickHouse) column type names to Flink SQL types, and back
//! from the Arrow types of tables not declared through this API.
//!
//! | ByteHouse | Flink |
//! |---|---|
//! | `Int8` `Int16` `Int32` `Int64` | `TINYINT` `SMALLINT` `INT` `BIGINT` |
//! | `UInt8` `UInt16` `UInt32` | `SMALLINT` `INT` `BIGINT` (the next wider signed type) |
//! | `UInt64` | `DECIMAL(20, 0)` |
//! | `Float32` `Float64` | `FLOAT` `DOUBLE` |
//! | `String`, `FixedString(n)` | `STRING`, `CHAR(n)` |
//! | `Date`, `Date32` | `DATE` |
//! | `DateTime`, `DateTime64(p)` | `TIMESTAMP(0)`, `TIMESTAMP(p)`; with a zone argument `TIMESTAMP_LTZ` |
//! | `Decimal(p,s)`, `Decimal32/64/128(s)` | `DECIMAL(p, s)` |
//! | `Bool` | `BOOLEAN` |
//! | `Nullable(T)`, `LowCardinality(T)` | `T` (nullable), `T` |
//! | `Array(T)`, `Map(K,V)` | `ARRAY<T>`, `MAP<K, V>` (elements nullable) |

use datafusion::arrow::datatypes::{DataType, TimeUnit};

/// A type mapped to Flink: its text (without `NOT NULL`) and whether `Nullable(..)` made it nullable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The Flink type text, e.g. `DECIMAL(10, 2)`.
    pub flink: String,
    /// `Nullable(T)` was given.
    pub nullable: bool,
}

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 16;

/// The Flink type of a ByteHouse type name; Err names the part not understood.
pub fn to_flink(text: &str) -> Result<Mapped, String> {
    map(text.trim(), 0)
}

fn map(text: &str, depth: usize) -> Result<Mapped, String> {
    if depth > MAX_DEPTH {
        return Err(text.to_string());
    }
    let unknown = || text.to_string();
    let (name, args) = match text.find('(') {
        Some(open) if text.ends_with(')') => (text[..open].trim(), Some(split_args(&text[open + 1..text.len() - 1]))),
        Some(_) => return Err(unknown()),
        None => (text, None),
    };
    let simple = |flink: &str| Ok(Mapped { flink: flink.to_string(), nullable: false });
    let lower = name.to_ascii_lowercase();
    match (lower.as_str(), args) {
        ("nullable", Some(a)) if a.len() == 1 => Ok(Mapped { nullable: true, ..map(&a[0], depth + 1)? }),
        ("lowcardinality", Some(a)) if a.len() == 1 => map(&a[0], depth + 1),
        ("array", Some(a)) if a.len() == 1 => Ok(Mapped { flink: format!("ARRAY<{}>", map(&a[0], depth + 1)?.flink), nullable: false }),
        ("map", Some(a)) if a.len() == 2 => {
            let (key, value) = (map(&a[0], depth + 1)?, map(&a[1], depth + 1)?);
            Ok(Mapped { flink: format!("MAP<{}, {}>", key.flink, value.flink), nullable: false })
        }
        ("fixedstring", Some(a)) if a.len() == 1 => match a[0].parse::<u32>() {
            Ok(n) if n >= 1 => simple(&format!("CHAR({n})")),
            _ => Err(unknown()),
        },
        ("datetime", None) => simple("TIMESTAMP(0)"),
        ("datetime", Some(a)) if a.len() == 1 => simple("TIMESTAMP_LTZ(0)"),
        ("datetime64", Some(a)) if a.len() == 1 || a.len() == 2 => match a[0].parse::<u8>() {
            Ok(p) if p <= 9 => simple(&format!("{}({p})", if a.len() == 2 { "TIMESTAMP_LTZ" } else { "TIMESTAMP" })),
            _ => Err(unknown()),
        },
        ("decimal", Some(a)) if a.len() == 2 => match (a[0].parse::<u8>(), a[1].parse::<u8>()) {
            (Ok(p), Ok(s)) if (1..=38).contains(&p) && s <= p => simple(&format!("DECIMAL({p}, {s})")),
            _ => Err(unknown()),
        },
        (sized @ ("decimal32" | "decimal64" | "decimal128"), Some(a)) if a.len() == 1 => {
            let precision = match sized {
                "decimal32" => 9,
                "decimal64" => 18,
                _ => 38,
            };
            match a[0].parse::<u8>() {
                Ok(s) if s <= precision => simple(&format!("DECIMAL({precision}, {s})")),
                _ => Err(unknown()),
            }
        }
        (_, Some(_)) => Err(unknown()),
        (other, None) => match other {
            "int8" | "tinyint" => simple("TINYINT"),
            "int16" | "smallint" | "uint8" => simple("SMALLINT"),
            "int32" | "int" | "uint16" => simple("INT"),
            "int64" | "bigint" | "uint32" => simple("BIGINT"),
            "uint64" => simple("DECIMAL(20, 0)"),
            "float32" | "float" => simple("FLOAT"),
            "float64" | "double" => simple("DOUBLE"),
            "string" => simple("STRING"),
            "date" | "date32" => simple("DATE"),
            "bool" | "boolean" => simple("BOOLEAN"),
            _ => Err(unknown()),
        },
    }
}

/// Top-level comma-separated arguments, trimmed (quotes and nested parentheses respected).
fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(text[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim().to_string());
    out
}

/// A ByteHouse type name for an Arrow type (tables not created through
/// this API), `Nullable(..)` around nullable scalars.
pub fn from_arrow(data_type: &DataType, nullable: bool) -> String {
    use DataType as D;
    let scalar = |name: String| if nullable { format!("Nullable({name})") } else { name };
    match data_type {
        D::Int8 => scalar("Int8".into()),
        D::Int16 => scalar("Int16".into()),
        D::Int32 => scalar("Int32".into()),
        D::Int64 => scalar("Int64".into()),
        D::UInt8 => scalar("UInt8".into()),
        D::UInt16 => scalar("UInt16".into()),
        D::UInt32 => scalar("UInt32".into()),
        D::UInt64 => scalar("UInt64".into()),
        D::Float16 | D::Float32 => scalar("Float32".into()),
        D::Float64 => scalar("Float64".into()),
        D::Boolean => scalar("Bool".into()),
        D::Utf8 | D::LargeUtf8 | D::Utf8View | D::Binary | D::LargeBinary | D::BinaryView => scalar("String".into()),
        D::FixedSizeBinary(n) => scalar(format!("FixedString({n})")),
        D::Date32 | D::Date64 => scalar("Date".into()),
        D::Timestamp(unit, zone) => {
            let precision = match unit {
                TimeUnit::Second => 0,
                TimeUnit::Millisecond => 3,
                TimeUnit::Microsecond => 6,
                TimeUnit::Nanosecond => 9,
            };
            let name = match (precision, zone) {
                (0, None) => "DateTime".to_string(),
                (0, Some(z)) => format!("DateTime('{z}')"),
                (p, None) => format!("DateTime64({p})"),
                (p, Some(z)) => format!("DateTime64({p}, '{z}')"),
            };
            scalar(name)
        }
        D::Decimal32(p, s) | D::Decimal64(p, s) | D::Decimal128(p, s) | D::Decimal256(p, s) => scalar(format!("Decimal({p}, {s})")),
        D::List(item) | D::LargeList(item) | D::FixedSizeList(item, _) => format!("Array({})", from_arrow(item.data_type(), item.is_nullable())),
        D::Map(entries, _) => match entries.data_type() {
            D::Struct(kv) if kv.len() == 2 => format!("Map({}, {})", from_arrow(kv[0].data_type(), false), from_arrow(kv[1].data_type(), kv[1].is_nullable())),
            _ => "Map(String, String)".into(),
        },
        D::Dictionary(_, value) => format!("LowCardinality({})", from_arrow(value, nullable)),
        // No ByteHouse name: the Flink type text says what it is.
        other => scalar(crate::engine::dialect::flink_type_of(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytehouse_types_map_to_flink() {
        let flink = |t: &str| to_flink(t).map(|m| (m.flink, m.nullable));
        assert_eq!(flink("Int32"), Ok(("INT".into(), false)));
        assert_eq!(flink("UInt64"), Ok(("DECIMAL(20, 0)".into(), false)));
        assert_eq!(flink("Nullable(String)"), Ok(("STRING".into(), true)));
        assert_eq!(flink("LowCardinality(Nullable(String))"), Ok(("STRING".into(), true)));
        assert_eq!(flink("FixedString(16)"), Ok(("CHAR(16)".into(), false)));
        assert_eq!(flink("DateTime64(3)"), Ok(("TIMESTAMP(3)".into(), false)));
        assert_eq!(flink("DateTime64(3, 'Asia/Shanghai')"), Ok(("TIMESTAMP_LTZ(3)".into(), false)));
        assert_eq!(flink("Decimal(10, 2)"), Ok(("DECIMAL(10, 2)".into(), false)));
        assert_eq!(flink("Map(String, Array(Nullable(Int64)))"), Ok(("MAP<STRING, ARRAY<BIGINT>>".into(), false)));
        assert_eq!(flink("Decimal(40, 2)"), Err("Decimal(40, 2)".into()));
        assert_eq!(flink("Array(Foo)"), Err("Foo".into()));
        assert_eq!(flink("Int32("), Err("Int32(".into()));
    }

    #[test]
    fn arrow_types_get_bytehouse_names() {
        assert_eq!(from_arrow(&DataType::Int64, true), "Nullable(Int64)");
        assert_eq!(from_arrow(&DataType::Utf8, false), "String");
        assert_eq!(from_arrow(&DataType::Timestamp(TimeUnit::Millisecond, None), false), "DateTime64(3)");
    }
}
