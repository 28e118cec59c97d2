//! Wire types of the IAM and account routes. Requests take the field names
//! of ByteHouse's reference (`noExpiry`, `UserID`, `RoleName`, ...);
//! answers use camelCase as the rest of this API does.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::model::{envelope, Meta, NoError, SUCCESS};

/// An API key as listed: never its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyView {
    /// The key's id: the part of `sg_<id>_<secret>` between the underscores.
    pub id: String,
    /// The number of the user it authenticates.
    #[serde(rename = "userID")]
    pub user_id: i64,
    /// The name of the user it authenticates.
    pub user_name: String,
    /// What its owner wrote about it.
    pub comment: String,
    /// `ENABLED`, `DISABLED`, or `EXPIRED` (past its expiry).
    pub status: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it stops working (RFC 3339, UTC); null when it never expires.
    pub expires_at: Option<String>,
    /// Whether it never expires.
    pub no_expiry: bool,
}

/// A created key: the listing fields and, this once, the key itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    /// The key to send as `Authorization: Bearer <key>`; shown only now (only a hash is kept).
    pub key: String,
    /// The key's record.
    #[serde(flatten)]
    pub record: ApiKeyView,
}

/// `POST /iam/api-keys`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKeyRequest {
    /// The key never expires (`expiryInDays` is then ignored).
    pub no_expiry: Option<bool>,
    /// Days until the key expires, 1 to 3650 (default 90).
    pub expiry_in_days: Option<i64>,
    /// A note about the key (at most 256 characters).
    pub comment: Option<String>,
}

/// `PATCH /iam/api-keys/{id}/status`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ApiKeyStatusRequest {
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
}

/// `PATCH /iam/api-keys/{id}/expiry`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyExpiryRequest {
    /// Days to add to the expiry (from now when it has passed), 1 to 3650.
    pub add_expiry_in_days: Option<i64>,
}

/// A permission granted to a role.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PermissionView {
    /// The role holding it.
    pub role_name: String,
    /// `Account`, `Catalog` or `Database`.
    pub secure_object_type_name: String,
    /// `*`, a catalog name, or `catalog.database`.
    #[serde(rename = "byteHouseResourceID")]
    pub resource_id: String,
    /// `SELECT`, `INSERT`, `CREATE`, `DROP`, `ALTER` or `ALL`.
    pub action_name: String,
    /// Whether holders may grant it on.
    pub grant_option: bool,
}

/// A role.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    /// Its name, as `X-User-ActiveRole` and assignments name it.
    pub name: String,
    /// What it is for (built-in roles).
    pub description: String,
    /// Defined by the gateway (`AccountAdmin`, `Developer`, `ReadOnly`); others are defined by their grants.
    pub built_in: bool,
    /// Permissions granted to it beyond its built-in ones.
    pub permissions: Vec<PermissionView>,
}

/// A role held by a user.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentView {
    /// The user's number.
    #[serde(rename = "userID")]
    pub user_id: i64,
    /// The user's name.
    pub user_name: String,
    /// The role.
    pub role_name: String,
    /// Whether the settings give it (`sluicegate.auth.admins`): it cannot be un-assigned here.
    pub configured: bool,
}

/// `POST` and `DELETE /iam/role-assignments`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AssignmentRequest {
    /// The user: its number (as listed in `userID`) or its name.
    #[serde(rename = "UserID")]
    #[schema(value_type = Object)]
    pub user_id: Option<Value>,
    /// The role.
    #[serde(rename = "RoleName")]
    pub role_name: Option<String>,
}

/// `POST /iam/permissions/grant` and `/revoke`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PermissionRequest {
    /// The role.
    #[serde(rename = "RoleName")]
    pub role_name: Option<String>,
    /// `*` (Account), a catalog name (Catalog), `catalog.database` or a database of `default_catalog` (Database).
    #[serde(rename = "ByteHouseResourceID")]
    pub resource_id: Option<String>,
    /// `Account`, `Catalog` or `Database`.
    #[serde(rename = "SecureObjectTypeName")]
    pub object_type: Option<String>,
    /// `SELECT`, `INSERT`, `CREATE`, `DROP`, `ALTER` or `ALL`.
    #[serde(rename = "ActionName")]
    pub action: Option<String>,
    /// Whether holders may grant it on (grant only; default false).
    #[serde(rename = "GrantOption")]
    pub grant_option: Option<bool>,
}

/// The caller as the account sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountUser {
    /// The user's number.
    #[serde(rename = "userID")]
    pub user_id: i64,
    /// The user's name.
    pub user_name: String,
    /// Every role it holds.
    pub roles: Vec<String>,
    /// The role this request acts with (`X-User-ActiveRole`), or null for all.
    pub active_role: Option<String>,
}

/// `GET /account/status`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountStatus {
    /// `ACTIVE` while the gateway serves.
    pub status: String,
    /// The gateway's version.
    pub version: String,
    /// `none`, `basic` or `bearer`.
    pub auth_mode: String,
    /// Where metadata lives: `sqlite`, `postgres`, or `memory` (nothing survives a restart).
    pub metadata_backend: String,
    /// Who asks.
    pub user: AccountUser,
}

envelope!(ApiKeyListResponse, Vec<ApiKeyView>, "The caller's API keys (everyone's for an AccountAdmin).");
envelope!(CreatedApiKeyResponse, CreatedApiKey, "A new API key, shown once.");
envelope!(ApiKeyResponse, ApiKeyView, "An API key after a change.");
envelope!(AssignmentListResponse, Vec<AssignmentView>, "Role assignments.");
envelope!(AssignmentResponse, AssignmentView, "The assignment made or removed.");
envelope!(PermissionListResponse, Vec<PermissionView>, "Permissions granted to roles.");
envelope!(PermissionResponse, PermissionView, "The permission granted or revoked.");
envelope!(AccountStatusResponse, AccountStatus, "The account and the caller.");

envelope!(RoleListResponse, Vec<RoleView>, meta, "Every role, with paging meta.");
