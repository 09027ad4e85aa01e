// The detail of one key result (from a get_okr answer): numbers, chart,
// linked evidence (fetched through the host with search_evidence) and leading
// indicators. Used by the key-result view and by the scorecard's drill-down.
import type { App } from "./host";
import { chartFigure, unitOf, type Chart } from "./chart";
import {
  callReadOnly,
  fmtDate,
  fmtInterval,
  fmtPct,
  fmtValue,
  h,
  isNum,
  kv,
  pill,
  progressBar,
  statusWord,
  textOf,
  type ToolResult,
} from "./common";

/** A key result as get_okr lists it (key_results[i]). */
export interface OkrKr {
  id: string;
  statement?: string;
  metric?: string;
  current?: { value?: number; interval?: [number, number] | { low: number; high: number }; n?: number; on?: string; at?: string };
  expected?: number;
  forecast_at_end?: number;
  pace?: string;
  status?: string;
  progress?: number;
  evidence?: number;
  indicators?: Array<Record<string, any>>;
  initiatives?: number;
}

export function intervalOf(i: unknown): { low: number; high: number } | null {
  if (Array.isArray(i) && isNum(i[0]) && isNum(i[1])) return { low: i[0], high: i[1] };
  if (i && typeof i === "object" && isNum((i as any).low) && isNum((i as any).high))
    return { low: (i as any).low, high: (i as any).high };
  return null;
}

export function okrKrs(sc: any): OkrKr[] {
  const list = Array.isArray(sc?.key_results) ? sc.key_results : [];
  return list.filter((k: any) => k && typeof k.id === "string");
}

/** The ask-for-evidence cache of a view: one search per key result. */
const evidenceCache = new Map<string, Promise<ToolResult>>();

function stripBold(t: string): string {
  return t.replace(/\*\*/g, "");
}

function statName(n: string): string {
  return n.startsWith("share:") ? `share “${n.slice(6)}”` : statusWord(n);
}

function evidenceItem(hit: any): HTMLElement {
  const ev = hit?.evidence || {};
  const id = String(hit?.id || ev.id || "");
  const meta = [ev.participant, ev.segment, fmtDate(ev.observed_at)].filter(Boolean).join(" · ");
  const text = typeof ev.text === "string" && ev.text ? ev.text : stripBold(String(hit?.snippet || ""));
  const stats: any[] = Array.isArray(hit?.statistics) ? hit.statistics : [];
  const src = ev.source || {};
  const where =
    typeof src.file === "string" && src.file
      ? src.file + (Array.isArray(src.lines) ? `:${src.lines[0]}${src.lines[1] !== src.lines[0] ? "–" + src.lines[1] : ""}` : "")
      : typeof src.url === "string"
        ? src.url
        : "";
  if (ev.kind === "survey" || stats.length) {
    return h(
      "div",
      { class: "quote survey", "data-testid": `quote-${id}` },
      h("div", { class: "quote-kind" }, `${id} · survey${ev.survey?.wave ? " · " + ev.survey.wave : ""}`),
      h("p", { class: "quote-text" }, text),
      stats.length
        ? h(
            "ul",
            { class: "stats-list" },
            stats.map((st) =>
              h(
                "li",
                null,
                h("span", { class: "stat-name" }, statName(String(st.name || ""))),
                " ",
                h("strong", null, fmtValue(st.value)),
                intervalOf(st.interval) ? ` (95% ${fmtInterval(st.interval.low, st.interval.high)})` : "",
                isNum(st.n) ? ` · n ${st.n}` : "",
              ),
            ),
          )
        : null,
      meta ? h("div", { class: "quote-meta" }, meta) : null,
    );
  }
  return h(
    "figure",
    { class: "quote", "data-testid": `quote-${id}` },
    h("blockquote", { class: "quote-text" }, `“${text}”`),
    h(
      "figcaption",
      { class: "quote-meta" },
      h("span", { class: "quote-id" }, id),
      meta ? " · " + meta : "",
      where ? h("span", { class: "quote-src" }, " · " + where) : null,
    ),
  );
}

function evidencePanel(app: App, krId: string, count: number | undefined): HTMLElement {
  const body = h("div", { class: "ev-body" }, h("p", { class: "muted loading" }, "Loading linked evidence…"));
  const panel = h(
    "section",
    { class: "side-sec", "aria-label": `Evidence linked to ${krId}` },
    h("h4", null, "Linked evidence", isNum(count) ? h("span", { class: "count" }, String(count)) : null),
    body,
  );
  let p = evidenceCache.get(krId);
  if (!p) {
    p = callReadOnly(app, "search_evidence", { linked_to: krId, limit: 5 });
    evidenceCache.set(krId, p);
    p.catch(() => evidenceCache.delete(krId));
  }
  p.then(
    (res) => {
      if (res.isError) {
        body.replaceChildren(h("p", { class: "muted" }, `Could not load the evidence: ${textOf(res) || "error"}`));
        return;
      }
      const hits: any[] = Array.isArray(res.structuredContent?.hits) ? res.structuredContent.hits.filter((x: any) => x && typeof x === "object") : [];
      if (!hits.length) {
        body.replaceChildren(h("p", { class: "muted" }, `No evidence is linked to ${krId} yet.`));
        return;
      }
      const total = res.structuredContent?.total;
      body.replaceChildren(
        ...hits.map(evidenceItem),
        isNum(total) && total > hits.length ? h("p", { class: "muted small" }, `${hits.length} of ${total} shown.`) : "",
      );
    },
    (e) => body.replaceChildren(h("p", { class: "muted" }, `Could not load the evidence: ${e?.message || e}`)),
  );
  return panel;
}

export function indicatorList(indicators: Array<Record<string, any>> | undefined): HTMLElement | null {
  indicators = Array.isArray(indicators) ? indicators.filter((i) => i && typeof i === "object") : [];
  if (!indicators.length) return null;
  return h(
    "section",
    { class: "side-sec", "aria-label": "Leading indicators" },
    h("h4", null, "Leading indicators"),
    h(
      "ul",
      { class: "ind-list" },
      indicators.map((ind) =>
        h(
          "li",
          { class: "ind", "data-testid": `indicator-${ind.id}` },
          h("span", { class: "ind-id" }, String(ind.id)),
          h(
            "span",
            { class: "ind-what" },
            [ind.name || ind.metric_name, ind.metric].filter(Boolean).join(" · ") || "",
            isNum(ind.lag_days) ? ` · lag ${ind.lag_days} days` : isNum(ind.expected_lag_days) ? ` · lag ${ind.expected_lag_days} days` : "",
          ),
          pill(ind.status),
        ),
      ),
    ),
  );
}

/** The full detail of one key result. */
export function krDetail(app: App, kr: OkrKr, chart: Chart | undefined, opts: { headingLevel?: 2 | 3 } = {}): HTMLElement {
  const unit = unitOf(chart);
  const cur = kr.current || {};
  const ci = intervalOf(cur.interval);
  const status = kr.pace || kr.status;
  const baseline = chart?.baseline;
  const target = chart?.target;
  const forecast = isNum(kr.forecast_at_end) ? kr.forecast_at_end : chart?.forecast_end;
  const head = h(opts.headingLevel === 3 ? "h3" : "h2", { class: "kr-title" }, kr.statement || kr.id);
  const side = h(
    "div",
    { class: "kr-side" },
    evidencePanel(app, kr.id, kr.evidence),
    indicatorList(kr.indicators),
  );
  return h(
    "article",
    { class: "kr-detail", "aria-label": `${kr.id} ${kr.statement || ""}` },
    h(
      "header",
      { class: "kr-head" },
      h("span", { class: "id" }, kr.id),
      pill(status),
      kr.metric ? h("span", { class: "muted small" }, kr.metric) : null,
    ),
    head,
    h(
      "div",
      { class: "stats" },
      kv(
        "Current",
        fmtValue(cur.value, unit),
        [ci ? `95% ${fmtInterval(ci.low, ci.high, unit)}` : "", isNum(cur.n) ? `n ${cur.n}` : "", fmtDate(cur.on || cur.at)]
          .filter(Boolean)
          .join(" · "),
      ),
      kv(
        "Progress",
        h("span", null, fmtPct(kr.progress), " ", progressBar(kr.progress, kr.expected)),
        isNum(kr.expected) ? `${fmtPct(kr.expected)} expected by now` : "",
      ),
      isNum(forecast) ? kv("Forecast at cycle end", fmtValue(forecast, unit), chart?.cycle_end || "") : null,
      isNum(baseline) || isNum(target) ? kv("Baseline → target", `${fmtValue(baseline, unit)} → ${fmtValue(target, unit)}`, chart?.cycle || "") : null,
    ),
    h(
      "div",
      { class: "kr-grid" },
      h(
        "div",
        { class: "kr-main" },
        chart ? chartFigure(chart) : h("div", { class: "chart-empty" }, "This answer carries no chart data for this key result; the numbers above are from the tool result."),
      ),
      side,
    ),
  );
}

/** A compact button for a key result (the other key results of an objective). */
export function krMini(kr: OkrKr, current: boolean, onChoose: () => void): HTMLElement {
  return h(
    "li",
    null,
    h(
      "button",
      {
        type: "button",
        class: "kr-mini",
        "data-kr": kr.id,
        "aria-current": current ? "true" : undefined,
        onclick: onChoose,
      },
      h("span", { class: "id" }, kr.id),
      h("span", { class: "kr-mini-st" }, kr.statement || ""),
      h("span", { class: "kr-mini-num" }, fmtPct(kr.progress)),
      pill(kr.pace || kr.status),
    ),
  );
}
