//! Commands that run in the process owning the database.
//!
//! sled admits one process per database. When a `grounded serve` owns it, a command
//! typed in a terminal sends its arguments, working directory and user through the
//! local socket; the owner runs the very same command against its open store, on a
//! thread of its own, with what it prints captured, and sends back the output and the
//! exit code. The terminal sees the same answer and exit code as a local run.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use grounded::fetch::Settings;
use grounded::serve::socket::{CliCall, CliReply, Hello};
use grounded::store::Store;
use tokio::io::AsyncBufReadExt;

/// The command this thread runs for another process, and what it printed so far.
struct Invocation {
    store: Store,
    cwd: PathBuf,
    user: String,
    settings: Option<Settings>,
    out: Vec<u8>,
    err: Vec<u8>,
}

thread_local! {
    static INVOCATION: RefCell<Option<Invocation>> = const { RefCell::new(None) };
}

pub fn write_out(text: std::fmt::Arguments<'_>) {
    let captured = INVOCATION.with_borrow_mut(|i| i.as_mut().map(|i| i.out.write_fmt(text)).is_some());
    if !captured {
        let _ = std::io::stdout().write_fmt(text);
    }
}

pub fn write_err(text: std::fmt::Arguments<'_>) {
    let captured = INVOCATION.with_borrow_mut(|i| i.as_mut().map(|i| i.err.write_fmt(text)).is_some());
    if !captured {
        let _ = std::io::stderr().write_fmt(text);
    }
}

pub fn owned_store() -> Option<Store> {
    INVOCATION.with_borrow(|i| i.as_ref().map(|i| i.store.clone()))
}

pub fn caller_directory() -> Option<PathBuf> {
    INVOCATION.with_borrow(|i| i.as_ref().map(|i| i.cwd.clone()))
}

pub fn caller_user() -> Option<String> {
    INVOCATION.with_borrow(|i| i.as_ref().map(|i| i.user.clone()))
}

/// The configuration of the process that sent the command, when it sent one.
pub fn caller_settings() -> Option<Settings> {
    INVOCATION.with_borrow(|i| i.as_ref().and_then(|i| i.settings.clone()))
}

/// Runs the command on the database's owner, if a process owns it and answers;
/// None when nobody does (the command then runs here).
pub fn on_owner(db: &Path) -> anyhow::Result<Option<ExitCode>> {
    let call = CliCall {
        args: std::env::args().skip(1).collect(),
        cwd: std::env::current_dir()?,
        user: grounded::model::Actor::from_env().0,
        tz: Some(grounded::clock::zone_name(&grounded::clock::zone())),
        settings: Some(Settings::from_env()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let reply = runtime.block_on(async {
        let stream = grounded::serve::socket::connect(db, &Hello::Cli(call)).await?;
        let line = tokio::io::BufReader::new(stream).lines().next_line().await.ok()??;
        serde_json::from_str::<CliReply>(&line).ok()
    });
    Ok(reply.map(|reply| {
        let _ = std::io::stdout().write_all(reply.stdout.as_bytes());
        let _ = std::io::stderr().write_all(reply.stderr.as_bytes());
        ExitCode::from(reply.code)
    }))
}

/// In the owner: runs a command another process sent, with `run` being the same
/// dispatch `main` uses, and captures what it prints.
pub fn run_for(
    call: CliCall,
    store: Store,
    run: impl FnOnce(Vec<String>, &Path) -> Result<ExitCode, (u8, String)>,
) -> CliReply {
    INVOCATION.with_borrow_mut(|i| {
        *i = Some(Invocation {
            store,
            cwd: call.cwd.clone(),
            user: call.user,
            settings: call.settings,
            out: vec![],
            err: vec![],
        })
    });
    let zone =
        call.tz.as_deref().and_then(|name| jiff::tz::TimeZone::get(name).ok()).unwrap_or_else(grounded::clock::zone);
    let code = match grounded::clock::with_zone(zone, || run(call.args, &call.cwd)) {
        Ok(code) => code_number(code),
        Err((code, message)) => {
            write_err(format_args!("{message}\n"));
            code
        }
    };
    let done = INVOCATION.with_borrow_mut(Option::take).expect("the invocation set above");
    CliReply {
        stdout: String::from_utf8_lossy(&done.out).into_owned(),
        stderr: String::from_utf8_lossy(&done.err).into_owned(),
        code,
    }
}

/// ExitCode does not say its number; the commands use 0, 1 and 2.
fn code_number(code: ExitCode) -> u8 {
    [0u8, 1, 2, 3].into_iter().find(|n| ExitCode::from(*n) == code).unwrap_or(1)
}
