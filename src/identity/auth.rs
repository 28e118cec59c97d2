//! Authentication: the caller of a request from its `Authorization` header,
//! under the gateway's mode, and who may act for whom.
//!
//! - `none`: nobody is refused; the name comes from a Basic header when one
//!   is sent (the password is ignored), else the caller is `anonymous`.
//! - `basic`: `Authorization: Basic` checked against the users file (argon2
//!   hashes). An unknown user costs the same hash verification as a wrong
//!   password, so timing does not tell which names exist.
//! - `bearer`: `Authorization: Bearer sg_…` API keys from the keys file;
//!   Basic `user:key` is accepted too, for clients that only speak Basic.
//!
//! Verifying an argon2 hash costs tens of milliseconds by design; a client
//! that opens a session per query would pay it on every request. Verified
//! credentials are therefore remembered for a short while (`cache-ttl`),
//! keyed by a SHA-256 of name and password, so the clear password is never
//! kept. Changes to the files are picked up when they change on disk (checked
//! at most once a second) or on an explicit reload.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::iam::Iam;
use super::keys_file::KeysFile;
use super::user::User;
use super::users_file::{self, FileError, UsersFile};
use crate::error::{GatewayError, Result};

/// How callers prove who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// Trust the name a Basic header gives, else `anonymous`.
    #[default]
    None,
    /// Users file with password hashes.
    Basic,
    /// API keys.
    Bearer,
}

impl AuthMode {
    /// Parse `none` | `basic` | `bearer`, case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Some(AuthMode::None),
            "basic" => Some(AuthMode::Basic),
            "bearer" => Some(AuthMode::Bearer),
            _ => None,
        }
    }

    /// The mode's name.
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Basic => "basic",
            AuthMode::Bearer => "bearer",
        }
    }
}

/// The authentication settings of a gateway.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthSettings {
    /// How callers authenticate.
    pub mode: AuthMode,
    /// The users file (`basic`; also lets `bearer` know nothing more).
    pub users_file: Option<PathBuf>,
    /// The API keys file (`bearer`).
    pub keys_file: Option<PathBuf>,
    /// Users with the admin role.
    pub admins: BTreeSet<String>,
    /// `(real, proxy)` pairs a non-admin may impersonate; `*` as proxy means any.
    pub proxy_allowed: BTreeSet<(String, String)>,
    /// How long verified credentials are remembered.
    pub cache_ttl: Duration,
    /// Most API keys a user may create through the management API.
    pub max_keys_per_user: usize,
}

/// The default of [`AuthSettings::max_keys_per_user`], as ByteHouse allows.
pub const DEFAULT_MAX_KEYS_PER_USER: usize = 2;

/// Most remembered credentials; the cache is emptied when full.
const CACHE_MAX: usize = 10_000;

/// Files are looked at for changes at most this often.
const RELOAD_CHECK: Duration = Duration::from_secs(1);

/// What the files held at the last read, and when they were read.
#[derive(Debug, Default)]
struct Loaded {
    /// Users and hashes.
    users: UsersFile,
    /// API keys.
    keys: KeysFile,
    /// Modification times the contents were read at.
    stamps: (Option<SystemTime>, Option<SystemTime>),
    /// When the stamps were last compared with the disk.
    checked: Option<Instant>,
}

/// Authenticates requests under the configured mode.
#[derive(Debug)]
pub struct Authenticator {
    /// The mode, files, admins and proxy rules.
    settings: AuthSettings,
    /// Keys, roles and grants of the metadata store.
    iam: Arc<Iam>,
    /// The files' contents.
    loaded: RwLock<Loaded>,
    /// SHA-256(name, password) → (name, valid until).
    cache: Mutex<HashMap<[u8; 32], (String, Instant)>>,
    /// A hash verified when the user is unknown, so that an unknown name costs
    /// what a wrong password does.
    decoy_hash: String,
}

/// The parts of an `Authorization` header.
enum Credentials {
    /// No header.
    Missing,
    /// `Basic` name and password.
    Basic(String, String),
    /// `Bearer` token.
    Bearer(String),
    /// A scheme this gateway does not speak, or a malformed header.
    Unusable,
}

fn credentials(header: Option<&str>) -> Credentials {
    let Some(header) = header.map(str::trim).filter(|h| !h.is_empty()) else { return Credentials::Missing };
    let (scheme, value) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok().and_then(|b| String::from_utf8(b).ok());
        match decoded.as_deref().and_then(|d| d.split_once(':')) {
            Some((name, password)) => Credentials::Basic(name.to_string(), password.to_string()),
            None => match decoded {
                Some(name) if !name.is_empty() => Credentials::Basic(name, String::new()),
                _ => Credentials::Unusable,
            },
        }
    } else if scheme.eq_ignore_ascii_case("bearer") && !value.trim().is_empty() {
        Credentials::Bearer(value.trim().to_string())
    } else {
        Credentials::Unusable
    }
}

impl Authenticator {
    /// An authenticator over `settings`; the files are read now, so a bad
    /// file stops the gateway from starting.
    pub fn new(settings: AuthSettings) -> Result<Self, FileError> {
        match settings.mode {
            AuthMode::Basic if settings.users_file.is_none() => return Err(FileError("sluicegate.auth.mode=basic needs a users file (--users-file)".into())),
            AuthMode::Bearer if settings.keys_file.is_none() => return Err(FileError("sluicegate.auth.mode=bearer needs a keys file (--keys-file)".into())),
            _ => {}
        }
        let auth = Authenticator {
            decoy_hash: users_file::hash_password("decoy password of no user")?,
            iam: Arc::new(Iam::new(None, settings.admins.clone(), settings.max_keys_per_user)),
            settings,
            loaded: RwLock::new(Loaded::default()),
            cache: Mutex::new(HashMap::new()),
        };
        auth.reload()?;
        Ok(auth)
    }

    /// Authentication off, no admins: the default gateway.
    pub fn open() -> Self {
        Authenticator {
            iam: Arc::new(Iam::new(None, BTreeSet::new(), DEFAULT_MAX_KEYS_PER_USER)),
            settings: AuthSettings::default(),
            loaded: RwLock::new(Loaded::default()),
            cache: Mutex::new(HashMap::new()),
            decoy_hash: String::new(),
        }
    }

    /// An authenticator that lets nobody in (settings that could not be used).
    pub fn refusing() -> Self {
        Authenticator {
            iam: Arc::new(Iam::new(None, BTreeSet::new(), 0)),
            settings: AuthSettings { mode: AuthMode::Basic, ..AuthSettings::default() },
            loaded: RwLock::new(Loaded::default()),
            cache: Mutex::new(HashMap::new()),
            decoy_hash: String::new(),
        }
    }

    /// The same authenticator with its keys, roles and grants kept in `store`.
    pub fn with_store(mut self, store: Option<Arc<dyn crate::store::MetadataStore>>) -> Self {
        self.iam = Arc::new(Iam::new(store, self.settings.admins.clone(), self.settings.max_keys_per_user));
        self
    }

    /// Keys, roles and grants.
    pub fn iam(&self) -> &Arc<Iam> {
        &self.iam
    }

    /// The configured mode.
    pub fn mode(&self) -> AuthMode {
        self.settings.mode
    }

    /// The `WWW-Authenticate` challenge of a 401.
    pub fn challenge(&self) -> &'static str {
        match self.settings.mode {
            AuthMode::Bearer => "Bearer realm=\"sluicegate\"",
            _ => "Basic realm=\"sluicegate\"",
        }
    }

    /// Re-read the users and keys files and forget remembered credentials.
    pub fn reload(&self) -> Result<(), FileError> {
        let stamp = |p: &Option<PathBuf>| p.as_ref().and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        let users = match &self.settings.users_file {
            Some(path) => UsersFile::read(path)?,
            None => UsersFile::default(),
        };
        let keys = match &self.settings.keys_file {
            Some(path) => KeysFile::read(path)?,
            None => KeysFile::default(),
        };
        let stamps = (stamp(&self.settings.users_file), stamp(&self.settings.keys_file));
        *self.loaded.write().unwrap_or_else(|e| e.into_inner()) = Loaded { users, keys, stamps, checked: Some(Instant::now()) };
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
        Ok(())
    }

    /// Reload when a file changed on disk since it was read.
    fn reload_if_changed(&self) {
        let stamp = |p: &Option<PathBuf>| p.as_ref().and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        {
            let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
            if loaded.checked.is_some_and(|t| t.elapsed() < RELOAD_CHECK) {
                return;
            }
            if loaded.stamps == (stamp(&self.settings.users_file), stamp(&self.settings.keys_file)) {
                drop(loaded);
                self.loaded.write().unwrap_or_else(|e| e.into_inner()).checked = Some(Instant::now());
                return;
            }
        }
        if let Err(e) = self.reload() {
            // Keep serving with what was read before; say why the change is ignored.
            tracing::warn!(error = %e, "credentials files changed but cannot be read; keeping the previous contents");
            self.loaded.write().unwrap_or_else(|e| e.into_inner()).checked = Some(Instant::now());
        }
    }

    /// The user with `name`, an administrator when the settings or an
    /// `AccountAdmin` assignment make it one.
    pub fn user(&self, name: &str) -> User {
        let user = User::named(name);
        if self.iam.is_admin(name) { user.admin() } else { user }
    }

    /// The caller of a request carrying `authorization`.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<User> {
        let creds = credentials(authorization);
        if self.settings.mode == AuthMode::None {
            return Ok(match creds {
                Credentials::Basic(name, _) if !name.is_empty() => self.user(&name),
                // A valid key still names its user; anything else is anonymous.
                Credentials::Bearer(key) => self.by_key(None, &key).unwrap_or_else(|_| User::anonymous()),
                _ => User::anonymous(),
            });
        }
        self.reload_if_changed();
        match creds {
            Credentials::Missing => Err(GatewayError::Unauthenticated("Authentication required: send an Authorization header.".into())),
            Credentials::Unusable => Err(GatewayError::Unauthenticated(format!(
                "Unsupported or malformed Authorization header; this gateway authenticates with {}.",
                if self.settings.mode == AuthMode::Bearer { "Bearer API keys (or Basic user:key)" } else { "Basic credentials" }
            ))),
            Credentials::Bearer(key) if self.settings.mode == AuthMode::Bearer => self.by_key(None, &key),
            Credentials::Basic(name, secret) if self.settings.mode == AuthMode::Bearer => self.by_key(Some(&name), &secret),
            Credentials::Basic(name, password) => self.by_password(&name, &password),
            // Keys created through the management API are accepted in basic mode too.
            Credentials::Bearer(key) => self.by_key(None, &key),
        }
    }

    fn by_key(&self, name: Option<&str>, key: &str) -> Result<User> {
        if let Some(stored) = self.iam.lookup_key(key).filter(|k| name.is_none_or(|n| n == k.owner)) {
            let now = crate::store::now_ms();
            return match stored {
                k if !k.enabled => Err(GatewayError::Unauthenticated(format!("API key {} is disabled.", k.id))),
                k if k.expires_at != 0 && now >= k.expires_at => Err(GatewayError::Unauthenticated(format!("API key {} has expired.", k.id))),
                k => Ok(self.user(&k.owner)),
            };
        }
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        let record = loaded.keys.lookup(key).filter(|r| name.is_none_or(|n| n == r.user));
        match record {
            None => Err(GatewayError::BadCredentials("Invalid API key.".into())),
            Some(r) if r.revoked => Err(GatewayError::Unauthenticated(format!("API key {} has been revoked.", r.id))),
            Some(r) if r.expired_at(SystemTime::now()) => Err(GatewayError::Unauthenticated(format!("API key {} has expired.", r.id))),
            Some(r) => Ok(self.user(&r.user)),
        }
    }

    fn by_password(&self, name: &str, password: &str) -> Result<User> {
        let fingerprint: [u8; 32] = Sha256::new().chain_update(name.as_bytes()).chain_update([0u8]).chain_update(password.as_bytes()).finalize().into();
        if let Some((cached, until)) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&fingerprint) {
            if *until > Instant::now() && cached == name {
                return Ok(self.user(name));
            }
        }
        let hash = self.loaded.read().unwrap_or_else(|e| e.into_inner()).users.hash_of(name).map(str::to_string);
        let known = hash.is_some();
        let ok = users_file::verify_password(hash.as_deref().unwrap_or(&self.decoy_hash), password) && known;
        if !ok {
            return Err(GatewayError::BadCredentials(format!("Authentication failed for user '{name}'.")));
        }
        if !self.settings.cache_ttl.is_zero() {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
            if let Some(until) = Instant::now().checked_add(self.settings.cache_ttl) {
                cache.insert(fingerprint, (name.to_string(), until));
            }
        }
        Ok(self.user(name))
    }

    /// The user `real` acts as when it asks for `proxy`: itself when no proxy
    /// (or itself) is asked for; the proxy when `real` is an admin or the pair
    /// is allowed; otherwise refused.
    pub fn impersonate(&self, real: &User, proxy: Option<&str>) -> Result<User> {
        let Some(proxy) = proxy.map(str::trim).filter(|p| !p.is_empty() && *p != real.name) else { return Ok(real.clone()) };
        let allowed = real.is_admin()
            || self.settings.proxy_allowed.contains(&(real.name.clone(), proxy.to_string()))
            || self.settings.proxy_allowed.contains(&(real.name.clone(), "*".to_string()));
        if !allowed {
            return Err(GatewayError::Forbidden(format!("Failed to validate proxy privilege of {} for {proxy}", real.name)));
        }
        let mut user = User::named(proxy);
        user.real = Some(real.name.clone());
        Ok(user)
    }
}
