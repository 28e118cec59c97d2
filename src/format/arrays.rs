//! Typed, bounds-checked access to Arrow arrays, shared by both encoders.
//!
//! Encoders own their arrays (cloning a typed array only bumps `Arc`s), so
//! that columns rebuilt here — an unpacked dictionary, a union rendered to
//! text — can live inside the encoder tree without lifetime juggling.

use std::fmt::Write as _;
use std::ops::Range;

use datafusion::arrow::array::{
    Array, ArrayRef, BinaryViewArray, FixedSizeBinaryArray, FixedSizeListArray, GenericBinaryArray,
    GenericListArray, GenericListViewArray, GenericStringArray, Int64Array, OffsetSizeTrait,
    StringBuilder, StringViewArray,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions as DisplayOptions};

use super::FormatError;

/// Appends the value at a row (bounds and nulls already checked). Each column
/// gets one such closure, which owns the typed array it reads; calling it is
/// a single indirect call per value.
pub(crate) type WriteFn = Box<dyn FnMut(usize, &mut Vec<u8>) -> Result<(), FormatError>>;

/// Boxes a closure as a [`WriteFn`] (pins down the closure's signature).
pub(crate) fn write_fn(
    f: impl FnMut(usize, &mut Vec<u8>) -> Result<(), FormatError> + 'static,
) -> WriteFn {
    Box::new(f)
}

/// The raw integers behind a DATE, TIME, TIMESTAMP or DURATION array,
/// widened to i64. Arrow's cast reinterprets 64-bit types without copying;
/// 32-bit ones are widened once per batch rather than once per value.
pub(crate) fn ticks(array: &ArrayRef) -> Result<ScalarBuffer<i64>, FormatError> {
    let ints = cast(array, &DataType::Int64)?;
    Ok(typed::<Int64Array>(&ints, "Int64Array")?.values().clone())
}

/// The tick at `row`; an error (not a panic) if a malformed array's buffer is
/// shorter than its length.
#[inline]
pub(crate) fn tick(values: &ScalarBuffer<i64>, row: usize) -> Result<i64, FormatError> {
    values
        .get(row)
        .copied()
        .ok_or_else(|| FormatError::InvalidValue {
            what: "row index",
            detail: format!("row {row} of a buffer with {} values", values.len()),
        })
}

/// Downcasts `array` to its concrete class, or reports a malformed batch.
pub(crate) fn typed<T: Array + Clone + 'static>(
    array: &ArrayRef,
    expected: &'static str,
) -> Result<T, FormatError> {
    array
        .as_any()
        .downcast_ref::<T>()
        .cloned()
        .ok_or_else(|| FormatError::UnexpectedArray {
            data_type: array.data_type().clone(),
            expected,
        })
}

/// Rewrites encodings that have no value layout of their own into a plain
/// array of the logical type, so the encoders never see them:
/// dictionaries and run-end encoded arrays are unpacked to their value type
/// (via arrow's cast, once per batch), and unions — which Flink has no type
/// for — become the text arrow's display gives them. `None` means "already
/// plain".
pub(crate) fn flatten(array: &ArrayRef) -> Result<Option<ArrayRef>, FormatError> {
    match array.data_type() {
        DataType::Dictionary(_, value_type) => Ok(Some(cast(array, value_type)?)),
        DataType::RunEndEncoded(_, values) => Ok(Some(cast(array, values.data_type())?)),
        DataType::Union(..) => Ok(Some(display_as_text(array)?)),
        _ => Ok(None),
    }
}

/// Renders every value through arrow's `ArrayFormatter` into a string array
/// (nulls stay null). Used for types without a Flink counterpart.
pub(crate) fn display_as_text(array: &ArrayRef) -> Result<ArrayRef, FormatError> {
    let formatter = ArrayFormatter::try_new(array.as_ref(), &DisplayOptions::default())?;
    let nulls = array.logical_nulls();
    let mut builder = StringBuilder::with_capacity(array.len(), array.len() * 8);
    for row in 0..array.len() {
        if nulls.as_ref().is_some_and(|n| n.is_null(row)) {
            builder.append_null();
            continue;
        }
        write!(builder, "{}", formatter.value(row)).map_err(|_| FormatError::InvalidValue {
            what: "value",
            detail: format!("arrow cannot display row {row} of {}", array.data_type()),
        })?;
        builder.append_value("");
    }
    Ok(std::sync::Arc::new(builder.finish()))
}

/// The per-column facts every encoder needs before touching a value: how
/// many rows there are and which are null.
#[derive(Debug, Clone)]
pub(crate) struct RowCheck {
    /// Row count; any index at or past it is a bug in the caller or in list
    /// offsets, reported as an error instead of a panic.
    len: usize,
    /// Logical nulls (so NullArray and friends report all rows null).
    nulls: Option<NullBuffer>,
}

impl RowCheck {
    /// Captures the length and logical nulls of `array`.
    pub(crate) fn new(array: &dyn Array) -> Self {
        Self {
            len: array.len(),
            nulls: array.logical_nulls().filter(|n| n.null_count() > 0),
        }
    }

    /// Whether `row` is null; errors when `row` is out of bounds, which makes
    /// every later `value(row)` call on the same array panic-free.
    #[inline]
    pub(crate) fn is_null(&self, row: usize) -> Result<bool, FormatError> {
        if row >= self.len {
            return Err(FormatError::InvalidValue {
                what: "row index",
                detail: format!("row {row} of an array with {} rows", self.len),
            });
        }
        Ok(self.nulls.as_ref().is_some_and(|n| n.is_null(row)))
    }
}

/// Where each list's elements live in its child array, whatever the list
/// flavour.
#[derive(Debug, Clone)]
pub(crate) enum Ranges {
    /// `List`: consecutive i32 offsets.
    Offsets32(OffsetBuffer<i32>),
    /// `LargeList`: consecutive i64 offsets.
    Offsets64(OffsetBuffer<i64>),
    /// `ListView`: independent i32 offset and size per row.
    Views32(ScalarBuffer<i32>, ScalarBuffer<i32>),
    /// `LargeListView`: independent i64 offset and size per row.
    Views64(ScalarBuffer<i64>, ScalarBuffer<i64>),
    /// `FixedSizeList`: every row has this many elements.
    Fixed(usize),
}

impl Ranges {
    /// The child indices of list `row`, checked against the child's length.
    pub(crate) fn get(&self, row: usize, child_len: usize) -> Result<Range<usize>, FormatError> {
        let range = match self {
            Ranges::Offsets32(o) => pair(o.get(row), o.get(row + 1)),
            Ranges::Offsets64(o) => pair(o.get(row), o.get(row + 1)),
            Ranges::Views32(o, s) => view(o.get(row), s.get(row)),
            Ranges::Views64(o, s) => view(o.get(row), s.get(row)),
            Ranges::Fixed(size) => row
                .checked_mul(*size)
                .and_then(|start| Some(start..start.checked_add(*size)?)),
        };
        match range {
            Some(range) if range.start <= range.end && range.end <= child_len => Ok(range),
            _ => Err(FormatError::InvalidValue {
                what: "list offsets",
                detail: format!("row {row} points outside a child of {child_len} values"),
            }),
        }
    }
}

/// Start/end offsets to a range, if both exist and are non-negative.
fn pair<O: OffsetSizeTrait>(start: Option<&O>, end: Option<&O>) -> Option<Range<usize>> {
    Some(start?.to_usize()?..end?.to_usize()?)
}

/// Offset/size of a list view to a range.
fn view<O: OffsetSizeTrait>(offset: Option<&O>, size: Option<&O>) -> Option<Range<usize>> {
    let start = offset?.to_usize()?;
    Some(start..start.checked_add(size?.to_usize()?)?)
}

/// Splits any list-like array into its ranges and child values; `None` when
/// `array` is not a list.
pub(crate) fn list_parts(array: &ArrayRef) -> Result<Option<(Ranges, ArrayRef)>, FormatError> {
    Ok(Some(match array.data_type() {
        DataType::List(_) => {
            let list = typed::<GenericListArray<i32>>(array, "ListArray")?;
            (
                Ranges::Offsets32(list.offsets().clone()),
                list.values().clone(),
            )
        }
        DataType::LargeList(_) => {
            let list = typed::<GenericListArray<i64>>(array, "LargeListArray")?;
            (
                Ranges::Offsets64(list.offsets().clone()),
                list.values().clone(),
            )
        }
        DataType::ListView(_) => {
            let list = typed::<GenericListViewArray<i32>>(array, "ListViewArray")?;
            (
                Ranges::Views32(list.offsets().clone(), list.sizes().clone()),
                list.values().clone(),
            )
        }
        DataType::LargeListView(_) => {
            let list = typed::<GenericListViewArray<i64>>(array, "LargeListViewArray")?;
            (
                Ranges::Views64(list.offsets().clone(), list.sizes().clone()),
                list.values().clone(),
            )
        }
        DataType::FixedSizeList(_, _) => {
            let list = typed::<FixedSizeListArray>(array, "FixedSizeListArray")?;
            let size = usize::try_from(list.value_length()).unwrap_or(0);
            (Ranges::Fixed(size), list.values().clone())
        }
        _ => return Ok(None),
    }))
}

/// Uniform `&str` access over the three string layouts.
pub(crate) trait StrAt: Array + Clone + 'static {
    /// The string at `row` (callers have bounds-checked `row`).
    fn str_at(&self, row: usize) -> &str;
}

impl<O: OffsetSizeTrait> StrAt for GenericStringArray<O> {
    #[inline]
    fn str_at(&self, row: usize) -> &str {
        self.value(row)
    }
}

impl StrAt for StringViewArray {
    #[inline]
    fn str_at(&self, row: usize) -> &str {
        self.value(row)
    }
}

/// Uniform `&[u8]` access over the four binary layouts.
pub(crate) trait BytesAt: Array + Clone + 'static {
    /// The bytes at `row` (callers have bounds-checked `row`).
    fn bytes_at(&self, row: usize) -> &[u8];
}

impl<O: OffsetSizeTrait> BytesAt for GenericBinaryArray<O> {
    #[inline]
    fn bytes_at(&self, row: usize) -> &[u8] {
        self.value(row)
    }
}

impl BytesAt for BinaryViewArray {
    #[inline]
    fn bytes_at(&self, row: usize) -> &[u8] {
        self.value(row)
    }
}

impl BytesAt for FixedSizeBinaryArray {
    #[inline]
    fn bytes_at(&self, row: usize) -> &[u8] {
        self.value(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_outside_the_child_are_errors() {
        let offsets = Ranges::Offsets32(OffsetBuffer::new(vec![0, 2, 5].into()));
        assert_eq!(offsets.get(0, 5).unwrap(), 0..2);
        assert!(offsets.get(1, 4).is_err(), "end past the child");
        assert!(offsets.get(2, 5).is_err(), "no offset pair for row 2");
        let views = Ranges::Views32(vec![3, -1].into(), vec![2, 1].into());
        assert_eq!(views.get(0, 5).unwrap(), 3..5);
        assert!(views.get(1, 5).is_err(), "negative offset");
        assert!(Ranges::Fixed(usize::MAX).get(2, 10).is_err(), "overflow");
    }

    #[test]
    fn row_checks_catch_out_of_bounds_rows() {
        let array = Int64Array::from(vec![Some(1), None]);
        let rows = RowCheck::new(&array);
        assert!(!rows.is_null(0).unwrap());
        assert!(rows.is_null(1).unwrap());
        assert!(rows.is_null(2).is_err());
        assert!(tick(array.values(), 2).is_err());
    }
}
