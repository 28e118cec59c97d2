//! Hive's GetInfo: the `info/{infoType}` values a JDBC/ODBC driver asks for.

use crate::error::{GatewayError, Result};
use crate::identity::User;

/// The name and value of GetInfo type `id` (TGetInfoType's integer).
pub fn get_info(id: i32, user: &User) -> Result<(&'static str, String)> {
    let datafusion = datafusion::DATAFUSION_VERSION;
    Ok(match id {
        2 => ("CLI_DATA_SOURCE_NAME", "sluicegate".into()),
        8 => ("CLI_FETCH_DIRECTION", "1".into()),
        13 => ("CLI_SERVER_NAME", "Apache Kyuubi".into()),
        14 => ("CLI_SEARCH_PATTERN_ESCAPE", "\\".into()),
        17 => ("CLI_DBMS_NAME", "Apache DataFusion".into()),
        18 => ("CLI_DBMS_VER", datafusion.into()),
        19 => ("CLI_ACCESSIBLE_TABLES", "true".into()),
        20 => ("CLI_ACCESSIBLE_PROCEDURES", "false".into()),
        25 => ("CLI_DATA_SOURCE_READ_ONLY", "N".into()),
        28 => ("CLI_IDENTIFIER_CASE", "4".into()),
        29 => ("CLI_IDENTIFIER_QUOTE_CHAR", "`".into()),
        30 => ("CLI_MAX_COLUMN_NAME_LEN", "128".into()),
        32 => ("CLI_MAX_SCHEMA_NAME_LEN", "128".into()),
        34 => ("CLI_MAX_CATALOG_NAME_LEN", "128".into()),
        35 => ("CLI_MAX_TABLE_NAME_LEN", "128".into()),
        46 => ("CLI_TXN_CAPABLE", "0".into()),
        47 => ("CLI_USER_NAME", user.name.clone()),
        10005 => ("CLI_MAX_IDENTIFIER_LEN", "128".into()),
        other => return Err(GatewayError::NotFound(format!("Unrecognized GetInfoType value: {other}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_and_dbms_names() {
        let user = User::named("alice");
        assert_eq!(get_info(13, &user).unwrap(), ("CLI_SERVER_NAME", "Apache Kyuubi".to_string()));
        assert_eq!(get_info(17, &user).unwrap().1, "Apache DataFusion");
        assert_eq!(get_info(47, &user).unwrap().1, "alice");
        for unknown in [0, 0x7777] {
            assert!(matches!(get_info(unknown, &user), Err(GatewayError::NotFound(_))));
        }
    }
}
