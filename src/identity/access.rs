//! What a user may do to the catalog: actions on targets, the built-in
//! roles, and the [`Access`] a statement is checked against.
//!
//! A permission is an action on an object: the account (every catalog), a
//! catalog (its databases), or one database. The engine asks for one action
//! on one target per thing a statement does (INSERT into a table: `INSERT`
//! on its database; DROP DATABASE: `DROP` on that database; CREATE CATALOG:
//! `CREATE` on the account), whatever protocol sent the statement.
//!
//! Built-in roles: `AccountAdmin` (everything, and identity management),
//! `Developer` (every action on every catalog) and `ReadOnly` (`SELECT`
//! everywhere). A user with no assigned role acts as `Developer`, so a
//! gateway without role assignments behaves as one without roles. Grants
//! add permissions to a role; granting to a new name defines a role.

use std::fmt;

use crate::error::{GatewayError, Result};

/// The administrator role: every permission, and managing users' roles,
/// grants and keys.
pub const ACCOUNT_ADMIN: &str = "AccountAdmin";
/// Every action on every catalog; the role of users without assignments.
pub const DEVELOPER: &str = "Developer";
/// Reading only.
pub const READ_ONLY: &str = "ReadOnly";
/// The built-in roles and what each is for.
pub const BUILT_IN_ROLES: [(&str, &str); 3] = [
    (ACCOUNT_ADMIN, "Every permission on every object, and management of users' roles, permissions and API keys."),
    (DEVELOPER, "Every action on every catalog and database; the role of users without an assigned role."),
    (READ_ONLY, "SELECT on every catalog and database: queries, SHOW and DESCRIBE; no DDL, no INSERT."),
];

/// Something a statement does to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Read rows (queries, the source of an INSERT or CTAS).
    Select,
    /// Write rows (INSERT, INSERT OVERWRITE, refreshing a materialized table).
    Insert,
    /// Create tables, views and databases.
    Create,
    /// Drop them.
    Drop,
    /// Change them (ALTER, RENAME, properties, suspend and resume), stop others' jobs.
    Alter,
}

impl Action {
    /// Every action, as `ALL` grants them.
    pub const ALL: [Action; 5] = [Action::Select, Action::Insert, Action::Create, Action::Drop, Action::Alter];

    /// The name grants use.
    pub fn name(self) -> &'static str {
        match self {
            Action::Select => "SELECT",
            Action::Insert => "INSERT",
            Action::Create => "CREATE",
            Action::Drop => "DROP",
            Action::Alter => "ALTER",
        }
    }

    /// `SELECT`, `INSERT`, `CREATE`, `DROP`, `ALTER` (case-insensitive).
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// What a permission is on, or what a statement acts on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Every catalog (creating and dropping catalogs).
    Account,
    /// A catalog and its databases.
    Catalog(String),
    /// One database of a catalog.
    Database(String, String),
}

impl Target {
    /// Whether a permission on `self` covers acting on `other`.
    pub fn covers(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::Account, _) => true,
            (Target::Catalog(c), Target::Catalog(o)) | (Target::Catalog(c), Target::Database(o, _)) => c == o,
            (Target::Database(c, d), Target::Database(oc, od)) => c == oc && d == od,
            _ => false,
        }
    }

    /// The object type name of grants: `Account`, `Catalog`, `Database`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Target::Account => "Account",
            Target::Catalog(_) => "Catalog",
            Target::Database(..) => "Database",
        }
    }

    /// The resource id of grants: `*`, `catalog`, `catalog.database`.
    pub fn resource(&self) -> String {
        match self {
            Target::Account => "*".into(),
            Target::Catalog(c) => c.clone(),
            Target::Database(c, d) => format!("{c}.{d}"),
        }
    }

    /// The target a grant names: object type `Account` (any resource),
    /// `Catalog` (`name`) or `Database` (`catalog.database`, or a database
    /// of `default_catalog`).
    pub fn parse(object_type: &str, resource: &str, default_catalog: &str) -> Result<Target> {
        let resource = resource.trim();
        let named = |what: &str| {
            if resource.is_empty() || resource == "*" {
                Err(GatewayError::bad_request(format!("A {what} permission needs ByteHouseResourceID naming the {what}.")))
            } else {
                Ok(())
            }
        };
        match object_type.trim().to_ascii_lowercase().as_str() {
            "account" => Ok(Target::Account),
            "catalog" => named("catalog").map(|_| Target::Catalog(resource.to_string())),
            "database" => {
                named("database")?;
                Ok(match resource.split_once('.') {
                    Some((c, d)) if !c.is_empty() && !d.is_empty() => Target::Database(c.to_string(), d.to_string()),
                    _ => Target::Database(default_catalog.to_string(), resource.to_string()),
                })
            }
            other => Err(GatewayError::bad_request(format!("Unknown SecureObjectTypeName '{other}': use Account, Catalog or Database."))),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Account => f.write_str("the account"),
            Target::Catalog(c) => write!(f, "catalog {c}"),
            Target::Database(c, d) => write!(f, "database {c}.{d}"),
        }
    }
}

/// One action on one target, as a role holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Permission {
    /// What it is on.
    pub target: Target,
    /// What it allows.
    pub action: Action,
}

/// The permissions of a built-in role.
pub fn built_in(role: &str) -> Option<Vec<Permission>> {
    let everything = || Action::ALL.into_iter().map(|action| Permission { target: Target::Account, action }).collect();
    match role {
        ACCOUNT_ADMIN | DEVELOPER => Some(everything()),
        READ_ONLY => Some(vec![Permission { target: Target::Account, action: Action::Select }]),
        _ => None,
    }
}

/// What a user may do now: the permissions of the roles it acts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// Who.
    pub user: String,
    /// The roles it acts with (one, when an active role is chosen).
    pub roles: Vec<String>,
    /// Their permissions.
    pub permissions: Vec<Permission>,
}

impl Access {
    /// Whether `action` on `target` is allowed.
    pub fn allows(&self, action: Action, target: &Target) -> bool {
        self.permissions.iter().any(|p| p.action == action && p.target.covers(target))
    }

    /// `action` on `target`, or a refusal saying who lacks what.
    pub fn require(&self, action: Action, target: &Target) -> Result<()> {
        if self.allows(action, target) {
            return Ok(());
        }
        Err(GatewayError::Forbidden(format!(
            "Permission denied: user '{}' (role {}) has no {} permission on {target}.",
            self.user,
            self.roles.join(", "),
            action.name()
        )))
    }

    /// Whether every read is allowed (no need to look at what a query reads).
    pub fn reads_everything(&self) -> bool {
        self.allows(Action::Select, &Target::Account)
    }

    /// Whether every action on everything is allowed.
    pub fn unrestricted(&self) -> bool {
        Action::ALL.iter().all(|a| self.allows(*a, &Target::Account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(roles: &[&str], extra: Vec<Permission>) -> Access {
        let mut permissions: Vec<Permission> = roles.iter().flat_map(|r| built_in(r).unwrap_or_default()).collect();
        permissions.extend(extra);
        Access { user: "u".into(), roles: roles.iter().map(|r| r.to_string()).collect(), permissions }
    }

    #[test]
    fn targets_cover_what_they_contain() {
        let db = Target::Database("c".into(), "d".into());
        assert!(Target::Account.covers(&db));
        assert!(Target::Catalog("c".into()).covers(&db));
        assert!(!Target::Catalog("k".into()).covers(&db));
        assert!(!db.covers(&Target::Catalog("c".into())));
        assert!(!db.covers(&Target::Database("c".into(), "e".into())));
        assert_eq!(Target::parse("database", "sales", "default_catalog").unwrap(), Target::Database("default_catalog".into(), "sales".into()));
        assert_eq!(Target::parse("Database", "k.sales", "x").unwrap(), Target::Database("k".into(), "sales".into()));
        assert!(Target::parse("Database", "*", "x").is_err());
        assert!(Target::parse("Table", "t", "x").is_err());
    }

    #[test]
    fn read_only_reads_and_a_grant_adds_one_database() {
        let db = Target::Database("c".into(), "scratch".into());
        let other = Target::Database("c".into(), "sales".into());
        let read_only = access(&[READ_ONLY], vec![]);
        assert!(read_only.reads_everything());
        assert!(read_only.require(Action::Insert, &db).unwrap_err().to_string().contains("no INSERT permission on database c.scratch"));
        let granted = access(&[READ_ONLY], vec![Permission { target: db.clone(), action: Action::Insert }]);
        assert!(granted.allows(Action::Insert, &db));
        assert!(!granted.allows(Action::Insert, &other));
        assert!(!granted.allows(Action::Drop, &db));
        assert!(access(&[DEVELOPER], vec![]).unrestricted());
        assert_eq!(Action::parse(" insert "), Some(Action::Insert));
    }
}
