//! Who is asking: the protocol-neutral user every session, operation and job
//! belongs to, and the ownership rule every protocol shares.

use std::collections::BTreeSet;
use std::fmt;

/// What a user may do beyond touching their own things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Sees and manages every user's sessions, operations and batches, and
    /// may act for any other user.
    Admin,
}

/// An authenticated caller, or the user a caller acts for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct User {
    /// The name things are owned by (the proxy user when impersonating).
    pub name: String,
    /// The roles granted to the authenticated caller.
    pub roles: BTreeSet<Role>,
    /// The authenticated caller when it acts for another user: both may reach
    /// what is done in the other's name.
    pub real: Option<String>,
    /// The one role this request acts with (ByteHouse's `X-User-ActiveRole`);
    /// `None`: all the user's roles.
    pub active_role: Option<String>,
}

/// The name of callers who give none (authentication off, no header).
pub const ANONYMOUS: &str = "anonymous";

impl User {
    /// A user with no roles.
    pub fn named(name: impl Into<String>) -> Self {
        User { name: name.into(), roles: BTreeSet::new(), real: None, active_role: None }
    }

    /// The caller of an unauthenticated request.
    pub fn anonymous() -> Self {
        User::named(ANONYMOUS)
    }

    /// This user with the admin role.
    pub fn admin(mut self) -> Self {
        self.roles.insert(Role::Admin);
        self
    }

    /// Whether the user is an administrator.
    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    /// The authenticated name: the real user when impersonating, else the name.
    pub fn real_name(&self) -> &str {
        self.real.as_deref().unwrap_or(&self.name)
    }

    /// Whether this caller may see and touch what `owner` owns: their own
    /// things, things done in their name by a proxy, or, for an administrator,
    /// everything.
    pub fn may_access(&self, owner: &User) -> bool {
        self.is_admin() || owner.name == self.real_name() || owner.real_name() == self.real_name() || owner.name == self.name
    }
}

impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.real {
            Some(real) => write!(f, "{real} as {}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership() {
        let alice = User::named("alice");
        let bob = User::named("bob");
        let root = User::named("root").admin();
        assert!(alice.may_access(&alice));
        assert!(!alice.may_access(&bob));
        assert!(!bob.may_access(&alice));
        assert!(root.may_access(&alice));
        let bob_for_alice = User { real: Some("alice".into()), ..User::named("bob") };
        assert!(alice.may_access(&bob_for_alice), "the real user reaches what its proxy did");
        assert!(bob.may_access(&bob_for_alice), "the proxied user owns it");
        assert!(!User::named("carol").may_access(&bob_for_alice));
        assert_eq!(bob_for_alice.real_name(), "alice");
    }
}
