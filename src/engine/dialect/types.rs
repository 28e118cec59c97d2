//! Flink SQL data types: parsed from DDL, mapped to Arrow, printed back.
//!
//! A type keeps what Flink's DDL said (`VARCHAR(10)`, `TIME(0)`) even where
//! the Arrow type it maps to cannot hold it, because `DESCRIBE` and
//! `SHOW CREATE TABLE` must print the declared type, not the storage type.
//! Types of tables made without Flink DDL are printed from their Arrow type
//! by [`super::flink_type_of`] (in `type_text`), through the same logical types the result columns
//! are described with, so both views agree.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, TimeUnit};
use datafusion::sql::sqlparser::tokenizer::Token;

use super::cursor::Cursor;
use crate::error::Result;

/// Length of `STRING` (`VARCHAR(2147483647)`) and `BYTES` (`VARBINARY(2147483647)`).
pub const MAX_LENGTH: u32 = i32::MAX as u32;
/// Deepest nesting of ARRAY / MAP / ROW accepted, so hostile input cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 32;

/// A Flink SQL data type with its nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlinkType {
    /// What the type is.
    pub kind: TypeKind,
    /// Whether values may be NULL; `NOT NULL` makes it false.
    pub nullable: bool,
}

/// The Flink types DDL can declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// `CHAR(n)`: fixed-length text.
    Char(u32),
    /// `VARCHAR(n)`; `STRING` is `VARCHAR(2147483647)`.
    Varchar(u32),
    /// `BOOLEAN`.
    Boolean,
    /// `BINARY(n)`: fixed-length bytes.
    Binary(u32),
    /// `VARBINARY(n)`; `BYTES` is `VARBINARY(2147483647)`.
    Varbinary(u32),
    /// `DECIMAL(p, s)`.
    Decimal {
        /// Digits in all, 1 to 38.
        precision: u8,
        /// Digits after the point, 0 to `precision`.
        scale: u8,
    },
    /// 8-bit integer.
    TinyInt,
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Int,
    /// 64-bit integer.
    BigInt,
    /// 32-bit float.
    Float,
    /// 64-bit float.
    Double,
    /// `DATE`.
    Date,
    /// `TIME(p)`: time of day with `p` fractional digits.
    Time(u8),
    /// `TIMESTAMP(p)`: date and time without a zone.
    Timestamp(u8),
    /// `TIMESTAMP_LTZ(p)`: an instant, shown in the session time zone.
    TimestampLtz(u8),
    /// `ARRAY<T>`.
    Array(Box<FlinkType>),
    /// `MAP<K, V>`.
    Map(Box<FlinkType>, Box<FlinkType>),
    /// `ROW<name T, ...>`.
    Row(Vec<RowField>),
}

/// One field of a `ROW` type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowField {
    /// Field name; unquoted names lower-cased like every identifier.
    pub name: String,
    /// Field type.
    pub ty: FlinkType,
    /// The description written after the type, if any.
    pub description: Option<String>,
}

impl FlinkType {
    /// A nullable type of kind `kind`.
    pub fn new(kind: TypeKind) -> Self {
        FlinkType { kind, nullable: true }
    }

    /// `STRING`.
    pub fn string() -> Self {
        Self::new(TypeKind::Varchar(MAX_LENGTH))
    }

    /// The same type with nullability `nullable`.
    pub fn with_nullable(self, nullable: bool) -> Self {
        FlinkType { nullable, ..self }
    }

    /// Whether values may be NULL.
    pub fn nullable(&self) -> bool {
        self.nullable
    }

    /// The Arrow type values of this type are stored as.
    pub fn to_arrow(&self) -> DataType {
        use TypeKind as K;
        match &self.kind {
            K::Char(_) | K::Varchar(_) => DataType::Utf8,
            K::Boolean => DataType::Boolean,
            K::Binary(_) | K::Varbinary(_) => DataType::Binary,
            K::Decimal { precision, scale } => {
                DataType::Decimal128(*precision, i8::try_from(*scale).unwrap_or(i8::MAX))
            }
            K::TinyInt => DataType::Int8,
            K::SmallInt => DataType::Int16,
            K::Int => DataType::Int32,
            K::BigInt => DataType::Int64,
            K::Float => DataType::Float32,
            K::Double => DataType::Float64,
            K::Date => DataType::Date32,
            K::Time(_) => DataType::Time64(TimeUnit::Nanosecond),
            K::Timestamp(p) => DataType::Timestamp(time_unit(*p), None),
            K::TimestampLtz(p) => DataType::Timestamp(time_unit(*p), Some("UTC".into())),
            K::Array(element) => DataType::List(Arc::new(Field::new("item", element.to_arrow(), element.nullable))),
            K::Map(key, value) => {
                let entries = Fields::from(vec![
                    Field::new("key", key.to_arrow(), false),
                    Field::new("value", value.to_arrow(), value.nullable),
                ]);
                DataType::Map(Arc::new(Field::new("entries", DataType::Struct(entries), false)), false)
            }
            K::Row(fields) => DataType::Struct(
                fields.iter().map(|f| Field::new(f.name.clone(), f.ty.to_arrow(), f.ty.nullable)).collect(),
            ),
        }
    }

    /// Flink's text for the type, as `DESCRIBE` prints it.
    pub fn sql(&self) -> String {
        use TypeKind as K;
        let text = match &self.kind {
            K::Char(n) => format!("CHAR({n})"),
            K::Varchar(MAX_LENGTH) => "STRING".to_string(),
            K::Varchar(n) => format!("VARCHAR({n})"),
            K::Boolean => "BOOLEAN".to_string(),
            K::Binary(n) => format!("BINARY({n})"),
            K::Varbinary(MAX_LENGTH) => "BYTES".to_string(),
            K::Varbinary(n) => format!("VARBINARY({n})"),
            K::Decimal { precision, scale } => format!("DECIMAL({precision}, {scale})"),
            K::TinyInt => "TINYINT".to_string(),
            K::SmallInt => "SMALLINT".to_string(),
            K::Int => "INT".to_string(),
            K::BigInt => "BIGINT".to_string(),
            K::Float => "FLOAT".to_string(),
            K::Double => "DOUBLE".to_string(),
            K::Date => "DATE".to_string(),
            K::Time(p) => format!("TIME({p})"),
            K::Timestamp(p) => format!("TIMESTAMP({p})"),
            K::TimestampLtz(p) => format!("TIMESTAMP_LTZ({p})"),
            K::Array(element) => format!("ARRAY<{}>", element.sql()),
            K::Map(key, value) => format!("MAP<{}, {}>", key.sql(), value.sql()),
            K::Row(fields) => {
                let fields: Vec<String> =
                    fields.iter().map(|f| row_field_sql(&f.name, &f.ty.sql(), f.description.as_deref())).collect();
                format!("ROW<{}>", fields.join(", "))
            }
        };
        if self.nullable { text } else { text + " NOT NULL" }
    }
}

/// Arrow's time unit for `p` fractional digits of a second.
fn time_unit(precision: u8) -> TimeUnit {
    match precision {
        0 => TimeUnit::Second,
        1..=3 => TimeUnit::Millisecond,
        4..=6 => TimeUnit::Microsecond,
        _ => TimeUnit::Nanosecond,
    }
}

/// One ROW field as Flink prints it: `` `name` TYPE 'description' ``.
pub(super) fn row_field_sql(name: &str, ty: &str, description: Option<&str>) -> String {
    let name = name.replace('`', "``");
    match description {
        Some(d) => format!("`{name}` {ty} '{}'", d.replace('\'', "''")),
        None => format!("`{name}` {ty}"),
    }
}

/// Parse a data type, its `NOT NULL`, and postfix `ARRAY`s.
pub(super) fn parse_type(c: &mut Cursor) -> Result<FlinkType> {
    let (ty, closed_outer) = nested(c, 0)?;
    if closed_outer {
        return c.fail("Unexpected '>' after the data type");
    }
    Ok(ty)
}

/// One type at nesting `depth`. The flag is set when the type ended with
/// `>>`, whose second half closes the enclosing type.
fn nested(c: &mut Cursor, depth: usize) -> Result<(FlinkType, bool)> {
    use TypeKind as K;
    if depth > MAX_DEPTH {
        return c.fail("The data type is nested too deeply");
    }
    let name = match &c.peek().token {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => return c.expected("a data type"),
    };
    let at = c.next_start();
    c.next();
    let (kind, closed_outer) = match name.as_str() {
        "STRING" => (K::Varchar(MAX_LENGTH), false),
        "CHAR" | "CHARACTER" if c.kw("VARYING") => (K::Varchar(length(c, "VARCHAR")?), false),
        "CHAR" | "CHARACTER" => (K::Char(length(c, "CHAR")?), false),
        "VARCHAR" => (K::Varchar(length(c, "VARCHAR")?), false),
        "BOOLEAN" => (K::Boolean, false),
        "BINARY" if c.kw("VARYING") => (K::Varbinary(length(c, "VARBINARY")?), false),
        "BINARY" => (K::Binary(length(c, "BINARY")?), false),
        "VARBINARY" => (K::Varbinary(length(c, "VARBINARY")?), false),
        "BYTES" => (K::Varbinary(MAX_LENGTH), false),
        "DECIMAL" | "DEC" | "NUMERIC" => (decimal(c)?, false),
        "TINYINT" => (K::TinyInt, false),
        "SMALLINT" => (K::SmallInt, false),
        "INT" | "INTEGER" => (K::Int, false),
        "BIGINT" => (K::BigInt, false),
        "FLOAT" => (K::Float, false),
        "DOUBLE" => {
            let _ = c.kw("PRECISION");
            (K::Double, false)
        }
        "DATE" => (K::Date, false),
        "TIME" => {
            let p = precision(c, "Time", 0)?;
            let _ = c.kws(&["WITHOUT", "TIME", "ZONE"]);
            (K::Time(p), false)
        }
        "TIMESTAMP" => {
            let p = precision(c, "Timestamp", 6)?;
            if c.kws(&["WITH", "LOCAL", "TIME", "ZONE"]) {
                (K::TimestampLtz(p), false)
            } else if c.peek_kw("WITH") && c.peek_nth_kw(1, "TIME") {
                return c.fail("Unsupported type: TIMESTAMP WITH TIME ZONE");
            } else {
                let _ = c.kws(&["WITHOUT", "TIME", "ZONE"]);
                (K::Timestamp(p), false)
            }
        }
        "TIMESTAMP_LTZ" => (K::TimestampLtz(precision(c, "Timestamp", 6)?), false),
        "ARRAY" => {
            c.expect_token(&Token::Lt)?;
            let (element, closed) = nested(c, depth + 1)?;
            (K::Array(Box::new(element)), close_angle(c, closed)?)
        }
        "MAP" => {
            c.expect_token(&Token::Lt)?;
            let (key, closed) = nested(c, depth + 1)?;
            if closed {
                return c.expected("','");
            }
            c.expect_token(&Token::Comma)?;
            let (value, closed) = nested(c, depth + 1)?;
            (K::Map(Box::new(key), Box::new(value)), close_angle(c, closed)?)
        }
        "ROW" => row(c, depth)?,
        "MULTISET" | "RAW" | "INTERVAL" | "VARIANT" | "NULL" | "STRUCTURED" | "SYMBOL" | "DESCRIPTOR" => {
            return Err(super::sql_error(format!("Unsupported type: {name}{at}")));
        }
        _ => return Err(super::sql_error(format!("Unknown type: {name}{at}"))),
    };
    let mut ty = FlinkType::new(kind);
    if closed_outer {
        return Ok((ty, true));
    }
    loop {
        if c.kws(&["NOT", "NULL"]) {
            ty.nullable = false;
        } else if c.kw("NULL") {
            ty.nullable = true;
        }
        if c.kw("ARRAY") {
            ty = FlinkType::new(K::Array(Box::new(ty)));
        } else if c.peek_kw("MULTISET") {
            return c.fail("Unsupported type: MULTISET");
        } else {
            return Ok((ty, false));
        }
    }
}

/// The `>` closing `ARRAY<`, `MAP<` or `ROW<`; true when it was `>>`. When
/// the last inner type already took this `>` as half of its `>>`, nothing is
/// left to read.
fn close_angle(c: &mut Cursor, already_closed: bool) -> Result<bool> {
    if already_closed || c.token(&Token::Gt) {
        Ok(false)
    } else if c.token(&Token::ShiftRight) {
        Ok(true)
    } else {
        c.expected("'>'")
    }
}

/// `ROW<a T, ...>` or `ROW(a T, ...)`, after `ROW`.
fn row(c: &mut Cursor, depth: usize) -> Result<(TypeKind, bool)> {
    let angle = if c.token(&Token::Lt) {
        true
    } else if c.token(&Token::Neq) {
        // `ROW<>` is tokenized as the `<>` operator.
        return Ok((TypeKind::Row(Vec::new()), false));
    } else {
        c.expect_token(&Token::LParen)?;
        false
    };
    let mut fields = Vec::new();
    if !angle && c.token(&Token::RParen) || angle && c.token(&Token::Gt) {
        return Ok((TypeKind::Row(fields), false));
    }
    loop {
        let name = c.ident()?;
        let (ty, closed) = nested(c, depth + 1)?;
        let description = if closed {
            None
        } else if c.kw("COMMENT") || matches!(c.peek().token, Token::SingleQuotedString(_)) {
            Some(c.string()?)
        } else {
            None
        };
        if fields.iter().any(|f: &RowField| f.name == name) {
            return Err(super::sql_error(format!("Duplicate field name '{name}' in ROW type")));
        }
        fields.push(RowField { name, ty, description });
        if closed {
            if !angle {
                return c.fail("Unexpected '>' in ROW(...)");
            }
            return Ok((TypeKind::Row(fields), false));
        }
        if !c.token(&Token::Comma) {
            break;
        }
    }
    if angle {
        let closed = close_angle(c, false)?;
        Ok((TypeKind::Row(fields), closed))
    } else {
        c.expect_token(&Token::RParen)?;
        Ok((TypeKind::Row(fields), false))
    }
}

/// The `(n)` of a string or binary type: 1 when absent.
fn length(c: &mut Cursor, name: &str) -> Result<u32> {
    if !c.token(&Token::LParen) {
        return Ok(1);
    }
    let n = c.uint()?;
    c.expect_token(&Token::RParen)?;
    match u32::try_from(n) {
        Ok(n) if (1..=MAX_LENGTH).contains(&n) => Ok(n),
        _ => Err(super::sql_error(format!(
            "Length of {name} must be between 1 and {MAX_LENGTH} (both inclusive), not {n}."
        ))),
    }
}

/// The `(p)` of TIME / TIMESTAMP: `default` when absent, 0 to 9.
fn precision(c: &mut Cursor, what: &str, default: u8) -> Result<u8> {
    if !c.token(&Token::LParen) {
        return Ok(default);
    }
    let p = c.uint()?;
    c.expect_token(&Token::RParen)?;
    match u8::try_from(p) {
        Ok(p) if p <= 9 => Ok(p),
        _ => Err(super::sql_error(format!("{what} precision must be between 0 and 9 (both inclusive), not {p}."))),
    }
}

/// The `[(p [, s])]` of DECIMAL: (10, 0) when absent.
fn decimal(c: &mut Cursor) -> Result<TypeKind> {
    let (mut precision, mut scale) = (10, 0);
    if c.token(&Token::LParen) {
        precision = c.uint()?;
        scale = if c.token(&Token::Comma) { c.uint()? } else { 0 };
        c.expect_token(&Token::RParen)?;
    }
    let precision = match u8::try_from(precision) {
        Ok(p) if (1..=38).contains(&p) => p,
        _ => {
            return Err(super::sql_error(format!(
                "Decimal precision must be between 1 and 38 (both inclusive), not {precision}."
            )));
        }
    };
    match u8::try_from(scale) {
        Ok(scale) if scale <= precision => Ok(TypeKind::Decimal { precision, scale }),
        _ => Err(super::sql_error(format!(
            "Decimal scale must be between 0 and the precision {precision} (both inclusive), not {scale}."
        ))),
    }
}
