//! The users file of `basic` authentication: one `name:hash` per line, the
//! hash a PHC string (argon2id). Passwords are never stored or logged in
//! clear; `sluicegate user add` writes a line.

use std::collections::HashMap;
use std::path::Path;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Names and password hashes, as read from the file.
#[derive(Debug, Clone, Default)]
pub struct UsersFile {
    /// PHC hash strings by user name.
    hashes: HashMap<String, String>,
}

/// A users file that cannot be read or holds a malformed line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

impl UsersFile {
    /// Parse the file's text: blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> Result<Self, FileError> {
        let mut hashes = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, hash) = line.split_once(':').ok_or_else(|| FileError(format!("line {}: expected name:hash", n + 1)))?;
            PasswordHash::new(hash).map_err(|e| FileError(format!("line {}: user {name}: not a password hash ({e})", n + 1)))?;
            hashes.insert(name.to_string(), hash.to_string());
        }
        Ok(UsersFile { hashes })
    }

    /// Read `path`; a missing file is an error (a configured file must exist).
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let text = std::fs::read_to_string(path).map_err(|e| FileError(format!("{}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| FileError(format!("{}: {e}", path.display())))
    }

    /// The stored hash of `name`.
    pub fn hash_of(&self, name: &str) -> Option<&str> {
        self.hashes.get(name).map(String::as_str)
    }

    /// How many users the file names.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the file names no user.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// An argon2id hash of `password` with a fresh random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, FileError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| FileError(format!("hashing failed: {e}")))
}

/// Whether `password` matches the PHC `hash` (constant time in the password).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Add `name` with `password` to the file at `path`, replacing an earlier
/// line for the same name; the file is created (mode 0600 on Unix) if missing.
pub fn add_user(path: &Path, name: &str, password: &str) -> Result<(), FileError> {
    if name.is_empty() || name.contains(':') || name.chars().any(char::is_whitespace) {
        return Err(FileError(format!("invalid user name '{name}': no ':' or whitespace allowed")));
    }
    if password.is_empty() {
        return Err(FileError("the password must not be empty".into()));
    }
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(FileError(format!("{}: {e}", path.display()))),
    };
    let mut out: Vec<String> = existing
        .lines()
        .filter(|line| line.trim().split_once(':').is_none_or(|(n, _)| n != name))
        .map(str::to_string)
        .collect();
    out.push(format!("{name}:{}", hash_password(password)?));
    super::write_private(path, &(out.join("\n") + "\n")).map_err(|e| FileError(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_parse_verify() {
        let dir = std::env::temp_dir().join(format!("sg-users-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users");
        add_user(&path, "alice", "secret-1").unwrap();
        add_user(&path, "bob", "pw").unwrap();
        add_user(&path, "alice", "secret-2").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("secret"), "no clear password in the file");
        assert_eq!(text.lines().filter(|l| l.starts_with("alice:")).count(), 1);
        let users = UsersFile::read(&path).unwrap();
        assert_eq!(users.len(), 2);
        assert!(verify_password(users.hash_of("alice").unwrap(), "secret-2"));
        assert!(!verify_password(users.hash_of("alice").unwrap(), "secret-1"));
        assert!(verify_password(users.hash_of("bob").unwrap(), "pw"));
        assert!(users.hash_of("carol").is_none());
        assert!(UsersFile::parse("alice").is_err());
        assert!(UsersFile::parse("alice:plaintext").is_err());
        assert!(add_user(&path, "a:b", "x").is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
