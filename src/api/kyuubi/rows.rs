//! Result sets as Kyuubi sends them: column descriptors with Hive type ids,
//! and row pages written straight from the Arrow batches.

use datafusion::arrow::datatypes::SchemaRef;
use warp::http::StatusCode;
use warp::reply::Response;

use super::handlers::PROTOCOL_VERSION;
use super::model::{ColumnDesc, ResultSetMetaData};
use crate::api::http::json_bytes;
use crate::error::GatewayError;
use crate::format::hive_types::hive_type;
use crate::format::{write_hive_rows, FormatOptions, HiveRowMode};
use crate::result::Rows;
use crate::session::Session;

/// TProtocolVersion V6 (5) and later carry column-based result sets.
const FIRST_COLUMN_BASED: i32 = 5;

/// Row- or column-based, from the protocol version the session was opened with.
pub fn mode_of(session: &Session) -> HiveRowMode {
    let version = session.engine().properties().get(PROTOCOL_VERSION).and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    if version >= FIRST_COLUMN_BASED { HiveRowMode::ColumnBased } else { HiveRowMode::RowBased }
}

/// The column descriptors of a result.
pub fn metadata(schema: &SchemaRef) -> ResultSetMetaData {
    let columns = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let hive = hive_type(field.data_type());
            ColumnDesc {
                column_name: field.name().clone(),
                data_type: hive.type_id.to_string(),
                column_index: index,
                precision: hive.precision,
                scale: hive.scale,
                comment: String::new(),
            }
        })
        .collect();
    ResultSetMetaData { columns }
}

/// A `ResultRowSet` response of `page`.
pub fn rowset(page: &[Rows], mode: HiveRowMode, format: &FormatOptions) -> Result<Response, GatewayError> {
    let count: usize = page.iter().map(Rows::num_rows).sum();
    let mut out = Vec::with_capacity(64 + count * 64);
    out.extend_from_slice(b"{\"rows\":[");
    let mut first = true;
    for rows in page.iter().filter(|r| r.num_rows() > 0) {
        if !first {
            out.push(b',');
        }
        first = false;
        write_hive_rows(&rows.batch, mode, format, &mut out).map_err(|e| GatewayError::Internal(format!("Could not encode the rows: {e}")))?;
    }
    out.extend_from_slice(format!("],\"rowCount\":{count}}}").as_bytes());
    Ok(json_bytes(StatusCode::OK, out))
}
