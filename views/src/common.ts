// Shared by the three views: DOM helpers, number/date formatting (as grounded
// formats them in its text answers), status words, the read-only tool guard and
// the boot sequence (connect to the host, apply its theme, render results).
import { App, applyHostContext, type ToolResult } from "./host";

export type { ToolResult };

// ---------------------------------------------------------------- DOM

type Attrs = Record<string, unknown> | null | undefined;
type Child = Node | string | number | null | undefined | false | Child[];

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

function setAttrs(el: Element, attrs: Attrs): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === "class") {
      el.setAttribute("class", String(v));
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
}

/** Create an HTML element. Text children are text nodes: data is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
/** Create an SVG element. */
export function s(tag: string, attrs?: Attrs, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

// ---------------------------------------------------------------- numbers

export type Unit =
  | { kind: "percent" }
  | { kind: "currency"; code?: string }
  | { kind: "count" }
  | { kind: "duration"; unit?: string }
  | { kind: "score" }
  | { kind: string; [k: string]: unknown }
  | null
  | undefined;

const MINUS = "\u2212";
const EN_DASH = "\u2013";

export function isNum(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Decimals for a value of this magnitude: 58.83 -> 1, 3.5017 -> 2, 1234 -> 0. */
export function decimalsFor(v: number): number {
  const a = Math.abs(v);
  if (a >= 100) return 0;
  if (a >= 10) return 1;
  return 2;
}

function groupThousands(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Fixed decimals, trailing zeros trimmed, thousands grouped, real minus sign. */
export function fmtNum(v: number, decimals = 2, trim = true): string {
  let t = Math.abs(v).toFixed(decimals);
  if (trim && t.includes(".")) t = t.replace(/0+$/, "").replace(/\.$/, "");
  const [i, f] = t.split(".");
  const body = groupThousands(i) + (f ? "." + f : "");
  const neg = v < 0 && /[1-9]/.test(t);
  return (neg ? MINUS : "") + body;
}

const CURRENCY: Record<string, string> = { EUR: "€", USD: "$", GBP: "£", JPY: "¥" };
const DURATION: Record<string, string> = {
  seconds: "s",
  minutes: "min",
  hours: "h",
  days: "d",
  weeks: "wk",
};

export function withUnit(body: string, unit: Unit): string {
  if (!unit) return body;
  switch (unit.kind) {
    case "percent":
      return body + "%";
    case "currency": {
      const code = String((unit as { code?: string }).code || "");
      const sym = CURRENCY[code];
      if (sym) return body.startsWith(MINUS) ? MINUS + sym + body.slice(1) : sym + body;
      return code ? `${body} ${code}` : body;
    }
    case "duration": {
      const u = String((unit as { unit?: string }).unit || "");
      return u ? `${body} ${DURATION[u] || u}` : body;
    }
    default:
      return body;
  }
}

/** A metric value with its unit: 54 -> "54%", 47.333 -> "47.3%". */
export function fmtValue(v: unknown, unit?: Unit): string {
  if (!isNum(v)) return "—";
  return withUnit(fmtNum(v, decimalsFor(v)), unit);
}

/** An interval, same decimals both ends, as grounded writes it: "49.1–58.8". */
export function fmtInterval(low: unknown, high: unknown, unit?: Unit): string {
  if (!isNum(low) || !isNum(high)) return "";
  const d = Math.max(decimalsFor(Math.max(Math.abs(low), Math.abs(high))), 0);
  void unit;
  return `${fmtNum(low, d, false)}${EN_DASH}${fmtNum(high, d, false)}`;
}

/** A change with its sign: -4.667 -> "−4.67", 1 -> "+1". */
export function fmtChange(v: unknown, unit?: Unit): string {
  if (!isNum(v)) return "—";
  const body = fmtNum(v, 2);
  void unit;
  return v > 0 ? "+" + body : body;
}

/** Progress as grounded words it in prose: 0.267 -> "27%". */
export function fmtPct(v: unknown): string {
  if (!isNum(v)) return "—";
  return `${fmtNum(v * 100, 0)}%`;
}

/** Progress as grounded prints it in tables: 0.267 -> "0.27". */
export function fmtRatio(v: unknown): string {
  if (!isNum(v)) return "—";
  return fmtNum(v, 2, false);
}

/** "2026-11-19T00:00:00Z" -> "2026-11-19". */
export function fmtDate(v: unknown): string {
  if (typeof v !== "string") return "";
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v);
  return m ? m[1] : v;
}

/** Days since 1970-01-01 for a YYYY-MM-DD (or RFC 3339) string; NaN if not a date. */
export function dayNum(v: unknown): number {
  const d = fmtDate(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86_400_000;
}

export function dayStr(n: number): string {
  const d = new Date(Math.round(n) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- statuses

/** off_track -> "off track". */
export function statusWord(v: unknown): string {
  return typeof v === "string" ? v.replace(/_/g, " ") : "";
}

const STATUS_TONE: Record<string, string> = {
  on_track: "good",
  validated: "good",
  found: "good",
  green: "good",
  at_risk: "warn",
  yellow: "warn",
  assumed: "warn",
  off_track: "bad",
  red: "bad",
  invalidated: "bad",
  refuted: "bad",
  stale: "muted",
  pending: "muted",
};

/** A status pill: colour AND the word (colour is never the only signal). */
export function pill(status: unknown, prefix?: string): HTMLElement {
  const key = typeof status === "string" ? status : "";
  const tone = STATUS_TONE[key] || "muted";
  return h(
    "span",
    { class: `pill pill-${tone}`, "data-status": key || undefined },
    h("span", { class: "dot", "aria-hidden": "true" }),
    (prefix ? prefix + " " : "") + (statusWord(key) || "unknown"),
  );
}

/** A progress bar with an "expected by now" tick; the number is written beside it. */
export function progressBar(progress: unknown, expected?: unknown): HTMLElement {
  const p = isNum(progress) ? Math.max(0, Math.min(1, progress)) : 0;
  const bar = h(
    "span",
    {
      class: "bar",
      role: "img",
      "aria-label": isNum(progress)
        ? `${fmtPct(progress)} of the way` +
          (isNum(expected) ? `, ${fmtPct(expected)} expected by now` : "")
        : "no progress yet",
    },
    h("span", { class: "bar-fill", style: `width:${(p * 100).toFixed(1)}%` }),
  );
  if (isNum(expected)) {
    const e = Math.max(0, Math.min(1, expected));
    bar.append(h("span", { class: "bar-tick", style: `left:${(e * 100).toFixed(1)}%` }));
  }
  return bar;
}

// ---------------------------------------------------------------- results

export function textOf(result: ToolResult | undefined): string {
  const parts = (result?.content || [])
    .filter((c) => c && c.type === "text" && typeof c.text === "string")
    .map((c) => c.text as string);
  return parts.join("\n").trim();
}

/** A readable box for a tool error, or for a failure of the view itself. */
export function errorBox(title: string, detail?: string): HTMLElement {
  return h(
    "div",
    { class: "error", role: "alert" },
    h("strong", null, title),
    detail ? h("p", { class: "error-detail" }, detail) : null,
  );
}

export function toolError(result: ToolResult): HTMLElement {
  return errorBox("grounded answered with an error", textOf(result) || "No details were given.");
}

/** Only these tools may be called from a view: they read, they never write. */
const READ_ONLY_TOOLS = new Set(["get_okr", "search_evidence", "score"]);

export async function callReadOnly(
  app: App,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolResult> {
  if (!READ_ONLY_TOOLS.has(name)) throw new Error(`${name} is not a read-only tool`);
  if (!app.hasHost || !app.isConnected) throw new Error("not connected to a host");
  const res = await app.callServerTool({ name, arguments: args });
  if (!res || typeof res !== "object") throw new Error(`${name}: empty answer`);
  return res;
}

// ---------------------------------------------------------------- boot

export interface ViewSpec {
  name: string;
  /** Draw a tool result into root (which is emptied first). */
  render: (root: HTMLElement, result: ToolResult, app: App) => void;
  /** Optional: what to say while the tool runs, from its arguments. */
  pending?: (args: Record<string, unknown>) => string;
}

export function boot(spec: ViewSpec): App {
  const root = document.getElementById("app") as HTMLElement;
  const app = new App({ name: `grounded-${spec.name}`, version: "1.0.0" });

  const show = (result: ToolResult) => {
    root.replaceChildren();
    root.removeAttribute("aria-busy");
    root.dataset.rendered = "1";
    try {
      if (!result || typeof result !== "object") {
        root.append(errorBox("No result to show", "The host sent an empty tool result."));
      } else if (result.isError) {
        root.append(toolError(result));
      } else {
        spec.render(root, result, app);
      }
    } catch (e) {
      console.error("[grounded view]", e);
      root.replaceChildren(
        errorBox("This view could not draw the result", String((e as Error)?.message || e)),
      );
      const t = textOf(result);
      if (t) root.append(h("pre", { class: "raw" }, t));
    }
  };

  app.ontoolresult = show;
  app.ontoolinput = (p) => {
    if (root.dataset.rendered) return;
    const msg = spec.pending?.(p?.arguments || {});
    if (msg) root.replaceChildren(h("p", { class: "muted loading" }, msg));
  };
  app.ontoolcancelled = () => {
    root.replaceChildren(h("p", { class: "muted" }, "The tool call was cancelled."));
  };
  app.onhostcontextchanged = (ctx) => applyHostContext(ctx);

  // Test hook for harnesses without a host: window.groundedShow(result).
  (window as unknown as { groundedShow: (r: ToolResult) => void }).groundedShow = show;

  if (app.hasHost) {
    app
      .connect()
      .then(() => applyHostContext(app.getHostContext()))
      .catch((e) => {
        console.error("[grounded view] connect failed", e);
        if (!root.dataset.rendered)
          root.replaceChildren(errorBox("Could not connect to the host", String(e?.message || e)));
      });
  } else {
    root.replaceChildren(
      h("p", { class: "muted" }, "This view shows grounded's answers inside an MCP host."),
    );
  }
  return app;
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "card" }, h("h2", { class: "card-title" }, title), ...children);
}

export function kv(label: string, value: Child, sub?: Child): HTMLElement {
  return h(
    "div",
    { class: "kv" },
    h("div", { class: "kv-label" }, label),
    h("div", { class: "kv-value" }, value),
    sub ? h("div", { class: "kv-sub" }, sub) : null,
  );
}
