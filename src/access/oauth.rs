//! Access tokens issued by the team's identity provider (OAuth 2.1): grounded is the
//! resource server, the provider the authorization server, and no login happens here.
//!
//! [`Verifier::discover`] reads the issuer's metadata once (RFC 8414
//! `/.well-known/oauth-authorization-server`, else OpenID Connect discovery) and
//! [`Verifier::verify`] turns a presented token into a [`Grant`] or a [`Refusal`]:
//! - a JWT is checked against the issuer's JWKS (cached; fetched again once when a
//!   token names a key id the cache does not hold, which is how a rotated signing key is
//!   picked up): an asymmetric algorithm only, `iss` equal to the issuer, `aud`
//!   holding this server's resource URL (RFC 8707: a token minted for another service
//!   is refused here) or a configured audience, `exp` and `nbf` with a minute of skew;
//! - any other token is sent to the issuer's introspection endpoint (RFC 7662) when
//!   client credentials for it are configured, and refused otherwise.
//!
//! Scopes decide what a caller may do: the write scope (default `grounded:write`)
//! everything, the read scope (`grounded:read`) the read-only tools; a token with
//! neither is refused with the scope it needs. The author of changes is the token's
//! `name`, else `email`, `preferred_username`, `username`, `sub`.
//!
//! The HTTP side (the metadata document clients discover, the 401 and 403 challenges)
//! is `serve::http`'s; this module answers only "who is this, and may they write".

use std::collections::HashSet;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::RwLock;
use url::Url;

use super::Identity;

/// The scopes grounded asks for unless configured otherwise.
pub const READ_SCOPE: &str = "grounded:read";
pub const WRITE_SCOPE: &str = "grounded:write";
/// Clock difference tolerated between the provider and this machine, for `exp` and `nbf`.
const LEEWAY_SECONDS: u64 = 60;
/// A token naming an unknown key makes the JWKS be fetched again, but not more often
/// than this: a stream of forged key ids must not turn into a stream of fetches.
const REFETCH_AFTER: Duration = Duration::from_secs(10);
/// How long a request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// Signature algorithms accepted: asymmetric only. `none` and the HMAC family would let
/// anyone who knows the (public) key, or nobody at all, sign a token.
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// How `serve --http` trusts an identity provider.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// The provider's issuer identifier, exactly as it writes it in `iss`.
    pub issuer: Url,
    /// This server's public URL (`https://grounded.example.com/mcp`), exactly as given
    /// (a `Url` would add a `/` to a bare host, and clients compare it as a string):
    /// the audience tokens must be minted for.
    pub resource: String,
    /// Other accepted audiences, for providers that put their own API identifier in
    /// `aud` rather than the resource URL (Auth0's API identifier, Entra's `api://…`).
    pub audiences: Vec<String>,
    pub read_scope: String,
    pub write_scope: String,
    /// Client credentials for the introspection endpoint, for opaque tokens.
    pub introspection: Option<ClientCredentials>,
}

impl OAuthConfig {
    /// The defaults: scopes `grounded:read` and `grounded:write`, no other audience,
    /// no introspection.
    pub fn new(issuer: Url, resource: String) -> Self {
        OAuthConfig {
            issuer,
            resource,
            audiences: vec![],
            read_scope: READ_SCOPE.into(),
            write_scope: WRITE_SCOPE.into(),
            introspection: None,
        }
    }

    /// Both scopes, as a metadata document and a challenge list them.
    pub fn scopes(&self) -> Vec<String> {
        vec![self.read_scope.clone(), self.write_scope.clone()]
    }

    /// Every audience a token may carry: the resource URL (with and without a
    /// trailing slash, which providers disagree on) and the configured ones.
    fn accepted_audiences(&self) -> Vec<String> {
        let resource = self.resource.as_str();
        let toggled = match resource.strip_suffix('/') {
            Some(bare) => bare.to_string(),
            None => format!("{resource}/"),
        };
        let mut all = vec![resource.to_string(), toggled];
        all.extend(self.audiences.iter().cloned());
        all
    }
}

#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

/// What a valid token allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The author of changes, and whether the caller may only read.
    pub identity: Identity,
    /// The token's scopes, as granted.
    pub scopes: Vec<String>,
}

/// Why a token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token of this issuer for this server, expired, or forged (401, `invalid_token`).
    Invalid(String),
    /// Valid, but it carries none of the scopes grounded knows (403, `insufficient_scope`).
    InsufficientScope { needed: String },
    /// The provider could not be asked (its keys or introspection endpoint did not answer).
    ProviderUnavailable(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Invalid(why) => write!(f, "the access token is not valid: {why}"),
            Refusal::InsufficientScope { needed } => {
                write!(f, "the access token carries none of grounded's scopes; it needs {needed}")
            }
            Refusal::ProviderUnavailable(why) => write!(f, "the identity provider could not be asked: {why}"),
        }
    }
}

/// The parts of the provider's metadata grounded uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub jwks_uri: Option<Url>,
    pub introspection_endpoint: Option<Url>,
}

/// Checks tokens of one issuer; shared by every request of a server.
pub struct Verifier {
    config: OAuthConfig,
    metadata: ProviderMetadata,
    client: reqwest::Client,
    keys: RwLock<Keys>,
}

struct Keys {
    set: Vec<Jwk>,
    fetched: Option<Instant>,
    /// When a token naming an unknown key last made the set be fetched again.
    refetched_for_unknown: Option<Instant>,
}

/// The scopes a token's claims grant: `scope` (space-separated, RFC 9068 and RFC 7662)
/// and `scp` (Entra writes a space-separated string, Okta an array), together.
fn scopes_of(claims: &Value) -> Vec<String> {
    let mut scopes: Vec<String> = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    match claims.get("scp") {
        Some(Value::String(s)) => scopes.extend(s.split_whitespace().map(str::to_string)),
        Some(Value::Array(items)) => scopes.extend(items.iter().filter_map(Value::as_str).map(str::to_string)),
        _ => {}
    }
    scopes
}

/// Who a token's claims name, by the first of these that is there: the author of changes.
fn author_of(claims: &Value) -> Option<String> {
    ["name", "email", "preferred_username", "username", "sub"]
        .iter()
        .find_map(|claim| claims.get(claim).and_then(Value::as_str).filter(|v| !v.trim().is_empty()))
        .map(str::to_string)
}

impl Verifier {
    /// Reads the issuer's metadata: the place tokens are checked against. Fails with a
    /// message naming `--oauth-issuer` when the provider cannot be found there.
    pub async fn discover(config: OAuthConfig) -> anyhow::Result<Verifier> {
        if config.issuer.scheme() != "https" && !crate::fetch::is_loopback(&config.issuer) {
            anyhow::bail!(
                "--oauth-issuer {}: an identity provider is reached over https (http only on this machine, for tests)",
                config.issuer
            );
        }
        crate::fetch::tls::install();
        let client = reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| anyhow::anyhow!("cannot set up the HTTP client: {e}"))?;
        let mut tried = vec![];
        for url in metadata_urls(&config.issuer) {
            match fetch_json::<ProviderMetadata>(&client, &url).await {
                Ok(metadata) => {
                    if metadata.issuer.trim_end_matches('/') != config.issuer.as_str().trim_end_matches('/') {
                        anyhow::bail!(
                            "--oauth-issuer {}: the metadata at {url} names the issuer {:?}; give that exact value",
                            config.issuer,
                            metadata.issuer
                        );
                    }
                    if metadata.jwks_uri.is_none() && config.introspection.is_none() {
                        anyhow::bail!(
                            "--oauth-issuer {}: its metadata has no jwks_uri, so its tokens can only be introspected; \
                             set GROUNDED_OAUTH_CLIENT_ID and GROUNDED_OAUTH_CLIENT_SECRET for its introspection endpoint",
                            config.issuer
                        );
                    }
                    let verifier = Verifier::new(config, metadata, client);
                    // Keys now, so a wrong jwks_uri shows at start; a failure here is
                    // retried on the first token rather than stopping the server.
                    if let Err(e) = verifier.refresh_keys().await {
                        tracing::warn!(error = %e, "the identity provider's keys could not be fetched yet");
                    }
                    return Ok(verifier);
                }
                Err(e) => tried.push(format!("{url}: {e}")),
            }
        }
        anyhow::bail!(
            "--oauth-issuer {}: no OAuth or OpenID metadata found ({}); give the issuer exactly as the provider \
             names it (Keycloak: https://HOST/realms/REALM; Auth0: https://TENANT.auth0.com/; \
             Entra: https://login.microsoftonline.com/TENANT/v2.0)",
            config.issuer,
            tried.join("; ")
        )
    }

    fn new(config: OAuthConfig, metadata: ProviderMetadata, client: reqwest::Client) -> Verifier {
        Verifier {
            config,
            metadata,
            client,
            keys: RwLock::new(Keys { set: vec![], fetched: None, refetched_for_unknown: None }),
        }
    }

    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// The issuer as the provider names itself (its metadata's `issuer`), which is
    /// what clients compare against, character for character.
    pub fn issuer(&self) -> &str {
        &self.metadata.issuer
    }

    /// Who the token stands for and what it may do, or why it is refused.
    pub async fn verify(&self, token: &str) -> Result<Grant, Refusal> {
        let token = token.trim();
        match jsonwebtoken::decode_header(token) {
            Ok(header) => self.verify_jwt(token, header).await,
            Err(_) if self.config.introspection.is_some() && self.metadata.introspection_endpoint.is_some() => {
                self.introspect(token).await
            }
            Err(_) => Err(Refusal::Invalid(
                "it is not a JWT, and no introspection endpoint is configured for opaque tokens".into(),
            )),
        }
    }

    async fn verify_jwt(&self, token: &str, header: jsonwebtoken::Header) -> Result<Grant, Refusal> {
        if !ALGORITHMS.contains(&header.alg) {
            return Err(Refusal::Invalid(format!(
                "it is signed with {:?}; accepted: RS*, PS*, ES256, ES384",
                header.alg
            )));
        }
        // The issuer first: a token of another provider is refused without asking this
        // one for keys (its signature is checked below all the same).
        #[derive(Deserialize)]
        struct Issuer {
            iss: Option<String>,
        }
        let claimed = jsonwebtoken::dangerous::insecure_decode_claims::<Issuer>(token)
            .map_err(|e| Refusal::Invalid(format!("it cannot be read: {e}")))?;
        if claimed.iss.as_deref() != Some(self.issuer()) {
            return Err(Refusal::Invalid(format!("it was issued by another issuer, not {}", self.issuer())));
        }
        let key = self.key_for(header.kid.as_deref()).await?;
        let key =
            DecodingKey::from_jwk(&key).map_err(|e| Refusal::Invalid(format!("its signing key is unusable: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[self.issuer()]);
        validation.set_audience(&self.config.accepted_audiences());
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            Refusal::Invalid(match e.kind() {
                ErrorKind::ExpiredSignature => "it has expired".to_string(),
                ErrorKind::ImmatureSignature => "it is not valid yet (nbf)".to_string(),
                ErrorKind::InvalidAudience => {
                    format!("it was issued for another audience, not {}", self.config.resource)
                }
                ErrorKind::InvalidIssuer => format!("it was issued by another issuer, not {}", self.issuer()),
                ErrorKind::InvalidSignature => "its signature does not match the issuer's key".to_string(),
                ErrorKind::MissingRequiredClaim(claim) => format!("it has no {claim} claim"),
                _ => e.to_string(),
            })
        })?;
        self.grant(&data.claims)
    }

    /// The grant of a verified token's claims (a JWT's payload or an introspection
    /// answer: both use the same claim names).
    fn grant(&self, claims: &Value) -> Result<Grant, Refusal> {
        let scopes = scopes_of(claims);
        let name =
            author_of(claims).ok_or_else(|| Refusal::Invalid("it names nobody (no name, email or sub)".into()))?;
        let name: String = name.trim().chars().take(super::MAX_TOKEN_NAME_CHARS).collect();
        let writes = scopes.contains(&self.config.write_scope);
        let reads = writes || scopes.contains(&self.config.read_scope);
        if !reads {
            return Err(Refusal::InsufficientScope { needed: self.config.read_scope.clone() });
        }
        Ok(Grant { identity: Identity { name, read_only: !writes }, scopes })
    }

    /// The key a token names: from the cache, else from a fresh JWKS (at most once per
    /// [`REFETCH_AFTER`]). A token without `kid` is accepted when the set holds one key.
    async fn key_for(&self, kid: Option<&str>) -> Result<Jwk, Refusal> {
        let find = |keys: &Keys| -> Option<Jwk> {
            match kid {
                Some(kid) => keys.set.iter().find(|k| k.common.key_id.as_deref() == Some(kid)).cloned(),
                None if keys.set.len() == 1 => keys.set.first().cloned(),
                None => None,
            }
        };
        {
            let keys = self.keys.read().await;
            if let Some(key) = find(&keys) {
                return Ok(key);
            }
            if keys.refetched_for_unknown.is_some_and(|at| at.elapsed() < REFETCH_AFTER) {
                return Err(unknown_key(kid));
            }
        }
        self.keys.write().await.refetched_for_unknown = Some(Instant::now());
        self.refresh_keys().await?;
        find(&*self.keys.read().await).ok_or_else(|| unknown_key(kid))
    }

    async fn refresh_keys(&self) -> Result<(), Refusal> {
        let Some(uri) = &self.metadata.jwks_uri else {
            return Err(Refusal::Invalid("the issuer publishes no keys (jwks_uri); only opaque tokens work".into()));
        };
        let mut keys = self.keys.write().await;
        // Another request may have fetched while this one waited for the lock.
        if keys.fetched.is_some_and(|at| at.elapsed() < Duration::from_millis(500)) {
            return Ok(());
        }
        let set: Value = fetch_json(&self.client, uri).await.map_err(Refusal::ProviderUnavailable)?;
        keys.set = usable_keys(&set);
        keys.fetched = Some(Instant::now());
        tracing::info!(keys = keys.set.len(), %uri, "fetched the identity provider's signing keys");
        Ok(())
    }

    /// RFC 7662: the provider says whether an opaque token is active, and for whom.
    async fn introspect(&self, token: &str) -> Result<Grant, Refusal> {
        let (Some(endpoint), Some(credentials)) = (&self.metadata.introspection_endpoint, &self.config.introspection)
        else {
            return Err(Refusal::Invalid("no introspection endpoint".into()));
        };
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token)
            .append_pair("token_type_hint", "access_token")
            .finish();
        let response = self
            .client
            .post(endpoint.clone())
            .basic_auth(&credentials.client_id, Some(&credentials.client_secret))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| Refusal::ProviderUnavailable(format!("{endpoint}: {e}")))?;
        if !response.status().is_success() {
            return Err(Refusal::ProviderUnavailable(format!(
                "{endpoint} answered {} (are GROUNDED_OAUTH_CLIENT_ID and GROUNDED_OAUTH_CLIENT_SECRET right?)",
                response.status()
            )));
        }
        let answer: Value =
            response.json().await.map_err(|e| Refusal::ProviderUnavailable(format!("{endpoint}: {e}")))?;
        self.introspected(&answer)
    }

    /// The grant an introspection answer gives.
    fn introspected(&self, answer: &Value) -> Result<Grant, Refusal> {
        if answer.get("active").and_then(Value::as_bool) != Some(true) {
            return Err(Refusal::Invalid("the issuer says it is not active (expired, revoked or unknown)".into()));
        }
        if let Some(iss) = answer.get("iss").and_then(Value::as_str)
            && iss != self.issuer()
        {
            return Err(Refusal::Invalid(format!("it was issued by another issuer, not {}", self.issuer())));
        }
        let audiences: Vec<&str> = match answer.get("aud") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let accepted = self.config.accepted_audiences();
        if !audiences.is_empty() && !audiences.iter().any(|a| accepted.iter().any(|b| b == a)) {
            return Err(Refusal::Invalid(format!("it was issued for another audience, not {}", self.config.resource)));
        }
        self.grant(answer)
    }
}

fn unknown_key(kid: Option<&str>) -> Refusal {
    Refusal::Invalid(match kid {
        Some(kid) => format!("it names a signing key ({kid:?}) the issuer does not publish"),
        None => "it names no signing key (kid) and the issuer publishes several".into(),
    })
}

/// Where the issuer's metadata may be, in the order RFC 8414 and OpenID Connect
/// discovery give: for an issuer with a path, the well-known part goes before it
/// (RFC 8414), and OpenID's form appends it.
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let origin = issuer.origin().ascii_serialization();
    let mut urls = vec![format!("{origin}/.well-known/oauth-authorization-server{path}")];
    if !path.is_empty() {
        urls.push(format!("{origin}/.well-known/openid-configuration{path}"));
    }
    urls.push(format!("{origin}{path}/.well-known/openid-configuration"));
    let mut seen = HashSet::new();
    urls.into_iter().filter(|u| seen.insert(u.clone())).filter_map(|u| Url::parse(&u).ok()).collect()
}

/// The signing keys of a JWKS that jsonwebtoken can use; encryption keys and kinds
/// it does not know (which Keycloak and Entra publish beside the signing keys) are
/// left out rather than failing the whole set.
fn usable_keys(set: &Value) -> Vec<Jwk> {
    let keys = set.get("keys").and_then(Value::as_array).cloned().unwrap_or_default();
    keys.into_iter()
        .filter(|k| k.get("use").and_then(Value::as_str).is_none_or(|u| u == "sig"))
        .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
        .filter(|k| DecodingKey::from_jwk(k).is_ok())
        .collect()
}

async fn fetch_json<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: &Url) -> Result<T, String> {
    let response = client.get(url.clone()).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("answered {}", response.status()));
    }
    response.json::<T>().await.map_err(|e| format!("not the expected JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn verifier() -> Verifier {
        let config = OAuthConfig::new(
            Url::parse("https://idp.example.com/realms/team").unwrap(),
            "https://grounded.example.com/mcp".into(),
        );
        let metadata = ProviderMetadata {
            issuer: "https://idp.example.com/realms/team".into(),
            jwks_uri: None,
            introspection_endpoint: Some(Url::parse("https://idp.example.com/introspect").unwrap()),
        };
        crate::fetch::tls::install();
        Verifier::new(config, metadata, reqwest::Client::new())
    }

    #[test]
    fn metadata_is_looked_for_where_rfc_8414_and_openid_discovery_put_it() {
        let with_path = metadata_urls(&Url::parse("https://idp.example.com/realms/team").unwrap());
        let with_path: Vec<&str> = with_path.iter().map(Url::as_str).collect();
        assert_eq!(
            with_path,
            [
                "https://idp.example.com/.well-known/oauth-authorization-server/realms/team",
                "https://idp.example.com/.well-known/openid-configuration/realms/team",
                "https://idp.example.com/realms/team/.well-known/openid-configuration",
            ]
        );
        let bare = metadata_urls(&Url::parse("http://127.0.0.1:9000").unwrap());
        let bare: Vec<&str> = bare.iter().map(Url::as_str).collect();
        assert_eq!(
            bare,
            [
                "http://127.0.0.1:9000/.well-known/oauth-authorization-server",
                "http://127.0.0.1:9000/.well-known/openid-configuration",
            ]
        );
    }

    #[test]
    fn the_write_scope_writes_the_read_scope_reads_and_neither_is_refused_with_the_scope_needed() {
        let v = verifier();
        let writer = v.grant(&json!({"name": "Maya Chen", "sub": "u1", "scope": "openid grounded:write"})).unwrap();
        assert_eq!(writer.identity, Identity { name: "Maya Chen".into(), read_only: false });
        let reader = v.grant(&json!({"email": "leo@example.com", "sub": "u2", "scp": ["grounded:read"]})).unwrap();
        assert!(reader.identity.read_only);
        assert_eq!(
            v.grant(&json!({"sub": "x", "scope": "openid profile"})),
            Err(Refusal::InsufficientScope { needed: READ_SCOPE.into() })
        );
        assert!(matches!(v.grant(&json!({"scope": "grounded:write"})), Err(Refusal::Invalid(_))));
        let long = v.grant(&json!({"name": "n".repeat(200), "scope": "grounded:read"})).unwrap();
        assert_eq!(long.identity.name.chars().count(), crate::access::MAX_TOKEN_NAME_CHARS);
    }

    #[test]
    fn scopes_are_read_from_scope_and_from_scp_as_a_string_or_an_array() {
        let claims = |value: Value| scopes_of(&value);
        assert_eq!(claims(json!({"scope": "openid grounded:read"})), ["openid", "grounded:read"]);
        assert_eq!(claims(json!({"scp": "grounded.read grounded.write"})), ["grounded.read", "grounded.write"]);
        assert_eq!(claims(json!({"scp": ["grounded:write"]})), ["grounded:write"]);
        assert!(claims(json!({"sub": "x"})).is_empty());
    }

    #[test]
    fn the_resource_url_is_an_audience_with_or_without_its_trailing_slash() {
        let mut config = verifier().config.clone();
        config.audiences.push("api://grounded".into());
        assert_eq!(
            config.accepted_audiences(),
            ["https://grounded.example.com/mcp", "https://grounded.example.com/mcp/", "api://grounded"]
        );
    }

    #[test]
    fn an_introspected_token_must_be_active_of_this_issuer_and_for_this_resource() {
        let v = verifier();
        let good = json!({"active": true, "scope": "grounded:write", "sub": "u1", "email": "maya@example.com",
                          "iss": "https://idp.example.com/realms/team", "aud": ["https://grounded.example.com/mcp"]});
        let grant = v.introspected(&good).unwrap();
        assert_eq!(grant.identity, Identity { name: "maya@example.com".into(), read_only: false });
        let refused = |answer: Value| match v.introspected(&answer) {
            Err(Refusal::Invalid(why)) => why,
            other => panic!("{other:?}"),
        };
        assert!(refused(json!({"active": false})).contains("not active"));
        let mut other_issuer = good.clone();
        other_issuer["iss"] = json!("https://evil.example.com");
        assert!(refused(other_issuer).contains("another issuer"));
        let mut other_audience = good.clone();
        other_audience["aud"] = json!("https://other.example.com/mcp");
        assert!(refused(other_audience).contains("another audience"));
        let mut no_scope = good;
        no_scope["scope"] = json!("openid");
        assert!(matches!(v.introspected(&no_scope), Err(Refusal::InsufficientScope { .. })));
    }

    #[test]
    fn encryption_keys_and_unknown_kinds_in_a_jwks_are_left_out_not_fatal() {
        // An RSA signing key (RFC 7517 appendix A.1's modulus), an encryption key, and
        // a kind jsonwebtoken does not know.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let set = json!({"keys": [
            {"kty": "RSA", "kid": "sig-1", "use": "sig", "alg": "RS256", "n": n, "e": "AQAB"},
            {"kty": "RSA", "kid": "enc-1", "use": "enc", "alg": "RSA-OAEP", "n": n, "e": "AQAB"},
            {"kty": "XYZ", "kid": "odd"}
        ]});
        let keys = usable_keys(&set);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].common.key_id.as_deref(), Some("sig-1"));
    }

    #[test]
    fn a_token_that_is_not_a_jwt_is_refused_without_introspection_credentials() {
        let v = verifier();
        let refusal = tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(v.verify("opaque-123"));
        match refusal {
            Err(Refusal::Invalid(why)) => assert!(why.contains("not a JWT"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
