//! Gateway settings, read from Flink-style `key: value` properties.
//!
//! Properties come, in rising priority, from the built-in defaults, an
//! optional YAML file (flat `a.b.c: v` keys or nested maps), `-D key=value`
//! and explicit command-line flags. Keys the gateway itself interprets are
//! listed in [`KEYS`]; every other key becomes a default session property
//! (visible through `GET /sessions/:s`, as in Flink, and the way to give
//! every session e.g. `table.local-time-zone` or a `datafusion.*` option).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use crate::identity::{AuthMode, AuthSettings};
use crate::result::ResultLimits;
use crate::session::SessionLimits;

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// One interpreted key: name, default, meaning (for `--help`).
pub struct Key {
    /// The property name.
    pub name: &'static str,
    /// The default, as text.
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// Every key the gateway interprets.
pub const KEYS: &[Key] = &[
    Key { name: "sql-gateway.endpoint.rest.address", default: "127.0.0.1", help: "address clients use; also the bind address when none is set" },
    Key { name: "sql-gateway.endpoint.rest.bind-address", default: "(address)", help: "address to listen on" },
    Key { name: "sql-gateway.endpoint.rest.port", default: "8083", help: "port clients use; also the bind port when none is set" },
    Key { name: "sql-gateway.endpoint.rest.bind-port", default: "(port)", help: "port(s) to listen on: 8083, a list 50100,50101 or a range 50100-50200; the first free one is used" },
    Key { name: "sql-gateway.session.idle-timeout", default: "10 min", help: "close sessions unused this long; 0 disables" },
    Key { name: "sql-gateway.session.check-interval", default: "1 min", help: "how often idle sessions are looked for; 0 disables" },
    Key { name: "sql-gateway.operation.idle-timeout", default: "30 min", help: "close operations nobody fetched or asked about this long; 0 disables" },
    Key { name: "sql-gateway.session.max-num", default: "1000000", help: "most live sessions; 0 = no limit" },
    Key { name: "sluicegate.session.max-operations", default: "1000", help: "most open operations per session (completed ones are evicted first)" },
    Key { name: "sluicegate.statement.max-bytes", default: "1 mb", help: "longest statement text accepted (413 beyond)" },
    Key { name: "sluicegate.result.ring-rows", default: "100000", help: "rows buffered per operation before its query pauses" },
    Key { name: "sluicegate.result.ring-bytes", default: "64 mb", help: "bytes buffered per operation before its query pauses" },
    Key { name: "sluicegate.result.page-rows", default: "5000", help: "most rows in one result page" },
    Key { name: "sluicegate.result.page-bytes", default: "8 mb", help: "most (Arrow) bytes in one result page" },
    Key { name: "sluicegate.result.rewind-rows", default: "100000", help: "rows kept after a positional read (Kyuubi rowset) so FETCH_FIRST/FETCH_PRIOR can read them again" },
    Key { name: "sluicegate.result.rewind-bytes", default: "64 mb", help: "bytes kept after a positional read for FETCH_FIRST/FETCH_PRIOR" },
    Key { name: "sluicegate.rest.max-request-bytes", default: "1 mb", help: "largest request body accepted (413 beyond)" },
    Key { name: "sluicegate.auth.mode", default: "none", help: "none (name from a Basic header, else anonymous), basic (users file) or bearer (API keys)" },
    Key { name: "sluicegate.auth.users-file", default: "(none)", help: "name:argon2-hash lines, written by `sluicegate user add`" },
    Key { name: "sluicegate.auth.keys-file", default: "(none)", help: "API key records, written by `sluicegate key create`" },
    Key { name: "sluicegate.auth.admins", default: "(none)", help: "comma-separated users who see and manage everything and may act for anyone" },
    Key { name: "sluicegate.auth.proxy-users", default: "(none)", help: "comma-separated real:proxy pairs a non-admin may impersonate (proxy * = anyone)" },
    Key { name: "sluicegate.iam.max-keys-per-user", default: "2", help: "most API keys a user may create through the management API (POST /bytehouse/v1/iam/api-keys)" },
    Key { name: "sluicegate.bytehouse.max-query-sessions-per-user", default: "100", help: "most live X-QuerySession-ID sessions one user holds in the ByteHouse API (429 beyond)" },
    Key { name: "sluicegate.auth.cache-ttl", default: "1 min", help: "how long verified passwords are remembered (0 = verify every request)" },
    Key { name: "livy.server.csrf-protection.enabled", default: "false", help: "Livy API: refuse POST/PUT/DELETE requests without an X-Requested-By header (400)" },
    Key { name: "livy.rsc.sql.num-rows", default: "1000", help: "Livy API: most rows a statement's output carries (a session's conf may set its own)" },
    Key { name: "sluicegate.livy.port", default: "(none)", help: "also serve the Livy API at the root of this port, as Livy itself does (--livy-port)" },
    Key { name: "sluicegate.state-dir", default: "state", help: "directory of the gateway's durable state (the metadata file, in-memory tables' data); created if missing" },
    Key { name: "sluicegate.metadata.url", default: "sqlite:(state-dir)/metadata.db", help: "the metadata store: sqlite:PATH, or postgres://user:password@host:port/db for a store several gateways share" },
    Key { name: "sluicegate.memory-tables.persist", default: "true", help: "in-memory tables (no connector) keep their rows across restarts as Parquet parts under (state-dir)/data, written before each INSERT reports success" },
    Key { name: "sluicegate.vw", default: "(none)", help: "the virtual warehouse every session runs its queries on unless it sets its own (none: the shared engine)" },
    Key { name: "sluicegate.vw.config.<id>", default: "(built-in 1-4)", help: "a virtual warehouse size preset: name=..., partitions=N, memory=SIZE, concurrency=N, queue=N (ids 1-4 are built in: xsmall, small, medium, large)" },
    Key { name: "sluicegate.data-roots", default: "data", help: "directories (comma-separated) that filesystem tables and scripts may read and write; created if missing" },
];

/// Keys `sluicegate.vw.config.<id>` define virtual warehouse size presets.
const POOL_CONFIG_PREFIX: &str = "sluicegate.vw.config.";

/// `rest.*` aliases Flink accepts for the endpoint keys (lower priority).
const ALIASES: &[(&str, &str)] = &[
    ("rest.address", "sql-gateway.endpoint.rest.address"),
    ("rest.bind-address", "sql-gateway.endpoint.rest.bind-address"),
    ("rest.port", "sql-gateway.endpoint.rest.port"),
    ("rest.bind-port", "sql-gateway.endpoint.rest.bind-port"),
];

/// Everything the gateway needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Address to listen on.
    pub bind_address: IpAddr,
    /// Ports to try, in order; the first free one is used.
    pub bind_ports: Vec<u16>,
    /// Session limits and expiry.
    pub sessions: SessionLimits,
    /// Result buffering bounds.
    pub results: ResultLimits,
    /// Largest request body accepted.
    pub max_request_bytes: u64,
    /// Properties every session starts from.
    pub session_defaults: BTreeMap<String, String>,
    /// Directories file paths in table options must stay inside.
    pub data_roots: Vec<std::path::PathBuf>,
    /// How callers authenticate, who is admin, who may act for whom.
    pub auth: AuthSettings,
    /// The Livy API's own settings (Livy's key names, so Livy configs carry over).
    pub livy: LivySettings,
    /// Where durable state lives: the SQLite metadata file, in-memory tables' data.
    pub state_dir: std::path::PathBuf,
    /// The metadata store the catalog is made durable in.
    pub metadata_url: crate::store::StoreUrl,
    /// In-memory tables keep their rows under the state directory.
    pub persist_memory_tables: bool,
    /// Most live `X-QuerySession-ID` sessions one user may hold (ByteHouse API).
    pub max_query_sessions_per_user: usize,
    /// Virtual warehouse size presets beside (or replacing) the built-in ones.
    pub pool_configs: Vec<crate::pool::PoolConfig>,
}

/// Settings of the Livy REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivySettings {
    /// `livy.server.csrf-protection.enabled`: modifying requests need `X-Requested-By`.
    pub csrf_protection: bool,
    /// `livy.rsc.sql.num-rows`: most rows in one statement output.
    pub sql_num_rows: usize,
    /// `sluicegate.livy.port`: a port that serves the Livy API at its root.
    pub port: Option<u16>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_properties(&BTreeMap::new()).expect("built-in defaults are valid")
    }
}

impl Settings {
    /// Interpret `properties`; unknown keys become session defaults.
    pub fn from_properties(properties: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let mut props = properties.clone();
        for (alias, key) in ALIASES {
            if let Some(v) = props.remove(*alias) {
                props.entry(key.to_string()).or_insert(v);
            }
        }
        let mut take = |key: &str| props.remove(key);
        let address = take("sql-gateway.endpoint.rest.address");
        let bind_address = take("sql-gateway.endpoint.rest.bind-address").or(address).unwrap_or_else(|| "127.0.0.1".into());
        let bind_address = if bind_address == "localhost" {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            bind_address
                .parse()
                .map_err(|_| ConfigError(format!("sql-gateway.endpoint.rest.bind-address: not an IP address: {bind_address}")))?
        };
        let port = take("sql-gateway.endpoint.rest.port").unwrap_or_else(|| "8083".into());
        let bind_port = take("sql-gateway.endpoint.rest.bind-port").unwrap_or(port);
        let bind_ports = parse_ports(&bind_port).map_err(|e| ConfigError(format!("sql-gateway.endpoint.rest.bind-port: {e}")))?;
        let dur = |v: Option<String>, key: &str, d: &str| parse_duration(v.as_deref().unwrap_or(d)).map_err(|e| ConfigError(format!("{key}: {e}")));
        let num = |v: Option<String>, key: &str, d: &str| parse_count(v.as_deref().unwrap_or(d)).map_err(|e| ConfigError(format!("{key}: {e}")));
        let size = |v: Option<String>, key: &str, d: &str| parse_bytes(v.as_deref().unwrap_or(d)).map_err(|e| ConfigError(format!("{key}: {e}")));
        let sessions = SessionLimits {
            idle_timeout: dur(take("sql-gateway.session.idle-timeout"), "sql-gateway.session.idle-timeout", "10 min")?,
            check_interval: dur(take("sql-gateway.session.check-interval"), "sql-gateway.session.check-interval", "1 min")?,
            max_sessions: num(take("sql-gateway.session.max-num"), "sql-gateway.session.max-num", "1000000")?,
            max_operations: num(take("sluicegate.session.max-operations"), "sluicegate.session.max-operations", "1000")?.max(1),
            operation_idle_timeout: dur(take("sql-gateway.operation.idle-timeout"), "sql-gateway.operation.idle-timeout", "30 min")?,
            max_statement_bytes: size(take("sluicegate.statement.max-bytes"), "sluicegate.statement.max-bytes", "1 mb")? as usize,
        };
        let results = ResultLimits {
            ring_rows: num(take("sluicegate.result.ring-rows"), "sluicegate.result.ring-rows", "100000")?.max(1),
            ring_bytes: size(take("sluicegate.result.ring-bytes"), "sluicegate.result.ring-bytes", "64 mb")?.max(1) as usize,
            page_rows: num(take("sluicegate.result.page-rows"), "sluicegate.result.page-rows", "5000")?.max(1),
            page_bytes: size(take("sluicegate.result.page-bytes"), "sluicegate.result.page-bytes", "8 mb")?.max(1) as usize,
            rewind_rows: num(take("sluicegate.result.rewind-rows"), "sluicegate.result.rewind-rows", "100000")?,
            rewind_bytes: size(take("sluicegate.result.rewind-bytes"), "sluicegate.result.rewind-bytes", "64 mb")? as usize,
        };
        let max_request_bytes = size(take("sluicegate.rest.max-request-bytes"), "sluicegate.rest.max-request-bytes", "1 mb")?;
        let data_roots = take("sluicegate.data-roots")
            .unwrap_or_else(|| "data".into())
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(std::path::PathBuf::from)
            .collect::<Vec<_>>();
        if data_roots.is_empty() {
            return Err(ConfigError("sluicegate.data-roots: at least one directory is needed".into()));
        }
        let list = |v: Option<String>| -> Vec<String> { v.unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect() };
        let mode_text = take("sluicegate.auth.mode").unwrap_or_else(|| "none".into());
        let mode = AuthMode::parse(&mode_text).ok_or_else(|| ConfigError(format!("sluicegate.auth.mode: expected none, basic or bearer, not '{mode_text}'")))?;
        let mut proxy_allowed = std::collections::BTreeSet::new();
        for pair in list(take("sluicegate.auth.proxy-users")) {
            let (real, proxy) = pair
                .split_once(':')
                .ok_or_else(|| ConfigError(format!("sluicegate.auth.proxy-users: expected real:proxy, not '{pair}'")))?;
            proxy_allowed.insert((real.trim().to_string(), proxy.trim().to_string()));
        }
        let auth = AuthSettings {
            mode,
            users_file: take("sluicegate.auth.users-file").filter(|s| !s.is_empty()).map(std::path::PathBuf::from),
            keys_file: take("sluicegate.auth.keys-file").filter(|s| !s.is_empty()).map(std::path::PathBuf::from),
            admins: list(take("sluicegate.auth.admins")).into_iter().collect(),
            proxy_allowed,
            cache_ttl: dur(take("sluicegate.auth.cache-ttl"), "sluicegate.auth.cache-ttl", "1 min")?,
            max_keys_per_user: num(take("sluicegate.iam.max-keys-per-user"), "sluicegate.iam.max-keys-per-user", "2")?,
        };
        let csrf = take("livy.server.csrf-protection.enabled").unwrap_or_else(|| "false".into());
        let csrf_protection = match csrf.trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            other => return Err(ConfigError(format!("livy.server.csrf-protection.enabled: expected true or false, not '{other}'"))),
        };
        let livy = LivySettings {
            csrf_protection,
            sql_num_rows: num(take("livy.rsc.sql.num-rows"), "livy.rsc.sql.num-rows", "1000")?,
            port: match take("sluicegate.livy.port").filter(|p| !p.trim().is_empty()) {
                None => None,
                Some(p) => Some(p.trim().parse::<u16>().map_err(|_| ConfigError(format!("sluicegate.livy.port: not a port: {p}")))?),
            },
        };
        let state_dir = std::path::PathBuf::from(take("sluicegate.state-dir").filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "state".into()));
        let metadata_url = match take("sluicegate.metadata.url").filter(|s| !s.trim().is_empty()) {
            Some(url) => crate::store::StoreUrl::parse(url.trim()).map_err(|e| ConfigError(format!("sluicegate.metadata.url: {e}")))?,
            None => crate::store::StoreUrl::Sqlite(state_dir.join("metadata.db")),
        };
        let persist_memory_tables = match take("sluicegate.memory-tables.persist").unwrap_or_else(|| "true".into()).trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            other => return Err(ConfigError(format!("sluicegate.memory-tables.persist: expected true or false, not '{other}'"))),
        };
        let max_query_sessions_per_user = num(take("sluicegate.bytehouse.max-query-sessions-per-user"), "sluicegate.bytehouse.max-query-sessions-per-user", "100")?.max(1);
        let preset_keys: Vec<String> = props.keys().filter(|k| k.starts_with(POOL_CONFIG_PREFIX)).cloned().collect();
        let mut pool_configs = Vec::new();
        for key in preset_keys {
            let text = props.remove(&key).unwrap_or_default();
            let id = key[POOL_CONFIG_PREFIX.len()..].parse::<i64>().map_err(|_| ConfigError(format!("{key}: the preset id after {POOL_CONFIG_PREFIX} must be a number")))?;
            pool_configs.push(crate::pool::PoolConfig::parse(id, &text).map_err(|e| ConfigError(format!("{key}: {e}")))?);
        }
        // `sluicegate.vw` stays a session default: the pool sessions run their queries on.
        if let Some(unknown) = props.keys().find(|k| k.starts_with("sluicegate.") && *k != crate::pool::POOL_PROPERTY) {
            return Err(ConfigError(format!("unknown setting: {unknown}")));
        }
        Ok(Settings {
            bind_address,
            bind_ports,
            sessions,
            results,
            max_request_bytes,
            session_defaults: props,
            data_roots,
            auth,
            livy,
            state_dir,
            metadata_url,
            persist_memory_tables,
            max_query_sessions_per_user,
            pool_configs,
        })
    }
}

/// Read a YAML file of properties: flat dotted keys, nested maps, or both.
pub fn read_yaml(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
    let mut out = BTreeMap::new();
    flatten("", &value, &mut out).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
    Ok(out)
}

fn flatten(prefix: &str, value: &serde_yaml::Value, out: &mut BTreeMap<String, String>) -> Result<(), String> {
    use serde_yaml::Value;
    match value {
        Value::Null if prefix.is_empty() => Ok(()),
        Value::Mapping(map) => {
            for (k, v) in map {
                let k = match k {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => return Err(format!("unsupported key {other:?}")),
                };
                let key = if prefix.is_empty() { k } else { format!("{prefix}.{k}") };
                flatten(&key, v, out)?;
            }
            Ok(())
        }
        Value::String(s) => scalar(prefix, s.clone(), out),
        Value::Number(n) => scalar(prefix, n.to_string(), out),
        Value::Bool(b) => scalar(prefix, b.to_string(), out),
        Value::Null => scalar(prefix, String::new(), out),
        Value::Sequence(items) => {
            let parts: Result<Vec<String>, String> = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    _ => Err(format!("{prefix}: only lists of scalars are supported")),
                })
                .collect();
            scalar(prefix, parts?.join(";"), out)
        }
        Value::Tagged(t) => flatten(prefix, &t.value, out),
    }
}

fn scalar(key: &str, value: String, out: &mut BTreeMap<String, String>) -> Result<(), String> {
    if key.is_empty() {
        return Err("the file must hold a map of settings".into());
    }
    out.insert(key.to_string(), value);
    Ok(())
}

/// A `key=value` pair of `-D`.
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("expected key=value, got '{s}'"))?;
    let k = k.trim();
    if k.is_empty() {
        return Err(format!("empty key in '{s}'"));
    }
    Ok((k.to_string(), v.trim().to_string()))
}

/// Flink duration text: a number and a unit (`ms`, `s`, `min`, `h`, `d`, ...);
/// a bare number is milliseconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| format!("not a duration: '{text}'"))?;
    let ms = match unit.trim() {
        "" | "ms" | "milli" | "millis" | "millisecond" | "milliseconds" => n,
        "s" | "sec" | "secs" | "second" | "seconds" => n.saturating_mul(1_000),
        "m" | "min" | "mins" | "minute" | "minutes" => n.saturating_mul(60_000),
        "h" | "hour" | "hours" => n.saturating_mul(3_600_000),
        "d" | "day" | "days" => n.saturating_mul(86_400_000),
        other => return Err(format!("unknown time unit '{other}' in '{text}'")),
    };
    Ok(Duration::from_millis(ms))
}

/// Flink memory size text: a number and an optional unit (`b`, `kb`, `mb`, `gb`, 1024-based).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| format!("not a size: '{text}'"))?;
    let factor: u64 = match unit.trim() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kib" | "kibibytes" => 1 << 10,
        "m" | "mb" | "mib" | "mebibytes" => 1 << 20,
        "g" | "gb" | "gib" | "gibibytes" => 1 << 30,
        other => return Err(format!("unknown size unit '{other}' in '{text}'")),
    };
    n.checked_mul(factor).ok_or_else(|| format!("size too large: '{text}'"))
}

fn parse_count(text: &str) -> Result<usize, String> {
    let t = text.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n.max(0) as usize);
    }
    Err(format!("not a number: '{text}'"))
}

/// `8083`, `50100,50101` or `50100-50200`.
fn parse_ports(text: &str) -> Result<Vec<u16>, String> {
    let mut ports = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let port = |s: &str| s.trim().parse::<u16>().map_err(|_| format!("not a port: '{s}'"));
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (port(a)?, port(b)?);
                if a > b {
                    return Err(format!("empty port range '{part}'"));
                }
                ports.extend(a..=b);
            }
            None => ports.push(port(part)?),
        }
    }
    if ports.is_empty() {
        return Err("no port given".into());
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flink_keys_aliases_and_unknown_keys() {
        let props: BTreeMap<String, String> = [
            ("rest.port", "9000"),
            ("sql-gateway.session.idle-timeout", "30 s"),
            ("sql-gateway.session.check-interval", "500ms"),
            ("sql-gateway.session.max-num", "7"),
            ("sluicegate.result.ring-bytes", "2 mb"),
            ("table.local-time-zone", "UTC"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let s = Settings::from_properties(&props).unwrap();
        assert_eq!(s.bind_ports, vec![9000]);
        assert_eq!(s.sessions.idle_timeout, Duration::from_secs(30));
        assert_eq!(s.sessions.check_interval, Duration::from_millis(500));
        assert_eq!(s.sessions.max_sessions, 7);
        assert_eq!(s.results.ring_bytes, 2 << 20);
        assert_eq!(s.session_defaults.get("table.local-time-zone").map(String::as_str), Some("UTC"));
        assert_eq!(s.bind_address, IpAddr::V4(Ipv4Addr::LOCALHOST));
        let bad: BTreeMap<String, String> = [("sluicegate.result.ring-rowz".to_string(), "1".to_string())].into();
        assert!(Settings::from_properties(&bad).is_err());
    }

    #[test]
    fn durations_sizes_and_ports() {
        assert_eq!(parse_duration("10 min").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("250").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("ten").is_err());
        assert_eq!(parse_bytes("64 mb").unwrap(), 64 << 20);
        assert_eq!(parse_bytes("1024").unwrap(), 1024);
        assert_eq!(parse_ports("50100-50102").unwrap(), vec![50100, 50101, 50102]);
        assert_eq!(parse_ports("1,2").unwrap(), vec![1, 2]);
        assert!(parse_ports("x").is_err());
    }
}
