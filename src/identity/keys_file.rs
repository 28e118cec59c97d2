//! The API keys of `bearer` authentication. A key is `sg_<id>_<secret>`;
//! it is printed once by `sluicegate key create` and only the SHA-256 of its
//! secret is kept, one `id:user:sha256hex:expires_ms:state` line per key
//! (`expires_ms` 0 = never; `state` `active` or `revoked`). The secret is 32
//! random bytes, so a fast hash is enough: there is nothing to brute-force.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use super::users_file::FileError;

/// One stored key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The public part of the key, naming the record.
    pub id: String,
    /// Whom the key authenticates.
    pub user: String,
    /// SHA-256 of the secret part, hex.
    pub secret_sha256: String,
    /// Milliseconds since the epoch after which the key is refused; 0 = never.
    pub expires_ms: u64,
    /// Revoked keys stay listed (for audit) but are refused.
    pub revoked: bool,
}

impl KeyRecord {
    fn line(&self) -> String {
        format!("{}:{}:{}:{}:{}", self.id, self.user, self.secret_sha256, self.expires_ms, if self.revoked { "revoked" } else { "active" })
    }

    /// Whether the key has expired at `now`.
    pub fn expired_at(&self, now: SystemTime) -> bool {
        self.expires_ms != 0 && now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64) >= self.expires_ms
    }
}

/// Every key of the file, by id.
#[derive(Debug, Clone, Default)]
pub struct KeysFile {
    /// Records by key id.
    keys: HashMap<String, KeyRecord>,
}

impl KeysFile {
    /// Parse the file's text.
    pub fn parse(text: &str) -> Result<Self, FileError> {
        let mut keys = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split(':').collect();
            let bad = || FileError(format!("line {}: expected id:user:sha256:expires_ms:active|revoked", n + 1));
            let [id, user, sha, expires, state] = parts.as_slice() else { return Err(bad()) };
            let record = KeyRecord {
                id: id.to_string(),
                user: user.to_string(),
                secret_sha256: sha.to_ascii_lowercase(),
                expires_ms: expires.parse().map_err(|_| bad())?,
                revoked: match *state {
                    "active" => false,
                    "revoked" => true,
                    _ => return Err(bad()),
                },
            };
            if record.secret_sha256.len() != 64 {
                return Err(bad());
            }
            keys.insert(record.id.clone(), record);
        }
        Ok(KeysFile { keys })
    }

    /// Read `path`; a missing file holds no keys yet.
    pub fn read(path: &Path) -> Result<Self, FileError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| FileError(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(KeysFile::default()),
            Err(e) => Err(FileError(format!("{}: {e}", path.display()))),
        }
    }

    /// The record a presented key names, if its secret matches.
    pub fn lookup(&self, key: &str) -> Option<&KeyRecord> {
        let (id, secret) = split_key(key)?;
        let record = self.keys.get(id)?;
        let digest = hex(&Sha256::digest(secret.as_bytes()));
        constant_time_eq(digest.as_bytes(), record.secret_sha256.as_bytes()).then_some(record)
    }

    /// Every record, sorted by id.
    pub fn records(&self) -> Vec<&KeyRecord> {
        let mut all: Vec<&KeyRecord> = self.keys.values().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }
}

pub(super) fn split_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("sg_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Create a key for `user`, valid for `valid_for` (forever when `None`);
/// appends its record to `path` and answers the key, which is shown once.
pub fn create_key(path: &Path, user: &str, valid_for: Option<Duration>) -> Result<(KeyRecord, String), FileError> {
    if user.is_empty() || user.contains(':') || user.chars().any(char::is_whitespace) {
        return Err(FileError(format!("invalid user name '{user}'")));
    }
    let mut file = KeysFile::read(path)?;
    let id = random_hex(6);
    let secret = random_hex(32);
    let expires_ms = match valid_for {
        Some(d) => (SystemTime::now() + d).duration_since(UNIX_EPOCH).map_or(1, |t| t.as_millis() as u64).max(1),
        None => 0,
    };
    let record = KeyRecord { id: id.clone(), user: user.to_string(), secret_sha256: hex(&Sha256::digest(secret.as_bytes())), expires_ms, revoked: false };
    file.keys.insert(id.clone(), record.clone());
    write(path, &file)?;
    Ok((record, format!("sg_{id}_{secret}")))
}

/// Mark the key `id` revoked; false when there is no such key.
pub fn revoke_key(path: &Path, id: &str) -> Result<bool, FileError> {
    let mut file = KeysFile::read(path)?;
    let Some(record) = file.keys.get_mut(id) else { return Ok(false) };
    record.revoked = true;
    write(path, &file)?;
    Ok(true)
}

fn write(path: &Path, file: &KeysFile) -> Result<(), FileError> {
    let text: String = file.records().iter().map(|r| r.line() + "\n").collect();
    super::write_private(path, &text).map_err(|e| FileError(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_lookup_expire_revoke() {
        let dir = std::env::temp_dir().join(format!("sg-keys-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys");
        let (record, key) = create_key(&path, "alice", None).unwrap();
        let (_, short) = create_key(&path, "bob", Some(Duration::from_millis(1))).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(key.rsplit('_').next().unwrap()), "the secret is not stored");
        let file = KeysFile::read(&path).unwrap();
        assert_eq!(file.lookup(&key).map(|r| r.user.as_str()), Some("alice"));
        assert!(file.lookup(&format!("{key}x")).is_none());
        assert!(file.lookup("sg_nope_secret").is_none());
        assert!(file.lookup("garbage").is_none());
        std::thread::sleep(Duration::from_millis(5));
        assert!(file.lookup(&short).unwrap().expired_at(SystemTime::now()));
        assert!(!file.lookup(&key).unwrap().expired_at(SystemTime::now()));
        assert!(revoke_key(&path, &record.id).unwrap());
        assert!(!revoke_key(&path, "missing").unwrap());
        assert!(KeysFile::read(&path).unwrap().lookup(&key).unwrap().revoked);
        std::fs::remove_dir_all(dir).ok();
    }
}
