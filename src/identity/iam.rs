//! Users, API keys, roles and grants kept in the metadata store, and the
//! rules of changing them: anyone manages their own keys (at most
//! `sluicegate.iam.max-keys-per-user`), only an `AccountAdmin` assigns roles,
//! grants permissions or touches another user's keys.
//!
//! The tables are small, so they are read whole at start and answered from
//! memory; every change is written to the store first and made in memory
//! only once it is durable (as catalog DDL is). Writers queue on one lock, so
//! a check (the key cap, a role's existence) and its write are one step.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};

use super::access::{self, Access, Action, Permission, Target, ACCOUNT_ADMIN, DEVELOPER};
use super::keys_file::{constant_time_eq, hex, random_hex, split_key};
use super::user::User;
use crate::error::{GatewayError, Result};
use crate::store::{now_ms, IdentityChange, MetadataStore, StoredGrant, StoredKey};

/// What the store held at start, and every change since.
#[derive(Debug, Default)]
struct State {
    /// User numbers by name.
    users: HashMap<String, i64>,
    /// API keys by id.
    keys: HashMap<String, StoredKey>,
    /// Assigned roles by user.
    assignments: BTreeMap<String, BTreeSet<String>>,
    /// Every grant, by role first.
    grants: BTreeSet<StoredGrant>,
}

/// A role as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleInfo {
    /// Its name.
    pub name: String,
    /// What it is for (built-in roles), or empty.
    pub description: String,
    /// Whether the gateway defines it (it cannot be removed).
    pub built_in: bool,
    /// The grants added to it.
    pub grants: Vec<StoredGrant>,
}

/// The identity tables of the gateway, in memory and in the store.
#[derive(Debug)]
pub struct Iam {
    /// Where changes are made durable; `None` keeps them for this process.
    store: Option<Arc<dyn MetadataStore>>,
    /// Users the settings make administrators (`sluicegate.auth.admins`).
    admins: BTreeSet<String>,
    /// Most API keys one user may hold in the store.
    max_keys: usize,
    /// The tables' contents.
    state: RwLock<State>,
    /// One change at a time: a check and its write do not interleave with another's.
    writing: tokio::sync::Mutex<()>,
}

impl Iam {
    /// Identity tables in `store`, administrators from the settings.
    pub fn new(store: Option<Arc<dyn MetadataStore>>, admins: BTreeSet<String>, max_keys: usize) -> Self {
        Iam { store, admins, max_keys, state: RwLock::default(), writing: tokio::sync::Mutex::new(()) }
    }

    /// Read the store's identity tables (at start).
    pub async fn load(&self) -> Result<()> {
        let Some(store) = &self.store else { return Ok(()) };
        let rows = store.identity().await?;
        let mut state = self.write_state();
        state.users = rows.users.into_iter().collect();
        state.keys = rows.keys.into_iter().map(|k| (k.id.clone(), k)).collect();
        state.assignments.clear();
        for (user, role) in rows.assignments {
            state.assignments.entry(user).or_default().insert(role);
        }
        state.grants = rows.grants.into_iter().collect();
        Ok(())
    }

    fn read_state(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    async fn persist(&self, change: &IdentityChange) -> Result<()> {
        match &self.store {
            Some(store) => store.change_identity(change).await,
            None => Ok(()),
        }
    }

    /// The roles `user` holds: assigned ones, `AccountAdmin` for configured
    /// administrators, and `Developer` when nothing else.
    pub fn roles_of(&self, user: &str) -> Vec<String> {
        let mut roles: BTreeSet<String> = self.read_state().assignments.get(user).cloned().unwrap_or_default();
        if self.admins.contains(user) {
            roles.insert(ACCOUNT_ADMIN.to_string());
        }
        if roles.is_empty() {
            roles.insert(DEVELOPER.to_string());
        }
        roles.into_iter().collect()
    }

    /// Whether the settings make `user` an administrator (`sluicegate.auth.admins`).
    pub fn is_configured_admin(&self, user: &str) -> bool {
        self.admins.contains(user)
    }

    /// Whether `user` holds `AccountAdmin`.
    pub fn is_admin(&self, user: &str) -> bool {
        self.admins.contains(user) || self.read_state().assignments.get(user).is_some_and(|r| r.contains(ACCOUNT_ADMIN))
    }

    /// Whether `role` exists: built in, or defined by a grant.
    pub fn role_exists(&self, role: &str) -> bool {
        access::built_in(role).is_some() || self.read_state().grants.iter().any(|g| g.role == role)
    }

    /// What `user` may do acting with `active_role` (all its roles when
    /// `None`); a role the user does not hold is refused. An administrator
    /// may act with any existing role.
    pub fn access(&self, user: &str, active_role: Option<&str>) -> Result<Access> {
        let held = self.roles_of(user);
        let roles = match active_role {
            None => held,
            Some(role) if held.iter().any(|r| r == role) => vec![role.to_string()],
            Some(role) if self.is_admin(user) && self.role_exists(role) => vec![role.to_string()],
            Some(role) => return Err(GatewayError::Forbidden(format!("User '{user}' does not hold role '{role}' (X-User-ActiveRole); held: {}.", held.join(", ")))),
        };
        let state = self.read_state();
        let mut permissions = Vec::new();
        for role in &roles {
            permissions.extend(access::built_in(role).unwrap_or_default());
            for grant in state.grants.iter().filter(|g| &g.role == role) {
                let Ok(target) = Target::parse(&grant.object_type, &grant.resource, crate::engine::DEFAULT_CATALOG) else { continue };
                match Action::parse(&grant.action) {
                    Some(action) => permissions.push(Permission { target, action }),
                    None => permissions.extend(Action::ALL.map(|action| Permission { target: target.clone(), action })),
                }
            }
        }
        Ok(Access { user: user.to_string(), roles, permissions })
    }

    /// Whether `user` may do everything acting with all its roles: it holds
    /// `AccountAdmin` or `Developer` (also by having no role). One lookup,
    /// no permission list: the check every statement of most users takes.
    pub fn unrestricted(&self, user: &str) -> bool {
        self.admins.contains(user) || self.read_state().assignments.get(user).is_none_or(|r| r.contains(ACCOUNT_ADMIN) || r.contains(DEVELOPER))
    }

    /// Whether `caller` manages everyone's keys, roles and grants.
    fn manages_all(&self, caller: &User) -> bool {
        caller.is_admin() || self.is_admin(caller.real_name())
    }

    fn require_admin(&self, caller: &User, what: &str) -> Result<()> {
        if self.manages_all(caller) {
            return Ok(());
        }
        Err(GatewayError::Forbidden(format!("Only an {ACCOUNT_ADMIN} may {what}; '{}' is not one.", caller.real_name())))
    }

    /// The number of user `name`, given now when it has none.
    pub async fn user_number(&self, name: &str) -> Result<i64> {
        if let Some(n) = self.read_state().users.get(name) {
            return Ok(*n);
        }
        let number = match &self.store {
            Some(store) => store.user_number(name).await?,
            None => {
                let state = self.read_state();
                state.users.values().max().copied().unwrap_or(0) + 1
            }
        };
        self.write_state().users.entry(name.to_string()).or_insert(number);
        Ok(number)
    }

    /// The user numbered `number`.
    pub fn user_named(&self, number: i64) -> Option<String> {
        self.read_state().users.iter().find(|(_, n)| **n == number).map(|(name, _)| name.clone())
    }

    // ---- API keys -------------------------------------------------------

    /// The key `presented` (`sg_<id>_<secret>`) names, if its secret matches.
    pub fn lookup_key(&self, presented: &str) -> Option<StoredKey> {
        let (id, secret) = split_key(presented)?;
        let state = self.read_state();
        let key = state.keys.get(id)?;
        let digest = hex(&Sha256::digest(secret.as_bytes()));
        constant_time_eq(digest.as_bytes(), key.secret_sha256.as_bytes()).then(|| key.clone())
    }

    /// A new key for `caller`, expiring at `expires_at` (ms; 0 = never):
    /// the record and the key, which is shown once.
    pub async fn create_key(&self, caller: &User, comment: &str, expires_at: i64) -> Result<(StoredKey, String)> {
        let owner = caller.name.clone();
        let _one = self.writing.lock().await;
        let held = self.read_state().keys.values().filter(|k| k.owner == owner).count();
        if held >= self.max_keys {
            return Err(GatewayError::Conflict(format!(
                "User '{owner}' already holds {held} API key(s), the most allowed (sluicegate.iam.max-keys-per-user = {}); delete one first.",
                self.max_keys
            )));
        }
        let secret = random_hex(32);
        let key = StoredKey {
            id: random_hex(10),
            owner,
            secret_sha256: hex(&Sha256::digest(secret.as_bytes())),
            comment: comment.to_string(),
            enabled: true,
            expires_at,
            created_at: now_ms(),
        };
        self.persist(&IdentityChange::PutKey(key.clone())).await?;
        self.write_state().keys.insert(key.id.clone(), key.clone());
        let shown = format!("sg_{}_{secret}", key.id);
        Ok((key, shown))
    }

    /// The keys of `caller` (of everyone for an administrator), oldest first.
    pub fn keys(&self, caller: &User) -> Vec<StoredKey> {
        let admin = self.manages_all(caller);
        let mut keys: Vec<StoredKey> = self.read_state().keys.values().filter(|k| admin || k.owner == caller.name).cloned().collect();
        keys.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        keys
    }

    /// The key `id` if `caller` may manage it (its own, or any for an
    /// administrator); another user's key reads as unknown.
    fn managed_key(&self, caller: &User, id: &str) -> Result<StoredKey> {
        let admin = self.manages_all(caller);
        self.read_state()
            .keys
            .get(id)
            .filter(|k| admin || k.owner == caller.name)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("API key '{id}' does not exist.")))
    }

    /// Change key `id` with `change`, durably.
    async fn update_key(&self, caller: &User, id: &str, change: impl FnOnce(&mut StoredKey) -> Result<()>) -> Result<StoredKey> {
        let _one = self.writing.lock().await;
        let mut key = self.managed_key(caller, id)?;
        change(&mut key)?;
        self.persist(&IdentityChange::PutKey(key.clone())).await?;
        self.write_state().keys.insert(key.id.clone(), key.clone());
        Ok(key)
    }

    /// Enable or disable key `id`.
    pub async fn set_key_enabled(&self, caller: &User, id: &str, enabled: bool) -> Result<StoredKey> {
        self.update_key(caller, id, |k| {
            k.enabled = enabled;
            Ok(())
        })
        .await
    }

    /// Move the expiry of key `id` `days` later (from now when it has passed).
    pub async fn extend_key(&self, caller: &User, id: &str, days: u32) -> Result<StoredKey> {
        self.update_key(caller, id, |k| {
            if k.expires_at == 0 {
                return Err(GatewayError::bad_request(format!("API key '{}' never expires; there is no expiry to extend.", k.id)));
            }
            k.expires_at = k.expires_at.max(now_ms()).saturating_add(i64::from(days) * 86_400_000);
            Ok(())
        })
        .await
    }

    /// Remove key `id`.
    pub async fn delete_key(&self, caller: &User, id: &str) -> Result<()> {
        let _one = self.writing.lock().await;
        let key = self.managed_key(caller, id)?;
        self.persist(&IdentityChange::DeleteKey(key.id.clone())).await?;
        self.write_state().keys.remove(&key.id);
        Ok(())
    }

    // ---- roles and grants ----------------------------------------------

    /// Every role: the built-in ones, then those grants define, with their grants.
    pub fn roles(&self) -> Vec<RoleInfo> {
        let state = self.read_state();
        let mut roles: Vec<RoleInfo> = access::BUILT_IN_ROLES
            .iter()
            .map(|(name, description)| RoleInfo { name: name.to_string(), description: description.to_string(), built_in: true, grants: Vec::new() })
            .collect();
        for grant in &state.grants {
            match roles.iter_mut().find(|r| r.name == grant.role) {
                Some(role) => role.grants.push(grant.clone()),
                None => roles.push(RoleInfo { name: grant.role.clone(), description: String::new(), built_in: false, grants: vec![grant.clone()] }),
            }
        }
        roles
    }

    /// `(user, role)` assignments, of `user` only when given, plus the
    /// administrators of the settings.
    pub fn assignments(&self, user: Option<&str>) -> Vec<(String, String)> {
        let state = self.read_state();
        let mut all: BTreeSet<(String, String)> = state.assignments.iter().flat_map(|(u, roles)| roles.iter().map(move |r| (u.clone(), r.clone()))).collect();
        all.extend(self.admins.iter().map(|a| (a.clone(), ACCOUNT_ADMIN.to_string())));
        all.into_iter().filter(|(u, _)| user.is_none_or(|w| w == u)).collect()
    }

    /// Give `user` the role `role` (an existing one).
    pub async fn assign(&self, caller: &User, user: &str, role: &str) -> Result<()> {
        self.require_admin(caller, "assign roles")?;
        let _one = self.writing.lock().await;
        if !self.role_exists(role) {
            return Err(GatewayError::NotFound(format!("Role '{role}' does not exist.")));
        }
        self.persist(&IdentityChange::Assign(user.to_string(), role.to_string())).await?;
        self.write_state().assignments.entry(user.to_string()).or_default().insert(role.to_string());
        Ok(())
    }

    /// Take `role` from `user`; false when it did not hold it.
    pub async fn unassign(&self, caller: &User, user: &str, role: &str) -> Result<bool> {
        self.require_admin(caller, "un-assign roles")?;
        let _one = self.writing.lock().await;
        if !self.read_state().assignments.get(user).is_some_and(|r| r.contains(role)) {
            return Ok(false);
        }
        self.persist(&IdentityChange::Unassign(user.to_string(), role.to_string())).await?;
        let mut state = self.write_state();
        if let Some(roles) = state.assignments.get_mut(user) {
            roles.remove(role);
            if roles.is_empty() {
                state.assignments.remove(user);
            }
        }
        Ok(true)
    }

    /// Grant `action` (an action name or `ALL`) on `target` to `role`.
    pub async fn grant(&self, caller: &User, role: &str, target: &Target, action: &str, grant_option: bool) -> Result<StoredGrant> {
        self.require_admin(caller, "grant permissions")?;
        let grant = grant_of(role, target, action, grant_option)?;
        let _one = self.writing.lock().await;
        self.persist(&IdentityChange::Grant(grant.clone())).await?;
        let mut state = self.write_state();
        state.grants.retain(|g| !(g.role == grant.role && g.object_type == grant.object_type && g.resource == grant.resource && g.action == grant.action));
        state.grants.insert(grant.clone());
        Ok(grant)
    }

    /// Revoke what [`Iam::grant`] gave; false when it was not granted.
    pub async fn revoke(&self, caller: &User, role: &str, target: &Target, action: &str) -> Result<bool> {
        self.require_admin(caller, "revoke permissions")?;
        let grant = grant_of(role, target, action, false)?;
        let _one = self.writing.lock().await;
        let same = |g: &StoredGrant| g.role == grant.role && g.object_type == grant.object_type && g.resource == grant.resource && g.action == grant.action;
        if !self.read_state().grants.iter().any(same) {
            return Ok(false);
        }
        self.persist(&IdentityChange::Revoke(grant.clone())).await?;
        self.write_state().grants.retain(|g| !same(g));
        Ok(true)
    }
}

/// The stored form of a grant, its action checked.
fn grant_of(role: &str, target: &Target, action: &str, grant_option: bool) -> Result<StoredGrant> {
    let role = role.trim();
    if role.is_empty() || role.len() > 128 {
        return Err(GatewayError::bad_request("RoleName must have 1 to 128 characters."));
    }
    if role == ACCOUNT_ADMIN {
        return Err(GatewayError::bad_request(format!("{ACCOUNT_ADMIN} holds every permission already.")));
    }
    let action = match Action::parse(action) {
        Some(a) => a.name().to_string(),
        None if action.trim().eq_ignore_ascii_case("ALL") => "ALL".to_string(),
        None => return Err(GatewayError::bad_request(format!("Unknown ActionName '{}': use SELECT, INSERT, CREATE, DROP, ALTER or ALL.", action.trim()))),
    };
    Ok(StoredGrant { role: role.to_string(), object_type: target.type_name().to_string(), resource: target.resource(), action, grant_option })
}
