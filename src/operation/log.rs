//! An operation's log: lines a running statement wants its user to see
//! (what a `print` sink writes), bounded so a chatty job cannot grow it
//! without limit.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

/// Lines a running statement wants its user to see (what `print` writes),
/// bounded: past the capacity the oldest lines are dropped and counted.
#[derive(Debug)]
pub struct OperationLog {
    /// The lines kept and the count of those dropped.
    state: Mutex<LogState>,
    /// The most lines kept.
    capacity: usize,
}

/// The contents of an [`OperationLog`].
#[derive(Debug, Default)]
struct LogState {
    /// The newest lines, oldest first.
    lines: VecDeque<String>,
    /// Lines dropped to stay within the capacity.
    dropped: u64,
}

impl Default for OperationLog {
    /// A log keeping the last 10 000 lines.
    fn default() -> Self {
        OperationLog::with_capacity(OperationLog::DEFAULT_CAPACITY)
    }
}

impl OperationLog {
    /// Lines kept by [`OperationLog::default`].
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// A log keeping the last `capacity` lines (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        OperationLog { state: Mutex::new(LogState::default()), capacity: capacity.max(1) }
    }

    /// Append a line, dropping the oldest one when full.
    pub fn push(&self, line: String) {
        // A panic elsewhere while holding the lock leaves the log usable.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.lines.len() >= self.capacity {
            state.lines.pop_front();
            state.dropped += 1;
        }
        state.lines.push_back(line);
    }

    /// The lines kept, oldest first.
    pub fn lines(&self) -> Vec<String> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).lines.iter().cloned().collect()
    }

    /// How many lines were dropped to stay within the capacity.
    pub fn dropped(&self) -> u64 {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_log_is_bounded() {
        let log = OperationLog::with_capacity(2);
        for line in ["a", "b", "c"] {
            log.push(line.to_string());
        }
        assert_eq!(log.lines(), vec!["b", "c"]);
        assert_eq!(log.dropped(), 1);
        assert_eq!(OperationLog::default().capacity, OperationLog::DEFAULT_CAPACITY);
    }

}
