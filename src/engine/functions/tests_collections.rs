//! Array and map functions against Flink 1.20's "System (Built-in)
//! Functions", Collection Functions: each rule as documented there, and a
//! NULL argument per function.

use datafusion::arrow::datatypes::DataType;
use datafusion::execution::context::SessionContext;

use super::arrays::map_type;
use super::tests::check;

/// The error message of `SELECT expr`, which must fail (planning or execution).
async fn fails(expr: &str) -> String {
    let ctx = SessionContext::new();
    super::register(&ctx);
    match ctx.sql(&format!("SELECT {expr}")).await {
        Err(e) => e.to_string(),
        Ok(df) => match df.collect().await {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{expr} did not fail"),
        },
    }
}

/// `ARRAY<t>` as DataFusion's array functions type it.
fn list(t: DataType) -> DataType {
    DataType::new_list(t, true)
}

#[tokio::test]
async fn element_remove_and_position() {
    use DataType::*;
    check(&[
        // ELEMENT: "the sole element of array ... NULL if array is empty".
        ("ELEMENT([5])", "5", Int64),
        ("ELEMENT(CAST([] AS INT[]))", "NULL", Int32),
        ("ELEMENT(CAST(NULL AS INT[]))", "NULL", Int32),
        // ARRAY_REMOVE: "Removes all elements that equal to element from array ... Keeps ordering".
        ("ARRAY_REMOVE([1, 2, 1, 3], 1)", "[2, 3]", list(Int64)),
        ("ARRAY_REMOVE([1, NULL, 2, NULL], NULL)", "[1, 2]", list(Int64)),
        ("ARRAY_REMOVE(['a', 'b'], 'c')", "[a, b]", list(Utf8)),
        ("ARRAY_REMOVE([[1], [2], [1]], [1])", "[[2]]", list(list(Int64))),
        ("ARRAY_REMOVE(CAST(NULL AS BIGINT[]), 1)", "NULL", list(Int64)),
        // ARRAY_POSITION: 1-based INT, 0 if not found, NULL if either argument is NULL.
        ("ARRAY_POSITION([1, 2, 3, 2], 2)", "2", Int32),
        ("ARRAY_POSITION([1, 2, 3], 5)", "0", Int32),
        ("ARRAY_POSITION([1, 2, 3], NULL)", "NULL", Int32),
        ("ARRAY_POSITION(CAST(NULL AS INT[]), 1)", "NULL", Int32),
    ])
    .await;
    // "Throws an exception if array has more than one element."
    assert!(fails("ELEMENT([1, 2])").await.contains("has more than one element"));
}

#[tokio::test]
async fn maps_from_arrays_and_unions() {
    use DataType::*;
    check(&[
        // MAP_FROM_ARRAYS: "a map created from an arrays of keys and values".
        ("MAP_FROM_ARRAYS(['a', 'b'], [1, 2])", "{a: 1, b: 2}", map_type(&Utf8, &Int64)),
        ("MAP_FROM_ARRAYS(['a', 'a'], [1, 2])", "{a: 2}", map_type(&Utf8, &Int64)),
        ("MAP_FROM_ARRAYS(['a'], CAST(NULL AS BIGINT[]))", "NULL", map_type(&Utf8, &Int64)),
        // MAP_UNION: a later map overwrites an earlier one's value; NULL if any map is NULL.
        ("MAP_UNION(MAP {'a': 1, 'b': 2}, MAP {'b': 3, 'c': 4})", "{a: 1, b: 3, c: 4}", map_type(&Utf8, &Int64)),
        ("MAP_UNION(MAP {'a': 1}, MAP {'a': 2}, MAP {'a': 3})", "{a: 3}", map_type(&Utf8, &Int64)),
        ("MAP_UNION(MAP {'a': 1}, NULL)", "NULL", map_type(&Utf8, &Int64)),
    ])
    .await;
    // "Note that the lengths of two arrays should be the same."
    assert!(fails("MAP_FROM_ARRAYS(['a'], [1, 2])").await.contains("is not equal to the length"));
    assert!(fails("MAP_UNION(MAP {'a': 1}, MAP {'a': 'x'})").await.contains("MAP_UNION"));
}

#[tokio::test]
async fn datafusion_collection_functions_with_flink_rules() {
    use DataType::*;
    let entry = DataType::Struct(vec![datafusion::arrow::datatypes::Field::new("key", Utf8, false), datafusion::arrow::datatypes::Field::new("value", Int64, true)].into());
    check(&[
        // ARRAY_CONCAT: "If any input array is NULL, the function returns NULL."
        ("ARRAY_CONCAT([1], [2, 3])", "[1, 2, 3]", list(Int64)),
        ("ARRAY_CONCAT([1, 2], CAST(NULL AS BIGINT[]))", "NULL", list(Int64)),
        // ARRAY_JOIN: NULL elements omitted unless replaced; NULL if any argument is NULL.
        ("ARRAY_JOIN(['a', NULL, 'b'], ',')", "a,b", Utf8),
        ("ARRAY_JOIN(['a', NULL, 'b'], ',', 'x')", "a,x,b", Utf8),
        ("ARRAY_JOIN(['a', NULL], ',', NULL)", "NULL", Utf8),
        ("ARRAY_JOIN(['a'], NULL)", "NULL", Utf8),
        // ARRAY_SLICE: 1-based, 0 is the start, negative counts from the end, `end` defaults to the length.
        ("ARRAY_SLICE([1, 2, 3, 4, 5], 2, 4)", "[2, 3, 4]", list(Int64)),
        ("ARRAY_SLICE([1, 2, 3, 4, 5], 3)", "[3, 4, 5]", list(Int64)),
        ("ARRAY_SLICE([1, 2, 3, 4, 5], -2)", "[4, 5]", list(Int64)),
        ("ARRAY_SLICE([1, 2, 3, 4, 5], 0, 2)", "[1, 2]", list(Int64)),
        ("ARRAY_SLICE([1, 2, 3, 4, 5], 4, 2)", "[]", list(Int64)),
        ("ARRAY_SLICE([1, 2, 3], NULL)", "NULL", list(Int64)),
        // ARRAY_UNION: without duplicates, NULL if either is NULL (DataFusion's as is).
        ("ARRAY_UNION([1, 2, 2], [2, 3])", "[1, 2, 3]", list(Int64)),
        ("ARRAY_UNION([1], CAST(NULL AS BIGINT[]))", "NULL", list(Int64)),
        // ARRAY_MAX / ARRAY_MIN ignore NULL elements, NULL for a NULL array.
        ("ARRAY_MAX([1, 3, 2])", "3", Int64),
        ("ARRAY_MIN([1, 3, NULL])", "1", Int64),
        ("ARRAY_MAX(CAST(NULL AS INT[]))", "NULL", Int32),
        // MAP_ENTRIES / MAP_KEYS / MAP_VALUES: ARRAY<ROW<key, value>>, ARRAY<K>, ARRAY<V>.
        ("MAP_ENTRIES(MAP {'a': 1})", "[{key: a, value: 1}]", DataType::new_list(entry, false)),
        ("MAP_KEYS(MAP {'a': 1})", "[a]", list(Utf8)),
        ("MAP_VALUES(MAP {'a': 1})", "[1]", list(Int64)),
        ("MAP_KEYS(MAP_UNION(MAP {'a': 1}, NULL))", "NULL", list(Utf8)),
    ])
    .await;
}
