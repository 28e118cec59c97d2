//! Data roots: the directories that file-based connectors may read and write.
//!
//! A `path` table option is user input, and the gateway runs the statements of
//! every user with its own file system rights. So each path is resolved to a
//! canonical path and must lie inside one of the configured roots: `..`,
//! absolute paths elsewhere and symlinks that point out of a root are refused
//! before any file is touched.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::{GatewayError, Result};

/// Directories that file paths in table options must stay inside.
#[derive(Debug, Clone)]
pub struct DataRoots {
    /// Canonical, existing directories, in configuration order without
    /// duplicates; relative paths are taken relative to the first.
    dirs: Vec<PathBuf>,
}

impl DataRoots {
    /// No roots: every path is refused.
    pub fn none() -> Self {
        DataRoots { dirs: Vec::new() }
    }

    /// Roots from configured directories: missing ones are created, all are
    /// canonicalized (so later containment checks compare real paths).
    pub fn new(dirs: Vec<PathBuf>) -> Result<Self> {
        let mut canonical: Vec<PathBuf> = Vec::with_capacity(dirs.len());
        for dir in dirs {
            fs::create_dir_all(&dir)
                .map_err(|e| GatewayError::Internal(format!("Cannot create data directory '{}': {e}", dir.display())))?;
            let dir = fs::canonicalize(&dir)
                .map_err(|e| GatewayError::Internal(format!("Cannot resolve data directory '{}': {e}", dir.display())))?;
            if !dir.is_dir() {
                return Err(GatewayError::Internal(format!("Data directory '{}' is not a directory.", dir.display())));
            }
            if !canonical.contains(&dir) {
                canonical.push(dir);
            }
        }
        Ok(DataRoots { dirs: canonical })
    }

    /// The canonical root directories.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Whether an already canonical path lies inside a root.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.dirs.iter().any(|root| canonical.starts_with(root))
    }

    /// Resolve a `path` option (plain path or `file://` URI; relative paths are
    /// relative to the first root) to a canonical path inside a root, or a
    /// clear error naming the path and the roots. `..` and symlinks escaping a
    /// root are refused; a path that does not exist yet is judged by its
    /// nearest existing ancestor.
    pub fn resolve(&self, path: &str) -> Result<PathBuf> {
        let Some(first) = self.dirs.first() else {
            return Err(GatewayError::Sql(format!(
                "Path '{path}' cannot be used: no data directories are configured for file system connectors."
            )));
        };
        if path.trim().is_empty() {
            return Err(GatewayError::Sql("The 'path' option must not be empty.".to_string()));
        }
        let local = local_path(path)?;
        let joined = if local.is_absolute() { local } else { first.join(local) };
        let resolved = canonical_prefix(&joined)
            .ok_or_else(|| GatewayError::Sql(format!("Path '{path}' cannot be resolved.")))?;
        if self.contains(&resolved) {
            Ok(resolved)
        } else {
            Err(GatewayError::Sql(format!(
                "Path '{path}' is outside the data directories this gateway may use: {}.",
                self.dirs.iter().map(|d| format!("'{}'", d.display())).collect::<Vec<_>>().join(", ")
            )))
        }
    }
}

/// The local file system path of a plain path or a `file:` URI; any other
/// scheme is refused, since only local files are served.
fn local_path(path: &str) -> Result<PathBuf> {
    let Some(colon) = path.find(':') else {
        return Ok(PathBuf::from(path));
    };
    let scheme = &path[..colon];
    let is_scheme = scheme.len() > 1
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return Ok(PathBuf::from(path));
    }
    if !scheme.eq_ignore_ascii_case("file") {
        return Err(GatewayError::Sql(format!(
            "Unsupported file system scheme '{scheme}' in path '{path}': only local paths (file://) are supported."
        )));
    }
    let rest = &path[colon + 1..];
    let local = match rest.strip_prefix("//") {
        Some(after) => {
            let (authority, local) = after.find('/').map_or((after, ""), |slash| after.split_at(slash));
            if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
                return Err(GatewayError::Sql(format!(
                    "Unsupported host '{authority}' in path '{path}': only local paths are supported."
                )));
            }
            if local.is_empty() {
                return Err(GatewayError::Sql(format!("Path '{path}' names no file or directory.")));
            }
            local
        }
        None => rest,
    };
    // URIs percent-encode spaces and other reserved characters.
    let decoded = percent_encoding::percent_decode_str(local)
        .decode_utf8()
        .map_err(|_| GatewayError::Sql(format!("Path '{path}' is not valid UTF-8 once decoded.")))?;
    Ok(PathBuf::from(decoded.into_owned()))
}

/// Canonicalize the longest existing prefix of an absolute path and append
/// the rest lexically: components that do not exist cannot be symlinks, so
/// `..` among them only removes what was appended before.
fn canonical_prefix(path: &Path) -> Option<PathBuf> {
    let components: Vec<Component<'_>> = path.components().collect();
    for split in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..split].iter().collect();
        let Ok(mut resolved) = fs::canonicalize(&prefix) else { continue };
        for component in &components[split..] {
            match component {
                Component::Normal(name) => resolved.push(name),
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        return Some(resolved);
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    pub(crate) struct TempDir(pub(crate) PathBuf);

    impl TempDir {
        pub(crate) fn new(tag: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("sluicegate-{tag}-{}", uuid::Uuid::new_v4().simple()));
            fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(fs::canonicalize(&dir).expect("canonical temp dir"))
        }

        pub(crate) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn paths_inside_the_roots_resolve() {
        let tmp = TempDir::new("roots");
        let root = tmp.path().join("data");
        let roots = DataRoots::new(vec![root.clone()]).unwrap();
        assert_eq!(roots.dirs(), std::slice::from_ref(&root));
        fs::create_dir_all(root.join("in")).unwrap();

        assert_eq!(roots.resolve("in").unwrap(), root.join("in"));
        assert_eq!(roots.resolve(root.join("in").to_str().unwrap()).unwrap(), root.join("in"));
        let uri = format!("file://{}", root.join("in").display());
        assert_eq!(roots.resolve(&uri).unwrap(), root.join("in"));
        let single_slash = format!("file:{}", root.join("in").display());
        assert_eq!(roots.resolve(&single_slash).unwrap(), root.join("in"));
        let encoded = format!("file://{}/with%20space", root.display());
        assert_eq!(roots.resolve(&encoded).unwrap(), root.join("with space"));
        // Not there yet: judged by the nearest existing ancestor.
        assert_eq!(roots.resolve("in/a/b/c.csv").unwrap(), root.join("in/a/b/c.csv"));
        assert_eq!(roots.resolve("in/new/../other").unwrap(), root.join("in/other"));
        assert_eq!(roots.resolve("in/./x").unwrap(), root.join("in/x"));
    }

    #[test]
    fn paths_escaping_the_roots_are_refused() {
        let tmp = TempDir::new("roots");
        let root = tmp.path().join("data");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        let roots = DataRoots::new(vec![root.clone()]).unwrap();

        for bad in [
            "../outside".to_string(),
            "nested/../../outside/x".to_string(),
            outside.display().to_string(),
            format!("file://{}", outside.display()),
            "/etc/passwd".to_string(),
        ] {
            let err = roots.resolve(&bad).unwrap_err().to_string();
            assert!(err.contains(&bad), "{err}");
            assert!(err.contains(&root.display().to_string()), "{err}");
        }

        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        let err = roots.resolve("link/file.csv").unwrap_err().to_string();
        assert!(err.contains("link/file.csv") && err.contains("outside the data directories"), "{err}");

        assert!(roots.resolve("hdfs://nn/x").unwrap_err().to_string().contains("'hdfs'"));
        assert!(roots.resolve("file://otherhost/x").unwrap_err().to_string().contains("otherhost"));
        assert!(roots.resolve("").is_err());
        let none = DataRoots::new(vec![]).unwrap();
        assert!(none.resolve("x").unwrap_err().to_string().contains("no data directories"));
    }
}
