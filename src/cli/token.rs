//! `grounded token add|list|revoke`: the bearer tokens `serve --http` accepts.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use grounded::access;

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
    let (_, store) = super::open(db)?;
    match action {
        TokenAction::Add { name, read_only } => {
            let made = runtime()?.block_on(access::add_token(&store, &name, read_only, &super::actor()))?;
            let access = if made.info.read_only { "read-only" } else { "read-write" };
            errln!(
                "Token for {:?} ({access}). It is shown only this once; only its hash is kept. \
                 Clients send it as \"Authorization: Bearer <token>\":",
                made.info.name
            );
            // The token alone on stdout, so a script can capture it.
            outln!("{}", made.token);
        }
        TokenAction::List => {
            let tokens = access::list_tokens(&store)?;
            if tokens.is_empty() {
                outln!("no tokens; make one with: grounded token add NAME [--read-only]");
            }
            for token in tokens {
                outln!(
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
            outln!("revoked the token of {:?}", revoked.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
