//! The API's own state: which gateway session serves each (user,
//! `X-QuerySession-ID`), and the queries by their ByteHouse id (each one
//! core operation of such a session), with what was answered of them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use uuid::Uuid;

use crate::error::{GatewayError, Result};
use crate::gateway::Gateway;
use crate::identity::User;

/// Most queries remembered; beyond, the oldest ended ones are forgotten.
const MAX_QUERIES: usize = 10_000;

/// A submitted query.
#[derive(Debug)]
pub struct Query {
    /// Its ByteHouse id.
    pub id: String,
    /// Whose it is: only they (and admins) may see it.
    pub owner: User,
    /// The `X-QuerySession-ID` it was submitted in.
    pub session_key: String,
    /// The gateway session running it.
    pub session: Uuid,
    /// The core operation of its (last) statement.
    pub operation: Uuid,
    /// The SQL of that statement.
    pub sql: String,
    /// The `mode` it was submitted in.
    pub mode: String,
    /// Submitted through `/queries/sync` (else `/queries/async`).
    pub sync: bool,
    /// Submission time.
    pub submitted: SystemTime,
    /// What was answered so far.
    pub progress: Mutex<Progress>,
}

/// What was answered of a query.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// The result token the next rows are read from.
    pub next_token: u64,
    /// Every row was answered.
    pub ended: bool,
    /// Rows answered.
    pub rows_returned: u64,
    /// Bytes of JSON rows answered.
    pub bytes_returned: u64,
}

impl Query {
    /// What was answered so far.
    pub fn progress(&self) -> Progress {
        *self.progress.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Record an answer of `rows` rows (`bytes` of JSON), continuing at `next` (None: the end).
    pub fn answered(&self, rows: u64, bytes: u64, next: Option<u64>) {
        let mut progress = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        progress.rows_returned += rows;
        progress.bytes_returned += bytes;
        match next {
            Some(token) => progress.next_token = token,
            None => progress.ended = true,
        }
    }
}

/// Sessions and queries of the API.
#[derive(Debug, Default)]
pub struct Registry {
    /// Most live query sessions one user may hold: each id opens a gateway
    /// session, so one client inventing ids must not use up the gateway's.
    max_sessions_per_user: usize,
    /// Gateway session by (user name, query session id).
    sessions: Mutex<HashMap<(String, String), Uuid>>,
    /// Queries by id, and their ids oldest first.
    queries: Mutex<(HashMap<String, Arc<Query>>, VecDeque<String>)>,
    /// The sync query running in each (user name, query session id).
    running_sync: Mutex<HashMap<(String, String), String>>,
}

impl Registry {
    /// No sessions or queries yet; at most `max_sessions_per_user` query sessions per user.
    pub fn new(max_sessions_per_user: usize) -> Self {
        Registry { max_sessions_per_user, ..Registry::default() }
    }

    /// The gateway session of `user`'s query session `key`, opened when it has none (or it expired).
    pub fn session(&self, gw: &Gateway, user: &User, key: &str) -> Result<Uuid> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let slot = (user.name.clone(), key.to_string());
        if let Some(handle) = sessions.get(&slot)
            && gw.sessions().get(user, *handle).is_ok()
        {
            return Ok(*handle);
        }
        // Forget the user's sessions that ended (closed, expired), then count.
        sessions.retain(|(owner, _), handle| owner != &user.name || gw.sessions().get(user, *handle).is_ok());
        let held = sessions.keys().filter(|(owner, _)| owner == &user.name).count();
        if held >= self.max_sessions_per_user {
            return Err(GatewayError::LimitExceeded(format!(
                "User '{}' holds {held} query sessions (X-QuerySession-ID), the most allowed (sluicegate.bytehouse.max-query-sessions-per-user); reuse one or let one expire.",
                user.name
            )));
        }
        let name = if key.is_empty() { "bytehouse".to_string() } else { format!("bytehouse {key}") };
        // A sync query's INSERT has landed when it answers, as ByteHouse's does:
        // its job is waited for (an async query's status turns FINISHED then too).
        let properties = BTreeMap::from([(crate::engine::dml::DML_SYNC.to_string(), "true".to_string())]);
        let handle = gw.open_session(user, None, Some(name), properties)?;
        sessions.insert(slot, handle);
        Ok(handle)
    }

    /// Whether `id` names a query still running (it cannot be reused then).
    pub fn is_live(&self, gw: &Gateway, id: &str) -> bool {
        let existing = self.queries.lock().unwrap_or_else(|e| e.into_inner()).0.get(id).cloned();
        existing.is_some_and(|q| live(gw, &q))
    }

    /// Remember `query`; 409 when its id names a live query.
    pub fn insert(&self, gw: &Gateway, query: Query) -> Result<Arc<Query>> {
        let query = Arc::new(query);
        let mut queries = self.queries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = queries.0.get(&query.id)
            && live(gw, existing)
        {
            return Err(GatewayError::Conflict(format!("Query ID {} is already taken by a running query.", query.id)));
        }
        if queries.0.len() >= MAX_QUERIES {
            let (map, order) = &mut *queries;
            let ended: Vec<String> = order.iter().filter(|id| map.get(*id).is_none_or(|q| !live(gw, q))).take(MAX_QUERIES / 10).cloned().collect();
            for id in &ended {
                map.remove(id);
            }
            order.retain(|id| map.contains_key(id));
        }
        queries.1.retain(|id| id != &query.id);
        queries.1.push_back(query.id.clone());
        queries.0.insert(query.id.clone(), query.clone());
        Ok(query)
    }

    /// The query `id` if `user` may see it, else 404.
    pub fn get(&self, user: &User, id: &str) -> Result<Arc<Query>> {
        self.queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .get(id)
            .filter(|q| user.may_access(&q.owner))
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("Query {id} does not exist.")))
    }

    /// Mark `id` as the running sync query of the query session.
    pub fn start_sync(&self, user: &User, key: &str, id: &str) {
        self.running_sync.lock().unwrap_or_else(|e| e.into_inner()).insert((user.name.clone(), key.to_string()), id.to_string());
    }

    /// The sync query of the query session ended.
    pub fn end_sync(&self, user: &User, key: &str, id: &str) {
        let mut running = self.running_sync.lock().unwrap_or_else(|e| e.into_inner());
        let slot = (user.name.clone(), key.to_string());
        if running.get(&slot).is_some_and(|r| r == id) {
            running.remove(&slot);
        }
    }

    /// The id of the sync query running in the query session, if any.
    pub fn running_sync(&self, user: &User, key: &str) -> Option<String> {
        self.running_sync.lock().unwrap_or_else(|e| e.into_inner()).get(&(user.name.clone(), key.to_string())).cloned()
    }
}

/// A query whose operation still runs or still produces rows.
fn live(gw: &Gateway, query: &Query) -> bool {
    gw.find_operation(&query.owner, query.operation).map(|(_, op)| !op.info().done).unwrap_or(false)
}
