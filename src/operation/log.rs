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
    /// The next line a positional reader gets, counted from the first line
    /// ever written (dropped ones included).
    cursor: u64,
}

/// Where a read of the log starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFrom {
    /// From the reader's cursor (where the last read stopped).
    Cursor,
    /// From the first line still kept.
    Start,
    /// From this line, counted from the first line ever written.
    Line(u64),
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

    /// Up to `max` lines from `from`; the cursor moves past them. Lines that
    /// were dropped are skipped: the read starts at the oldest kept line.
    pub fn read(&self, from: LogFrom, max: usize) -> Vec<String> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let start = match from {
            LogFrom::Cursor => state.cursor,
            LogFrom::Start => 0,
            LogFrom::Line(line) => line,
        }
        .max(state.dropped);
        let skip = (start - state.dropped) as usize;
        let lines: Vec<String> = state.lines.iter().skip(skip).take(max).cloned().collect();
        state.cursor = start + lines.len() as u64;
        lines
    }

    /// Put `lines` before everything written so far (an operation adopting
    /// the log of the job it started keeps its own earlier lines first).
    pub fn prepend(&self, lines: Vec<String>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for line in lines.into_iter().rev() {
            if state.lines.len() >= self.capacity {
                break;
            }
            state.lines.push_front(line);
        }
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

    #[test]
    fn positional_reads_follow_a_cursor() {
        let log = OperationLog::with_capacity(4);
        for i in 0..6 {
            log.push(format!("l{i}"));
        }
        // l0 and l1 were dropped: the first read starts at l2.
        assert_eq!(log.read(LogFrom::Cursor, 3), vec!["l2", "l3", "l4"]);
        assert_eq!(log.read(LogFrom::Cursor, 3), vec!["l5"]);
        assert!(log.read(LogFrom::Cursor, 3).is_empty());
        assert_eq!(log.read(LogFrom::Start, 1), vec!["l2"]);
        assert_eq!(log.read(LogFrom::Cursor, 1), vec!["l3"]);
        assert_eq!(log.read(LogFrom::Line(5), 9), vec!["l5"]);
        log.prepend(vec!["x".into()]);
        assert_eq!(log.lines(), vec!["l2", "l3", "l4", "l5"], "a full log keeps its newest lines");
    }

}
