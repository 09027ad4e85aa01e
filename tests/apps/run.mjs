#!/usr/bin/env node
// Real-browser end-to-end test of grounded's MCP Apps views (issue #25).
//
//   node tests/apps/run.mjs <path-to-grounded> [--readme-screenshots DIR]
//
// Seeds a temporary database with the example workspace through the binary's CLI, starts
// `grounded serve` (MCP over stdio), reads each view's HTML with resources/read of the URI
// its tool names in tools/list, gets real results from score, get_okr and explain, and loads
// each view in headless Chromium (the system browser, driven by playwright-core) inside a
// sandboxed iframe connected to the MCP Apps SDK's host-side AppBridge. It then asserts what
// a person sees, the tool calls the view makes through the bridge (all read-only), that
// the view makes no network request and logs no console error, and keeps a screenshot of
// each view in target/apps/.
//
// Environment:
//   GROUNDED_CHROMIUM   the Chromium executable (default: `command -v chromium`)
//   GROUNDED_APPS_VIEWS a folder with scorecard.html, key-result.html and why.html to load
//                       instead of the HTML the server serves (to prove the test fails on a
//                       broken view); the resources/read checks still run.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const ARTIFACTS = path.join(REPO, "target", "apps");
const PROTOCOL_VERSION = "2025-06-18";
const APP_MIME = "text/html;profile=mcp-app";
const TIMEOUT = 10_000;
// The tools a view may call through the bridge: grounded's read-only tools.
const READ_ONLY = new Set([
  "get_okr",
  "search_evidence",
  "score",
  "explain",
  "report",
  "list_okrs",
  "check_okr",
]);
const VIEWS = {
  scorecard: { uri: "ui://grounded/scorecard.html", tools: ["score", "report"] },
  "key-result": { uri: "ui://grounded/key-result.html", tools: ["get_okr"] },
  why: { uri: "ui://grounded/why.html", tools: ["explain"] },
};
const LIGHT = {
  "--color-background-primary": "#ffffff",
  "--color-background-secondary": "#f5f5f4",
  "--color-background-tertiary": "#e7e5e4",
  "--color-text-primary": "#1c1917",
  "--color-text-secondary": "#57534e",
  "--color-text-tertiary": "#78716c",
  "--color-text-danger": "#b91c1c",
  "--color-text-warning": "#a16207",
  "--color-text-success": "#15803d",
  "--color-text-info": "#1d4ed8",
  "--color-border-primary": "#d6d3d1",
  "--color-border-secondary": "#e7e5e4",
  "--color-ring-primary": "#2563eb",
  "--font-sans": "system-ui, -apple-system, 'Segoe UI', sans-serif",
  "--font-mono": "ui-monospace, 'DejaVu Sans Mono', monospace",
  "--font-text-sm-size": "13px",
  "--font-text-md-size": "14px",
  "--border-radius-md": "8px",
};
const DARK = {
  ...LIGHT,
  "--color-background-primary": "#1c1917",
  "--color-background-secondary": "#292524",
  "--color-background-tertiary": "#44403c",
  "--color-text-primary": "#f5f5f4",
  "--color-text-secondary": "#d6d3d1",
  "--color-text-tertiary": "#a8a29e",
  "--color-text-danger": "#f87171",
  "--color-text-warning": "#facc15",
  "--color-text-success": "#4ade80",
  "--color-text-info": "#93c5fd",
  "--color-border-primary": "#57534e",
  "--color-border-secondary": "#44403c",
  "--color-ring-primary": "#60a5fa",
};

// ---------------------------------------------------------------------------------------
// Reporting

class Failure extends Error {
  constructor(view, what, expected, found) {
    super(`${view}: ${what}: expected ${expected}; found ${found}`);
    this.view = view;
  }
}
const fail = (view, what, expected, found) => {
  throw new Failure(view, what, expected, found);
};
const ok = (view, what) => console.log(`ok   ${view}: ${what}`);
const clip = (s, n = 160) => {
  const t = String(s ?? "").replace(/\s+/g, " ").trim();
  return JSON.stringify(t.length > n ? `${t.slice(0, n)}…` : t);
};

// ---------------------------------------------------------------------------------------
// Arguments

const argv = process.argv.slice(2);
let readmeDir = null;
const positional = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--readme-screenshots") readmeDir = path.resolve(argv[++i] ?? "");
  else positional.push(argv[i]);
}
if (positional.length !== 1) {
  console.error("usage: node tests/apps/run.mjs <path-to-grounded> [--readme-screenshots DIR]");
  process.exit(2);
}
const BIN = path.resolve(positional[0]);
if (!fs.existsSync(BIN)) {
  console.error(`apps test: no grounded binary at ${BIN}`);
  process.exit(2);
}

function findChromium() {
  if (process.env.GROUNDED_CHROMIUM) return process.env.GROUNDED_CHROMIUM;
  for (const name of ["chromium", "chromium-browser"]) {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return "/usr/bin/chromium";
}

// ---------------------------------------------------------------------------------------
// The binary: seeding and an MCP client over stdio (newline-delimited JSON-RPC)

function seed(db) {
  const steps = [
    ["okr", "apply", "examples/okrs.yaml"],
    ["import", "evidence", "examples/evidence/interviews.jsonl"],
    ["import", "evidence", "examples/evidence/observations.jsonl"],
    ["import", "evidence", "examples/evidence/survey_export.csv", "--row-level"],
    ["import", "measurements", "examples/measurements.csv"],
    ["link", "EV-18", "EV-24", "KR-2", "--relation", "explains", "--why", "both churned at the empty start screen"],
  ];
  for (const step of steps) {
    const r = spawnSync(BIN, ["--db", db, ...step], { cwd: REPO, encoding: "utf8" });
    if (r.status !== 0) {
      fail("seed", `grounded ${step.join(" ")}`, "exit 0", `exit ${r.status}: ${r.stderr || r.stdout}`);
    }
  }
}

class McpClient {
  constructor(db) {
    this.proc = spawn(BIN, ["--db", db, "serve"], { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] });
    this.next = 1;
    this.pending = new Map();
    this.stderr = "";
    this.proc.stderr.on("data", (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.proc.on("exit", (code) => {
      for (const { reject } of this.pending.values()) {
        reject(new Error(`grounded serve exited (${code}): ${this.stderr}`));
      }
      this.pending.clear();
    });
    readline.createInterface({ input: this.proc.stdout }).on("line", (line) => {
      if (!line.trim()) return;
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(Object.assign(new Error(`${msg.error.code}: ${msg.error.message}`), { rpc: msg.error }));
      else p.resolve(msg.result);
    });
  }
  request(method, params = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }
  notify(method, params) {
    this.proc.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method, ...(params ? { params } : {}) })}\n`);
  }
  async initialize() {
    const r = await this.request("initialize", {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [APP_MIME] } } },
      clientInfo: { name: "grounded-apps-test", version: "1.0.0" },
    });
    this.notify("notifications/initialized");
    return r;
  }
  close() {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

// ---------------------------------------------------------------------------------------
// Helpers on tool results

// The object describing a key result (by `id` or `key_result`) anywhere in a structured result.
function findKr(x, id) {
  if (!x || typeof x !== "object") return undefined;
  if (!Array.isArray(x) && (x.id === id || x.key_result === id) && ("statement" in x || "status" in x || "progress" in x)) {
    return x;
  }
  for (const v of Object.values(x)) {
    const r = findKr(v, id);
    if (r) return r;
  }
  return undefined;
}
// A piece of evidence (an object with that id and a text) anywhere in a result.
function findEvidence(x, id) {
  if (!x || typeof x !== "object") return undefined;
  if (!Array.isArray(x) && x.id === id && typeof x.text === "string") return x;
  for (const v of Object.values(x)) {
    const r = findEvidence(v, id);
    if (r) return r;
  }
  return undefined;
}
const leaves = (x) => (x && typeof x === "object" ? Object.values(x).flatMap(leaves) : typeof x === "string" ? [x] : []);
const humanStatus = (s) => String(s).replace(/_/g, " ");
// How a number may be shown: as reported (45), with trailing zeros (45.0), rounded.
function numberPattern(v) {
  const forms = new Set([String(v), v.toFixed(1), v.toFixed(2), String(Math.round(v * 10) / 10)]);
  const alt = [...forms].map((f) => f.replace(/[.]/g, "\\.").replace(/^-/, "[-−–]")).join("|");
  return new RegExp(`(^|[^\\d.])(${alt})(?![\\d])`);
}
function progressPattern(p) {
  const forms = new Set([`${Math.round(p * 100)}\\s*%`, `${(p * 100).toFixed(1)}\\s*%`, p.toFixed(2), p.toFixed(3), String(p)]);
  return new RegExp(`(^|[^\\d.])(${[...forms].map((f) => f.replace(/[.](?!\*)/g, "\\.")).join("|")})(?![\\d])`);
}
const norm = (s) => String(s ?? "").replace(/\s+/g, " ").trim();

// ---------------------------------------------------------------------------------------
// Browser helpers

async function visible(view, locator, what) {
  const shown = locator.filter({ visible: true }).first();
  try {
    await shown.waitFor({ state: "visible", timeout: TIMEOUT });
  } catch {
    const n = await locator.count().catch(() => 0);
    fail(view, what, "it visible", n ? `${n} element(s), none visible` : "no such element");
  }
  return shown;
}
async function textOf(locator) {
  return norm(await locator.innerText({ timeout: TIMEOUT }));
}
async function waitForText(view, locator, test, what, expected) {
  const deadline = Date.now() + TIMEOUT;
  let last = "";
  while (Date.now() < deadline) {
    last = await locator.innerText({ timeout: 1000 }).catch(() => "");
    if (test(norm(last))) return norm(last);
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(view, what, expected, clip(last));
}
async function waitFor(fn, ms = TIMEOUT) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
function luminance(rgb) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(rgb);
  if (!m) return undefined;
  const [r, g, b] = m.slice(1, 4).map((c) => {
    const s = Number(c) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// ---------------------------------------------------------------------------------------
// The host page

const HOST_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>grounded MCP Apps test host</title>
<style>
  html { background: var(--color-background-secondary, #f5f5f4); color: var(--color-text-primary, #1c1917); }
  body { margin: 0; padding: 16px; font-family: var(--font-sans, sans-serif); }
  #frame-slot { max-width: 860px; margin: 0 auto; background: var(--color-background-primary, #fff);
    border: 1px solid var(--color-border-primary, #d6d3d1); border-radius: 12px; overflow: hidden; }
  iframe { display: block; border: 0; width: 100%; height: 480px; }
</style></head>
<body><div id="frame-slot"></div><script src="/host.js"></script></body></html>`;

async function startHostServer() {
  const bundle = await build({
    entryPoints: [path.join(HERE, "host.js")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    minify: true,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0].text;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/host.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(HOST_HTML);
    } else if (url.pathname === "/host.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
      res.end(js);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

// The page under test, for a screenshot when an assertion fails; every refused tool call.
let currentPage = null;
const refusedAll = [];

// Opens one view in a fresh page: returns the page, the view's frame and what was observed.
async function openView(ctx, { view, html, tool, toolDef, input, result, theme = "light" }) {
  const { browser, host, mcp } = ctx;
  const context = await browser.newContext({ viewport: { width: 900, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  currentPage = page;
  const seen = { calls: [], refused: [], requests: [], consoleErrors: [], pageErrors: [] };
  page.on("request", (req) => {
    const u = req.url();
    if (u !== `${host.origin}/host.html` && u !== `${host.origin}/host.js`) seen.requests.push(`${req.method()} ${u}`);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") seen.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (e) => seen.pageErrors.push(String(e?.stack ?? e)));
  await page.exposeFunction("groundedHostSetup", () => ({
    title: `${view} view`,
    html,
    toolInput: input,
    toolResult: result,
    hostContext: {
      theme,
      styles: { variables: theme === "dark" ? DARK : LIGHT },
      displayMode: "inline",
      availableDisplayModes: ["inline"],
      containerDimensions: { maxHeight: 2000, width: 858 },
      locale: "en-US",
      timeZone: "UTC",
      platform: "web",
      deviceCapabilities: { touch: false, hover: true },
      toolInfo: { id: 1, tool: toolDef },
    },
  }));
  await page.exposeFunction("groundedHostCallTool", async (params) => {
    const call = { name: params?.name, arguments: params?.arguments ?? {} };
    seen.calls.push(call);
    if (!READ_ONLY.has(call.name)) {
      seen.refused.push(call);
      refusedAll.push(`${view}: ${call.name}`);
      return { isError: true, content: [{ type: "text", text: `the test host refuses ${call.name}: a view may only call read-only tools` }] };
    }
    call.result = await mcp.request("tools/call", { name: call.name, arguments: call.arguments });
    return call.result;
  });
  await page.goto(`${host.origin}/host.html`);
  const state = await waitFor(() => page.evaluate(() => (window.__host?.resultSent || window.__host?.error ? window.__host : null)));
  if (!state) {
    const s = await page.evaluate(() => window.__host).catch(() => null);
    fail(view, "the view's initialize through the AppBridge", "ui/initialize then ui/notifications/initialized", s?.initialized ? "initialized but the result was not delivered" : `no initialize from the view (${clip(seen.pageErrors.concat(seen.consoleErrors).join(" | ")) || "no error logged"})`);
  }
  if (state.error) fail(view, "the host bridge", "no error", clip(state.error, 400));
  const frame = page.frameLocator("iframe#view");
  return { page, context, frame, seen, state };
}

// Words a person should never read: a value the view failed to format.
const JUNK = /\b(null|undefined|NaN|Infinity)\b|\[object Object\]/;
function noJunk(view, text, what) {
  const m = JUNK.exec(text);
  if (m) {
    const at = Math.max(0, m.index - 60);
    fail(view, what, "no unformatted value (null, undefined, NaN, [object Object])", `"${m[0]}" in …${clip(text.slice(at, m.index + 40))}`);
  }
}

// The checks every view shares, after its own.
async function commonChecks(view, opened) {
  const { seen } = opened;
  noJunk(view, await textOf(opened.frame.locator("body")), "the view's text");
  // Let any late requests or errors surface.
  await new Promise((r) => setTimeout(r, 300));
  if (seen.refused.length) {
    fail(view, "tool calls through the bridge", "only read-only tools", `it called ${seen.refused.map((c) => c.name).join(", ")}`);
  }
  if (seen.requests.length) fail(view, "network", "no request from the view", seen.requests.join(", "));
  const errors = seen.pageErrors.concat(seen.consoleErrors);
  if (errors.length) fail(view, "console", "no console error or uncaught exception", clip(errors.join(" | "), 400));
  ok(view, `no network request, no console error; tool calls: ${seen.calls.map((c) => c.name).join(", ") || "none"} (all read-only)`);
}

async function screenshot(view, opened, name) {
  const { page } = opened;
  const el = page.locator("#frame-slot");
  // The view's frame paints only what is in the viewport: make the viewport as tall as the view.
  const box = await el.boundingBox();
  const scrollY = await page.evaluate(() => window.scrollY);
  await page.setViewportSize({ width: 900, height: Math.ceil(box.y + scrollY + box.height + 16) });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await new Promise((r) => setTimeout(r, 200));
  const file = path.join(ARTIFACTS, `${name}.png`);
  await el.screenshot({ path: file });
  if (readmeDir) fs.copyFileSync(file, path.join(readmeDir, `${name}.png`));
  ok(view, `screenshot ${path.relative(REPO, file)}${readmeDir ? ` and ${path.join(readmeDir, `${name}.png`)}` : ""}`);
}

async function themeCheck(view, opened, theme) {
  const colors = await opened.frame.locator("body").evaluate((b) => {
    const cs = getComputedStyle(b);
    let bg = cs.backgroundColor;
    for (let e = b; e && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
    return { color: cs.color, background: bg };
  });
  const l = luminance(colors.color);
  const wantLight = theme === "dark";
  if (l === undefined || (wantLight ? l < 0.4 : l > 0.2)) {
    fail(view, `${theme} theme`, wantLight ? "light text on a dark theme" : "dark text on a light theme", `text color ${colors.color}`);
  }
  ok(view, `${theme} theme honoured (text ${colors.color}, background ${colors.background})`);
}

// ---------------------------------------------------------------------------------------
// The views

async function scorecard(ctx, base) {
  const view = "scorecard";
  const result = ctx.results.score;
  const kr1 = findKr(result.structuredContent, "KR-1");
  if (!kr1 || !kr1.status || typeof kr1.progress !== "number") fail(view, "score's result", "KR-1 with a status and a progress", clip(JSON.stringify(kr1)));
  const o = await openView(ctx, { ...base, view });
  const row1 = await visible(view, o.frame.locator('[data-testid="kr-row-KR-1"]'), "KR-1's row");
  const status = humanStatus(kr1.status);
  const pattern = progressPattern(kr1.progress);
  const text = await textOf(row1);
  if (!text.toLowerCase().includes(status)) fail(view, "KR-1's row", `its status "${status}"`, clip(text));
  if (!pattern.test(text)) fail(view, "KR-1's row", `its progress ${kr1.progress} (e.g. ${Math.round(kr1.progress * 100)}%)`, clip(text));
  ok(view, `KR-1's row shows "${status}" and progress ${kr1.progress}: ${clip(text, 100)}`);
  await themeCheck(view, o, "light");

  // Drill-down: clicking KR-2's row calls get_okr KR-2 through the bridge and shows its answer.
  const row2 = await visible(view, o.frame.locator('[data-testid="kr-row-KR-2"]'), "KR-2's row");
  await row2.click();
  const call = await waitFor(() => o.seen.calls.find((c) => c.name === "get_okr" && c.arguments.id === "KR-2" && c.result));
  if (!call) fail(view, "clicking KR-2's row", "a get_okr call with id KR-2 through the bridge", JSON.stringify(o.seen.calls.map((c) => [c.name, c.arguments])));
  const statement = findKr(call.result.structuredContent, "KR-2")?.statement;
  if (!statement) fail(view, "get_okr KR-2's answer", "KR-2's statement", clip(JSON.stringify(call.result)));
  const dd = await visible(view, o.frame.locator('[data-testid="drilldown"]'), "the drill-down after clicking KR-2");
  await waitForText(view, dd, (t) => t.includes(norm(statement)), "the drill-down", `KR-2's statement from get_okr ${clip(statement)}`);
  // Opened as of the scorecard's day, it reads as its row does (score's status for KR-2).
  const asOf = result.structuredContent.as_of;
  if (call.arguments.as_of !== asOf) fail(view, "the drill-down's get_okr", `as_of ${asOf}, the scorecard's day`, JSON.stringify(call.arguments));
  const kr2Status = humanStatus(findKr(result.structuredContent, "KR-2")?.status || "");
  await waitForText(view, dd, (t) => t.toLowerCase().includes(kr2Status), "the drill-down", `KR-2's status as the scorecard reads it, "${kr2Status}"`);
  ok(view, `clicking KR-2 called get_okr ${JSON.stringify(call.arguments)} through the bridge; the drill-down shows ${clip(statement, 70)}, "${kr2Status}"`);
  await screenshot(view, o, "scorecard");
  await commonChecks(view, o);
  await o.context.close();

  // Keyboard: Tab reaches a key result's row and Enter opens it.
  const k = await openView(ctx, { ...base, view });
  await visible(view, k.frame.locator('[data-testid="kr-row-KR-1"]'), "KR-1's row");
  const frame = await (await k.page.$("iframe#view")).contentFrame();
  let focused = null;
  for (let i = 0; i < 60 && !focused?.startsWith("kr-row-"); i++) {
    await k.page.keyboard.press("Tab");
    focused = await frame.evaluate(() => {
      const a = document.activeElement;
      return a?.closest?.("[data-testid^='kr-row-']")?.getAttribute("data-testid") ?? a?.getAttribute?.("data-testid") ?? a?.tagName ?? null;
    });
  }
  if (!focused?.startsWith("kr-row-")) fail(view, "keyboard", "Tab to reach a key result's row", `focus ended on ${focused}`);
  const id = focused.slice("kr-row-".length);
  await k.page.keyboard.press("Enter");
  const kcall = await waitFor(() => k.seen.calls.find((c) => c.name === "get_okr" && c.arguments.id === id && c.result));
  if (!kcall) fail(view, "keyboard", `Enter on ${id}'s row to call get_okr {"id":"${id}"}`, JSON.stringify(k.seen.calls.map((c) => [c.name, c.arguments])));
  const kstatement = findKr(kcall.result.structuredContent, id)?.statement ?? "";
  const kdd = await visible(view, k.frame.locator('[data-testid="drilldown"]'), `the drill-down after Enter on ${id}`);
  await waitForText(view, kdd, (t) => t.includes(norm(kstatement)), "the drill-down after Enter", `${id}'s statement ${clip(kstatement)}`);
  ok(view, `keyboard: Tab reaches ${id}'s row, Enter opens it (get_okr through the bridge)`);
  await commonChecks(view, k);
  await k.context.close();
}

async function keyResult(ctx, base) {
  const view = "key-result";
  const result = ctx.results.get_okr;
  const kr = findKr(result.structuredContent, "KR-2");
  const value = kr?.current?.value;
  if (typeof value !== "number") fail(view, "get_okr KR-2's result", "KR-2 with current.value", clip(JSON.stringify(kr)));
  const o = await openView(ctx, { ...base, view });
  const chart = await visible(view, o.frame.locator('[data-testid="chart"]'), "the chart");
  const body = o.frame.locator("body");
  const pat = numberPattern(value);
  const valueText = await waitForText(view, body, (t) => pat.test(t), "the latest value", `${value} (KR-2's current.value from get_okr)`);
  // Where a person reads it: the block labelled Current (or Latest).
  const labelled = await o.frame.locator("body").evaluate(() => {
    const all = [...document.querySelectorAll("body *")].filter((e) => /^\s*(current|latest)\b/i.test(e.innerText ?? "") && e.offsetParent);
    all.sort((a, b) => a.innerText.length - b.innerText.length);
    return all.map((e) => e.innerText.replace(/\s+/g, " ").trim()).find((t) => /\d/.test(t)) ?? null;
  });
  if (!labelled || !pat.test(labelled)) fail(view, "KR-2's current value", `${value} beside a "Current" label (current.value from get_okr)`, clip(labelled ?? "no element labelled Current or Latest"));
  ok(view, `chart visible; the current value reads ${clip(labelled, 60)} (get_okr's current.value ${value})`);

  const status = kr.status ?? result.structuredContent.status;
  const statusWords = [kr.status, kr.pace, ctx.scoreStatus["KR-2"]].filter(Boolean).map(humanStatus);
  const shown = statusWords.find((s) => valueText.toLowerCase().includes(s));
  if (!shown) fail(view, "KR-2's status", `one of ${statusWords.map((s) => `"${s}"`).join(", ")}`, clip(valueText, 300));
  ok(view, `status shown: "${shown}"${status ? "" : ""}`);

  const quote = await visible(view, o.frame.locator('[data-testid="quote-EV-24"], [data-testid="quote-EV-18"]'), "a linked quote (EV-24 or EV-18)");
  const search = o.seen.calls.find((c) => c.name === "search_evidence");
  if (!search) fail(view, "linked quotes", "a search_evidence call through the bridge", JSON.stringify(o.seen.calls.map((c) => c.name)));
  const qid = (await quote.getAttribute("data-testid")).slice("quote-".length);
  const qtext = await textOf(quote);
  const evidence = findEvidence(search.result?.structuredContent, qid);
  if (!evidence?.text) fail(view, `the quote ${qid}`, `${qid}'s text in search_evidence's answer`, clip(JSON.stringify(search.result)));
  const want = norm(evidence.text).slice(0, 40);
  if (!qtext.includes(want)) fail(view, `the quote ${qid}`, `the words search_evidence answered, ${clip(want)}`, clip(qtext));
  ok(view, `quote ${qid} shows ${clip(qtext, 70)}, as search_evidence ${JSON.stringify(search.arguments)} answered through the bridge`);

  // Hovering a point of the chart shows the tooltip with that point's date.
  const dateRe = /\b\d{4}-\d{2}-\d{2}\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}\b|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/;
  const points = chart.locator('[data-testid^="point"], .dots circle');
  const nPoints = await points.count();
  if (nPoints < 2) fail(view, "the chart", "its points (circles under .dots or [data-testid^=point])", `${nPoints}`);
  // force: the view draws its selection ring over the point; the pointer over it is still over the chart.
  await points.nth(nPoints - 2).hover({ force: true });
  const tip = o.frame.locator('[data-testid="tooltip"]');
  await visible(view, tip, "the tooltip after hovering a chart point");
  const tipText = await waitForText(view, tip.filter({ visible: true }).first(), (t) => dateRe.test(t), "the tooltip", "a date");
  noJunk(view, tipText, "the tooltip");
  ok(view, `hovering a chart point shows the tooltip ${clip(tipText, 80)}`);
  // With the keyboard: focusing the chart shows a point, an arrow key moves to another.
  await o.page.mouse.move(1, 1);
  await chart.focus();
  const focusTip = await waitForText(view, tip.filter({ visible: true }).first(), (t) => dateRe.test(t), "the tooltip on focusing the chart", "a date");
  await o.page.keyboard.press("ArrowLeft");
  const leftTip = await waitForText(view, tip.filter({ visible: true }).first(), (t) => dateRe.test(t) && t !== focusTip, "the tooltip after ArrowLeft", `another point than ${clip(focusTip, 60)}`);
  ok(view, `keyboard: focusing the chart shows ${clip(focusTip.match(dateRe)?.[0])}, ArrowLeft moves to ${clip(leftTip.match(dateRe)?.[0])}`);
  await o.page.keyboard.press("ArrowRight");
  await screenshot(view, o, "key-result");
  await themeCheck(view, o, "light");
  await commonChecks(view, o);
  await o.context.close();
}

async function why(ctx, base) {
  const view = "why";
  const result = ctx.results.explain;
  const headline = result.structuredContent?.headline;
  if (!headline) fail(view, "explain's result", "a headline", clip(JSON.stringify(result.structuredContent)));
  const o = await openView(ctx, { ...base, view });
  const h = await visible(view, o.frame.locator('[data-testid="headline"]'), "the headline");
  const start = norm(headline).slice(0, 40);
  await waitForText(view, h, (t) => t.includes(start), "the headline", `to contain ${clip(start)}`);
  ok(view, `headline shows ${clip(start)}`);
  await visible(view, o.frame.locator('[data-testid="interval-band"]'), "the interval band");
  const band = await o.frame.locator('[data-testid="interval-band"]').first().boundingBox();
  if (!band || band.width < 2 || band.height < 2) fail(view, "the interval band", "a drawn band", JSON.stringify(band));
  ok(view, `interval band drawn (${Math.round(band.width)}×${Math.round(band.height)} px)`);
  const ind = await visible(view, o.frame.locator('[data-testid="indicator-IND-1"]'), "the leading indicator IND-1");
  ok(view, `indicator IND-1 shown: ${clip(await textOf(ind), 80)}`);
  const q = await visible(view, o.frame.locator('[data-testid="quote-EV-24"]'), "the quote EV-24");
  const ev24 = result.structuredContent.evidence?.find((e) => e.id === "EV-24");
  const qtext = await textOf(q);
  if (ev24?.text && !qtext.includes(norm(ev24.text).slice(0, 30))) fail(view, "the quote EV-24", `its text ${clip(ev24.text, 60)}`, clip(qtext));
  ok(view, `quote EV-24 shown: ${clip(qtext, 70)}`);
  await q.click();
  const loc = await visible(view, o.frame.locator('[data-testid="source-location"]'), "the source location after clicking EV-24");
  // What the view may show of where EV-24 came from: the source the result's _meta gives.
  const source = result._meta?.["grounded/sources"]?.["EV-24"];
  const marks = source
    ? leaves(source).flatMap((v) => [v, v.replace(/^00:/, "").replace(/\.000$/, ""), v.replace(/^https?:\/\//, "")])
    : ["interviews.jsonl", "int-024"];
  const locText = await waitForText(view, loc, (t) => marks.some((m) => m && t.includes(m)), "the source location of EV-24", `one of ${clip(marks.join(" | "), 200)}`);
  ok(view, `clicking EV-24 shows its source: ${clip(locText, 100)}`);
  await screenshot(view, o, "why");
  await themeCheck(view, o, "light");
  await commonChecks(view, o);
  await o.context.close();
}

// ---------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  if (readmeDir) fs.mkdirSync(readmeDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grounded-apps-"));
  const db = path.join(tmp, "db");
  let mcp, browser, host;
  try {
    seed(db);
    ok("seed", "example workspace applied, evidence and measurements imported, EV-18 and EV-24 linked to KR-2");

    mcp = new McpClient(db);
    const init = await mcp.initialize();
    const ext = init.capabilities?.extensions?.["io.modelcontextprotocol/ui"];
    if (!ext?.mimeTypes?.includes(APP_MIME)) {
      fail("server", "initialize's capabilities.extensions", `"io.modelcontextprotocol/ui" with mimeTypes [${APP_MIME}]`, JSON.stringify(init.capabilities));
    }
    const { tools } = await mcp.request("tools/list");
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const name of READ_ONLY) {
      if (!byName[name]) fail("server", "tools/list", `a tool ${name}`, "none");
      if (byName[name].annotations?.readOnlyHint !== true) fail("server", `tool ${name}`, "readOnlyHint true", JSON.stringify(byName[name].annotations));
    }
    const html = {};
    for (const [view, { uri, tools: names }] of Object.entries(VIEWS)) {
      for (const name of names) {
        const got = byName[name]?._meta?.ui?.resourceUri;
        if (got !== uri) fail("server", `tools/list ${name}._meta.ui.resourceUri`, uri, JSON.stringify(got));
      }
      let read;
      try {
        read = await mcp.request("resources/read", { uri });
      } catch (e) {
        fail("server", `resources/read ${uri}`, "the view's HTML", e.message);
      }
      const c = read.contents?.[0];
      if (!c || c.uri !== uri) fail("server", `resources/read ${uri}`, "one content with that uri", clip(JSON.stringify(read)));
      if (c.mimeType !== APP_MIME) fail("server", `resources/read ${uri}`, `mimeType ${APP_MIME}`, JSON.stringify(c.mimeType));
      if (typeof c.text !== "string" || !/<html|<!doctype/i.test(c.text)) fail("server", `resources/read ${uri}`, "an HTML document", clip(c.text));
      const csp = c._meta?.ui?.csp ?? {};
      const domains = Object.values(csp).flat().filter(Boolean);
      if (domains.length) fail("server", `resources/read ${uri} _meta.ui.csp`, "no domains (a view reaches nothing)", JSON.stringify(csp));
      html[view] = c.text;
      ok("server", `${names.join(", ")} → ${uri}; resources/read gives ${c.mimeType}, ${c.text.length} bytes`);
    }
    if (process.env.GROUNDED_APPS_VIEWS) {
      for (const view of Object.keys(VIEWS)) html[view] = fs.readFileSync(path.join(process.env.GROUNDED_APPS_VIEWS, `${view}.html`), "utf8");
      console.log(`note views loaded from ${process.env.GROUNDED_APPS_VIEWS} instead of the server's (GROUNDED_APPS_VIEWS)`);
    }

    const inputs = {
      score: { subject: "2026-Q4", as_of: "2026-11-23" },
      get_okr: { id: "KR-2" },
      explain: { question: "why did activation slip?", as_of: "2026-11-23" },
      report: { cycle: "2026-Q4", as_of: "2026-11-23" },
    };
    const results = {};
    for (const [name, args] of Object.entries(inputs)) {
      const r = await mcp.request("tools/call", { name, arguments: args });
      if (r.isError || !r.structuredContent) fail("server", `tools/call ${name} ${JSON.stringify(args)}`, "a structured result", clip(JSON.stringify(r)));
      results[name] = r;
    }
    const scoreStatus = {};
    for (const id of ["KR-1", "KR-2"]) scoreStatus[id] = findKr(results.score.structuredContent, id)?.status;
    ok("server", `real results: score (KR-1 ${scoreStatus["KR-1"]}), get_okr KR-2, explain (${init.serverInfo?.name} ${init.serverInfo?.version})`);

    host = await startHostServer();
    const executablePath = findChromium();
    browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
    ok("browser", `${executablePath} ${browser.version()}, host page ${host.origin}/host.html`);
    const ctx = { browser, host, mcp, results, scoreStatus };
    const base = (view, tool) => ({ html: html[view], tool, toolDef: byName[tool], input: inputs[tool], result: results[tool] });

    await scorecard(ctx, base("scorecard", "score"));
    await keyResult(ctx, base("key-result", "get_okr"));
    await why(ctx, base("why", "explain"));

    // The scorecard is report's view too: the same rows from report's answer.
    const rv = "scorecard (report)";
    const r = await openView(ctx, { ...base("scorecard", "report"), view: rv });
    const rrow = await visible(rv, r.frame.locator('[data-testid="kr-row-KR-1"]'), "KR-1's row");
    const rtext = await textOf(rrow);
    const rstatus = humanStatus(scoreStatus["KR-1"]);
    if (!rtext.toLowerCase().includes(rstatus)) fail(rv, "KR-1's row", `its status "${rstatus}"`, clip(rtext));
    ok(rv, `report {"cycle":"2026-Q4","as_of":"2026-11-23"} shows KR-1's row with "${rstatus}"`);
    await commonChecks(rv, r);
    await r.context.close();

    // One view in the dark theme, with its screenshot.
    const d = await openView(ctx, { ...base("scorecard", "score"), view: "scorecard (dark)", theme: "dark" });
    await visible("scorecard (dark)", d.frame.locator('[data-testid="kr-row-KR-1"]'), "KR-1's row");
    await themeCheck("scorecard (dark)", d, "dark");
    await screenshot("scorecard (dark)", d, "scorecard-dark");
    await commonChecks("scorecard (dark)", d);
    await d.context.close();

    console.log(`apps test passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } catch (e) {
    if (e instanceof Failure) {
      console.log(`FAIL ${e.message}`);
      if (refusedAll.length) console.log(`     (the test host also refused write calls: ${refusedAll.join(", ")})`);
      if (currentPage && !currentPage.isClosed()) {
        const file = path.join(ARTIFACTS, "FAILED.png");
        await currentPage.screenshot({ path: file, fullPage: true }).catch(() => {});
        console.log(`     screenshot of the failing page: ${path.relative(REPO, file)}`);
      }
    } else {
      console.log(`FAIL apps test: ${e?.stack ?? e}`);
    }
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    host?.server.close();
    mcp?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = await main();
// Exit even if a handle lingers, once stdout has been flushed.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
