//! The built `grounded` binary run from a terminal, one command at a time: what the
//! tests of the command line share. A [`Grounded`] fixes what every run of a test
//! shares (`--db`, environment, working folder) and runs as often as needed; each
//! [`Ran`] is the exit code and what was printed. A test that starts a long-running
//! process (`serve --http`) takes the prepared [`Grounded::command`] instead.
//!
//! Nothing is set by default: the process inherits the test's environment, changed
//! only by what the test names.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `grounded [--db DB] [ARGS...]`, with its environment and working folder.
#[derive(Clone, Default)]
pub struct Grounded {
    args: Vec<OsString>,
    /// In order; `None` removes the variable.
    env: Vec<(OsString, Option<OsString>)>,
    cwd: Option<PathBuf>,
}

impl Grounded {
    /// With no `--db`: for commands that need no database (`check`, `demo`).
    pub fn new() -> Self {
        Self::default()
    }

    /// `grounded --db <db> ...`.
    pub fn on(db: impl AsRef<Path>) -> Self {
        Self { args: vec!["--db".into(), db.as_ref().into()], ..Self::default() }
    }

    /// Arguments before those of every run (a subcommand a test repeats).
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(OsString::from));
        self
    }

    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((name.into(), Some(value.as_ref().into())));
        self
    }

    /// Runs without `name`, whatever the test's own environment has.
    pub fn without_env(mut self, name: &str) -> Self {
        self.env.push((name.into(), None));
        self
    }

    /// The working folder (relative paths on the command line are read from it).
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().into());
        self
    }

    /// The command with `args` appended, not started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_grounded"));
        command.args(&self.args).args(args);
        for (name, value) in &self.env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        if let Some(cwd) = &self.cwd {
            command.current_dir(cwd);
        }
        command
    }

    /// Runs `grounded ... args` to its end.
    pub fn run(&self, args: &[&str]) -> Ran {
        let output = self.command(args).output().expect("the grounded binary runs");
        let text = |bytes: Vec<u8>| {
            String::from_utf8(bytes).unwrap_or_else(|e| {
                panic!("grounded {args:?} printed bytes that are not UTF-8: {}", String::from_utf8_lossy(e.as_bytes()))
            })
        };
        Ran { code: output.status.code(), stdout: text(output.stdout), stderr: text(output.stderr) }
    }
}

/// A finished run: its exit code (`None` if a signal ended it) and what it printed.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// Exit code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Everything printed: stdout, then stderr.
    pub fn said(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Stdout read as JSON (`--json`); panics with what was printed if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.said()))
    }
}
