//! Identity: who a request comes from, what they own, and who may act for whom.
//!
//! Protocol-neutral: every protocol turns its request's `Authorization`
//! header into a [`User`] through the gateway's [`Authenticator`], and the
//! core checks that user against the owner of every session, operation and
//! job it touches (another user's handle reads as unknown).
//!
//! - [`user`]: the user, roles, and the ownership rule.
//! - [`auth`]: the modes (`none`, `basic`, `bearer`), credential checks,
//!   impersonation.
//! - [`iam`]: API keys, role assignments and grants in the metadata store;
//!   [`access`]: actions, targets, built-in roles, and the check every
//!   statement passes (in the engine, so every protocol is held to it).
//! - [`users_file`], [`keys_file`]: passwords (argon2 hashes) and
//!   bootstrap API keys (SHA-256 of the secret) an operator keeps in files.

pub mod access;
pub mod auth;
pub mod iam;
pub mod keys_file;
pub mod user;
pub mod users_file;
#[cfg(test)]
mod tests;

pub use auth::{AuthMode, AuthSettings, Authenticator};
pub use user::{Role, User, ANONYMOUS};

use std::io::Write;
use std::path::Path;

/// Replace `path` with `text` atomically (write a sibling, then rename), the
/// file readable by its owner only: it holds credentials' hashes.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
