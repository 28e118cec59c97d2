//! DataFusion errors as gateway errors: the user's mistakes apart from genuine faults.

use datafusion::error::DataFusionError;

use crate::error::GatewayError;

/// Classify a DataFusion error. The message is the root cause, first and
/// without a backtrace; the context that wrapped it follows on later lines.
pub fn from_datafusion(error: DataFusionError) -> GatewayError {
    let root = error.find_root();
    let mut message = root.strip_backtrace();
    let outer = error.strip_backtrace();
    if outer != message && !outer.ends_with(&message) {
        message = format!("{message}\nwhile: {}", outer.lines().next().unwrap_or_default());
    }
    if let Some(flink) = unknown_function(&message).or_else(|| pipeline_breaker(&message)) {
        return GatewayError::Sql(flink);
    }
    match root {
        DataFusionError::Internal(_) | DataFusionError::IoError(_) | DataFusionError::ObjectStore(_) | DataFusionError::ExecutionJoin(_) | DataFusionError::Ffi(_) => {
            GatewayError::Internal(message)
        }
        DataFusionError::ResourcesExhausted(_) => GatewayError::LimitExceeded(message),
        _ => GatewayError::Sql(message),
    }
}

/// DataFusion's "Invalid function 'x'. Did you mean 'y'?" in Flink's words:
/// a function of that name does not exist, and guessing another is not
/// what Flink does.
fn unknown_function(message: &str) -> Option<String> {
    let rest = &message[message.find("Invalid function '")? + "Invalid function '".len()..];
    let name = &rest[..rest.find('\'')?];
    Some(format!("SQL validation failed. No match found for function signature {name}(<arguments>). The function {} is not a built-in function of this gateway.", name.to_uppercase()))
}

/// DataFusion's "Cannot execute pipeline breaking queries, operator:
/// SortExec { ...a debug dump of the whole plan... }" as Flink answers a
/// query it cannot run continuously: the operator named, and what to do.
fn pipeline_breaker(message: &str) -> Option<String> {
    const MARK: &str = "Cannot execute pipeline breaking queries, operator: ";
    let rest = &message[message.find(MARK)? + MARK.len()..];
    let operator: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let what = match operator.as_str() {
        "SortExec" | "SortPreservingMergeExec" | "PartialSortExec" => "a sort: ORDER BY, or an OVER window, on a field that is not a time attribute",
        "WindowAggExec" | "BoundedWindowAggExec" => "an OVER window",
        "AggregateExec" => "an aggregation",
        "HashJoinExec" | "NestedLoopJoinExec" | "CrossJoinExec" | "SortMergeJoinExec" => "a join",
        _ => "an operator that needs its whole input",
    };
    Some(format!(
        "The query cannot run continuously over an unbounded input: its {operator} operator ({what}) must see the whole input before it answers. \
         Run it in batch mode over bounded tables (SET 'execution.runtime-mode' = 'batch'), or bound it with a window TVF (TUMBLE, HOP, CUMULATE)."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_errors_are_the_users_and_internal_ones_are_faults() {
        let plan = from_datafusion(DataFusionError::Plan("table 'nope' not found".into()));
        assert!(matches!(plan, GatewayError::Sql(ref m) if m.contains("table 'nope' not found")), "{plan:?}");
        let unknown = from_datafusion(DataFusionError::Plan("Invalid function 'nope'.\nDid you mean 'cos'?".into()));
        match unknown {
            GatewayError::Sql(m) => {
                assert!(m.starts_with("SQL validation failed. No match found for function signature nope("), "{m}");
                assert!(!m.contains("Did you mean"), "{m}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let breaking = from_datafusion(DataFusionError::Plan("Cannot execute pipeline breaking queries, operator: SortExec { input: RepartitionExec { .. } }".into()));
        match breaking {
            GatewayError::Sql(m) => {
                assert!(m.starts_with("The query cannot run continuously over an unbounded input: its SortExec operator (a sort"), "{m}");
                assert!(!m.contains("RepartitionExec"), "no plan dump: {m}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let internal = from_datafusion(DataFusionError::Internal("bug".into()));
        assert!(matches!(internal, GatewayError::Internal(_)));
        let wrapped = from_datafusion(DataFusionError::Context("planning".into(), Box::new(DataFusionError::Plan("root".into()))));
        match wrapped {
            GatewayError::Sql(m) => assert!(m.starts_with("Error during planning: root"), "{m}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
