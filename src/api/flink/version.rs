//! API versions and the URL prefix that selects them.
//!
//! Every route is served as `/v1/...` … `/v4/...` for the versions it exists
//! in, and unprefixed as the latest version (V4), whose URIs it then uses.

use warp::{Filter, Rejection};

/// A Flink SQL Gateway REST API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiVersion {
    /// Flink 1.16: sessions, statements, JSON rows.
    V1,
    /// Flink 1.17: configure-session, complete-statement, `rowFormat`.
    V2,
    /// Flink 1.20: materialized-table refresh.
    V3,
    /// Flink 2.0: deploy script; the default.
    V4,
}

impl ApiVersion {
    /// Every stable version, ascending.
    pub const ALL: [ApiVersion; 4] = [ApiVersion::V1, ApiVersion::V2, ApiVersion::V3, ApiVersion::V4];
    /// What unprefixed URLs mean.
    pub const DEFAULT: ApiVersion = ApiVersion::V4;

    /// `V1` … `V4`.
    pub fn name(self) -> &'static str {
        match self {
            ApiVersion::V1 => "V1",
            ApiVersion::V2 => "V2",
            ApiVersion::V3 => "V3",
            ApiVersion::V4 => "V4",
        }
    }

    /// The path segment: `v1` … `v4`.
    pub fn segment(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V2 => "v2",
            ApiVersion::V3 => "v3",
            ApiVersion::V4 => "v4",
        }
    }
}

fn prefix(version: ApiVersion) -> impl Filter<Extract = (ApiVersion,), Error = Rejection> + Clone {
    warp::path(version.segment()).map(move || version)
}

/// Match the version prefix (or none, meaning the default version) of a
/// route that exists from `min` to `max`; other versions are not found.
pub fn versions(min: ApiVersion, max: ApiVersion) -> impl Filter<Extract = (ApiVersion,), Error = Rejection> + Clone {
    prefix(ApiVersion::V1)
        .or(prefix(ApiVersion::V2))
        .unify()
        .or(prefix(ApiVersion::V3))
        .unify()
        .or(prefix(ApiVersion::V4))
        .unify()
        .or(warp::any().map(|| ApiVersion::DEFAULT))
        .unify()
        .and_then(move |v: ApiVersion| async move {
            if (min..=max).contains(&v) { Ok(v) } else { Err(warp::reject::not_found()) }
        })
}
