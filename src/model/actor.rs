//! Who acts, and one change as the audit trail records it: who, when and why.
//!
//! Every write of the core takes a [`Change`], so an operation passes one value, not
//! three, and every audit entry is built the same way.

use jiff::Timestamp;

use super::{AuditEntry, FieldChange};

/// Who made a change, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// `GROUNDED_USER`, else the login name (`USER`, else the account this process
    /// runs as: apps and services often start servers without `USER`), else "unknown".
    pub fn from_env() -> Actor {
        let name = ["GROUNDED_USER", "USER", "USERNAME"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
            .or_else(account_name)
            .unwrap_or_else(|| "unknown".into());
        Actor(name)
    }
}

/// The name of the account this process runs as, from the user database.
fn account_name() -> Option<String> {
    let mut record: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into `record` and `buffer`, whose sizes it is
    // given, and sets `found` to `&record` or null; the name is read before either goes.
    let status =
        unsafe { libc::getpwuid_r(libc::getuid(), &mut record, buffer.as_mut_ptr(), buffer.len(), &mut found) };
    if status != 0 || found.is_null() || record.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points into `buffer`, NUL-terminated by getpwuid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(record.pw_name) }.to_string_lossy().into_owned();
    (!name.trim().is_empty()).then_some(name)
}

/// One change as the audit trail records it: who made it, when, and why (when said).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub actor: Actor,
    pub at: Timestamp,
    pub reason: Option<String>,
}

impl Change {
    /// A change `actor` makes now, for `reason`.
    pub fn now(actor: &Actor, reason: Option<String>) -> Change {
        Change { actor: actor.clone(), at: Timestamp::now(), reason }
    }

    /// The audit entry of this change to `subject` (`O-3`, `KR-12`): `action` is
    /// `created` or `updated`.
    pub fn entry(&self, subject: String, action: &str, changes: Vec<FieldChange>) -> AuditEntry {
        AuditEntry {
            subject,
            at: self.at,
            author: self.actor.0.clone(),
            action: action.into(),
            changes,
            reason: self.reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_this_process_runs_as_has_a_name() {
        // Every test machine runs as some account; USER may be unset, the account not.
        assert!(super::account_name().is_some_and(|n| !n.is_empty()));
    }
}
