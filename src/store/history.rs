//! Writing history without slowing what it records: jobs and queries hand
//! their records to one background writer, which stores them in order
//! (a start never lands after its end) and in batches (one transaction, one
//! sync, for everything that queued up meanwhile), so a burst of short
//! queries costs a few commits, not one each.
//!
//! History is a record of what ran, not an acknowledgement: when the store
//! lags far behind (the queue is full) a record is dropped with a warning
//! rather than holding memory or blocking a query.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::{HistoryRecord, MetadataStore};

/// Records queued at most; beyond it they are dropped.
const QUEUE: usize = 8192;
/// Records written in one transaction at most.
const BATCH: usize = 512;

/// What the writer task is sent.
enum Message {
    /// A record to store.
    Record(Box<HistoryRecord>),
    /// Answer once everything sent before is stored.
    Flush(oneshot::Sender<()>),
}

/// The sending side of the history writer.
#[derive(Debug, Clone)]
pub struct HistoryWriter {
    /// To the writer task.
    tx: mpsc::Sender<Message>,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Message::Record(r) => write!(f, "Record({})", r.id),
            Message::Flush(_) => write!(f, "Flush"),
        }
    }
}

impl HistoryWriter {
    /// Start the writer task over `store`; it ends when every sender is gone.
    pub fn start(store: Arc<dyn MetadataStore>) -> Self {
        let (tx, mut rx) = mpsc::channel::<Message>(QUEUE);
        tokio::spawn(async move {
            let mut batch: Vec<HistoryRecord> = Vec::new();
            let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
            while let Some(first) = rx.recv().await {
                let mut next = Some(first);
                while let Some(message) = next.take() {
                    match message {
                        Message::Record(record) => batch.push(*record),
                        Message::Flush(done) => waiting.push(done),
                    }
                    if batch.len() < BATCH {
                        next = rx.try_recv().ok();
                    }
                }
                if !batch.is_empty()
                    && let Err(e) = store.record(&batch).await
                {
                    tracing::warn!(error = %e, records = batch.len(), "history not stored");
                }
                batch.clear();
                for done in waiting.drain(..) {
                    let _ = done.send(());
                }
            }
        });
        HistoryWriter { tx }
    }

    /// Queue `record` for storing.
    pub fn write(&self, record: HistoryRecord) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(Message::Record(Box::new(record))) {
            tracing::warn!("history writer is behind: a record was dropped");
        }
    }

    /// Wait until everything queued so far is stored (shutdown, tests).
    pub async fn flush(&self) {
        let (done, stored) = oneshot::channel();
        if self.tx.send(Message::Flush(done)).await.is_ok() {
            let _ = stored.await;
        }
    }
}
