//! sluicegate: a streaming SQL gateway.
//!
//! Clients run SQL over REST and page through results while they are still
//! being produced. The engine is Apache DataFusion; results are Arrow record
//! batches. The first wire protocol is the Apache Flink SQL Gateway REST API.
//!
//! A map of the crate, core first:
//!
//! - [`session`]: the session registry, idle expiry, limits; each session
//!   plans its statements one at a time, in order.
//! - [`operation`]: one statement's handle, state machine and tasks
//!   (planning, pumping rows, timeout, cancel, close).
//! - [`result`]: the per-operation bounded ring of record batches, with
//!   back-pressure, and the token cursor clients page with.
//! - [`engine`]: a DataFusion context per session speaking Flink's SQL
//!   dialect: connectors, catalogs, continuous queries with changelogs.
//! - [`job`]: background jobs (INSERT, statement sets, refreshes, scripts)
//!   that outlive the statement that started them.
//! - [`pool`]: engine pools (virtual warehouses): a memory limit, query
//!   parallelism and a concurrency queue per pool, suspended when idle.
//! - [`identity`]: users, roles, authentication modes, impersonation; the
//!   owner of every session and operation.
//! - [`store`]: the durable metadata (catalog objects, history) on SQLite
//!   or PostgreSQL, behind one trait.
//! - [`gateway`]: the core as one facade, what protocol handlers call;
//!   [`gateway_catalog`]: catalog listings and the tables a query reads;
//!   [`gateway_properties`]: table properties the engine cannot apply,
//!   stored with their objects; [`gateway_history`]: what ran, kept in the
//!   store.
//! - [`error`]: the one error type of the core.
//! - [`metrics`]: counters and gauges in the Prometheus text format.
//! - [`format`]: Arrow to Flink JSON and PLAIN_TEXT rows and column types;
//!   pure functions over a record batch.
//! - [`api`]: the wire protocols as thin warp filters ([`api::flink`]), and
//!   the one mapping of core errors to HTTP statuses.
//! - [`openapi`]: the generated spec.
//! - [`config`], [`server`], [`cli`]: settings, serving, the command line.
//! - [`allocator`]: the process allocator, tuned to give closed results'
//!   memory back.

pub mod allocator;
pub mod api;
pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod format;
pub mod gateway;
pub mod gateway_catalog;
pub mod gateway_history;
pub mod gateway_properties;
pub mod identity;
pub mod job;
pub mod metrics;
pub mod openapi;
pub mod operation;
pub mod pool;
pub mod result;
pub mod server;
pub mod session;
pub mod store;
