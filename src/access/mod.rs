//! Access tokens for `grounded serve --http`: who may call the server over the
//! network, and under which name their changes enter the history.
//!
//! A token is 32 random bytes from the operating system, written as `grd_` + base64url.
//! Only its SHA-256 is stored (in [`Table::Tokens`], keyed by the lowercased name), so
//! a copy of the database does not let anyone in; the token itself is shown once, when
//! it is made. A 256-bit random secret cannot be guessed, so a fast hash is enough: a
//! slow password hash protects low-entropy secrets, which these are not. Verification
//! compares hashes in constant time.
//!
//! Nothing here knows HTTP or MCP: the HTTP layer hands in the bearer string and gets
//! back an [`Identity`] (or nothing); the tools read the identity's name as the actor.

pub mod oauth;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::Actor;
use crate::store::{Store, Table, abort};
use crate::validate;

/// What a token starts with, so a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "grd_";
/// Token names are people or services ("Maya Chen", "ci-bot"): a name's length.
pub const MAX_TOKEN_NAME_CHARS: usize = 64;

/// A stored token: everything but the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// As given; the author of every change made with the token.
    pub name: String,
    /// Lowercase hex SHA-256 of the token.
    pub sha256: String,
    /// Only the read-only tools may be called with it.
    pub read_only: bool,
    pub created_at: Timestamp,
    /// Who ran `grounded token add`.
    pub created_by: String,
}

impl crate::store::Record for TokenRecord {}

/// A token as it is listed: never its hash, let alone the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub name: String,
    pub read_only: bool,
    pub created_at: Timestamp,
    pub created_by: String,
}

impl From<&TokenRecord> for TokenInfo {
    fn from(record: &TokenRecord) -> Self {
        TokenInfo {
            name: record.name.clone(),
            read_only: record.read_only,
            created_at: record.created_at,
            created_by: record.created_by.clone(),
        }
    }
}

/// A token just made: the secret, to be shown once and never again.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub info: TokenInfo,
}

/// Who is calling, as the HTTP layer established it from a valid token. The tools
/// write history under `name` and refuse writes when `read_only`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub read_only: bool,
}

impl Identity {
    pub fn actor(&self) -> Actor {
        Actor(self.name.clone())
    }
}

/// Makes a token named `name` and stores its hash. A name already in use is refused
/// (case-insensitively): revoke the old token first, so one name is one secret.
pub async fn add_token(store: &Store, name: &str, read_only: bool, actor: &Actor) -> Result<NewToken> {
    let name = validate::text("name", name, MAX_TOKEN_NAME_CHARS)?;
    let token = generate()?;
    let record = TokenRecord {
        name: name.clone(),
        sha256: hash(&token),
        read_only,
        created_at: Timestamp::now(),
        created_by: actor.0.clone(),
    };
    let key = key(&name);
    store.transact(|tx| {
        if let Some(existing) = tx.get::<TokenRecord>(Table::Tokens, &key)? {
            return Err(abort(Error::invalid(
                "name",
                format!(
                    "a token named {:?} exists; revoke it first (grounded token revoke {:?}) or choose another name",
                    existing.name, existing.name
                ),
            )));
        }
        tx.put(Table::Tokens, &key, &record)
    })?;
    store.flush().await?;
    Ok(NewToken { token, info: TokenInfo::from(&record) })
}

/// Every token, by name; no secrets.
pub fn list_tokens(store: &Store) -> Result<Vec<TokenInfo>> {
    store.scan::<TokenRecord>(Table::Tokens).map(|r| r.map(|r| TokenInfo::from(&r))).collect()
}

/// True when at least one token exists: the HTTP server then asks every caller for one.
pub fn any_tokens(store: &Store) -> Result<bool> {
    Ok(!store.tree(Table::Tokens).is_empty())
}

/// Removes the token named `name`; requests carrying it are refused from then on.
pub async fn revoke_token(store: &Store, name: &str) -> Result<TokenInfo> {
    let key = key(name.trim());
    let removed = store.transact(|tx| {
        let record = tx.get::<TokenRecord>(Table::Tokens, &key)?.ok_or_else(|| {
            abort(Error::not_found("name", name.trim(), "grounded token list shows the tokens that exist"))
        })?;
        tx.remove(Table::Tokens, &key)?;
        Ok(record)
    })?;
    store.flush().await?;
    Ok(TokenInfo::from(&removed))
}

/// The identity a presented token stands for, or None when no stored token matches.
/// Every stored hash is compared, each in constant time, so the answer's timing does
/// not depend on how much of a hash matched.
pub fn verify(store: &Store, presented: &str) -> Result<Option<Identity>> {
    let presented = hash(presented.trim());
    let mut found = None;
    for record in store.scan::<TokenRecord>(Table::Tokens) {
        let record = record?;
        if constant_time_eq(record.sha256.as_bytes(), presented.as_bytes()) {
            found = Some(Identity { name: record.name, read_only: record.read_only });
        }
    }
    Ok(found)
}

/// Lowercase hex SHA-256 of a token.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn generate() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid("token", format!("the operating system gave no random bytes: {e}")))?;
    Ok(format!("{TOKEN_PREFIX}{}", base64::prelude::BASE64_URL_SAFE_NO_PAD.encode(bytes)))
}

fn key(name: &str) -> Vec<u8> {
    name.to_lowercase().into_bytes()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn a_token_is_random_prefixed_and_only_its_hash_is_stored() {
        let store = Store::temporary().unwrap();
        let made = rt().block_on(add_token(&store, "Maya Chen", false, &Actor("admin".into()))).unwrap();
        let other = rt().block_on(add_token(&store, "ci-bot", true, &Actor("admin".into()))).unwrap();
        assert!(made.token.starts_with(TOKEN_PREFIX));
        assert_eq!(made.token.len(), TOKEN_PREFIX.len() + 43, "32 bytes in base64url");
        assert_ne!(made.token, other.token);
        let raw: Vec<u8> = store.tree(Table::Tokens).iter().values().flat_map(|v| v.unwrap().to_vec()).collect();
        let raw = String::from_utf8_lossy(&raw);
        assert!(!raw.contains(&made.token[TOKEN_PREFIX.len()..]), "the token itself is never stored");
        assert!(raw.contains(&hash(&made.token)));
        assert_eq!(made.info.created_by, "admin");
    }

    #[test]
    fn verify_finds_the_identity_of_a_valid_token_and_nothing_for_others() {
        let store = Store::temporary().unwrap();
        assert!(!any_tokens(&store).unwrap());
        let admin = Actor("admin".into());
        let maya = rt().block_on(add_token(&store, "Maya Chen", false, &admin)).unwrap();
        let viewer = rt().block_on(add_token(&store, "viewer", true, &admin)).unwrap();
        assert!(any_tokens(&store).unwrap());
        assert_eq!(verify(&store, &maya.token).unwrap(), Some(Identity { name: "Maya Chen".into(), read_only: false }));
        assert!(verify(&store, &viewer.token).unwrap().unwrap().read_only);
        assert_eq!(verify(&store, "grd_wrong").unwrap(), None);
        assert_eq!(verify(&store, "").unwrap(), None);
        let mut tampered = maya.token.clone();
        tampered.pop();
        assert_eq!(verify(&store, &tampered).unwrap(), None);
    }

    #[test]
    fn names_are_unique_ignoring_case_and_validated() {
        let store = Store::temporary().unwrap();
        let admin = Actor("admin".into());
        rt().block_on(add_token(&store, "Maya", false, &admin)).unwrap();
        let again = rt().block_on(add_token(&store, "maya", true, &admin)).unwrap_err();
        assert!(again.to_string().contains("revoke it first"), "{again}");
        let empty = rt().block_on(add_token(&store, "  ", false, &admin)).unwrap_err();
        assert!(empty.to_string().starts_with("name: is empty"), "{empty}");
        let long = rt().block_on(add_token(&store, &"x".repeat(65), false, &admin)).unwrap_err();
        assert!(long.to_string().contains("at most 64"), "{long}");
        assert_eq!(list_tokens(&store).unwrap().len(), 1);
    }

    #[test]
    fn a_revoked_token_no_longer_verifies() {
        let store = Store::temporary().unwrap();
        let admin = Actor("admin".into());
        let made = rt().block_on(add_token(&store, "Leo", false, &admin)).unwrap();
        let revoked = rt().block_on(revoke_token(&store, "LEO")).unwrap();
        assert_eq!(revoked.name, "Leo");
        assert_eq!(verify(&store, &made.token).unwrap(), None);
        assert!(list_tokens(&store).unwrap().is_empty());
        let unknown = rt().block_on(revoke_token(&store, "Leo")).unwrap_err();
        assert!(unknown.to_string().contains("grounded token list"), "{unknown}");
    }
}
