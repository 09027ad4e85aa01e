// View for score and report: objectives and their key results with progress,
// pace status, interval, sparkline and linked-evidence count. Choosing a key
// result drills down: get_okr through the host, shown in place.
import { chartsOf, evidenceCount, sparkline, sparklinesOf, unitOf, type Chart } from "./chart";
import {
  boot,
  callReadOnly,
  errorBox,
  fmtDate,
  fmtInterval,
  fmtPct,
  fmtRatio,
  fmtValue,
  h,
  isNum,
  pill,
  progressBar,
  toolError,
  type ToolResult,
} from "./common";
import type { App } from "./host";
import { intervalOf, krDetail, okrKrs } from "./kr";

interface Row {
  id: string;
  statement?: string;
  status?: string;
  reason?: string;
  progress?: number;
  expected?: number;
  value?: number;
  interval?: { low: number; high: number } | null;
  n?: number;
  at?: string;
  trending?: boolean;
  objective?: string;
}

interface Obj {
  id?: string;
  title?: string;
  owner?: string;
  progress?: number;
  status?: string;
  grade?: number;
  grade_band?: string;
  byStatus?: Record<string, number>;
  rows: Row[];
}

function rowFromScore(k: any): Row {
  return {
    id: k.key_result,
    statement: k.statement,
    status: k.status,
    reason: k.status_reason ?? k.reason,
    progress: k.progress,
    expected: k.expected,
    value: k.current?.value,
    interval: intervalOf(k.current?.interval),
    n: k.current?.n,
    at: k.current?.at,
    trending: !!k.trending_off_track,
    objective: k.objective,
  };
}

/** The objective's own fields, as score, report and the scorecard rows all name them. */
function objHead(o: any): Omit<Obj, "rows"> {
  return {
    id: o.objective,
    title: o.title,
    owner: o.owner,
    progress: o.progress,
    status: o.status,
    grade: o.grade,
    grade_band: o.grade_band,
  };
}

function objFromScore(o: any): Obj {
  const krs = Array.isArray(o?.key_results) ? o.key_results : [];
  return { ...objHead(o), rows: krs.filter((k: any) => k && typeof k.key_result === "string").map(rowFromScore) };
}

/** Objectives to list: _meta["grounded/objectives"] when present, else what structuredContent has. */
function objectivesOf(result: ToolResult): Obj[] {
  const meta = result._meta?.["grounded/objectives"];
  const sc = result.structuredContent || {};
  if (Array.isArray(meta) && meta.length) return meta.filter((o) => o && typeof o === "object").map(objFromScore);
  if (sc.key_result && typeof sc.key_result === "object") {
    const r = rowFromScore(sc.key_result);
    return [{ id: r.objective, rows: [r] }];
  }
  if (sc.objective && typeof sc.objective === "object") return [objFromScore(sc.objective)];
  if (Array.isArray(sc.objectives)) return sc.objectives.map((o: any) => objFromScore(o?.score || o));
  if (sc.cycle && typeof sc.cycle === "object") {
    const att: any[] = Array.isArray(sc.cycle.attention) ? sc.cycle.attention : [];
    const rows: any[] = Array.isArray(sc.cycle.rows) ? sc.cycle.rows : [];
    return rows.map((o) => ({
      ...objHead(o),
      byStatus: o.key_results_by_status,
      rows: att
        .filter((a) => a && a.objective === o.objective && typeof a.key_result === "string")
        .map((a) => ({ id: a.key_result, statement: a.statement, status: a.status, reason: a.reason, progress: a.progress, trending: !!a.trending_off_track, objective: a.objective })),
    }));
  }
  return [];
}

function summaryLine(result: ToolResult, objs: Obj[]): HTMLElement | null {
  const sc = result.structuredContent || {};
  const c = sc.cycle && typeof sc.cycle === "object" ? sc.cycle : sc.summary;
  const byStatus: Record<string, number> = {};
  if (c?.by_status && typeof c.by_status === "object") Object.assign(byStatus, c.by_status);
  else for (const o of objs) for (const r of o.rows) if (r.status) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
  const order = ["off_track", "at_risk", "stale", "on_track", "pending"];
  const keys = Object.keys(byStatus).sort((a, b) => (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99);
  if (!keys.length) return null;
  const krCount = isNum(c?.key_results) ? c.key_results : keys.reduce((n, k) => n + byStatus[k], 0);
  return h(
    "div",
    { class: "summary" },
    h("span", { class: "meta-item" }, `${krCount} key result${krCount === 1 ? "" : "s"}`),
    ...keys.map((k) => pill(k, String(byStatus[k]))),
    isNum(c?.mean_progress) ? h("span", { class: "meta-item muted" }, `mean progress ${fmtPct(c.mean_progress)}`) : null,
    isNum(c?.progress) ? h("span", { class: "meta-item muted" }, `progress ${fmtPct(c.progress)}`) : null,
  );
}

function render(root: HTMLElement, result: ToolResult, app: App): void {
  const sc = result.structuredContent || {};
  const charts = chartsOf(result);
  const lines = sparklinesOf(result);
  const evCounts = result._meta?.["grounded/evidence"];
  const objs = objectivesOf(result);
  const cycleName =
    typeof sc.cycle === "string" ? sc.cycle : sc.cycle?.cycle || sc.objective?.cycle || [...charts.values()][0]?.cycle || "";
  root.append(
    h(
      "header",
      { class: "view-head" },
      h("div", { class: "eyebrow" }, ["Scorecard", cycleName, sc.as_of ? `as of ${fmtDate(sc.as_of)}` : ""].filter(Boolean).join(" · ")),
      h("h1", null, sc.title || (sc.key_result ? `${sc.key_result.key_result} score` : sc.objective?.title || `${cycleName || "Cycle"} scorecard`)),
      summaryLine(result, objs),
    ),
  );
  if (!objs.length) {
    root.append(h("p", { class: "muted" }, "There is nothing to score here yet."));
    return;
  }
  let open: { id: string; panel: HTMLElement; button: HTMLElement } | null = null;

  const closePanel = () => {
    if (!open) return;
    open.panel.remove();
    open.button.setAttribute("aria-expanded", "false");
    open = null;
  };

  const choose = (row: Row, button: HTMLElement, li: HTMLElement) => {
    const same = open?.id === row.id;
    closePanel();
    if (same) return;
    const panel = h("div", {
      class: "drilldown",
      "data-testid": "drilldown",
      id: "drilldown",
      role: "region",
      "aria-label": `${row.id} in detail`,
    });
    const body = h("div", { class: "drill-body", "aria-busy": "true" }, h("p", { class: "muted loading" }, `Loading ${row.id}…`));
    const close = h("button", { type: "button", class: "btn-ghost", onclick: () => { closePanel(); button.focus(); } }, "Close");
    panel.append(h("div", { class: "drill-bar" }, h("span", { class: "muted small" }, `${row.id} · get_okr`), close), body);
    li.append(panel);
    button.setAttribute("aria-expanded", "true");
    open = { id: row.id, panel, button };
    // As of the scorecard's own day, so the opened key result reads as its row does.
    const asOf = typeof sc.as_of === "string" ? { as_of: sc.as_of } : {};
    callReadOnly(app, "get_okr", { id: row.id, ...asOf }).then(
      (res) => {
        if (open?.panel !== panel) return;
        body.removeAttribute("aria-busy");
        if (res.isError) {
          body.replaceChildren(toolError(res));
          return;
        }
        const krs = okrKrs(res.structuredContent);
        const focus = res._meta?.["grounded/focus"] || row.id;
        const kr = krs.find((k) => k.id === focus) || krs.find((k) => k.id === row.id);
        if (!kr) {
          body.replaceChildren(errorBox(`get_okr did not list ${row.id}`));
          return;
        }
        const ch = chartsOf(res).get(kr.id) || charts.get(kr.id);
        body.replaceChildren(krDetail(app, kr, ch, { headingLevel: 3 }));
      },
      (e) => {
        if (open?.panel !== panel) return;
        body.removeAttribute("aria-busy");
        body.replaceChildren(errorBox(`Could not open ${row.id}`, String(e?.message || e)));
      },
    );
  };

  for (const o of objs) {
    const list = h("ul", { class: "kr-rows" });
    for (const r of o.rows) list.append(krRow(r, lines.get(r.id) || charts.get(r.id), evCounts, choose));
    const shown = o.rows.length;
    const total = o.byStatus ? Object.values(o.byStatus).reduce((a, b) => a + (isNum(b) ? b : 0), 0) : shown;
    root.append(
      h(
        "section",
        { class: "card obj", "aria-label": `${o.id || ""} ${o.title || ""}` },
        o.title || o.id
          ? h(
              "header",
              { class: "obj-head" },
              h("div", { class: "obj-title" }, o.id ? h("span", { class: "id" }, o.id) : null, h("h2", null, o.title || "")),
              h(
                "div",
                { class: "obj-meta" },
                o.owner ? h("span", { class: "muted small" }, o.owner) : null,
                isNum(o.progress) ? h("span", { class: "meta-item" }, `progress ${fmtPct(o.progress)} `, progressBar(o.progress)) : null,
                o.status ? pill(o.status) : null,
                isNum(o.grade) ? h("span", { class: "meta-item muted small" }, `grade ${fmtRatio(o.grade)}${o.grade_band ? " (" + o.grade_band + ")" : ""}`) : null,
              ),
            )
          : null,
        shown ? list : h("p", { class: "muted small" }, "No key results listed."),
        total > shown ? h("p", { class: "muted small more" }, `${total - shown} more key result${total - shown === 1 ? "" : "s"} not listed (not needing attention).`) : null,
      ),
    );
  }
}

function krRow(
  r: Row,
  chart: Chart | undefined,
  evCounts: unknown,
  choose: (r: Row, b: HTMLElement, li: HTMLElement) => void,
): HTMLElement {
  const unit = unitOf(chart);
  const last = chart?.values[chart.values.length - 1];
  const value = isNum(r.value) ? r.value : last?.value;
  const iv = r.interval || (isNum(r.value) ? null : last?.interval) || null;
  const evMeta = evCounts && typeof evCounts === "object" ? (evCounts as Record<string, unknown>)[r.id] : undefined;
  const ev = isNum(evMeta) ? evMeta : evidenceCount(chart);
  const li = h("li", { class: "kr-li" });
  const btn = h(
    "button",
    {
      type: "button",
      class: "kr-row",
      "data-testid": `kr-row-${r.id}`,
      "aria-expanded": "false",
      "aria-controls": "drilldown",
      onclick: () => choose(r, btn, li),
    },
    h(
      "span",
      { class: "c-main" },
      h("span", { class: "kr-st" }, h("span", { class: "id" }, r.id), " ", r.statement || ""),
      r.reason ? h("span", { class: "kr-reason" }, r.reason) : null,
    ),
    h("span", { class: "c-spark" }, sparkline(chart)),
    h(
      "span",
      { class: "c-val" },
      h("span", { class: "v" }, fmtValue(value, unit)),
      iv ? h("span", { class: "sub" }, `95% ${fmtInterval(iv.low, iv.high, unit)}`) : isNum(value) ? null : h("span", { class: "sub" }, "no value yet"),
    ),
    h(
      "span",
      { class: "c-prog" },
      h("span", { class: "v" }, fmtPct(r.progress)),
      progressBar(r.progress, r.expected),
      isNum(r.expected) ? h("span", { class: "sub" }, `${fmtPct(r.expected)} expected`) : null,
    ),
    h(
      "span",
      { class: "c-status" },
      pill(r.status),
      r.trending ? h("span", { class: "sub warn-text" }, "trending off track") : null,
      isNum(ev) ? h("span", { class: "sub" }, `${ev} evidence`) : null,
    ),
  );
  li.append(btn);
  return li;
}

boot({
  name: "scorecard",
  render,
  pending: (a) => (a.subject ? `Scoring ${a.subject}…` : "Loading…"),
});
