//! Which local files an import may read, and reading them without blocking or
//! running past the size cap.
//!
//! An assistant chooses the `path` of an import, and what it reads may end up stored
//! or echoed, so the path must sit under a folder the operator chose (the import
//! roots), after symlinks and `..` are resolved. A person's own command in a terminal
//! reads any file that person can read: the fence is for callers who are not the
//! person running grounded. Only regular files are read: a FIFO
//! would block the server forever, `/dev/zero` never ends, and `/proc` files report
//! a size of 0, so the cap counts the bytes actually read.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

use super::MAX_FILE_BYTES;
use crate::error::{Error, Result};

/// The environment variable holding the roots: folders separated by `:`, as in PATH.
pub const IMPORT_ROOTS_ENV: &str = "GROUNDED_IMPORT_ROOTS";

/// Pseudo-filesystems whose files look regular but are the system's (the process
/// environment, kernel state): refused even under a root such as `/`.
const SYSTEM_FOLDERS: &[&str] = &["/proc", "/sys", "/dev"];

/// Who names the files, which decides how a path is read and how refusals speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A person at a terminal (`grounded import ...`): relative paths are read from
    /// the working directory, and any path that person can read is read (no roots).
    Cli,
    /// An assistant over stdio, on the user's machine: as the CLI, but the server's
    /// configuration is what changes.
    Local,
    /// A caller over the network (the coming HTTP transport): paths are relative to
    /// the roots only, never absolute, so it cannot name a path of the host.
    Remote,
}

/// The folders imports may read from, canonicalized once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRoots {
    /// (as configured, made absolute; canonical), both kept so a path written the
    /// configured way (/tmp on macOS, a symlinked home) is recognised before it is
    /// resolved.
    roots: Vec<(PathBuf, PathBuf)>,
    caller: Caller,
    /// True when the roots came from [`IMPORT_ROOTS_ENV`], for the wording of refusals.
    configured: bool,
    /// Where a relative path is read from when the caller works somewhere else than
    /// this process: a session relayed from another `grounded serve`, a command typed in
    /// another terminal. None: this process's working directory.
    working_directory: Option<PathBuf>,
}

impl ImportRoots {
    /// The roots are `defaults` (the working directory and the database's folder) and
    /// the folders of `configured` (as [`IMPORT_ROOTS_ENV`] writes them) added to them.
    /// A default of `/` is dropped: an MCP client that starts the server from `/` must
    /// not open the whole disk by accident; name it in the variable to mean it.
    /// Folders that do not exist are skipped.
    pub fn with_configured(caller: Caller, defaults: &[PathBuf], configured: Option<&str>) -> ImportRoots {
        let mut folders: Vec<PathBuf> = defaults.iter().filter(|p| p.parent().is_some()).cloned().collect();
        let configured = match configured {
            Some(text) if !text.trim().is_empty() => {
                folders.extend(std::env::split_paths(text).filter(|p| !p.as_os_str().is_empty()));
                true
            }
            _ => false,
        };
        ImportRoots::new(caller, &folders, configured)
    }

    pub fn new(caller: Caller, folders: &[PathBuf], configured: bool) -> ImportRoots {
        let mut roots: Vec<(PathBuf, PathBuf)> = vec![];
        for folder in folders {
            let absolute = normalize(&absolute(folder));
            match absolute.canonicalize() {
                Ok(canonical) if canonical.is_dir() => {
                    if !roots.iter().any(|(_, c)| *c == canonical) {
                        roots.push((absolute, canonical));
                    }
                }
                _ => tracing::warn!(root = %folder.display(), "import root skipped: not a readable folder"),
            }
        }
        ImportRoots { roots, caller, configured, working_directory: None }
    }

    pub fn caller(&self) -> Caller {
        self.caller
    }

    /// Adds a default root (a relayed client's working directory), as the client's
    /// own server would have had it.
    pub fn add_default(&mut self, folder: PathBuf) {
        if folder.parent().is_none() {
            return;
        }
        let added = ImportRoots::new(self.caller, &[folder], false);
        for root in added.roots {
            if !self.roots.iter().any(|(_, c)| *c == root.1) {
                self.roots.push(root);
            }
        }
    }

    /// A caller in `folder`: its relative paths are read from there, and the folder is
    /// a default root, as it would be for a server it had started itself.
    pub fn work_in(&mut self, folder: PathBuf) {
        self.add_default(folder.clone());
        self.working_directory = Some(folder);
    }

    /// The roots, canonical, for messages and listings.
    pub fn folders(&self) -> Vec<PathBuf> {
        self.roots.iter().map(|(_, c)| c.clone()).collect()
    }

    /// Resolves `requested` to a canonical path under a root, or says why not. The
    /// path is checked before it is resolved too, so a refusal outside the roots
    /// does not tell whether the file exists there.
    pub fn resolve(&self, field: &str, requested: &str) -> Result<PathBuf> {
        if requested.trim().is_empty() {
            return Err(Error::invalid(field, "is empty; give the file to import"));
        }
        if self.roots.is_empty() && self.caller != Caller::Cli {
            return Err(Error::invalid(
                field,
                format!("no import root is set, so no file can be read; {}", self.how()),
            ));
        }
        let path = Path::new(requested);
        let candidates: Vec<PathBuf> = match self.caller {
            Caller::Remote => {
                if path.is_absolute() || path.components().any(|c| matches!(c, Component::ParentDir)) {
                    return Err(Error::invalid(
                        field,
                        format!(
                            "{requested} is not a path inside the import roots; give it relative to a root (such as research/interviews.csv), without .."
                        ),
                    ));
                }
                self.roots.iter().map(|(_, root)| root.join(path)).collect()
            }
            Caller::Cli => {
                let wanted = match &self.working_directory {
                    Some(folder) if path.is_relative() => folder.join(path),
                    _ => absolute(path),
                };
                return wanted
                    .canonicalize()
                    .map_err(|e| Error::invalid(field, format!("cannot read {requested}: {e}")));
            }
            Caller::Local => {
                let wanted = match &self.working_directory {
                    Some(folder) if path.is_relative() => normalize(&folder.join(path)),
                    _ => normalize(&absolute(path)),
                };
                if !self
                    .roots
                    .iter()
                    .any(|(given, canonical)| wanted.starts_with(given) || wanted.starts_with(canonical))
                {
                    return Err(self.outside(field, requested));
                }
                vec![wanted]
            }
        };
        let mut last_error = None;
        for candidate in candidates {
            match candidate.canonicalize() {
                // Symlinks are resolved now: the real file must be under a root too.
                Ok(real) if self.roots.iter().any(|(_, root)| real.starts_with(root)) => return Ok(real),
                Ok(_) => return Err(self.outside(field, requested)),
                Err(e) => last_error = Some(e),
            }
        }
        let why = last_error.map(|e| e.to_string()).unwrap_or_default();
        Err(Error::invalid(field, format!("cannot read {requested}: {why}")))
    }

    fn outside(&self, field: &str, requested: &str) -> Error {
        let roots = self.folders().iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let whence = if self.configured {
            format!("the working directory, the database's folder and {IMPORT_ROOTS_ENV}")
        } else {
            "the working directory and the database's folder".to_string()
        };
        Error::invalid(
            field,
            format!(
                "{requested} is outside the import roots ({roots}, from {whence}); put the file under one of them, or {}",
                self.how()
            ),
        )
    }

    /// How to add a folder, in the terms of whoever reads the message.
    fn how(&self) -> String {
        match self.caller {
            // A person's own command reads any path; only an empty fence could get here.
            Caller::Cli => "give a path you can read".to_string(),
            Caller::Local => format!(
                "add its folder to {IMPORT_ROOTS_ENV} in the env of the client's server configuration (folders separated by :, such as /Users/you/research) and restart it, or import it from a terminal with `grounded import evidence PATH`"
            ),
            Caller::Remote => format!(
                "add its folder to {IMPORT_ROOTS_ENV} in the server's configuration (folders separated by :) and restart it"
            ),
        }
    }

    /// Reads a file under the roots: regular files only, opened without blocking, at
    /// most [`MAX_FILE_BYTES`] counted as they are read. Errors name `field` and the
    /// path as requested, never what the file holds.
    pub fn read(&self, field: &str, requested: &str) -> Result<Vec<u8>> {
        self.read_resolved(field, requested).map(|(_, bytes)| bytes)
    }

    /// [`ImportRoots::read`], with the canonical path that was read: the file's
    /// identity however it was named (relative, through a symlink, with `..`).
    pub fn read_resolved(&self, field: &str, requested: &str) -> Result<(PathBuf, Vec<u8>)> {
        let real = self.resolve(field, requested)?;
        if SYSTEM_FOLDERS.iter().any(|folder| real.starts_with(folder)) {
            return Err(Error::invalid(
                field,
                format!("{requested} is a system file ({}); only regular files of yours are imported", real.display()),
            ));
        }
        let cannot = |e: std::io::Error| Error::invalid(field, format!("cannot read {requested}: {e}"));
        // The type is checked before opening: opening a FIFO for reading blocks
        // until a writer comes, which may be never.
        let before = std::fs::metadata(&real).map_err(cannot)?;
        regular(field, requested, &before)?;
        let mut file: File = OpenOptions::new()
            .read(true)
            // O_NONBLOCK: should the path have become a FIFO since the check, open
            // returns at once instead of waiting. O_NOFOLLOW: nor may it have become a
            // symlink. Reads of a regular file ignore O_NONBLOCK.
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
            .open(&real)
            .map_err(cannot)?;
        // The handle is what is read: it must be the regular file that was checked.
        let opened = file.metadata().map_err(cannot)?;
        regular(field, requested, &opened)?;
        if (opened.dev(), opened.ino()) != (before.dev(), before.ino()) {
            return Err(Error::invalid(field, format!("{requested} changed while it was opened; try again")));
        }
        if opened.len() > MAX_FILE_BYTES as u64 {
            return Err(too_large(field, requested, &format!("{} bytes", opened.len())));
        }
        // The reported size may be wrong (a file still growing): the cap is on bytes read.
        let mut bytes = Vec::with_capacity(opened.len() as usize);
        (&mut file).take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(cannot)?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(too_large(field, requested, &format!("more than {MAX_FILE_BYTES} bytes")));
        }
        Ok((real, bytes))
    }
}

fn too_large(field: &str, requested: &str, size: &str) -> Error {
    Error::invalid(
        field,
        format!("{requested} is {size}; files up to {MAX_FILE_BYTES} bytes (20 MB) are accepted: split it"),
    )
}

/// Refuses anything but a regular file, naming what it is.
fn regular(field: &str, requested: &str, meta: &std::fs::Metadata) -> Result<()> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    };
    Err(Error::invalid(field, format!("{requested} is {what}; only regular files are imported")))
}

/// `path` made absolute against the working directory, without touching the disk.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Removes `.` and resolves `..` by the text alone, so `/root/../etc/passwd` is seen
/// to leave the root before the disk is asked about it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(caller: Caller, folder: &Path) -> ImportRoots {
        ImportRoots::new(caller, &[folder.to_path_buf()], true)
    }

    #[test]
    fn files_under_a_root_are_read_and_others_refused() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("notes.md"), "P1: hello").unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s3cret").unwrap();
        let access = roots(Caller::Local, root.path());
        let inside = root.path().join("notes.md");
        assert_eq!(access.read("path", inside.to_str().unwrap()).unwrap(), b"P1: hello");
        let secret = outside.path().join("secret.txt");
        let err = access.read("path", secret.to_str().unwrap()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("path: {} is outside the import roots", secret.display())), "{err}");
        assert!(err.contains("GROUNDED_IMPORT_ROOTS in the env of the client"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
        // `..` out of the root is refused by the text alone, existing or not.
        let escape = format!("{}/../{}/secret.txt", root.path().display(), outside.path().display());
        assert!(access.read("path", &escape).unwrap_err().to_string().contains("is outside the import roots"));
        let missing = format!("{}/../no-such-file", root.path().display());
        assert!(access.read("path", &missing).unwrap_err().to_string().contains("is outside the import roots"));
        // A prefix of the root's name is not the root.
        let sibling = format!("{}-x/file", root.path().display());
        assert!(access.read("path", &sibling).unwrap_err().to_string().contains("is outside the import roots"));
        let err = access.read("path", "/etc/passwd").unwrap_err().to_string();
        assert!(err.contains("outside the import roots") && !err.contains("root:"), "{err}");
    }

    #[test]
    fn a_symlink_out_of_a_root_is_refused_and_one_inside_it_followed() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s3cret").unwrap();
        std::fs::write(root.path().join("real.txt"), "P1: fine").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.path().join("link.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("dir")).unwrap();
        std::os::unix::fs::symlink(root.path().join("real.txt"), root.path().join("alias.txt")).unwrap();
        let access = roots(Caller::Local, root.path());
        for name in ["link.txt", "dir/secret.txt"] {
            let path = root.path().join(name);
            let err = access.read("path", path.to_str().unwrap()).unwrap_err().to_string();
            assert!(err.contains("is outside the import roots") && !err.contains("s3cret"), "{name}: {err}");
        }
        assert_eq!(access.read("path", root.path().join("alias.txt").to_str().unwrap()).unwrap(), b"P1: fine");
    }

    #[test]
    fn special_files_are_refused_without_blocking() {
        let root = tempfile::tempdir().unwrap();
        let fifo = root.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let access = roots(Caller::Local, root.path());
        let err = access.read("path", fifo.to_str().unwrap()).unwrap_err().to_string();
        assert!(err.ends_with("is a named pipe (FIFO); only regular files are imported"), "{err}");
        let err = access.read("path", root.path().to_str().unwrap()).unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
        let everything = roots(Caller::Local, Path::new("/"));
        let err = everything.read("path", "/dev/zero").unwrap_err().to_string();
        assert!(err.contains("is a system file"), "{err}");
        let err = everything.read("path", "/proc/self/environ").unwrap_err().to_string();
        assert!(err.contains("is a system file"), "{err}");
    }

    #[test]
    fn remote_callers_name_files_relative_to_the_roots() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("research")).unwrap();
        std::fs::write(root.path().join("research/a.md"), "P1: hi").unwrap();
        let access = roots(Caller::Remote, root.path());
        assert_eq!(access.read("path", "research/a.md").unwrap(), b"P1: hi");
        let absolute = root.path().join("research/a.md");
        for path in [absolute.to_str().unwrap(), "../etc/passwd", "research/../../x"] {
            let err = access.read("path", path).unwrap_err().to_string();
            assert!(err.contains("is not a path inside the import roots"), "{path}: {err}");
        }
    }

    #[test]
    fn a_caller_working_elsewhere_names_files_from_its_own_folder() {
        // A session relayed from an editor open on another project: "notes.md" is that
        // project's file, not one in the owner's working directory.
        let project = tempfile::tempdir().unwrap();
        std::fs::write(project.path().join("notes.md"), "P1: mine").unwrap();
        let mut access = ImportRoots::new(Caller::Local, &[], false);
        assert!(access.read("path", "notes.md").is_err());
        access.work_in(project.path().to_path_buf());
        assert_eq!(access.read("path", "notes.md").unwrap(), b"P1: mine");
        assert!(access.read("path", "../notes.md").is_err(), "still only under the roots");
    }

    #[test]
    fn no_roots_refuses_an_assistant_and_says_where_to_add_one() {
        let none = ImportRoots::new(Caller::Local, &[], false);
        let err = none.read("path", "notes.md").unwrap_err().to_string();
        assert!(err.contains("no import root is set") && err.contains("GROUNDED_IMPORT_ROOTS in the env"), "{err}");
    }

    #[test]
    fn a_person_at_a_terminal_reads_any_file_they_can_but_only_regular_ones() {
        // The fence is for assistants and remote callers: `grounded import evidence
        // ~/Downloads/export.csv` is the person's own choice.
        let elsewhere = tempfile::tempdir().unwrap();
        let file = elsewhere.path().join("export.csv");
        std::fs::write(&file, "text\nhello").unwrap();
        let mut cli = ImportRoots::new(Caller::Cli, &[], false);
        assert_eq!(cli.read("FILE", file.to_str().unwrap()).unwrap(), b"text\nhello");
        cli.work_in(elsewhere.path().to_path_buf());
        assert_eq!(cli.read("FILE", "export.csv").unwrap(), b"text\nhello", "relative to the caller's folder");
        let err = cli.read("FILE", elsewhere.path().to_str().unwrap()).unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
        assert!(cli.read("FILE", "/proc/self/environ").is_err(), "system files stay refused");
    }
}
