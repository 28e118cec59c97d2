//! Livy's view of core sessions: the integer ids (per manager, from 0) and
//! names Livy clients use, mapped to core session handles, with each
//! session's statements and log. Nothing here runs SQL: a statement is a
//! core operation, its Livy record only the id, the code and, once the
//! operation ended, the capped output read from its result.
//!
//! An entry lives as long as its core session: closing the session (DELETE,
//! or the core's idle expiry, noticed at the next lookup) releases it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use uuid::Uuid;

use super::model::StatementView;
use crate::identity::User;

/// Log lines a session keeps (older ones are dropped).
pub const LOG_LINES: usize = 1000;
/// Statements a session keeps (older ones are forgotten).
pub const STATEMENTS_KEPT: usize = 1000;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A session kind as Livy names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SQL statements (pylivy's `SessionKind.SQL`).
    Sql,
    /// Every statement names its kind (Livy's default); SQL when it does not.
    Shared,
    /// Scala, as sparkmagic's `spark` sessions send it.
    Spark,
    /// Python, as sparkmagic's `pyspark` sessions send it.
    PySpark,
    /// R.
    SparkR,
}

impl Kind {
    /// Livy's name or alias, any case; `None` for anything else.
    pub fn parse(text: &str) -> Option<Kind> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "sql" => Kind::Sql,
            "shared" => Kind::Shared,
            "spark" | "scala" => Kind::Spark,
            "pyspark" | "python" => Kind::PySpark,
            "sparkr" | "r" => Kind::SparkR,
            _ => return None,
        })
    }

    /// Livy's name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sql => "sql",
            Kind::Shared => "shared",
            Kind::Spark => "spark",
            Kind::PySpark => "pyspark",
            Kind::SparkR => "sparkr",
        }
    }
}

/// What a statement has become, as far as Livy tells it.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The output once available.
    pub output: Option<Value>,
    /// It was cancelled (before it ended on its own).
    pub cancelled: bool,
    /// Epoch ms it started running (0: unknown yet).
    pub started: i64,
    /// Epoch ms it ended (0: not yet).
    pub completed: i64,
    /// Rows of the output gathered so far, while its rows are read.
    pub collected: usize,
    /// The most rows the output holds (`livy.rsc.sql.num-rows`); 0 until known.
    pub cap: usize,
}

impl Outcome {
    /// How far the statement is: 1 once it ended; while its rows are read,
    /// the share of the (capped) output gathered, below 1 until it ends; 0
    /// while it runs without rows yet.
    pub fn progress(&self, done: bool) -> f64 {
        if done {
            1.0
        } else if self.cap == 0 {
            0.0
        } else {
            (self.collected as f64 / self.cap as f64).min(0.99)
        }
    }
}

/// One statement of a Livy session.
#[derive(Debug)]
pub struct Statement {
    /// Its id in the session.
    pub id: u64,
    /// The code as submitted.
    pub code: String,
    /// The core operation running it; none for code answered at once
    /// (sparkmagic's probes, code that is not SQL).
    pub operation: Option<Uuid>,
    /// Filled in when the operation ended.
    pub outcome: Mutex<Outcome>,
}

impl Statement {
    /// Its view, with `live` the state of a statement whose operation has
    /// not ended yet (`waiting`, `running`, `cancelling`).
    pub fn view(&self, live: &str) -> StatementView {
        let outcome = lock(&self.outcome);
        let state = if outcome.output.is_some() {
            "available"
        } else if outcome.cancelled {
            "cancelled"
        } else {
            live
        };
        let done = matches!(state, "available" | "cancelled");
        StatementView {
            id: self.id,
            code: self.code.clone(),
            state: state.to_string(),
            output: outcome.output.clone(),
            progress: outcome.progress(done),
            started: outcome.started,
            completed: outcome.completed,
        }
    }

    /// Whether it has ended (available or cancelled).
    pub fn ended(&self) -> bool {
        let outcome = lock(&self.outcome);
        outcome.output.is_some() || outcome.cancelled
    }
}

/// One Livy session over a core session.
#[derive(Debug)]
pub struct LivySession {
    /// Its Livy id.
    pub id: u64,
    /// What it was created as.
    pub spec: SessionSpec,
    /// DELETE is under way.
    pub closing: AtomicBool,
    /// Its log, bounded.
    log: Mutex<VecDeque<String>>,
    /// Its statements, oldest first, bounded; and the next id.
    statements: Mutex<(VecDeque<Arc<Statement>>, u64)>,
}

impl LivySession {
    /// Append a log line (the oldest is dropped beyond [`LOG_LINES`]).
    pub fn log(&self, line: String) {
        let mut log = lock(&self.log);
        log.push_back(line);
        while log.len() > LOG_LINES {
            log.pop_front();
        }
    }

    /// Every kept log line.
    pub fn log_lines(&self) -> Vec<String> {
        lock(&self.log).iter().cloned().collect()
    }

    /// Record a new statement; answers it with its id.
    pub fn add_statement(&self, code: String, operation: Option<Uuid>, outcome: Outcome) -> Arc<Statement> {
        let mut statements = lock(&self.statements);
        let statement = Arc::new(Statement { id: statements.1, code, operation, outcome: Mutex::new(outcome) });
        statements.1 += 1;
        statements.0.push_back(statement.clone());
        while statements.0.len() > STATEMENTS_KEPT {
            statements.0.pop_front();
        }
        statement
    }

    /// The id the next statement gets.
    pub fn next_statement_id(&self) -> u64 {
        lock(&self.statements).1
    }

    /// Every kept statement, oldest first.
    pub fn statements(&self) -> Vec<Arc<Statement>> {
        lock(&self.statements).0.iter().cloned().collect()
    }

    /// A kept statement.
    pub fn statement(&self, id: u64) -> Option<Arc<Statement>> {
        lock(&self.statements).0.iter().find(|s| s.id == id).cloned()
    }
}

/// What a session is created as: fixed for its life.
#[derive(Debug)]
pub struct SessionSpec {
    /// The core session.
    pub handle: Uuid,
    /// Its unique name.
    pub name: Option<String>,
    /// Its kind.
    pub kind: Kind,
    /// Whom the core session belongs to (the proxy user when impersonating).
    pub owner: User,
    /// The conf it was created with, shown back.
    pub conf: BTreeMap<String, String>,
    /// `heartbeatTimeoutInSecond` as given.
    pub heartbeat_timeout: i64,
    /// Most rows in one statement output (`livy.rsc.sql.num-rows`).
    pub num_rows: usize,
}

/// The interactive session manager: ids, names, entries.
#[derive(Debug, Default)]
pub struct Sessions {
    /// The next id.
    next: AtomicU64,
    /// Live entries by id.
    entries: Mutex<BTreeMap<u64, Arc<LivySession>>>,
}

impl Sessions {
    /// Whether a live session has this name.
    pub fn name_taken(&self, name: &str) -> bool {
        lock(&self.entries).values().any(|s| s.spec.name.as_deref() == Some(name))
    }

    /// Register a session; `Err` with the name when another took it first.
    pub fn insert(&self, spec: SessionSpec) -> Result<Arc<LivySession>, String> {
        let mut entries = lock(&self.entries);
        if let Some(name) = &spec.name
            && entries.values().any(|s| s.spec.name.as_ref() == Some(name))
        {
            return Err(name.clone());
        }
        let session = Arc::new(LivySession {
            id: self.next.fetch_add(1, Ordering::Relaxed),
            spec,
            closing: AtomicBool::new(false),
            log: Mutex::new(VecDeque::new()),
            statements: Mutex::new((VecDeque::new(), 0)),
        });
        entries.insert(session.id, session.clone());
        Ok(session)
    }

    /// The entry named by `key`: an all-digit key is an id, anything else a name.
    pub fn find(&self, key: &str) -> Option<Arc<LivySession>> {
        let entries = lock(&self.entries);
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            return key.parse::<u64>().ok().and_then(|id| entries.get(&id).cloned());
        }
        entries.values().find(|s| s.spec.name.as_deref() == Some(key)).cloned()
    }

    /// Forget an entry (its core session is closed).
    pub fn remove(&self, id: u64) {
        lock(&self.entries).remove(&id);
    }

    /// Every entry, in id order.
    pub fn all(&self) -> Vec<Arc<LivySession>> {
        lock(&self.entries).values().cloned().collect()
    }

    /// Forget entries whose core session is gone (expired).
    pub fn retain_live(&self, live: &std::collections::HashSet<Uuid>) {
        lock(&self.entries).retain(|_, s| live.contains(&s.spec.handle));
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn progress_follows_the_rows_gathered_and_is_one_only_when_done() {
        let mut outcome = Outcome::default();
        assert_eq!(outcome.progress(false), 0.0, "running, no rows yet");
        (outcome.collected, outcome.cap) = (250, 1000);
        assert_eq!(outcome.progress(false), 0.25);
        outcome.collected = 1000;
        assert_eq!(outcome.progress(false), 0.99, "the cap reached, not yet available");
        assert_eq!(outcome.progress(true), 1.0);
    }
}
