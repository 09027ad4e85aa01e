//! The `grounded` command: the MCP server and a CLI over the same core.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Keep OKRs honest: check them against good practice, ground them in customer
/// evidence, score them against data. Serves MCP over stdio for AI assistants.
#[derive(Parser)]
#[command(name = "grounded", version, about, long_about = None)]
struct Cli {
    /// The database folder [default: the platform's data folder for grounded]
    #[arg(long, global = true, env = "GROUNDED_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve MCP over stdio (the default when no command is given)
    Serve,
    /// Check OKRs in a YAML or Markdown file; exits 1 when a check fails
    ///
    /// YAML: one objective (objective, owner, cycle, key_results: [...]) or a set
    /// (cycle, owner, objectives: [...]). Markdown: an objective heading (# ...),
    /// optional "Owner:" and "Cycle:" lines, one bullet per key result.
    Check {
        /// The file to check (.yaml, .yml, .md)
        file: PathBuf,
        /// Print the full result as JSON
        #[arg(long)]
        json: bool,
        /// Also list the checks that pass
        #[arg(long, short)]
        verbose: bool,
    },
    /// Show the whole flow on the example workspace, in a temporary database
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::init_logging();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => cli::serve(cli.db),
        Command::Check { file, json, verbose } => cli::check::run(&file, json, verbose),
        Command::Demo => cli::demo::run(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("grounded: {error:#}");
            ExitCode::from(2)
        }
    }
}
