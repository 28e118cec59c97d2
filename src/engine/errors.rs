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
    match root {
        DataFusionError::Internal(_) | DataFusionError::IoError(_) | DataFusionError::ObjectStore(_) | DataFusionError::ExecutionJoin(_) | DataFusionError::Ffi(_) => {
            GatewayError::Internal(message)
        }
        DataFusionError::ResourcesExhausted(_) => GatewayError::LimitExceeded(message),
        _ => GatewayError::Sql(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_errors_are_the_users_and_internal_ones_are_faults() {
        let plan = from_datafusion(DataFusionError::Plan("table 'nope' not found".into()));
        assert!(matches!(plan, GatewayError::Sql(ref m) if m.contains("table 'nope' not found")), "{plan:?}");
        let internal = from_datafusion(DataFusionError::Internal("bug".into()));
        assert!(matches!(internal, GatewayError::Internal(_)));
        let wrapped = from_datafusion(DataFusionError::Context("planning".into(), Box::new(DataFusionError::Plan("root".into()))));
        match wrapped {
            GatewayError::Sql(m) => assert!(m.starts_with("Error during planning: root"), "{m}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
