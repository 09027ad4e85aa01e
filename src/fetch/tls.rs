//! The one TLS crypto provider of the process: ring.
//!
//! reqwest is built with `rustls-no-provider`: its own default would compile aws-lc (a
//! large C library that needs cmake) beside ring, which rustls brings anyway. Without a
//! provider of its own, reqwest takes rustls's process-wide default and panics when a
//! client is built before one is installed, so everything that builds a client (the
//! fetches here, the HTTP tests' clients) calls [`install`] first.

use std::sync::Once;

/// Makes ring the process's rustls crypto provider; cheap after the first call, and safe
/// from any thread.
pub fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // An Err means a program embedding grounded installed its own provider first:
        // that one stays, it serves reqwest just as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_can_be_built_once_the_provider_is_installed() {
        install();
        install();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        // Without a provider this build panics (reqwest has none of its own).
        reqwest::Client::builder().build().expect("an HTTPS client with ring");
    }
}
