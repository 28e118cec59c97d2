//! Recognizing a continuous aggregate in a logical plan and taking it apart:
//! the aggregate's input (run by DataFusion), the aggregation (kept here) and
//! the stages above it (projection, HAVING, LIMIT).
//!
//! A query is continuous when it aggregates an input whose physical plan is
//! unbounded. Only an Aggregate (or a `SELECT DISTINCT`, a GROUP BY of all
//! its columns) under projections, filters (HAVING), subquery aliases and a
//! constant LIMIT at the top of the plan runs that way. Any other use of
//! such an aggregate is refused with an error naming the construct, because
//! DataFusion would otherwise wait forever for the input to end.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, ExprSchema, ScalarValue};
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::expr::{AggregateFunction, Alias, ScalarFunction};
use datafusion::logical_expr::{Aggregate, Distinct, Expr, ExprSchemable, FetchType, LogicalPlan, LogicalPlanBuilder, SkipType};
use datafusion::physical_plan::ExecutionPlanProperties;

use super::Watermark;
use super::changes::Stage;
use super::functions::{HOP_WINDOW_STARTS, interval_in_unit, nanos_per_unit};
use super::state::{AggregateSpec, Function};
use crate::engine::errors::from_datafusion;
use crate::error::{GatewayError, Result};

/// A continuous aggregate, taken apart.
pub(super) struct Shape {
    /// The aggregate (with its input) at the bottom of the supported part.
    pub(super) aggregate: Aggregate,
    /// Nodes above it, outermost first: projections, filters, aliases and limits.
    pub(super) above: Vec<LogicalPlan>,
    /// Whether the aggregate's input ends.
    pub(super) bounded: bool,
}

/// The columns the aggregation reads, planned over the aggregate's input.
pub(super) struct Input {
    /// Group keys, then each aggregate's arguments and FILTER, then the
    /// event time and the WHERE condition.
    pub(super) plan: LogicalPlan,
    /// The aggregates, reading the columns of `plan`.
    pub(super) aggregates: Vec<AggregateSpec>,
    /// Which column of `plan` is the event time, for window aggregates.
    pub(super) time_column: Option<usize>,
    /// Which column of `plan` is the WHERE condition rows must meet.
    pub(super) where_column: Option<usize>,
}

/// Whether `plan` is a query at all: commands, DDL, DML and EXPLAIN run as
/// they are (an EXPLAIN of a continuous query only describes it).
pub(super) fn is_query(plan: &LogicalPlan) -> bool {
    !matches!(
        plan,
        LogicalPlan::Explain(_) | LogicalPlan::Analyze(_) | LogicalPlan::Ddl(_) | LogicalPlan::Dml(_) | LogicalPlan::Statement(_) | LogicalPlan::Copy(_) | LogicalPlan::DescribeTable(_)
    )
}

/// Name of the window-end column the window rewrite adds.
const WINDOW_END: &str = "window_end";

/// Find the continuous aggregate of `plan`. `None` when the plan does not
/// aggregate an unbounded input (or, with `bounded_inputs`, aggregates a
/// bounded one in a shape a changelog cannot follow); an error when it
/// aggregates an unbounded input in a shape that cannot run continuously.
pub(super) async fn find(state: &SessionState, plan: &LogicalPlan, bounded_inputs: bool) -> Result<Option<Shape>> {
    let mut above = Vec::new();
    let mut lowest_distinct = None;
    let mut node = plan;
    let bottom = loop {
        match node {
            LogicalPlan::Aggregate(aggregate) => break Some(aggregate.clone()),
            LogicalPlan::Distinct(Distinct::All(input)) => {
                lowest_distinct = Some((above.len(), input.clone()));
                above.push(node.clone());
                node = input;
            }
            LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::SubqueryAlias(_) | LogicalPlan::Limit(_) | LogicalPlan::Sort(_) | LogicalPlan::Window(_) | LogicalPlan::Distinct(_) => {
                above.push(node.clone());
                node = node.inputs()[0];
            }
            _ => break None,
        }
    };
    // SELECT DISTINCT without an aggregate below is a GROUP BY of all its columns.
    let bottom = match (bottom, lowest_distinct) {
        (Some(aggregate), _) => Some(aggregate),
        (None, Some((position, input))) => {
            above.truncate(position);
            let columns: Vec<Expr> = input.schema().columns().into_iter().map(Expr::Column).collect();
            match LogicalPlanBuilder::from(input).aggregate(columns, Vec::<Expr>::new()).and_then(|b| b.build()) {
                Ok(LogicalPlan::Aggregate(aggregate)) => Some(aggregate),
                _ => None,
            }
        }
        (None, None) => None,
    };
    let Some(aggregate) = bottom else {
        return refuse_hidden_aggregates(state, plan, node).await;
    };
    match state.create_physical_plan(&aggregate.input).await {
        Ok(physical) if physical.boundedness().is_unbounded() => {}
        Ok(_) if bounded_inputs && check_above(&above).is_ok() => return Ok(Some(Shape { aggregate, above, bounded: true })),
        Ok(_) => return Ok(None),
        Err(error) => {
            if !reads_unbounded_table(state, &aggregate.input).await {
                return Ok(None);
            }
            // DataFusion names the operator with its whole debug form; the first words say enough.
            let reason = from_datafusion(error).to_string();
            let reason = reason.split(", operator:").next().unwrap_or_default();
            return Err(GatewayError::Sql(format!("{} is not supported in a continuous query ({reason}).", describe_inside(&aggregate.input))));
        }
    }
    check_above(&above)?;
    Ok(Some(Shape { aggregate, above, bounded: false }))
}

/// Refuse the stages above a continuous aggregate that cannot follow a changing result.
fn check_above(above: &[LogicalPlan]) -> Result<()> {
    let refuse = |what: &str| Err(GatewayError::Sql(format!("{what} over a continuous aggregation is not supported: its result keeps changing.")));
    for (position, node) in above.iter().enumerate() {
        match node {
            LogicalPlan::Sort(_) => return refuse("ORDER BY"),
            LogicalPlan::Distinct(_) => return refuse("SELECT DISTINCT"),
            LogicalPlan::Window(_) => return refuse("An OVER window function"),
            LogicalPlan::Limit(limit) => {
                if !matches!(limit.get_skip_type(), Ok(SkipType::Literal(0))) {
                    return refuse("OFFSET");
                }
                if !matches!(limit.get_fetch_type(), Ok(FetchType::Literal(_))) {
                    return refuse("A LIMIT that is not a constant");
                }
                // The limit counts changelog rows at the top; a filter above it would change the count.
                if above[..position].iter().any(|n| matches!(n, LogicalPlan::Filter(_))) {
                    return refuse("A filter over a LIMIT");
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The plan does not end in a continuous aggregate: refuse it if it hides
/// an aggregation of an unbounded input elsewhere (`node` is where the
/// supported shape stopped), accept it otherwise.
async fn refuse_hidden_aggregates(state: &SessionState, plan: &LogicalPlan, node: &LogicalPlan) -> Result<Option<Shape>> {
    let mut inputs = Vec::new();
    plan.apply_with_subqueries(|n| {
        match n {
            LogicalPlan::Aggregate(a) => inputs.push(a.input.as_ref().clone()),
            LogicalPlan::Distinct(d) => inputs.push(d.input().as_ref().clone()),
            _ => {}
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .map_err(from_datafusion)?;
    for input in inputs {
        if reads_unbounded_table(state, &input).await {
            let what = match node {
                LogicalPlan::Join(_) => "A join with",
                LogicalPlan::Union(_) => "A UNION of",
                LogicalPlan::Subquery(_) => "A subquery over",
                LogicalPlan::Unnest(_) => "UNNEST over",
                _ => "This query shape over",
            };
            return Err(GatewayError::Sql(format!(
                "{what} an aggregation of an unbounded input is not supported in a continuous query. \
                 Supported: SELECT ... FROM ... GROUP BY ... [HAVING ...] [LIMIT n] at the top level of the query."
            )));
        }
    }
    Ok(None)
}

/// What in an aggregate's input keeps it from streaming.
fn describe_inside(input: &LogicalPlan) -> &'static str {
    let mut found = "This aggregate's input";
    let _ = input.apply(|node| {
        let what = match node {
            LogicalPlan::Aggregate(_) | LogicalPlan::Distinct(_) => "An aggregation over another aggregation of an unbounded input",
            LogicalPlan::Sort(_) => "ORDER BY over an unbounded input",
            LogicalPlan::Join(_) => "This join of unbounded inputs",
            LogicalPlan::Window(_) => "An OVER window function over an unbounded input",
            _ => return Ok(TreeNodeRecursion::Continue),
        };
        found = what;
        Ok(TreeNodeRecursion::Stop)
    });
    found
}

/// Whether any table `plan` scans is unbounded.
async fn reads_unbounded_table(state: &SessionState, plan: &LogicalPlan) -> bool {
    for scan in table_scans(plan) {
        if let Ok(physical) = state.create_physical_plan(&scan).await
            && physical.boundedness().is_unbounded()
        {
            return true;
        }
    }
    false
}

/// Every table scan of `plan`, subqueries included.
fn table_scans(plan: &LogicalPlan) -> Vec<LogicalPlan> {
    let mut scans = Vec::new();
    let _ = plan.apply_with_subqueries(|node| {
        if matches!(node, LogicalPlan::TableScan(_)) {
            scans.push(node.clone());
        }
        Ok(TreeNodeRecursion::Continue)
    });
    scans
}

/// The stages above the aggregate, innermost first, and the row limit.
pub(super) fn stages(state: &SessionState, above: &[LogicalPlan]) -> Result<(Vec<Stage>, Option<usize>)> {
    let physical = |expr: &Expr, plan: &LogicalPlan| {
        state
            .create_physical_expr(expr.clone(), plan.schema())
            .map_err(|e| GatewayError::Sql(format!("Expression {expr} is not supported over a continuous aggregation: {}", from_datafusion(e))))
    };
    let mut stages = Vec::new();
    let mut limit: Option<usize> = None;
    for node in above.iter().rev() {
        match node {
            LogicalPlan::Projection(p) => stages.push(Stage::Project {
                exprs: p.expr.iter().map(|e| physical(e, &p.input)).collect::<Result<_>>()?,
                schema: Arc::new(p.schema.as_arrow().clone()),
            }),
            LogicalPlan::Filter(f) => stages.push(Stage::Filter(physical(&f.predicate, &f.input)?)),
            LogicalPlan::Limit(l) => {
                if let Ok(FetchType::Literal(Some(n))) = l.get_fetch_type() {
                    limit = Some(limit.map_or(n, |m| m.min(n)));
                }
            }
            _ => {}
        }
    }
    Ok((stages, limit))
}

/// The aggregate function of one aggregate expression.
fn function_of(expr: &Expr) -> Result<(&AggregateFunction, Function)> {
    let inner = match expr {
        Expr::Alias(Alias { expr, .. }) => expr.as_ref(),
        other => other,
    };
    let Expr::AggregateFunction(aggregate) = inner else {
        return Err(GatewayError::Sql(format!("Aggregate expression {expr} is not supported in a continuous query.")));
    };
    let name = aggregate.func.name().to_ascii_lowercase();
    let distinct = aggregate.params.distinct;
    let function = match name.as_str() {
        "count" if distinct => Function::CountDistinct,
        "count" => Function::Count,
        "sum" if !distinct => Function::Sum,
        "avg" if !distinct => Function::Avg,
        "min" => Function::Min,
        "max" => Function::Max,
        "sum" | "avg" => return Err(GatewayError::Sql(format!("{}(DISTINCT ...) is not supported in a continuous query.", name.to_uppercase()))),
        _ => {
            return Err(GatewayError::Sql(format!(
                "Aggregate function {} is not supported in a continuous query; supported are COUNT, COUNT(DISTINCT), SUM, MIN, MAX and AVG.",
                name.to_uppercase()
            )));
        }
    };
    Ok((aggregate, function))
}

/// Plan the columns the aggregation reads over the aggregate's input:
/// `__g<i>` per group key, `__a<j>_<k>` and `__f<j>` per aggregate, `__t`
/// for the event time, `__w` for the WHERE condition.
///
/// The WHERE conditions right below the aggregate are evaluated by the
/// aggregation rather than by DataFusion: DataFusion's filter holds back
/// its output until a full batch (8192 rows by default) has passed, which
/// over a slow stream would delay results indefinitely. Rows it rejects
/// still advance the watermark, as rows filtered after Flink's source do.
pub(super) fn input(aggregate: &Aggregate, time: Option<&Column>) -> Result<Input> {
    let input_schema = aggregate.input.schema();
    let mut source = aggregate.input.as_ref();
    let mut conditions = Vec::new();
    while let LogicalPlan::Filter(filter) = source {
        // Subqueries must stay in the plan, where the optimizer decorrelates them.
        let has_subquery = filter.predicate.exists(|e| Ok(matches!(e, Expr::ScalarSubquery(_) | Expr::InSubquery(_) | Expr::Exists(_)))).unwrap_or(true);
        if has_subquery {
            break;
        }
        conditions.push(filter.predicate.clone());
        source = filter.input.as_ref();
    }
    let mut exprs = Vec::new();
    for (i, key) in aggregate.group_expr.iter().enumerate() {
        if matches!(key, Expr::GroupingSet(_)) {
            return Err(GatewayError::Sql("GROUPING SETS, ROLLUP and CUBE are not supported in a continuous query.".into()));
        }
        exprs.push(key.clone().alias(format!("__g{i}")));
    }
    let key_count = aggregate.group_expr.len();
    let mut aggregates = Vec::new();
    for (j, expr) in aggregate.aggr_expr.iter().enumerate() {
        let (call, function) = function_of(expr)?;
        let mut args = Vec::new();
        let mut arg_types = Vec::new();
        for (k, arg) in call.params.args.iter().enumerate() {
            arg_types.push(arg.get_type(input_schema.as_ref()).map_err(from_datafusion)?);
            args.push(exprs.len());
            exprs.push(arg.clone().alias(format!("__a{j}_{k}")));
        }
        let filter = match &call.params.filter {
            Some(filter) => {
                exprs.push(filter.as_ref().clone().alias(format!("__f{j}")));
                Some(exprs.len() - 1)
            }
            None => None,
        };
        let output = aggregate.schema.field(key_count + j).data_type().clone();
        aggregates.push(AggregateSpec::new(function, args, &arg_types, filter, output)?);
    }
    let time_column = time.map(|column| {
        exprs.push(Expr::Column(column.clone()).alias("__t"));
        exprs.len() - 1
    });
    let where_column = conditions.into_iter().reduce(Expr::and).map(|condition| {
        exprs.push(condition.alias("__w"));
        exprs.len() - 1
    });
    let plan = LogicalPlanBuilder::from(source.clone()).project(exprs).and_then(|b| b.build()).map_err(from_datafusion)?;
    Ok(Input { plan, aggregates, time_column, where_column })
}

/// Which group key is `window_end`, making this a window aggregate.
pub(super) fn window_end_key(aggregate: &Aggregate) -> Option<usize> {
    aggregate.group_expr.iter().position(|key| matches!(key, Expr::Column(c) if c.name == WINDOW_END))
}

/// The event time of a window aggregate.
pub(super) struct EventTime {
    /// The time attribute column in the aggregate's input.
    pub(super) column: Column,
    /// Its type, a timestamp.
    pub(super) data_type: DataType,
    /// The watermark delay in the column's unit.
    pub(super) delay: i64,
    /// `(slide, size)` of a HOP window, in the column's unit.
    pub(super) hop: Option<(i64, i64)>,
}

/// Resolve the event time of a window aggregate from the watermark declared
/// on the table it reads and the window function's DESCRIPTOR column.
pub(super) fn event_time(aggregate: &Aggregate, watermark_of: &(dyn Fn(&str) -> Option<Watermark> + Send + Sync)) -> Result<EventTime> {
    let input = aggregate.input.as_ref();
    let tables: Vec<String> = table_scans(input)
        .iter()
        .filter_map(|s| match s {
            LogicalPlan::TableScan(scan) => Some(scan.table_name.table().to_string()),
            _ => None,
        })
        .collect();
    let (descriptor, hop) = window_function(input);
    let declared: Vec<(String, Watermark)> = tables.iter().filter_map(|t| watermark_of(t).map(|w| (t.clone(), w))).collect();
    let matching: Vec<&(String, Watermark)> = declared.iter().filter(|(_, w)| descriptor.as_ref().is_none_or(|d| w.column.eq_ignore_ascii_case(d))).collect();
    let (table, watermark) = match (matching.as_slice(), declared.first()) {
        ([one], _) => one,
        ([], None) => {
            return Err(GatewayError::Sql(format!(
                "A window aggregation over the unbounded table '{}' requires a watermark: declare the time attribute with WATERMARK FOR <column> AS <column> - INTERVAL '<delay>' <unit>.",
                tables.join("', '")
            )));
        }
        ([], Some((table, w))) => {
            return Err(GatewayError::Sql(format!(
                "DESCRIPTOR({}) must name a time attribute: table '{table}' declares its watermark on '{}'.",
                descriptor.unwrap_or_default(),
                w.column
            )));
        }
        _ => return Err(GatewayError::Sql("A window aggregation over several tables with watermarks is not supported.".into())),
    };
    let schema = input.schema();
    let mut candidates = schema.qualified_fields_with_unqualified_name(&watermark.column);
    if candidates.is_empty() {
        candidates = schema.iter().filter(|(_, f)| f.name().eq_ignore_ascii_case(&watermark.column)).collect();
    }
    let [(qualifier, field)] = candidates.as_slice() else {
        return Err(GatewayError::Sql(format!(
            "The time attribute '{}' of table '{table}' must be a single column of the windowed input.",
            watermark.column
        )));
    };
    let column = Column::new(qualifier.cloned(), field.name());
    let data_type = schema.data_type(&column).map_err(from_datafusion)?.clone();
    let DataType::Timestamp(unit, _) = &data_type else {
        return Err(GatewayError::Sql(format!("The time attribute '{}' must be a TIMESTAMP, not {data_type}.", watermark.column)));
    };
    let delay = i64::try_from(watermark.delay.as_nanos() / nanos_per_unit(unit) as u128).map_err(|_| GatewayError::Sql("The watermark delay is too large.".into()))?;
    let hop = match hop {
        Some((slide, size)) => {
            let convert = |v: &ScalarValue| interval_in_unit(v, unit).map_err(|reason| GatewayError::Sql(format!("HOP: the interval {reason}")));
            Some((convert(&slide)?, convert(&size)?))
        }
        None => None,
    };
    Ok(EventTime { column, data_type, delay, hop })
}

/// The DESCRIPTOR column of the rewritten window function in `plan`, and a
/// HOP window's slide and size.
fn window_function(plan: &LogicalPlan) -> (Option<String>, Option<(ScalarValue, ScalarValue)>) {
    let mut found = (None, None);
    let _ = plan.apply(|node| {
        node.apply_expressions(|expr| {
            expr.apply(|e| {
                match e {
                    Expr::Alias(Alias { expr, name, .. }) if name == "window_start" => {
                        if let Expr::ScalarFunction(ScalarFunction { func, args }) = expr.as_ref()
                            && let (true, Some(Expr::Column(c))) = (func.name() == "date_bin", args.get(1))
                        {
                            found.0 = Some(c.name.clone());
                        }
                    }
                    Expr::ScalarFunction(ScalarFunction { func, args }) if func.name() == HOP_WINDOW_STARTS => {
                        if let [Expr::Column(c), Expr::Literal(slide, _), Expr::Literal(size, _)] = args.as_slice() {
                            found = (Some(c.name.clone()), Some((slide.clone(), size.clone())));
                        }
                    }
                    _ => {}
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })
    });
    found
}
