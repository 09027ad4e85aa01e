// Builds the grounded MCP Apps views into self-contained HTML files:
//   src/<name>.ts + src/base.css + src/shell.html  ->  ../src/mcp/views/<name>.html
//
//   node build.mjs           write the files
//   node build.mjs --check   build in memory; exit 1 naming each committed file that differs
//
// The first line of each file records the sha256 of the sources (rule in README.md);
// a Rust test recomputes it. Output is deterministic: same sources, same bytes.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, "src");
const OUT = join(HERE, "..", "src", "mcp", "views");
const MAX_BYTES = 150 * 1024;

const VIEWS = [
  { name: "scorecard", title: "grounded · scorecard" },
  { name: "key-result", title: "grounded · key result" },
  { name: "why", title: "grounded · why" },
];

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** sha256 over (name, 0x00, bytes, 0x00) of every file under src/ plus build.mjs,
 * package.json and package-lock.json, names relative to views/ with "/", sorted bytewise. */
export function sourcesHash() {
  const files = [...walk(SRC), join(HERE, "build.mjs"), join(HERE, "package.json"), join(HERE, "package-lock.json")];
  const named = files.map((p) => ({ name: relative(HERE, p).split(sep).join("/"), path: p }));
  named.sort((a, b) => Buffer.compare(Buffer.from(a.name, "utf8"), Buffer.from(b.name, "utf8")));
  const hash = createHash("sha256");
  const zero = Buffer.from([0]);
  for (const f of named) {
    hash.update(Buffer.from(f.name, "utf8"));
    hash.update(zero);
    hash.update(readFileSync(f.path));
    hash.update(zero);
  }
  return hash.digest("hex");
}

async function buildView(view, hex, shell, css) {
  const js = await esbuild.build({
    entryPoints: [join(SRC, `${view.name}.ts`)],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020", "chrome100", "firefox100", "safari15"],
    platform: "browser",
    legalComments: "none",
    charset: "utf8",
    write: false,
    logLevel: "warning",
  });
  if (js.errors.length) throw new Error(`esbuild failed for ${view.name}`);
  // An inline script must not contain "</script"; escaping the slash is valid JS everywhere.
  const code = js.outputFiles[0].text.trim().replace(/<\/(script)/gi, "<\\/$1");
  const fill = { TITLE: view.title, NAME: view.name, CSS: css, JS: code };
  const body = shell.replace(/\{\{(TITLE|NAME|CSS|JS)\}\}/g, (_, k) => fill[k]);
  return `<!-- grounded view, built by views/build.mjs from sources sha256:${hex} -->\n${body}`;
}

async function main() {
  const check = process.argv.includes("--check");
  const hex = sourcesHash();
  const shell = readFileSync(join(SRC, "shell.html"), "utf8").trim() + "\n";
  const css = (
    await esbuild.transform(readFileSync(join(SRC, "base.css"), "utf8"), { loader: "css", minify: true, charset: "utf8" })
  ).code
    .trim()
    .replace(/<\/(style)/gi, "<\\/$1");

  let failed = false;
  for (const view of VIEWS) {
    const html = await buildView(view, hex, shell, css);
    const bytes = Buffer.byteLength(html, "utf8");
    const file = join(OUT, `${view.name}.html`);
    const shown = relative(join(HERE, ".."), file).split(sep).join("/");
    if (bytes >= MAX_BYTES) {
      console.error(`${shown}: ${bytes} bytes, over the ${MAX_BYTES}-byte budget`);
      failed = true;
    }
    if (check) {
      const current = existsSync(file) ? readFileSync(file, "utf8") : null;
      if (current !== html) {
        console.error(`${shown} is out of date: run \`npm run --prefix views build\``);
        failed = true;
      } else console.log(`${shown} up to date (${bytes} bytes)`);
    } else {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(file, html);
      console.log(`${shown}: ${bytes} bytes`);
    }
  }
  console.log(`sources sha256:${hex}`);
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
