//! Background jobs: work that outlives the statement that started it.
//!
//! An `INSERT`, a statement set, a CTAS into a connector table, a
//! materialized-table refresh or a deployed script answers its job id at once
//! and runs here until it is done, fails or is stopped (`STOP JOB`). Jobs
//! belong to the gateway, not to a session: as in Flink, closing the session
//! that submitted one does not stop it. `SHOW JOBS` lists them.
//!
//! The registry keeps every running job and the most recent finished ones
//! ([`FINISHED_KEPT`]), so its memory stays bounded however many jobs ran.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::error::{GatewayError, Result};
use crate::operation::OperationLog;
use crate::store::history::HistoryWriter;
use crate::store::HistoryRecord;

pub mod batch;

/// Finished jobs remembered for `SHOW JOBS`; older ones are forgotten.
pub const FINISHED_KEPT: usize = 1000;

/// Where a job is in its life, named as Flink names job states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Running (or waiting for input).
    Running,
    /// Ran to the end of its input.
    Finished,
    /// Stopped by `STOP JOB` or at shutdown.
    Canceled,
    /// Ended with an error.
    Failed,
}

impl JobStatus {
    /// Flink's upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            JobStatus::Running => "RUNNING",
            JobStatus::Finished => "FINISHED",
            JobStatus::Canceled => "CANCELED",
            JobStatus::Failed => "FAILED",
        }
    }

    /// Whether the job has ended.
    pub fn is_terminal(self) -> bool {
        self != JobStatus::Running
    }
}

/// One background job.
#[derive(Debug)]
pub struct Job {
    /// 32 hex digits, as Flink job ids are.
    pub id: String,
    /// What it runs, e.g. `insert-into_default_catalog.default_database.t`.
    pub name: String,
    /// Who started it (empty for the gateway's own work).
    pub owner: String,
    /// When it was submitted.
    pub start_time: SystemTime,
    /// Current status and, once failed, the error.
    state: Mutex<(JobStatus, Option<String>)>,
    /// Fired by `STOP JOB` and at shutdown; the job's future is dropped.
    cancel: CancellationToken,
    /// Fired once the job has ended, whatever the outcome.
    done: CancellationToken,
    /// Rows written so far, as the job reports them.
    pub rows_written: AtomicU64,
    /// What the job printed (the `print` sink) and how it ended, bounded.
    pub log: Arc<OperationLog>,
    /// When it ended.
    ended_at: Mutex<Option<SystemTime>>,
}

impl Job {
    /// Current status.
    pub fn status(&self) -> JobStatus {
        self.state.lock().map(|s| s.0).unwrap_or(JobStatus::Failed)
    }

    /// The error of a failed job.
    pub fn error(&self) -> Option<String> {
        self.state.lock().ok().and_then(|s| s.1.clone())
    }

    /// Fired once the job has ended.
    pub fn done(&self) -> &CancellationToken {
        &self.done
    }

    /// When it ended, once it has.
    pub fn ended_at(&self) -> Option<SystemTime> {
        *self.ended_at.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Its history record as it stands.
    pub fn history(&self) -> HistoryRecord {
        let ms = |t: SystemTime| t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        HistoryRecord {
            id: self.id.clone(),
            kind: "job".into(),
            owner: self.owner.clone(),
            statement: self.name.clone(),
            state: self.status().name().into(),
            created_at: ms(self.start_time),
            ended_at: self.ended_at().map(ms),
            rows: self.rows_written.load(Ordering::Relaxed) as i64,
            bytes: 0,
            error: self.error(),
            properties: BTreeMap::new(),
        }
    }

    /// Stop it (it ends as CANCELED unless it already ended) and wait for the end.
    pub async fn stop(&self) -> JobStatus {
        self.cancel.cancel();
        self.done.cancelled().await;
        self.status()
    }

    fn finish(&self, status: JobStatus, error: Option<String>) {
        if let Ok(mut state) = self.state.lock()
            && state.0 == JobStatus::Running
        {
            let time = chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).format("%Y-%m-%d %H:%M:%S%.3f");
            match (&error, status) {
                (Some(e), _) => self.log.push(format!("{time} ERROR Job {} failed: {e}", self.id)),
                (None, JobStatus::Canceled) => self.log.push(format!("{time} INFO Job {} was canceled.", self.id)),
                (None, _) => self.log.push(format!("{time} INFO Job {} finished: {} row(s) written.", self.id, self.rows_written.load(Ordering::Relaxed))),
            }
            *state = (status, error);
            *self.ended_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(SystemTime::now());
        }
        self.done.cancel();
    }
}

/// Every running job and the most recent finished ones.
#[derive(Debug, Default)]
pub struct JobRegistry {
    /// Jobs by id, plus finished ids oldest first (to forget them in order).
    jobs: Mutex<(BTreeMap<String, Arc<Job>>, VecDeque<String>)>,
    /// Fired at shutdown: every job stops.
    shutdown: CancellationToken,
    /// Where each job's start and end are recorded, once set.
    history: std::sync::OnceLock<HistoryWriter>,
}

impl JobRegistry {
    /// Start `work` as a job named `name`; answers at once. `work` gets the
    /// job (for its log and row count) and reports the rows it wrote.
    pub fn spawn<F, Fut>(self: &Arc<Self>, name: String, work: F) -> Result<Arc<Job>>
    where
        F: FnOnce(Arc<Job>) -> Fut,
        Fut: Future<Output = Result<u64>> + Send + 'static,
    {
        self.spawn_owned(name, String::new(), work)
    }

    /// Record every job's start and end through `writer` from now on.
    pub fn record_history(&self, writer: HistoryWriter) {
        let _ = self.history.set(writer);
    }

    /// [`spawn`](Self::spawn) a job started by `owner`.
    pub fn spawn_owned<F, Fut>(self: &Arc<Self>, name: String, owner: String, work: F) -> Result<Arc<Job>>
    where
        F: FnOnce(Arc<Job>) -> Fut,
        Fut: Future<Output = Result<u64>> + Send + 'static,
    {
        if self.shutdown.is_cancelled() {
            return Err(GatewayError::ShuttingDown);
        }
        let job = Arc::new(Job {
            id: Uuid::new_v4().simple().to_string(),
            name,
            owner,
            start_time: SystemTime::now(),
            state: Mutex::new((JobStatus::Running, None)),
            cancel: self.shutdown.child_token(),
            done: CancellationToken::new(),
            rows_written: AtomicU64::new(0),
            log: Arc::new(OperationLog::default()),
            ended_at: Mutex::new(None),
        });
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.0.insert(job.id.clone(), job.clone());
        }
        if let Some(history) = self.history.get() {
            history.write(job.history());
        }
        let future = work(job.clone());
        let (registry, running) = (self.clone(), job.clone());
        tokio::spawn(async move {
            let outcome = tokio::select! {
                outcome = future => Some(outcome),
                _ = running.cancel.cancelled() => None,
            };
            match outcome {
                Some(Ok(rows)) => {
                    running.rows_written.fetch_max(rows, Ordering::Relaxed);
                    running.finish(JobStatus::Finished, None);
                }
                Some(Err(e)) => {
                    tracing::warn!(job = %running.id, name = %running.name, error = %e, "job failed");
                    running.finish(JobStatus::Failed, Some(e.to_string()));
                }
                None => running.finish(JobStatus::Canceled, None),
            }
            if let Some(history) = registry.history.get() {
                history.write(running.history());
            }
            registry.forget_old(&running.id);
        });
        Ok(job)
    }

    /// Remember `id` as finished; forget the oldest finished beyond the bound.
    fn forget_old(&self, id: &str) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.1.push_back(id.to_string());
            while jobs.1.len() > FINISHED_KEPT {
                if let Some(old) = jobs.1.pop_front() {
                    jobs.0.remove(&old);
                }
            }
        }
    }

    /// Every known job, oldest first.
    pub fn list(&self) -> Vec<Arc<Job>> {
        let mut jobs: Vec<Arc<Job>> = self.jobs.lock().map(|j| j.0.values().cloned().collect()).unwrap_or_default();
        jobs.sort_by_key(|j| j.start_time);
        jobs
    }

    /// The job with this id.
    pub fn get(&self, id: &str) -> Result<Arc<Job>> {
        self.jobs
            .lock()
            .ok()
            .and_then(|j| j.0.get(id).cloned())
            .ok_or_else(|| GatewayError::Sql(format!("Could not stop job {id}: no such job (SHOW JOBS lists the known jobs).")))
    }

    /// Stop a job (`STOP JOB`): it ends as CANCELED unless it already ended.
    pub async fn stop(&self, id: &str) -> Result<JobStatus> {
        Ok(self.get(id)?.stop().await)
    }

    /// Stop every job: the gateway is shutting down.
    pub fn shut_down(&self) {
        self.shutdown.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn jobs_finish_fail_and_stop() {
        let jobs = Arc::new(JobRegistry::default());
        let ok = jobs.spawn("ok".into(), |_| async { Ok(7) }).unwrap();
        let bad = jobs.spawn("bad".into(), |_| async { Err(GatewayError::Sql("boom".into())) }).unwrap();
        let forever = jobs.spawn("forever".into(), |_| std::future::pending()).unwrap();
        ok.done().cancelled().await;
        bad.done().cancelled().await;
        assert_eq!((ok.status(), ok.rows_written.load(Ordering::Relaxed)), (JobStatus::Finished, 7));
        assert_eq!(bad.status(), JobStatus::Failed);
        assert!(bad.error().unwrap().contains("boom"));
        assert_eq!(forever.status(), JobStatus::Running);
        assert_eq!(tokio::time::timeout(Duration::from_secs(5), jobs.stop(&forever.id)).await.unwrap().unwrap(), JobStatus::Canceled);
        assert_eq!(jobs.list().len(), 3);
        assert!(jobs.get("nope").is_err());
    }

    #[tokio::test]
    async fn finished_jobs_are_forgotten_beyond_the_bound() {
        let jobs = Arc::new(JobRegistry::default());
        let mut last = None;
        for i in 0..FINISHED_KEPT + 10 {
            let job = jobs.spawn(format!("j{i}"), |_| async { Ok(0) }).unwrap();
            job.done().cancelled().await;
            last = Some(job);
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(jobs.list().len() <= FINISHED_KEPT);
        assert!(jobs.get(&last.unwrap().id).is_ok());
    }
}
