//! Session properties: gateway defaults, overridden by what the session was
//! opened with and by `SET`, undone by `RESET`.
//!
//! Keys under `datafusion.` are DataFusion options and take effect in the
//! session's context at once (a bad key or value is refused, the properties
//! stay unchanged). `table.local-time-zone` must name a time zone: it decides
//! how TIMESTAMP_LTZ values are rendered. Every other key is kept and reported
//! as given, as Flink does, because clients store their own settings there.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use datafusion::config::ConfigOptions;
use datafusion::execution::config::SessionConfig;
use datafusion::execution::context::SessionContext;

use super::errors::from_datafusion;
use crate::error::{GatewayError, Result};
use crate::format::FormatOptions;

/// The property that sets the session time zone.
pub const LOCAL_TIME_ZONE: &str = "table.local-time-zone";

/// A session's properties.
#[derive(Debug)]
pub struct Properties {
    /// The gateway's defaults, shared by every session.
    defaults: Arc<BTreeMap<String, String>>,
    /// This session's own values (from open-session and SET).
    overrides: RwLock<BTreeMap<String, String>>,
    /// How values are rendered, derived from `table.local-time-zone` whenever
    /// it changes, so that fetching a page does not parse the zone again.
    format: RwLock<FormatOptions>,
}

impl Properties {
    /// Check and keep `overrides` on top of `defaults`.
    pub fn new(defaults: Arc<BTreeMap<String, String>>, overrides: BTreeMap<String, String>) -> Result<Self> {
        for (key, value) in &overrides {
            check(key, value)?;
        }
        let properties = Properties { defaults, overrides: RwLock::new(overrides), format: RwLock::new(FormatOptions::default()) };
        properties.refresh_format()?;
        Ok(properties)
    }

    /// Recompute the rendering options from the effective time zone.
    fn refresh_format(&self) -> Result<()> {
        let zone = self.get(LOCAL_TIME_ZONE).unwrap_or_default();
        let format = FormatOptions::from_zone_name(&zone)
            .map_err(|e| GatewayError::bad_request(format!("Invalid property '{LOCAL_TIME_ZONE}' = '{zone}': {e}")))?;
        *self.format.write().unwrap_or_else(|e| e.into_inner()) = format;
        Ok(())
    }

    /// How values are rendered for this session.
    pub fn format(&self) -> FormatOptions {
        *self.format.read().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, String>> {
        self.overrides.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, String>> {
        self.overrides.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Defaults merged with the session's values.
    pub fn effective(&self) -> BTreeMap<String, String> {
        let mut all = (*self.defaults).clone();
        all.extend(self.read().iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }

    /// One effective value.
    pub fn get(&self, key: &str) -> Option<String> {
        self.read().get(key).or_else(|| self.defaults.get(key)).cloned()
    }

    /// The DataFusion configuration these properties describe.
    pub fn datafusion_config(&self) -> Result<SessionConfig> {
        // Flink's names for the built-in catalog and database, and Flink's
        // reading of `1.50` as a DECIMAL literal; both can be SET otherwise.
        let mut config = SessionConfig::new()
            .with_information_schema(true)
            .with_default_catalog_and_schema(super::DEFAULT_CATALOG, super::DEFAULT_DATABASE);
        config.options_mut().sql_parser.parse_float_as_decimal = true;
        apply_datafusion(config.options_mut(), &self.effective())?;
        Ok(config)
    }

    /// `SET key = value`.
    pub fn set(&self, ctx: &SessionContext, key: &str, value: &str) -> Result<()> {
        check(key, value)?;
        if key.starts_with("datafusion.") {
            let state = ctx.state_ref();
            let mut state = state.write();
            state.config_mut().options_mut().set(key, value).map_err(from_datafusion)?;
        }
        self.write().insert(key.to_string(), value.to_string());
        if key == LOCAL_TIME_ZONE {
            self.refresh_format()?;
            ctx.state_ref().write().config_mut().options_mut().execution.time_zone = Some(datafusion_zone(value));
        }
        Ok(())
    }

    /// `RESET key`, or `RESET` for every key: back to the gateway default.
    pub fn reset(&self, ctx: &SessionContext, key: Option<&str>) -> Result<()> {
        let removed: Vec<String> = {
            let mut overrides = self.write();
            match key {
                Some(key) => overrides.remove_entry(key).map(|(k, _)| k).into_iter().collect(),
                None => std::mem::take(&mut *overrides).into_keys().collect(),
            }
        };
        if removed.iter().any(|k| k == LOCAL_TIME_ZONE) {
            self.refresh_format()?;
            let zone = datafusion_zone(&self.get(LOCAL_TIME_ZONE).unwrap_or_default());
            ctx.state_ref().write().config_mut().options_mut().execution.time_zone = Some(zone);
        }
        let datafusion_keys: Vec<&String> = removed.iter().filter(|k| k.starts_with("datafusion.")).collect();
        if datafusion_keys.is_empty() {
            return Ok(());
        }
        let pristine = self.datafusion_config()?;
        let state = ctx.state_ref();
        let mut state = state.write();
        let options = state.config_mut().options_mut();
        for entry in pristine.options().entries() {
            if datafusion_keys.iter().any(|k| **k == entry.key) {
                if let Some(value) = entry.value {
                    options.set(&entry.key, &value).map_err(from_datafusion)?;
                }
            }
        }
        Ok(())
    }
}

/// Apply the `datafusion.*` keys of `properties` to `options`, after the
/// session zone of `table.local-time-zone` (so an explicit
/// `datafusion.execution.time_zone` still wins).
pub fn apply_datafusion(options: &mut ConfigOptions, properties: &BTreeMap<String, String>) -> Result<()> {
    if let Some(zone) = properties.get(LOCAL_TIME_ZONE) {
        options.execution.time_zone = Some(datafusion_zone(zone));
    }
    for (key, value) in properties.iter().filter(|(k, _)| k.starts_with("datafusion.")) {
        options.set(key, value).map_err(|e| GatewayError::bad_request(format!("Invalid property '{key}' = '{value}': {}", from_datafusion(e))))?;
    }
    Ok(())
}

/// A `table.local-time-zone` value as DataFusion's `execution.time_zone`
/// (where the Flink functions read the session zone) spells it: `+HH:MM`
/// for UTC and fixed offsets (`default`, `GMT`, `UTC+8`, `-0530`, ...), the
/// name itself otherwise (`Asia/Shanghai`).
pub fn datafusion_zone(zone: &str) -> String {
    let trimmed = zone.trim();
    if matches!(trimmed, "" | "default" | "Z" | "UTC" | "GMT" | "UT") {
        return "+00:00".into();
    }
    let offset = ["UTC", "GMT", "UT"].iter().find_map(|prefix| trimmed.strip_prefix(prefix)).filter(|rest| rest.starts_with(['+', '-'])).unwrap_or(trimmed);
    let Some((sign, digits)) = offset.split_at_checked(1).filter(|(sign, _)| matches!(*sign, "+" | "-")) else {
        return trimmed.to_string();
    };
    let digits = digits.replace(':', "");
    match digits.len() {
        1 => format!("{sign}0{digits}:00"),
        2 => format!("{sign}{digits}:00"),
        4 => format!("{sign}{}:{}", &digits[..2], &digits[2..]),
        _ => trimmed.to_string(),
    }
}

/// Refuse values the gateway itself interprets and cannot use.
fn check(key: &str, value: &str) -> Result<()> {
    let one_of = |allowed: &[&str]| {
        if allowed.iter().any(|a| a.eq_ignore_ascii_case(value)) {
            Ok(())
        } else {
            Err(GatewayError::bad_request(format!("Invalid value for property '{key}': '{value}'. Allowed values: {}.", allowed.join(", "))))
        }
    };
    match key {
        super::query::RUNTIME_MODE => one_of(&["streaming", "batch"])?,
        "table.sql-dialect" => one_of(&["default"])?,
        "sql-client.execution.result-mode" => one_of(&["table", "changelog", "tableau"])?,
        super::dml::DML_SYNC => one_of(&["true", "false"])?,
        _ => {}
    }
    if key == LOCAL_TIME_ZONE {
        FormatOptions::from_zone_name(value)
            .map_err(|e| GatewayError::bad_request(format!("Invalid property '{key}' = '{value}': {e}")))?;
    }
    if key.starts_with("datafusion.") {
        let mut probe = ConfigOptions::new();
        probe
            .set(key, value)
            .map_err(|e| GatewayError::bad_request(format!("Invalid property '{key}' = '{value}': {}", from_datafusion(e))))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_zone_reaches_datafusion_in_its_spelling() {
        for (flink, datafusion) in [("default", "+00:00"), ("UTC", "+00:00"), ("GMT+8", "+08:00"), ("UTC-05:30", "-05:30"), ("+0530", "+05:30"), ("Asia/Shanghai", "Asia/Shanghai")] {
            assert_eq!(datafusion_zone(flink), datafusion, "{flink}");
        }
        let defaults = Arc::new(BTreeMap::from([(LOCAL_TIME_ZONE.to_string(), "Asia/Tokyo".to_string())]));
        let properties = Properties::new(defaults, BTreeMap::new()).unwrap();
        let ctx = SessionContext::new_with_config(properties.datafusion_config().unwrap());
        let zone = |ctx: &SessionContext| ctx.state().config().options().execution.time_zone.clone();
        assert_eq!(zone(&ctx).as_deref(), Some("Asia/Tokyo"));
        properties.set(&ctx, LOCAL_TIME_ZONE, "GMT-3").unwrap();
        assert_eq!(zone(&ctx).as_deref(), Some("-03:00"));
        properties.reset(&ctx, Some(LOCAL_TIME_ZONE)).unwrap();
        assert_eq!(zone(&ctx).as_deref(), Some("Asia/Tokyo"));
    }

    #[tokio::test]
    async fn functions_answer_in_the_session_zone_that_set_chose() {
        let properties = Properties::new(Arc::new(BTreeMap::new()), BTreeMap::new()).unwrap();
        let ctx = SessionContext::new_with_config(properties.datafusion_config().unwrap());
        super::super::functions::register(&ctx);
        let run = |ctx: SessionContext| async move {
            let batches = ctx.sql("SELECT FROM_UNIXTIME(44)").await.unwrap().collect().await.unwrap();
            datafusion::arrow::util::display::array_value_to_string(batches[0].column(0), 0).unwrap()
        };
        // Flink's example: FROM_UNIXTIME(44) is '1970-01-01 00:00:44' in UTC, '1970-01-01 09:00:44' in Asia/Tokyo.
        assert_eq!(run(ctx.clone()).await, "1970-01-01 00:00:44");
        properties.set(&ctx, LOCAL_TIME_ZONE, "Asia/Tokyo").unwrap();
        assert_eq!(run(ctx.clone()).await, "1970-01-01 09:00:44");
    }
}
