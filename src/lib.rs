//! grounded keeps OKRs honest: it checks objectives and key results against good
//! practice, stores them in an embedded sled database, and (in later layers) grounds
//! them in customer evidence and measurements.
//!
//! The core ([`model`], [`store`], [`okr`]) knows nothing of MCP; [`mcp`] and the CLI
//! in `main.rs` are thin adapters that parse input, call the core and shape output.
//! ARCHITECTURE.md walks through a request end to end.

pub mod access;
pub mod clock;
pub mod error;
pub mod evidence;
pub mod explain;
pub mod fetch;
pub mod lookup;
pub mod mcp;
pub mod model;
pub mod okr;
pub mod progress;
pub mod report;
pub mod scoring;
pub mod serve;
pub mod sources;
pub mod stats;
pub mod store;
pub mod validate;

pub use error::{Error, Result};
