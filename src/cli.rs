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
    /// Manage the users file of `basic` authentication.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the API keys of `bearer` authentication.
    #[command(subcommand)]
    Key(KeyCommand),
}

/// `sluicegate user ...`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (or set its password): reads the password from the first
    /// line of standard input and stores only its argon2 hash.
    Add {
        /// The user name.
        name: String,
        /// The users file [sluicegate.auth.users-file].
        #[arg(long, default_value = "users")]
        users_file: PathBuf,
    },
}

/// `sluicegate key ...`
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create an API key for a user and print it (once: only its hash is kept).
    Create {
        /// Whom the key authenticates.
        #[arg(long)]
        user: String,
        /// Validity, e.g. `30 d`, `12 h`; forever when omitted.
        #[arg(long)]
        expires: Option<String>,
        /// The keys file [sluicegate.auth.keys-file].
        #[arg(long, default_value = "keys")]
        keys_file: PathBuf,
    },
    /// Revoke a key by its id (the part after `sg_`, before the next `_`).
    Revoke {
        /// The key id.
        id: String,
        /// The keys file [sluicegate.auth.keys-file].
        #[arg(long, default_value = "keys")]
        keys_file: PathBuf,
    },
    /// List keys: id, user, expiry, state (never the secret).
    List {
        /// The keys file [sluicegate.auth.keys-file].
        #[arg(long, default_value = "keys")]
        keys_file: PathBuf,
    },
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
    /// Also serve the Livy REST API at the root of this port, as Livy does [sluicegate.livy.port].
    #[arg(long)]
    pub livy_port: Option<String>,
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
    /// Directory of the durable state: metadata, in-memory tables' data [sluicegate.state-dir; default ./state].
    #[arg(long)]
    pub state_dir: Option<String>,
    /// The metadata store: sqlite:PATH or postgres://... [sluicegate.metadata.url; default sqlite:STATE_DIR/metadata.db].
    #[arg(long)]
    pub metadata_url: Option<String>,
    /// Directory that filesystem tables and scripts may use; repeat for several [sluicegate.data-roots; default ./data].
    #[arg(long = "data-root")]
    pub data_roots: Vec<String>,
    /// Authentication: none, basic or bearer [sluicegate.auth.mode; default none].
    #[arg(long)]
    pub auth: Option<String>,
    /// Users file of `basic` authentication [sluicegate.auth.users-file].
    #[arg(long)]
    pub users_file: Option<String>,
    /// API keys file of `bearer` authentication [sluicegate.auth.keys-file].
    #[arg(long)]
    pub keys_file: Option<String>,
    /// Comma-separated admin users [sluicegate.auth.admins].
    #[arg(long)]
    pub admins: Option<String>,
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
            ("sluicegate.auth.mode", &self.auth),
            ("sluicegate.auth.users-file", &self.users_file),
            ("sluicegate.auth.keys-file", &self.keys_file),
            ("sluicegate.auth.admins", &self.admins),
            ("sluicegate.livy.port", &self.livy_port),
            ("sluicegate.state-dir", &self.state_dir),
            ("sluicegate.metadata.url", &self.metadata_url),
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
        Some(Command::User(command)) => return user_command(command),
        Some(Command::Key(command)) => return key_command(command),
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
        match crate::server::run(listener, settings, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("sluicegate: {e}");
                ExitCode::FAILURE
            }
        }
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

/// `sluicegate user add`.
fn user_command(command: UserCommand) -> ExitCode {
    let UserCommand::Add { name, users_file } = command;
    let mut password = String::new();
    if let Err(e) = std::io::stdin().read_line(&mut password) {
        eprintln!("sluicegate: cannot read the password from standard input: {e}");
        return ExitCode::FAILURE;
    }
    let password = password.trim_end_matches(['\r', '\n']);
    match crate::identity::users_file::add_user(&users_file, &name, password) {
        Ok(()) => {
            println!("user {name} written to {}", users_file.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sluicegate: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `sluicegate key create | revoke | list`.
fn key_command(command: KeyCommand) -> ExitCode {
    use crate::identity::keys_file;
    let outcome = match command {
        KeyCommand::Create { user, expires, keys_file } => {
            let valid_for = match expires.as_deref().map(config::parse_duration).transpose() {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("sluicegate: --expires: {e}");
                    return ExitCode::from(2);
                }
            };
            keys_file::create_key(&keys_file, &user, valid_for).map(|(record, key)| {
                eprintln!("key {} for {user} written to {} (shown once; only its hash is kept)", record.id, keys_file.display());
                println!("{key}");
            })
        }
        KeyCommand::Revoke { id, keys_file } => keys_file::revoke_key(&keys_file, &id).and_then(|found| {
            if found { Ok(println!("key {id} revoked")) } else { Err(crate::identity::users_file::FileError(format!("no key {id}"))) }
        }),
        KeyCommand::List { keys_file } => keys_file::KeysFile::read(&keys_file).map(|file| {
            for r in file.records() {
                let expires = if r.expires_ms == 0 { "never".to_string() } else { format!("{}", r.expires_ms) };
                println!("{}\t{}\texpires_ms={expires}\t{}", r.id, r.user, if r.revoked { "revoked" } else { "active" });
            }
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sluicegate: {e}");
            ExitCode::FAILURE
        }
    }
}
