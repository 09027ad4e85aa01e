//! `grounded token add|list|revoke`: the bearer tokens `serve --http` accepts.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use grounded::access;
use grounded::okr::Actor;
use grounded::store::Store;

use super::database_path;
use super::evidence::runtime;

#[derive(Subcommand)]
pub enum TokenAction {
    /// Make a token for NAME (the author of its changes) and print it once
    Add {
        /// Who will use it: a person ("Maya Chen") or a service ("ci-bot")
        name: String,
        /// Allow only the read-only tools (checks, lists, search, scores, reports)
        #[arg(long)]
        read_only: bool,
    },
    /// The tokens that exist: names, permissions, when and by whom they were made
    List,
    /// Remove NAME's token: requests carrying it are refused from then on
    Revoke { name: String },
}

pub fn run(db: Option<PathBuf>, action: TokenAction) -> anyhow::Result<ExitCode> {
    let store = Store::open(&database_path(db)?)?;
    match action {
        TokenAction::Add { name, read_only } => {
            let made = runtime()?.block_on(access::add_token(&store, &name, read_only, &Actor::from_env()))?;
            let access = if made.info.read_only { "read-only" } else { "read-write" };
            eprintln!(
                "Token for {:?} ({access}). It is shown only this once; only its hash is kept. \
                 Clients send it as \"Authorization: Bearer <token>\":",
                made.info.name
            );
            // The token alone on stdout, so a script can capture it.
            println!("{}", made.token);
        }
        TokenAction::List => {
            let tokens = access::list_tokens(&store)?;
            if tokens.is_empty() {
                println!("no tokens; make one with: grounded token add NAME [--read-only]");
            }
            for token in tokens {
                println!(
                    "{}\t{}\tmade {} by {}",
                    token.name,
                    if token.read_only { "read-only" } else { "read-write" },
                    token.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                    token.created_by
                );
            }
        }
        TokenAction::Revoke { name } => {
            let revoked = runtime()?.block_on(access::revoke_token(&store, &name))?;
            println!("revoked the token of {:?}", revoked.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
