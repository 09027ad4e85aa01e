//! The invariants ARCHITECTURE.md lists, kept by reading the source: the layers of
//! the library import one way only, the core holds no transport, and every citation
//! of the domain's rules resolves to a heading in this repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The library's top-level modules that form the core: they know no transport, so
/// the MCP layer and the CLI stay thin over them.
const CORE: &[&str] = &[
    "clock", "error", "evidence", "explain", "lookup", "model", "okr", "report", "scoring", "stats", "store",
    "validate",
];

/// Names a core module would use only if it spoke a transport itself.
const TRANSPORT_WORDS: &[&str] =
    &["rmcp", "axum", "CallToolResult", "JsonRpc", "tokio::net", "reqwest", "crate::mcp", "crate::serve"];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The library's modules: `src/<name>.rs` or `src/<name>/`, not the binary's (`main.rs`,
/// `cli/`) and not `lib.rs`.
fn library_files() -> Vec<(String, PathBuf)> {
    let src = Path::new(ROOT).join("src");
    rust_files(&src)
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&src).unwrap();
            let first = relative.components().next()?.as_os_str().to_str()?.to_string();
            let module = first.trim_end_matches(".rs").to_string();
            (!["main", "lib", "cli"].contains(&module.as_str())).then_some((module, path))
        })
        .collect()
}

/// Source without comments, string and character literals (each literal becomes an
/// empty one), so braces and paths are only the code's own.
fn code_only(text: &str) -> String {
    lexed(text).0
}

/// The code without comments and literals, and the string literals' contents.
fn lexed(text: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut i) = (String::with_capacity(text.len()), 0);
    let mut strings = vec![];
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !is_ident(chars.get(i.wrapping_sub(1))) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            strings.push(
                chars[(i + 2 + hashes).min(j)..j.saturating_sub(1 + hashes).max((i + 2 + hashes).min(j))]
                    .iter()
                    .collect(),
            );
            i = j;
        } else if c == '"' {
            i += 1;
            let start = i;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            strings.push(chars[start..i.min(chars.len())].iter().collect());
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A character literal ('{', '\n', '\''); a lifetime ('a) has no closing quote.
            i += if next == Some('\\') {
                chars[i + 2..].iter().position(|&c| c == '\'').map_or(3, |p| p + 3)
            } else {
                3
            };
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    (out, strings)
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Code without the items marked `#[cfg(test)]`: tests may build their fixtures with
/// any module, the library may not.
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let brace = after.find('{');
        let semicolon = after.find(';');
        let end = match (brace, semicolon) {
            (Some(b), Some(s)) if s < b => s + 1,
            (Some(b), _) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, c) in after[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(s)) => s + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules `code` names through `crate::`.
fn modules_named(code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if is_ident(before.as_ref()) {
            continue; // `grounded_crate::` and the like
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    named.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    named
}

/// Which top-level module imports which, and from which files.
fn imports() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let modules: BTreeSet<String> = library_files().into_iter().map(|(m, _)| m).collect();
    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, path) in library_files() {
        let code = without_tests(&code_only(&std::fs::read_to_string(&path).unwrap()));
        for named in modules_named(&code) {
            if named != module && modules.contains(&named) {
                let file = path.strip_prefix(ROOT).unwrap().display().to_string();
                edges.entry(module.clone()).or_default().entry(named).or_default().insert(file);
            }
        }
    }
    edges
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let edges = imports();
    // A path from `to` back to `from` closes a ring; report the shortest.
    let mut rings = vec![];
    for (from, targets) in &edges {
        for to in targets.keys() {
            let mut queue = std::collections::VecDeque::from([vec![to.clone()]]);
            let mut seen = BTreeSet::from([to.clone()]);
            while let Some(path) = queue.pop_front() {
                let last = path.last().unwrap();
                if last == from {
                    let files: Vec<String> =
                        path.windows(2).map(|w| format!("{} → {} in {:?}", w[0], w[1], edges[&w[0]][&w[1]])).collect();
                    rings.push(format!(
                        "{from} → {} (files: {from} → {to} in {:?}; {})",
                        path.join(" → "),
                        targets[to],
                        files.join("; ")
                    ));
                    break;
                }
                for next in edges.get(last).map(|t| t.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                    if seen.insert(next.clone()) {
                        let mut longer = path.clone();
                        longer.push(next);
                        queue.push_back(longer);
                    }
                }
            }
        }
    }
    assert!(
        rings.is_empty(),
        "modules that import each other (move the shared part below both):\n{}",
        rings.join("\n")
    );
    // The test sees what it should: the layers it is meant to keep apart are there.
    assert!(edges["scoring"].contains_key("store") && edges["lookup"].contains_key("scoring"), "{edges:?}");
}

#[test]
fn the_ring_finder_sees_imports_and_skips_comments_strings_and_tests() {
    let code = without_tests(&code_only(
        "use crate::{model, store::Store};\n// crate::okr in a comment\nlet s = \"crate::explain\";\nlet c = '{';\nfn f() { crate::scoring::score(); }\n#[cfg(test)]\nmod tests { use crate::report; fn g() { let _ = '}'; } }\nuse crate::stats::num;",
    ));
    let named: Vec<String> = modules_named(&code).into_iter().collect();
    assert_eq!(named, ["model", "scoring", "stats", "store"]);
}

#[test]
fn the_core_holds_no_transport() {
    let mut found = vec![];
    for (module, path) in library_files() {
        if !CORE.contains(&module.as_str()) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&path).unwrap());
        for word in TRANSPORT_WORDS {
            if code.contains(word) {
                found.push(format!("{}: {word}", path.strip_prefix(ROOT).unwrap().display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the core names a transport (move it to src/mcp, src/serve or src/cli):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_core_names_operations_as_data_never_in_its_sentences() {
    // A tool name inside a core sentence reaches the terminal as a tool name: the CLI
    // renders only what the words keep as an `Operation`.
    let names: Vec<&str> = grounded::error::Operation::ALL
        .iter()
        .map(|o| o.name())
        .filter(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    assert!(names.len() >= 15, "{names:?}");
    let mut found = vec![];
    for (module, path) in library_files() {
        if !CORE.contains(&module.as_str()) || path.ends_with("src/error.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, strings) = lexed(&without_tests(&text));
        for literal in strings {
            let words: Vec<&str> = literal.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).collect();
            if let Some(name) = names.iter().find(|n| words.contains(n)) {
                found.push(format!("{}: {name} in {literal:?}", path.strip_prefix(ROOT).unwrap().display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "operations written into core sentences (use words![..., Operation::..]):\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_store_touches_sled() {
    // Store::tree hands out reads only, and writes go through Store::transact or
    // Store::write_batch behind the writer gate; code that named sled itself could
    // write around the gate (and meet sled's flush deadlock, see src/store/writer.rs).
    let mut found = vec![];
    for (_, path) in library_files() {
        let name = path.strip_prefix(ROOT).unwrap().display().to_string();
        if name.starts_with("src/store/") || name == "src/error.rs" {
            continue;
        }
        if code_only(&std::fs::read_to_string(&path).unwrap()).contains("sled::") {
            found.push(name);
        }
    }
    assert!(found.is_empty(), "code outside src/store/ that names sled (ask the store instead):\n{}", found.join("\n"));
}

#[test]
fn every_audit_entry_is_a_change() {
    // Who, when and why are one value (model::Change); an entry built by hand could
    // leave the reason out, or take its time from a clock other than the change's.
    let mut found = vec![];
    for (_, path) in library_files() {
        let name = path.strip_prefix(ROOT).unwrap().display().to_string();
        if name == "src/model/actor.rs" {
            continue;
        }
        let code = without_tests(&code_only(&std::fs::read_to_string(&path).unwrap()));
        // A literal, not a return type, an impl or the declaration.
        let literal = code.match_indices("AuditEntry {").any(|(at, _)| {
            let before = code[..at].trim_end();
            !["->", "for", "struct", "impl"].iter().any(|word| before.ends_with(word))
        });
        if literal {
            found.push(name);
        }
    }
    assert!(found.is_empty(), "audit entries built by hand (use Change::entry):\n{}", found.join("\n"));
}

/// GitHub's anchor of a Markdown heading: lower case, punctuation dropped but hyphens,
/// spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors_of(markdown: &str) -> BTreeSet<String> {
    let mut in_fence = false;
    let mut anchors = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence && line.starts_with('#') {
            anchors.insert(anchor(line.trim_start_matches('#')));
        }
    }
    anchors
}

/// The files whose citations must resolve: the source, and the documents a newcomer
/// reads first.
fn citing_files() -> Vec<PathBuf> {
    let mut files = rust_files(&Path::new(ROOT).join("src"));
    files.extend(["ARCHITECTURE.md", "BENCHMARKS.md", "README.md"].map(|f| Path::new(ROOT).join(f)));
    files
}

#[test]
fn every_citation_of_the_rules_resolves_to_a_heading_here() {
    let mut wrong = vec![];
    let mut cited = 0;
    for path in citing_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.strip_prefix(ROOT).unwrap().display().to_string();
        for (number, line) in text.lines().enumerate() {
            // The briefs this project started from are not in the repository; a
            // citation of them leads nowhere for someone with a clone.
            for brief in ["DOMAIN.md", "DESIGN.md"] {
                if line.contains(brief) {
                    wrong.push(format!("{name}:{}: cites {brief}, which is not in the repository", number + 1));
                }
            }
            // In source, a citation is a comment's; a string that looks like one is data.
            let mut rest = if name.ends_with(".rs") { line.find("//").map_or("", |at| &line[at..]) } else { line };
            while let Some(at) = rest.find(".md#") {
                let start =
                    rest[..at].rfind(|c: char| !(c.is_alphanumeric() || "/_.-".contains(c))).map_or(0, |p| p + 1);
                let file = &rest[start..at + 3];
                let tail = &rest[at + 4..];
                let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(tail.len());
                let target = &tail[..end];
                rest = &tail[end..];
                // Relative to the citing file for Markdown links, else to the root.
                let base = if name.ends_with(".md") { path.parent().unwrap().to_path_buf() } else { ROOT.into() };
                let doc = [base.join(file), Path::new(ROOT).join(file)].into_iter().find(|p| p.exists());
                cited += 1;
                match doc {
                    None => wrong.push(format!("{name}:{}: {file} does not exist", number + 1)),
                    Some(doc) => {
                        if !anchors_of(&std::fs::read_to_string(&doc).unwrap()).contains(target) {
                            wrong.push(format!("{name}:{}: {file} has no heading #{target}", number + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "citations that lead nowhere:\n{}", wrong.join("\n"));
    assert!(cited >= 20, "only {cited} citations found; the finder is broken");
}

#[test]
fn anchors_are_computed_as_github_writes_them() {
    assert_eq!(anchor(" 3. Scoring"), "3-scoring");
    assert_eq!(anchor(" Trust: n, coverage, interval"), "trust-n-coverage-interval");
    assert_eq!(anchor(" Step 1: the subject"), "step-1-the-subject");
}
