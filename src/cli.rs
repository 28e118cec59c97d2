//! The command line: `sluicegate [serve] [options]` and `sluicegate openapi`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{self, Settings, KEYS};

/// A streaming SQL gateway speaking the Apache Flink SQL Gateway REST API over Apache DataFusion.
#[derive(Debug, Parser)]
#[command(name = "sluicegate", version, after_long_help = keys_help())]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve` (also accepted without the subcommand).
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the gateway (the default).
    Serve(ServeArgs),
    /// Print the OpenAPI spec (JSON) and exit.
    Openapi,
}

/// How to start the gateway. Flags win over `-D`, which wins over the config file.
#[derive(Debug, Args, Default, Clone)]
pub struct ServeArgs {
    /// YAML file of settings (flat `key: value` or nested maps).
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A setting as `key=value` (Flink keys and the keys listed below); repeatable.
    #[arg(short = 'D', value_name = "KEY=VALUE", value_parser = config::parse_key_value)]
    pub defines: Vec<(String, String)>,
    /// Bind address [sql-gateway.endpoint.rest.bind-address; default 127.0.0.1].
    #[arg(long)]
    pub bind_address: Option<String>,
    /// Port [sql-gateway.endpoint.rest.port; default 8083; 0 picks a free one].
    #[arg(long, short = 'p')]
    pub port: Option<String>,
    /// Idle session timeout, e.g. `10 min`; 0 disables [sql-gateway.session.idle-timeout].
    #[arg(long)]
    pub idle_timeout: Option<String>,
    /// How often idle sessions are looked for [sql-gateway.session.check-interval].
    #[arg(long)]
    pub check_interval: Option<String>,
    /// Close operations nobody asked about this long; 0 disables [sql-gateway.operation.idle-timeout].
    #[arg(long)]
    pub operation_idle_timeout: Option<String>,
    /// Longest statement text [sluicegate.statement.max-bytes].
    #[arg(long)]
    pub max_statement_bytes: Option<String>,
    /// Most live sessions [sql-gateway.session.max-num].
    #[arg(long)]
    pub max_sessions: Option<String>,
    /// Most open operations per session [sluicegate.session.max-operations].
    #[arg(long)]
    pub max_operations: Option<String>,
    /// Rows buffered per operation before its query pauses [sluicegate.result.ring-rows].
    #[arg(long)]
    pub ring_rows: Option<String>,
    /// Bytes buffered per operation before its query pauses, e.g. `64 mb` [sluicegate.result.ring-bytes].
    #[arg(long)]
    pub ring_bytes: Option<String>,
    /// Most rows per result page [sluicegate.result.page-rows].
    #[arg(long)]
    pub page_rows: Option<String>,
    /// Most bytes per result page [sluicegate.result.page-bytes].
    #[arg(long)]
    pub page_bytes: Option<String>,
    /// Largest request body [sluicegate.rest.max-request-bytes].
    #[arg(long)]
    pub max_request_bytes: Option<String>,
    /// Directory that filesystem tables and scripts may use; repeat for several [sluicegate.data-roots; default ./data].
    #[arg(long = "data-root")]
    pub data_roots: Vec<String>,
    /// Log filter (`info`, `debug`, `sluicegate=debug,warn`, ...); RUST_LOG also works.
    #[arg(long, default_value = "info")]
    pub log: String,
}

fn keys_help() -> String {
    let mut text = String::from("Settings (-D key=value, or keys of the --config file):\n");
    for key in KEYS {
        text.push_str(&format!("  {:<42} {} [default: {}]\n", key.name, key.help, key.default));
    }
    text.push_str("  rest.address, rest.port, rest.bind-address, rest.bind-port  aliases of the endpoint keys\n");
    text.push_str("  any other key                              a default property of every session (e.g. table.local-time-zone, datafusion.*)\n");
    text
}

impl ServeArgs {
    /// Merge file, `-D` and flags into settings.
    pub fn settings(&self) -> Result<Settings, config::ConfigError> {
        let mut props = BTreeMap::new();
        if let Some(path) = &self.config {
            props.extend(config::read_yaml(path)?);
        }
        props.extend(self.defines.iter().cloned());
        let flags = [
            ("sql-gateway.endpoint.rest.bind-address", &self.bind_address),
            ("sql-gateway.endpoint.rest.port", &self.port),
            ("sql-gateway.session.idle-timeout", &self.idle_timeout),
            ("sql-gateway.session.check-interval", &self.check_interval),
            ("sql-gateway.session.max-num", &self.max_sessions),
            ("sql-gateway.operation.idle-timeout", &self.operation_idle_timeout),
            ("sluicegate.statement.max-bytes", &self.max_statement_bytes),
            ("sluicegate.session.max-operations", &self.max_operations),
            ("sluicegate.result.ring-rows", &self.ring_rows),
            ("sluicegate.result.ring-bytes", &self.ring_bytes),
            ("sluicegate.result.page-rows", &self.page_rows),
            ("sluicegate.result.page-bytes", &self.page_bytes),
            ("sluicegate.rest.max-request-bytes", &self.max_request_bytes),
        ];
        if !self.data_roots.is_empty() {
            props.insert("sluicegate.data-roots".to_string(), self.data_roots.join(","));
        }
        for (key, value) in flags {
            if let Some(value) = value {
                if key == "sql-gateway.endpoint.rest.port" {
                    props.remove("sql-gateway.endpoint.rest.bind-port");
                    props.remove("rest.bind-port");
                }
                props.insert(key.to_string(), value.clone());
            }
        }
        Settings::from_properties(&props)
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Openapi) => {
            print!("{}", crate::openapi::spec_json());
            return ExitCode::SUCCESS;
        }
        Some(Command::Serve(args)) => args,
        None => cli.serve,
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&args.log));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let settings = match args.settings() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("sluicegate: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match crate::server::runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("sluicegate: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match crate::server::bind(&settings).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("sluicegate: cannot listen on {}:{:?}: {e}", settings.bind_address, settings.bind_ports);
                return ExitCode::FAILURE;
            }
        };
        crate::server::run(listener, settings, shutdown_signal()).await;
        ExitCode::SUCCESS
    })
}

/// SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
