//! When a continuous GROUP BY sends its changes: after every input row, as
//! Flink does by default, or in mini-batches (`table.exec.mini-batch.*`),
//! which coalesce the changes of many rows into one update per group.

use std::time::Duration;

use crate::config::parse_duration;
use crate::error::{GatewayError, Result};

/// `table.exec.mini-batch.enabled`: coalesce updates (Flink's default: false).
pub const MINI_BATCH_ENABLED: &str = "table.exec.mini-batch.enabled";
/// `table.exec.mini-batch.allow-latency`: how long a change may wait for others.
pub const MINI_BATCH_LATENCY: &str = "table.exec.mini-batch.allow-latency";
/// `table.exec.mini-batch.size`: how many input rows one mini-batch holds at most.
pub const MINI_BATCH_SIZE: &str = "table.exec.mini-batch.size";

/// When a plain GROUP BY emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emission {
    /// After every input row: `+I 1`, `-U 1`, `+U 2`, ... as Flink's
    /// streaming aggregation does without mini-batch.
    PerRow,
    /// Once per mini-batch: after `size` input rows, or once `latency` has
    /// passed since the first row not yet reflected, whichever comes first;
    /// a group changed several times in between updates once.
    MiniBatch {
        /// Input rows per mini-batch.
        size: usize,
        /// The longest a change waits before it is sent.
        latency: Duration,
    },
}

impl Emission {
    /// The emission the session's properties ask for. Flink refuses an
    /// enabled mini-batch without a positive latency and size; so does this.
    pub fn from_properties(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let enabled = get(MINI_BATCH_ENABLED).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if !enabled {
            return Ok(Emission::PerRow);
        }
        let latency = match get(MINI_BATCH_LATENCY) {
            Some(text) => parse_duration(&text).map_err(|e| GatewayError::bad_request(format!("Invalid value for property '{MINI_BATCH_LATENCY}': {e}")))?,
            None => Duration::ZERO,
        };
        if latency.is_zero() {
            return Err(GatewayError::Sql(format!("'{MINI_BATCH_LATENCY}' must be greater than 0 when '{MINI_BATCH_ENABLED}' is true.")));
        }
        let size = match get(MINI_BATCH_SIZE) {
            Some(text) => text.trim().parse::<i64>().map_err(|_| GatewayError::bad_request(format!("Invalid value for property '{MINI_BATCH_SIZE}': '{text}' is not a number.")))?,
            None => -1,
        };
        if size <= 0 {
            return Err(GatewayError::Sql(format!("'{MINI_BATCH_SIZE}' must be greater than 0 when '{MINI_BATCH_ENABLED}' is true.")));
        }
        Ok(Emission::MiniBatch { size: usize::try_from(size).unwrap_or(usize::MAX), latency })
    }

    /// Input rows after which the changes are sent.
    pub(super) fn rows(self) -> usize {
        match self {
            Emission::PerRow => 1,
            Emission::MiniBatch { size, .. } => size,
        }
    }

    /// How long a change may wait for more input; `None` when it never waits.
    pub(super) fn latency(self) -> Option<Duration> {
        match self {
            Emission::PerRow => None,
            Emission::MiniBatch { latency, .. } => Some(latency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn emission(pairs: &[(&str, &str)]) -> Result<Emission> {
        let map: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Emission::from_properties(|k| map.get(k).cloned())
    }

    #[test]
    fn per_row_unless_mini_batch_is_enabled_with_latency_and_size() {
        assert_eq!(emission(&[]).unwrap(), Emission::PerRow);
        assert_eq!(emission(&[(MINI_BATCH_ENABLED, "false"), (MINI_BATCH_SIZE, "5")]).unwrap(), Emission::PerRow);
        assert_eq!(
            emission(&[(MINI_BATCH_ENABLED, "TRUE"), (MINI_BATCH_LATENCY, "2 s"), (MINI_BATCH_SIZE, "1000")]).unwrap(),
            Emission::MiniBatch { size: 1000, latency: Duration::from_secs(2) }
        );
        let no_latency = emission(&[(MINI_BATCH_ENABLED, "true"), (MINI_BATCH_SIZE, "10")]).unwrap_err().to_string();
        assert!(no_latency.contains(MINI_BATCH_LATENCY), "{no_latency}");
        let no_size = emission(&[(MINI_BATCH_ENABLED, "true"), (MINI_BATCH_LATENCY, "1s")]).unwrap_err().to_string();
        assert!(no_size.contains(MINI_BATCH_SIZE), "{no_size}");
        assert!(emission(&[(MINI_BATCH_ENABLED, "true"), (MINI_BATCH_LATENCY, "soon"), (MINI_BATCH_SIZE, "1")]).is_err());
    }
}
