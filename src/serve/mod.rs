//! Serving the database to more than one client: streamable HTTP for a team
//! ([`http`]). The process that serves owns the database; every session shares its
//! one [`crate::store::Store`].

pub mod http;

pub use http::{HttpOptions, serve_http};
