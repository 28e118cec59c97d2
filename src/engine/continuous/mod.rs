//! Continuous queries: aggregates over unbounded inputs, emitted as a changelog.
