//! OKRs: reading key-result statements, checking them against good practice, and
//! the operations that draft, change, list and show objectives.
//!
//! - [`statement`] reads a key result written in words.
//! - [`input`] validates what a caller hands in and resolves it into a plan.
//! - [`checks`] runs the rules of DOMAIN.md section 2 over a plan.
//! - [`draft`], [`update`], [`query`] and [`plan`] are the operations the MCP tools and
//!   the CLI call; they own the store transactions and flush before returning.
//! - [`children`] declares, checks and writes a key result's indicators and initiatives.
//! - [`apply`] makes the stored OKRs match a file (OKRs as code).

pub mod apply;
pub mod checks;
pub mod children;
pub mod document;
pub mod draft;
pub mod input;
pub mod overview;
pub mod plan;
pub mod query;
pub mod statement;
pub mod update;
pub mod vocabulary;

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

/// A title as two objectives are the same by: case and spacing aside.
pub(crate) fn same_title(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_this_process_runs_as_has_a_name() {
        // Every test machine runs as some account; USER may be unset, the account not.
        assert!(super::account_name().is_some_and(|n| !n.is_empty()));
    }
}
