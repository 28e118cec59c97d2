//! Run the gateway: bind, serve every protocol, shut down gracefully.
//!
//! The accept loop is ours (hyper over the warp filter service) so that every
//! request gets an id: taken from an incoming `X-Request-Id` or made up, set
//! on the response, and carried by a tracing span around the whole request,
//! so every log line a request causes names it.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tracing::Instrument;
use warp::http::{HeaderValue, StatusCode};
use warp::Filter;

use crate::api;
use crate::config::Settings;
use crate::engine::connector::roots::DataRoots;
use crate::gateway::{Durability, Gateway};
use crate::identity::Authenticator;
use crate::openapi;
use crate::store::{MetadataStore, SqlStore};

/// The request id header.
/// The runtime the gateway runs on: the allocator tuned first (before any
/// thread exists) and every worker handing back its cached pages when it
/// goes idle. The command and the benchmarks both build it here.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    crate::allocator::tune();
    tokio::runtime::Builder::new_multi_thread().enable_all().on_thread_park(crate::allocator::on_thread_park).build()
}

pub const REQUEST_ID: &str = "x-request-id";

/// The address a request's connection comes from (a request extension).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// Marks a request that came in on the Livy port (`sluicegate.livy.port`):
/// it is answered by the Livy API mounted at the root.
#[derive(Debug, Clone, Copy)]
pub struct LivyPort;

/// How long in-flight requests may take to finish after shutdown starts.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Open the metadata store of `settings`, migrated to this gateway's schema.
pub async fn open_store(settings: &Settings) -> std::io::Result<Arc<SqlStore>> {
    std::fs::create_dir_all(&settings.state_dir)
        .map_err(|e| std::io::Error::other(format!("cannot create the state directory {}: {e}", settings.state_dir.display())))?;
    SqlStore::open(&settings.metadata_url).await.map(Arc::new).map_err(|e| std::io::Error::other(e.to_string()))
}

/// Check what the gateway needs (data roots, credentials, the metadata
/// store), then bind the first free port of `settings.bind_ports` on the
/// bind address.
pub async fn bind(settings: &Settings) -> std::io::Result<TcpListener> {
    DataRoots::new(settings.data_roots.clone()).map_err(|e| std::io::Error::other(e.to_string()))?;
    Authenticator::new(settings.auth.clone()).map_err(|e| std::io::Error::other(e.to_string()))?;
    open_store(settings).await?.close().await;
    let mut last = None;
    for port in &settings.bind_ports {
        match TcpListener::bind(SocketAddr::new(settings.bind_address, *port)).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no port to bind")))
}

/// The core built from `settings`, its catalog made durable in `store`.
pub fn gateway(settings: &Settings, store: Option<Arc<dyn MetadataStore>>) -> Arc<Gateway> {
    // `bind` has created and checked the roots; should that fail now, no path is allowed.
    let roots = DataRoots::new(settings.data_roots.clone()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "data roots unusable: filesystem tables are refused");
        DataRoots::none()
    });
    // `bind` has read the credentials files; should that fail now, nobody is let in.
    let auth = Authenticator::new(settings.auth.clone()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "authentication settings unusable: every request is refused");
        Authenticator::refusing()
    });
    let memory_data = settings.persist_memory_tables.then(|| settings.state_dir.join("data"));
    Gateway::new(settings.sessions, settings.session_defaults.clone(), settings.results, roots, auth, Durability { store, memory_data }, &settings.pool_configs)
}

/// Every route of the gateway: the protocols, the spec, metrics, and the 404 fallback.
/// `instance` is the `host:port` the gateway reports itself as.
pub fn routes(gw: Arc<Gateway>, settings: &Settings, instance: String) -> impl Filter<Extract = (impl warp::Reply,), Error = Infallible> + Clone + Send + Sync + 'static {
    let spec = warp::get()
        .and(warp::path("openapi.json"))
        .and(warp::path::end())
        .map(|| api::http::json_bytes(StatusCode::OK, openapi::spec_json()));
    let metrics_gw = gw.clone();
    let metrics = warp::get().and(warp::path("metrics")).and(warp::path::end()).map(move || {
        let mut response = warp::reply::Response::new(bytes::Bytes::from(metrics_gw.render_metrics()).into());
        response
            .headers_mut()
            .insert("content-type", HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
        response
    });
    let challenge = gw.authenticator().challenge();
    let counted = gw.clone();
    let log = warp::log::custom(move |info| {
        let status = info.status().as_u16();
        if status >= 400 {
            counted.metrics().error(status);
        }
        tracing::debug!(
            method = %info.method(),
            path = info.path(),
            status,
            elapsed_us = info.elapsed().as_micros() as u64,
            "request"
        );
    });
    let kyuubi = Arc::new(api::kyuubi::Context { gw: gw.clone(), instance, fetch_limit: settings.results.page_rows });
    let livy = Arc::new(api::livy::Context::new(gw.clone(), "/livy", settings.livy));
    let bytehouse = Arc::new(api::bytehouse::Context::new(gw.clone(), settings.max_query_sessions_per_user));
    // Requests of the Livy port see only Livy, at the root (same sessions as under /livy).
    let livy_port = warp::ext::optional::<LivyPort>()
        .and_then(|port: Option<LivyPort>| async move { port.map(|_| ()).ok_or_else(warp::reject::not_found) })
        .untuple_one()
        .and(api::livy::routes(Arc::new(livy.mounted_at("")), None, settings.max_request_bytes));
    livy_port
        .or(spec)
        .unify()
        .or(metrics)
        .unify()
        .or(api::docs::route())
        .unify()
        .or(api::kyuubi::routes(kyuubi, settings.max_request_bytes))
        .unify()
        .or(api::livy::routes(livy, Some("livy"), settings.max_request_bytes))
        .unify()
        .or(api::bytehouse::routes(bytehouse, settings.max_request_bytes))
        .unify()
        .or(api::flink::routes(gw, settings.max_request_bytes))
        .unify()
        .or(api::flink::rejection::not_found())
        .unify()
        .recover(api::flink::rejection::recover)
        .unify()
        .map(move |response| api::http::with_challenge(response, challenge))
        .with(log)
}

/// The next connection on `listener`; never, without one.
async fn accept_on(listener: Option<&TcpListener>) -> std::io::Result<(tokio::net::TcpStream, SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// The id of a request: the client's `X-Request-Id` when it is a sane token,
/// otherwise a fresh one.
fn request_id(headers: &warp::http::HeaderMap) -> HeaderValue {
    headers
        .get(REQUEST_ID)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.as_bytes().iter().all(|b| b.is_ascii_graphic()))
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().simple().to_string()).unwrap_or(HeaderValue::from_static("-"))
        })
}

/// Open the store and recreate the catalog from it, then serve on
/// `listener` until `shutdown` completes; then stop accepting, cancel
/// running operations, let in-flight requests finish and close the store.
pub async fn run(listener: TcpListener, settings: Settings, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let store = open_store(&settings).await?;
    let gw = gateway(&settings, Some(store.clone()));
    let started = std::time::Instant::now();
    let restored = gw.restore().await.map_err(|e| std::io::Error::other(e.to_string()))?;
    tracing::info!(
        store = %settings.metadata_url.redacted(),
        objects = restored.objects,
        unrestorable = restored.failed.len(),
        interrupted = restored.interrupted,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "catalog restored"
    );
    let instance = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let service = warp::service(routes(gw.clone(), &settings, instance.clone()));
    tracing::info!(addr = %instance, "sluicegate listening");
    let livy = match settings.livy.port {
        Some(port) => match TcpListener::bind(SocketAddr::new(settings.bind_address, port)).await {
            Ok(livy) => {
                tracing::info!(addr = %livy.local_addr().map(|a| a.to_string()).unwrap_or_default(), "Livy REST API listening at the root");
                Some(livy)
            }
            Err(e) => {
                tracing::error!(error = %e, port, "cannot listen on the Livy port: Livy is served under /livy only");
                None
            }
        },
        None => None,
    };
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (accepted, on_livy_port) = tokio::select! {
            accepted = listener.accept() => (accepted, false),
            accepted = accept_on(livy.as_ref()) => (accepted, true),
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = service.clone();
        let handler = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            let mut service = service.clone();
            // The peer's address, for protocols that report client addresses.
            request.extensions_mut().insert(PeerAddr(remote));
            if on_livy_port {
                request.extensions_mut().insert(LivyPort);
            }
            let id = request_id(request.headers());
            let span = tracing::info_span!("request", id = id.to_str().unwrap_or("-"));
            async move {
                let call = AssertUnwindSafe(tower_service::Service::call(&mut service, request)).catch_unwind();
                let mut response = match call.instrument(span).await {
                    Ok(response) => response?,
                    // Defense in depth: a handler panic answers 500 instead of dropping the connection.
                    Err(_) => api::http::json_bytes(StatusCode::INTERNAL_SERVER_ERROR, r#"{"errors":["Internal server error."]}"#),
                };
                response.headers_mut().insert(REQUEST_ID, id);
                Ok::<_, Infallible>(response)
            }
        });
        let connection = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection_with_upgrades(TokioIo::new(stream), handler)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    drop(livy);
    tracing::info!("shutting down: cancelling running operations");
    gw.shut_down();
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("in-flight requests did not finish in time");
    }
    gw.flush_history().await;
    store.close().await;
    Ok(())
}
