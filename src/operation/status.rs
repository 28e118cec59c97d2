//! The operation state machine.
//!
//! ```text
//! INITIALIZED -> PENDING | CANCELED | CLOSED | TIMEOUT | ERROR
//! PENDING     -> RUNNING | CANCELED | CLOSED | TIMEOUT | ERROR
//! RUNNING     -> FINISHED | CANCELED | CLOSED | TIMEOUT | ERROR
//! FINISHED    -> CLOSED, and while rows are still streaming: CANCELED | TIMEOUT | ERROR
//! CANCELED | TIMEOUT | ERROR -> CLOSED
//! CLOSED      -> (nothing)
//! ```
//!
//! FINISHED means the result stream is established and fetchable, not that
//! every row was produced; a query can still be stopped (cancel, timeout) or
//! fail while it streams.

use std::fmt;

/// Where an operation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationStatus {
    /// Created, not yet queued.
    Initialized,
    /// Queued behind the session's earlier statements.
    Pending,
    /// Being planned or executed.
    Running,
    /// The result is established and fetchable.
    Finished,
    /// Stopped by a client.
    Canceled,
    /// Closed by a client or with its session; its resources are released.
    Closed,
    /// The statement failed.
    Error,
    /// The statement exceeded its execution timeout.
    Timeout,
}

impl OperationStatus {
    /// Every status, for metrics and docs.
    pub const ALL: [OperationStatus; 8] = [
        OperationStatus::Initialized,
        OperationStatus::Pending,
        OperationStatus::Running,
        OperationStatus::Finished,
        OperationStatus::Canceled,
        OperationStatus::Closed,
        OperationStatus::Error,
        OperationStatus::Timeout,
    ];

    /// The upper-case name (`RUNNING`, ...).
    pub fn name(self) -> &'static str {
        match self {
            OperationStatus::Initialized => "INITIALIZED",
            OperationStatus::Pending => "PENDING",
            OperationStatus::Running => "RUNNING",
            OperationStatus::Finished => "FINISHED",
            OperationStatus::Canceled => "CANCELED",
            OperationStatus::Closed => "CLOSED",
            OperationStatus::Error => "ERROR",
            OperationStatus::Timeout => "TIMEOUT",
        }
    }

    /// No further execution will happen (FINISHED may still stream rows).
    pub fn is_terminal(self) -> bool {
        !matches!(self, OperationStatus::Initialized | OperationStatus::Pending | OperationStatus::Running)
    }

    /// Whether `self -> to` is allowed; `streaming` tells whether a FINISHED
    /// operation still produces rows.
    pub fn can_become(self, to: OperationStatus, streaming: bool) -> bool {
        use OperationStatus::*;
        match (self, to) {
            (Initialized, Pending) => true,
            (Pending, Running) => true,
            (Running, Finished) => true,
            (Initialized | Pending | Running, Canceled | Closed | Timeout | Error) => true,
            (Finished, Canceled | Timeout | Error) => streaming,
            (Finished | Canceled | Timeout | Error, Closed) => true,
            _ => false,
        }
    }
}

impl fmt::Display for OperationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::OperationStatus::*;

    #[test]
    fn transitions_follow_the_state_machine() {
        assert!(Initialized.can_become(Pending, false));
        assert!(Running.can_become(Finished, false));
        assert!(Finished.can_become(Canceled, true));
        assert!(!Finished.can_become(Canceled, false));
        assert!(Error.can_become(Closed, false));
        assert!(!Closed.can_become(Closed, false));
        assert!(!Closed.can_become(Running, false));
        assert!(!Finished.can_become(Running, true));
        assert!(!Canceled.can_become(Finished, false));
    }
}
