//! Flink's typing rules applied to a planned query, before it runs.
//!
//! DataFusion and Flink plan the same SQL to different types: an integer
//! literal is `BIGINT` in DataFusion and `INT` in Flink (when it fits), a
//! string literal `STRING` rather than `CHAR(n)`, a binary literal `BYTES`
//! rather than `BINARY(n)`, and `SUM`/`AVG` of an `INT` are `BIGINT` and
//! `DOUBLE` rather than Flink's `INT`. Typed clients (JDBC, generated
//! clients, dashboards choosing a renderer by type) see the difference, so
//! the logical plan is retyped here, right after the SQL planner and before
//! type coercion, which then widens as Flink does (`TINYINT + INT` is
//! `INT`, `INT + BIGINT` is `BIGINT`).
//!
//! `CHAR(n)` and `BINARY(n)` have no Arrow type of their own: the field
//! keeps its string or binary type and says what Flink calls it in the
//! [`FLINK_TYPE`] metadata key, which the column descriptors read.

use std::collections::BTreeMap;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::metadata::FieldMetadata;
use datafusion::common::{Column, ScalarValue};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::{Aggregate, Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, Projection, Values, cast};

use super::errors::from_datafusion;
use crate::error::Result;
use crate::format::FLINK_TYPE;

/// `plan` with Flink's literal and aggregate result types.
pub fn flink_types(plan: LogicalPlan) -> Result<LogicalPlan> {
    let plan = plan.transform_up_with_subqueries(retype_node).map_err(from_datafusion)?.data;
    mark_fixed_length_literals(plan).map_err(from_datafusion)
}

/// One node: integer literals that fit become `INT`; an aggregate gets
/// Flink's `SUM`/`AVG` result types. Output names stay as they were, so
/// the nodes above still find their columns.
fn retype_node(node: LogicalPlan) -> DfResult<Transformed<LogicalPlan>> {
    let node = match node {
        // LIMIT and OFFSET take BIGINT constants.
        LogicalPlan::Limit(_) => return Ok(Transformed::no(node)),
        LogicalPlan::Values(values) => return retype_values(values),
        node => {
            let names = NamePreserver::new(&node);
            let retyped = node.map_expressions(|expr| {
                let name = names.save(&expr);
                let expr = expr.transform_up(|e| Ok(int_literal(e)))?;
                Ok(if expr.transformed { expr.update_data(|e| name.restore(e)) } else { expr })
            })?;
            // Inputs may have been retyped too, so the schema is always recomputed.
            Transformed::yes(retyped.data.recompute_schema()?)
        }
    };
    node.transform_data(|node| match node {
        LogicalPlan::Aggregate(aggregate) => aggregate_result_types(aggregate),
        node => Ok(Transformed::no(node)),
    })
}

/// An `Int64` literal within `INT`'s range as an `Int32` one.
fn int_literal(expr: Expr) -> Transformed<Expr> {
    match expr {
        Expr::Literal(ScalarValue::Int64(Some(v)), metadata) if i32::try_from(v).is_ok() => {
            Transformed::yes(Expr::Literal(ScalarValue::Int32(Some(v as i32)), metadata))
        }
        expr => Transformed::no(expr),
    }
}

/// `VALUES` rows: a column whose values are all integer literals within
/// `INT`'s range (or NULL) becomes `INT`, as Flink types it.
fn retype_values(values: Values) -> DfResult<Transformed<LogicalPlan>> {
    let columns = values.values.first().map_or(0, Vec::len);
    let fits = |column: usize| {
        values.values.iter().all(|row| match &row[column] {
            Expr::Literal(ScalarValue::Int64(Some(v)), _) => i32::try_from(*v).is_ok(),
            Expr::Literal(ScalarValue::Int64(None) | ScalarValue::Null, _) => true,
            _ => false,
        }) && values.values.iter().any(|row| matches!(row[column], Expr::Literal(ScalarValue::Int64(Some(_)), _)))
    };
    let narrow: Vec<usize> = (0..columns).filter(|&c| fits(c)).collect();
    if narrow.is_empty() {
        return Ok(Transformed::no(LogicalPlan::Values(values)));
    }
    let rows = values
        .values
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .map(|(c, e)| match e {
                    Expr::Literal(ScalarValue::Int64(v), m) if narrow.contains(&c) => Expr::Literal(ScalarValue::Int32(v.map(|v| v as i32)), m),
                    e => e,
                })
                .collect()
        })
        .collect();
    Ok(Transformed::yes(LogicalPlanBuilder::values(rows)?.build()?))
}

/// Flink's `SUM` and `AVG` keep their argument's type where DataFusion
/// widens it: `SUM(TINYINT|SMALLINT|INT|FLOAT)` and `AVG` of any integer
/// or `FLOAT` answer in the argument's type (`AVG` of integers divides as
/// integers do, truncating, as Flink's does). A projection over the
/// aggregate casts those columns back, under the same names.
fn aggregate_result_types(aggregate: Aggregate) -> DfResult<Transformed<LogicalPlan>> {
    let groups = aggregate.group_expr.len();
    let mut casts: Vec<Option<DataType>> = vec![None; aggregate.schema.fields().len()];
    for (i, expr) in aggregate.aggr_expr.iter().enumerate() {
        let call = match expr {
            Expr::Alias(alias) => alias.expr.as_ref(),
            expr => expr,
        };
        let Expr::AggregateFunction(AggregateFunction { func, params }) = call else { continue };
        let [arg] = params.args.as_slice() else { continue };
        let arg_type = arg.get_type(aggregate.input.schema())?;
        let narrow = match (func.name(), &arg_type) {
            ("sum", DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Float32) => true,
            ("avg", DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::Float32) => true,
            _ => false,
        };
        if narrow && aggregate.schema.field(groups + i).data_type() != &arg_type {
            casts[groups + i] = Some(arg_type);
        }
    }
    if casts.iter().all(Option::is_none) {
        return Ok(Transformed::no(LogicalPlan::Aggregate(aggregate)));
    }
    let schema = aggregate.schema.clone();
    let exprs: Vec<Expr> = schema
        .iter()
        .zip(casts)
        .map(|((qualifier, field), to)| {
            let column = Expr::Column(Column::from((qualifier, field)));
            match to {
                Some(to) => cast(column, to).alias_qualified(qualifier.cloned(), field.name()),
                None => column,
            }
        })
        .collect();
    Ok(Transformed::yes(LogicalPlanBuilder::from(LogicalPlan::Aggregate(aggregate)).project(exprs)?.build()?))
}

/// The query's own output columns that are string or binary literals are
/// `CHAR(n)` / `BINARY(n)` with `n` their length, as Flink types literals.
/// Only the top projection is marked: below it, a literal meets other
/// values (UNION, CASE) whose lengths differ.
fn mark_fixed_length_literals(plan: LogicalPlan) -> DfResult<LogicalPlan> {
    match plan {
        LogicalPlan::Projection(projection) => {
            let exprs = projection
                .expr
                .into_iter()
                .map(|expr| match expr {
                    Expr::Alias(mut alias) => {
                        alias.expr = Box::new(mark_typeof_argument(mark_literal(*alias.expr))?);
                        Ok(Expr::Alias(alias))
                    }
                    expr => mark_typeof_argument(mark_literal(expr)),
                })
                .collect::<DfResult<Vec<_>>>()?;
            Ok(LogicalPlan::Projection(Projection::try_new(exprs, projection.input)?))
        }
        // Their schema is their input's.
        LogicalPlan::Sort(_) | LogicalPlan::Limit(_) => Ok(plan.map_children(|child| Ok(Transformed::yes(mark_fixed_length_literals(child)?)))?.data),
        plan => Ok(plan),
    }
}

/// The literal argument of a `TYPEOF` call marked as a column literal is,
/// so `TYPEOF('ab')` names Flink's `CHAR(2) NOT NULL` (other literals
/// inside expressions stay unmarked: their results are `STRING` anyway).
fn mark_typeof_argument(expr: Expr) -> DfResult<Expr> {
    Ok(expr
        .transform_up(|e| {
            Ok(match e {
                Expr::ScalarFunction(mut call) if call.func.name() == "typeof" && !call.args.is_empty() => {
                    let first = std::mem::replace(&mut call.args[0], Expr::Literal(ScalarValue::Null, None));
                    call.args[0] = mark_literal(first);
                    Transformed::yes(Expr::ScalarFunction(call))
                }
                e => Transformed::no(e),
            })
        })?
        .data)
}

/// A non-NULL string or binary literal, marked with its Flink type.
fn mark_literal(expr: Expr) -> Expr {
    let flink_type = match &expr {
        Expr::Literal(ScalarValue::Utf8(Some(s)) | ScalarValue::Utf8View(Some(s)) | ScalarValue::LargeUtf8(Some(s)), None) => format!("CHAR({})", s.chars().count().max(1)),
        Expr::Literal(ScalarValue::Binary(Some(b)) | ScalarValue::BinaryView(Some(b)) | ScalarValue::LargeBinary(Some(b)), None) => format!("BINARY({})", b.len().max(1)),
        _ => return expr,
    };
    match expr {
        Expr::Literal(value, _) => Expr::Literal(value, Some(FieldMetadata::from(BTreeMap::from([(FLINK_TYPE.to_string(), flink_type)])))),
        expr => expr,
    }
}
