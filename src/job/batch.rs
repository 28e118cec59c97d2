//! Batches: scripts submitted as background applications by a user, each
//! one job of the [`JobRegistry`](super::JobRegistry) plus who submitted it,
//! under which id and name. Protocol-neutral: Kyuubi's batch resource (and
//! Livy's batches) map these facts to their wire types.
//!
//! A batch id may be chosen by the client: submitting the same id again
//! answers the existing batch instead of running the script twice (a client
//! retrying a lost response). Like jobs, running batches are all kept and
//! ended ones up to [`BATCHES_KEPT`], so memory stays bounded.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use uuid::Uuid;

use super::{Job, JobStatus};
use crate::error::{GatewayError, Result};
use crate::identity::User;

/// Ended batches remembered; older ones are forgotten.
pub const BATCHES_KEPT: usize = 1000;

/// One submitted batch.
#[derive(Debug)]
pub struct Batch {
    /// Its id (chosen by the client or made up).
    pub id: Uuid,
    /// Who it belongs to (the proxy user when impersonating).
    pub owner: User,
    /// The kind of application, upper-case (`SQL`).
    pub kind: String,
    /// The name given at submission.
    pub name: Option<String>,
    /// Where the script came from (a path under a data root, or the upload's name).
    pub resource: String,
    /// The configuration it was submitted with.
    pub conf: BTreeMap<String, String>,
    /// When it was submitted.
    pub created: SystemTime,
    /// The job running it.
    pub job: Arc<Job>,
}

impl Batch {
    /// Whether it has ended.
    pub fn is_terminal(&self) -> bool {
        self.job.status().is_terminal()
    }
}

/// What stopping a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kill {
    /// It was running and is now stopped.
    pub success: bool,
    /// What happened, in words.
    pub message: String,
}

/// Every running batch and the most recent ended ones.
#[derive(Debug, Default)]
pub struct BatchRegistry {
    /// Batches by id, plus ids in submission order (to forget the oldest ended).
    batches: Mutex<(BTreeMap<Uuid, Arc<Batch>>, VecDeque<Uuid>)>,
}

impl BatchRegistry {
    fn lock(&self) -> std::sync::MutexGuard<'_, (BTreeMap<Uuid, Arc<Batch>>, VecDeque<Uuid>)> {
        self.batches.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The batch with `id`, whoever owns it (for idempotent resubmission).
    pub fn existing(&self, id: Uuid) -> Option<Arc<Batch>> {
        self.lock().0.get(&id).cloned()
    }

    /// Keep a new batch; an id already taken answers the batch holding it.
    pub fn insert(&self, batch: Batch) -> std::result::Result<Arc<Batch>, Arc<Batch>> {
        let mut state = self.lock();
        if let Some(existing) = state.0.get(&batch.id) {
            return Err(existing.clone());
        }
        let batch = Arc::new(batch);
        state.0.insert(batch.id, batch.clone());
        state.1.push_back(batch.id);
        // Forget the oldest ended batches beyond the bound (running ones stay).
        while state.0.len() > BATCHES_KEPT {
            let Some(position) = state.1.iter().position(|id| state.0.get(id).is_some_and(|b| b.is_terminal())) else { break };
            if let Some(id) = state.1.remove(position) {
                state.0.remove(&id);
            }
        }
        Ok(batch)
    }

    /// The batch `caller` may see; another user's reads as unknown.
    pub fn get(&self, caller: &User, id: Uuid) -> Result<Arc<Batch>> {
        self.lock().0.get(&id).filter(|b| caller.may_access(&b.owner)).cloned().ok_or_else(|| GatewayError::NotFound(format!("Invalid batchId: {id}")))
    }

    /// Every batch `caller` may see, in submission order.
    pub fn visible_to(&self, caller: &User) -> Vec<Arc<Batch>> {
        let state = self.lock();
        state.1.iter().filter_map(|id| state.0.get(id)).filter(|b| caller.may_access(&b.owner)).cloned().collect()
    }

    /// Stop a batch `caller` may see.
    pub async fn kill(&self, caller: &User, id: Uuid) -> Result<Kill> {
        let batch = self.get(caller, id)?;
        if batch.is_terminal() {
            return Ok(Kill { success: false, message: format!("The batch[{id}] has been terminated.") });
        }
        let status = batch.job.stop().await;
        Ok(match status {
            JobStatus::Canceled => Kill { success: true, message: format!("Batch {id} is killed (job {}).", batch.job.id) },
            other => Kill { success: false, message: format!("The batch[{id}] has been terminated ({}).", other.name()) },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::JobRegistry;

    fn batch(jobs: &Arc<JobRegistry>, id: Uuid, owner: &str, forever: bool) -> Batch {
        let job = jobs.spawn("b".into(), move |_| async move { if forever { std::future::pending().await } else { Ok(1) } }).unwrap();
        Batch { id, owner: User::named(owner), kind: "SQL".into(), name: None, resource: "x.sql".into(), conf: BTreeMap::new(), created: SystemTime::now(), job }
    }

    #[tokio::test]
    async fn ids_are_unique_owners_are_checked_and_kills_report() {
        let jobs = Arc::new(JobRegistry::default());
        let registry = BatchRegistry::default();
        let id = Uuid::new_v4();
        let first = registry.insert(batch(&jobs, id, "alice", true)).unwrap();
        let again = registry.insert(batch(&jobs, id, "alice", false)).unwrap_err();
        assert!(Arc::ptr_eq(&first, &again), "the id answers the batch that holds it");
        let alice = User::named("alice");
        let bob = User::named("bob");
        assert!(registry.get(&alice, id).is_ok());
        assert!(matches!(registry.get(&bob, id), Err(GatewayError::NotFound(_))));
        assert!(registry.visible_to(&bob).is_empty());
        assert!(matches!(registry.kill(&bob, id).await, Err(GatewayError::NotFound(_))));
        let kill = registry.kill(&alice, id).await.unwrap();
        assert!(kill.success, "{kill:?}");
        let again = registry.kill(&alice, id).await.unwrap();
        assert!(!again.success);
        assert_eq!(again.message, format!("The batch[{id}] has been terminated."));
    }
}
