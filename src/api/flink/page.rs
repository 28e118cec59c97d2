//! The body of `GET .../result/:token`, written directly into one buffer.
//!
//! Rows are encoded batch by batch by the columnar encoders of [`crate::format`]
//! straight into the response, so a page is never re-parsed or built as a tree
//! of JSON values. The shape is [`FetchResultsResponse`](super::model::FetchResultsResponse)
//! exactly (a test deserializes every page into it).

use uuid::Uuid;

use super::model::{ColumnInfo, RowFormat};
use super::version::ApiVersion;
use crate::error::{GatewayError, Result};
use crate::format::{self, FormatOptions};
use crate::gateway::Fetched;
use crate::result::{FetchOutcome, ResultSet};

/// Where a page was asked for, to build `nextResultUri`.
#[derive(Debug, Clone, Copy)]
pub struct PageAddress {
    /// The request's version (unprefixed requests count as the default version).
    pub version: ApiVersion,
    /// The session.
    pub session: Uuid,
    /// The operation.
    pub operation: Uuid,
    /// The effective row format.
    pub row_format: RowFormat,
}

impl PageAddress {
    /// `/<v>/sessions/S/operations/O/result/<token>[?rowFormat=F]`; v1 has no query.
    fn uri(&self, token: u64) -> String {
        let base = format!(
            "/{}/sessions/{}/operations/{}/result/{}",
            self.version.segment(),
            self.session,
            self.operation,
            token
        );
        match (self.version, self.row_format) {
            (ApiVersion::V1, _) => base,
            (_, RowFormat::Json) => base + "?rowFormat=JSON",
            (_, RowFormat::PlainText) => base + "?rowFormat=PLAIN_TEXT",
        }
    }
}

/// Encode the answer to a fetch.
pub fn render(address: &PageAddress, fetched: &Fetched) -> Result<Vec<u8>> {
    match fetched {
        Fetched::NotReady => {
            let mut out = Vec::with_capacity(160);
            out.extend_from_slice(br#"{"resultType":"NOT_READY","nextResultUri":"#);
            push_json_string(&mut out, &address.uri(0));
            out.push(b'}');
            Ok(out)
        }
        Fetched::Ready { result, outcome, format } => render_rows(address, result, outcome, format),
    }
}

fn render_rows(address: &PageAddress, result: &ResultSet, outcome: &FetchOutcome, options: &FormatOptions) -> Result<Vec<u8>> {
    let (result_type, rows, next) = match outcome {
        FetchOutcome::Page { rows, next_token } => ("PAYLOAD", &rows[..], Some(*next_token)),
        FetchOutcome::End => ("EOS", &[][..], None),
    };
    let estimate: usize = rows.iter().map(|r| r.num_rows() * 48 * r.batch.num_columns().max(1)).sum();
    let mut out = Vec::with_capacity(512 + estimate);
    out.extend_from_slice(br#"{"resultType":""#);
    out.extend_from_slice(result_type.as_bytes());
    out.extend_from_slice(br#"","isQueryResult":"#);
    out.extend_from_slice(if result.shape.is_query { b"true" } else { b"false" });
    if let Some(job_id) = &result.shape.job_id {
        out.extend_from_slice(br#","jobID":"#);
        push_json_string(&mut out, job_id);
    }
    out.extend_from_slice(br#","resultKind":"#);
    out.extend_from_slice(if result.shape.has_content { br#""SUCCESS_WITH_CONTENT""# } else { br#""SUCCESS""# });
    out.extend_from_slice(br#","results":{"columns":"#);
    let columns: Vec<ColumnInfo> = result
        .schema
        .fields()
        .iter()
        .map(|field| ColumnInfo { name: field.name().clone(), logical_type: format::logical_type(field), comment: None })
        .collect();
    serde_json::to_writer(&mut out, &columns).map_err(|e| GatewayError::Internal(format!("column encoding failed: {e}")))?;
    out.extend_from_slice(match address.row_format {
        RowFormat::Json => br#","rowFormat":"JSON","data":["#.as_slice(),
        RowFormat::PlainText => br#","rowFormat":"PLAIN_TEXT","data":["#.as_slice(),
    });
    let mut first = true;
    for part in rows {
        if part.num_rows() == 0 {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        let kinds = part.kinds.as_deref();
        let written = match address.row_format {
            RowFormat::Json => format::write_json_rows(&part.batch, kinds, options, &mut out),
            RowFormat::PlainText => format::write_plain_text_rows(&part.batch, kinds, options, &mut out),
        };
        written.map_err(|e| GatewayError::Internal(format!("row encoding failed: {e}")))?;
    }
    out.extend_from_slice(b"]}");
    if let Some(next) = next {
        out.extend_from_slice(br#","nextResultUri":"#);
        push_json_string(&mut out, &address.uri(next));
    }
    out.push(b'}');
    Ok(out)
}

fn push_json_string(out: &mut Vec<u8>, s: &str) {
    // Infallible for a &str into a Vec.
    let _ = serde_json::to_writer(&mut *out, s);
}
