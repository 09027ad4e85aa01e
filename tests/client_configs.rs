//! The client configurations the README shows (and `examples/clients/` holds), started
//! the way the apps start them: from `/`, with only the environment the config sets
//! (plus `HOME` and `PATH`), the command path and variables filled in as each app fills
//! them in. Every config must reach the one default database of its user, and each
//! must import from the folders it names, also when another app's process owns the
//! database and relays its session.

mod common;

use std::path::{Path, PathBuf};

use common::{err, ok};
use rmcp::ServiceExt;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use serde_json::{Value, json};

/// One server entry of a client config: command, arguments, environment.
struct Launch {
    client: String,
    command: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

/// The `grounded` entry of a config in any of the four clients' shapes.
fn launch(client: &str, config: &Value) -> Launch {
    let entry = ["mcpServers", "servers", "context_servers"]
        .iter()
        .find_map(|key| config.get(key).and_then(|servers| servers.get("grounded")))
        .unwrap_or_else(|| panic!("{client}: no grounded server in {config}"));
    let strings = |v: &Value| v.as_array().into_iter().flatten().map(|a| a.as_str().unwrap().to_string()).collect();
    Launch {
        client: client.to_string(),
        command: entry["command"].as_str().expect("a command").to_string(),
        args: strings(&entry["args"]),
        env: entry["env"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect(),
    }
}

/// The config files a user copies.
fn example_configs() -> Vec<Launch> {
    let folder = format!("{}/examples/clients", env!("CARGO_MANIFEST_DIR"));
    ["claude_desktop_config.json", "vscode-mcp.json", "cursor-mcp.json", "zed-settings.json"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(format!("{folder}/{name}")).unwrap();
            launch(name, &serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}")))
        })
        .collect()
}

/// The JSON blocks of the README's "Connect an assistant" section, in order.
fn readme_configs() -> Vec<Launch> {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let section = readme.split("## Connect an assistant").nth(1).unwrap();
    let section = section.split("### Several clients on one database").next().unwrap();
    section
        .split("```json")
        .skip(1)
        .enumerate()
        .map(|(i, block)| {
            let text = block.split("```").next().unwrap();
            let config: Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("README config {i} is not JSON: {e}\n{text}"));
            launch(&format!("README config {i}"), &config)
        })
        .collect()
}

/// Where an app's variables point in this test.
struct Machine {
    home: PathBuf,
    workspace: PathBuf,
}

impl Machine {
    /// `${userHome}` and `/Users/you` are the home folder, `${workspaceFolder}` the open project.
    fn fill(&self, text: &str) -> String {
        text.replace("${userHome}", self.home.to_str().unwrap())
            .replace("/Users/you", self.home.to_str().unwrap())
            .replace("${workspaceFolder}", self.workspace.to_str().unwrap())
    }

    async fn start(&self, launch: &Launch) -> common::Client {
        let command = self.fill(&launch.command);
        assert!(Path::new(&command).is_absolute(), "{}: apps need an absolute command path: {command}", launch.client);
        let transport = TokioChildProcess::new(tokio::process::Command::new(&command).configure(|cmd| {
            cmd.args(launch.args.iter().map(|a| self.fill(a)))
                .current_dir("/")
                .env_clear()
                .env("HOME", &self.home)
                .env("PATH", "/usr/bin:/bin")
                .env("GROUNDED_TZ", "UTC");
            for (name, value) in &launch.env {
                cmd.env(name, self.fill(value));
            }
        }))
        .unwrap_or_else(|e| panic!("{}: {command} does not start: {e}", launch.client));
        ().serve(transport).await.unwrap_or_else(|e| panic!("{}: no MCP handshake: {e}", launch.client))
    }
}

/// A home with `cargo install`'s binary in it, a research folder and an open project.
fn machine(dir: &Path) -> Machine {
    let home = dir.join("home");
    let bin = home.join(".cargo/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_grounded"), bin.join("grounded")).unwrap();
    std::fs::create_dir_all(home.join("research")).unwrap();
    let workspace = dir.join("project");
    std::fs::create_dir_all(&workspace).unwrap();
    Machine { home, workspace }
}

/// One interview excerpt a client imports, findable by its own word.
fn note(folder: &Path, word: &str) -> String {
    let path = folder.join(format!("{word}.jsonl"));
    let line =
        json!({"kind": "interview", "text": format!("The {word} screen lost me on day one"), "participant": "P1"});
    std::fs::write(&path, format!("{line}\n")).unwrap();
    path.to_str().unwrap().to_string()
}

async fn every_config_shares_one_database(configs: Vec<Launch>) {
    assert_eq!(configs.len(), 4, "Claude Desktop, Cursor, VS Code and Zed");
    let dir = tempfile::tempdir().unwrap();
    let machine = machine(dir.path());
    let mut clients = vec![];
    for (i, launch) in configs.iter().enumerate() {
        // The first started owns the database; the others relay to it.
        let client = machine.start(launch).await;
        let uses_workspace = launch.env.iter().any(|(_, v)| v.contains("${workspaceFolder}"));
        let folder = if uses_workspace { machine.workspace.clone() } else { machine.home.join("research") };
        let word = format!("word{i}");
        let imported = ok(&client, "import_evidence", json!({"path": note(&folder, &word)})).await;
        assert_eq!(imported["created"], 1, "{}: {imported}", launch.client);
        // Outside its own roots, even though the owner's roots may hold it.
        let elsewhere = tempfile::tempdir().unwrap();
        let refused = err(&client, "import_evidence", json!({"path": note(elsewhere.path(), "stray")})).await;
        assert!(refused.contains("outside the import roots"), "{}: {refused}", launch.client);
        clients.push((launch.client.clone(), client));
    }
    // One database: every client finds what each of the others imported.
    for (name, client) in &clients {
        for i in 0..configs.len() {
            let found = ok(client, "search_evidence", json!({"query": format!("word{i}")})).await;
            assert_eq!(found["total"], 1, "{name} does not see word{i}: {found}");
        }
    }
    assert!(
        machine.home.join(".local/share/grounded/db").is_dir(),
        "the database is the user's default one, in the data folder"
    );
    for (_, client) in clients {
        client.cancel().await.unwrap();
    }
}

#[tokio::test]
async fn the_example_configs_started_from_root_share_one_database() {
    every_config_shares_one_database(example_configs()).await;
}

#[tokio::test]
async fn the_readme_configs_started_from_root_share_one_database() {
    every_config_shares_one_database(readme_configs()).await;
}
