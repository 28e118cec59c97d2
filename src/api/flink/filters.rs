//! Path and query extraction for the Flink routes. Each failure is a 400
//! with Flink's wording, never a silent 404.

use uuid::Uuid;
use warp::{Filter, Rejection};

use super::model::RowFormat;
use crate::api::http::reject;
use crate::error::GatewayError;

fn uuid_param(name: &'static str) -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    warp::path::param::<String>().and_then(move |raw: String| async move {
        Uuid::parse_str(&raw).map_err(|_| {
            reject(GatewayError::bad_request(format!(
                "Bad request, could not parse parameters: Cannot resolve path parameter ({name}) from value \"{raw}\"."
            )))
        })
    })
}

/// `:session_handle`.
pub fn session_handle() -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    uuid_param("session_handle")
}

/// `:operation_handle`.
pub fn operation_handle() -> impl Filter<Extract = (Uuid,), Error = Rejection> + Clone {
    uuid_param("operation_handle")
}

/// `:token`, a non-negative integer.
pub fn token() -> impl Filter<Extract = (u64,), Error = Rejection> + Clone {
    warp::path::param::<String>().and_then(|raw: String| async move {
        raw.parse::<u64>().map_err(|_| {
            reject(GatewayError::bad_request(format!(
                "Bad request, could not parse parameters: Cannot resolve path parameter (token) from value \"{raw}\"."
            )))
        })
    })
}

/// Query parameters of a result fetch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchQuery {
    /// `rowFormat`, case-insensitive; absent means JSON.
    pub row_format: Option<RowFormat>,
    /// `maxRows`: cap on a page's rows.
    pub max_rows: Option<usize>,
    /// `waitMs`: long-poll for at least one row up to this many milliseconds.
    pub wait_ms: Option<u64>,
}

/// Longest long-poll a client may ask for.
pub const MAX_WAIT_MS: u64 = 60_000;

/// The raw query string, empty when there is none.
pub fn raw_query() -> impl Filter<Extract = (String,), Error = std::convert::Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

/// Read the fetch parameters; unknown parameters are ignored.
pub fn parse_fetch_query(raw: &str) -> Result<FetchQuery, GatewayError> {
    let mut query = FetchQuery::default();
    let mut seen_format = false;
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "rowFormat" => {
                let format = if value.eq_ignore_ascii_case("JSON") {
                    RowFormat::Json
                } else if value.eq_ignore_ascii_case("PLAIN_TEXT") {
                    RowFormat::PlainText
                } else if value.contains(',') {
                    return Err(GatewayError::bad_request("Bad request, could not parse parameters: Expected only one value [JSON, PLAIN_TEXT]."));
                } else {
                    return Err(GatewayError::bad_request(format!(
                        "Bad request, could not parse parameters: Cannot resolve query parameter (rowFormat) from value \"{value}\"."
                    )));
                };
                if seen_format {
                    return Err(GatewayError::bad_request("Bad request, could not parse parameters: Expected only one value [JSON, PLAIN_TEXT]."));
                }
                seen_format = true;
                query.row_format = Some(format);
            }
            "maxRows" => {
                let n = value.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    GatewayError::bad_request(format!("Bad request: maxRows must be a positive integer, not \"{value}\"."))
                })?;
                query.max_rows = Some(n);
            }
            "waitMs" => {
                let n = value.parse::<u64>().ok().filter(|n| *n <= MAX_WAIT_MS).ok_or_else(|| {
                    GatewayError::bad_request(format!("Bad request: waitMs must be an integer from 0 to {MAX_WAIT_MS}, not \"{value}\"."))
                })?;
                query.wait_ms = Some(n);
            }
            _ => {}
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_query_rules() {
        assert_eq!(parse_fetch_query("").unwrap(), FetchQuery::default());
        assert_eq!(parse_fetch_query("rowFormat=plain_text").unwrap().row_format, Some(RowFormat::PlainText));
        assert_eq!(parse_fetch_query("rowFormat=JSON&maxRows=10&waitMs=5&x=1").unwrap(), FetchQuery {
            row_format: Some(RowFormat::Json),
            max_rows: Some(10),
            wait_ms: Some(5)
        });
        assert!(parse_fetch_query("rowFormat=XML").is_err());
        assert!(parse_fetch_query("rowFormat=JSON&rowFormat=PLAIN_TEXT").is_err());
        assert!(parse_fetch_query("rowFormat=JSON,PLAIN_TEXT").is_err());
        assert!(parse_fetch_query("maxRows=0").is_err());
        assert!(parse_fetch_query("waitMs=-1").is_err());
        assert!(parse_fetch_query("waitMs=9999999").is_err());
    }
}
