//! The change flag carried by every result row.

/// What a row means in a changelog. Append-only results are all `Insert`;
/// updating continuous queries retract with `UpdateBefore` and re-emit with
/// `UpdateAfter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RowKind {
    /// A new row.
    #[default]
    Insert,
    /// The previous value of a row that is about to change.
    UpdateBefore,
    /// The new value of a row that just changed.
    UpdateAfter,
    /// A row that no longer exists.
    Delete,
}

impl RowKind {
    /// The upper-case name used on the wire (`INSERT`, `UPDATE_BEFORE`, ...).
    pub fn name(self) -> &'static str {
        match self {
            RowKind::Insert => "INSERT",
            RowKind::UpdateBefore => "UPDATE_BEFORE",
            RowKind::UpdateAfter => "UPDATE_AFTER",
            RowKind::Delete => "DELETE",
        }
    }

    /// The short form shown in changelog tables (`+I`, `-U`, `+U`, `-D`).
    pub fn short_name(self) -> &'static str {
        match self {
            RowKind::Insert => "+I",
            RowKind::UpdateBefore => "-U",
            RowKind::UpdateAfter => "+U",
            RowKind::Delete => "-D",
        }
    }
}
