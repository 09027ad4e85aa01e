// View for explain: the headline, the slip on the chart with its interval,
// the indicator that moved first, the cited evidence (choosing a quote shows
// where it came from), the next step and the gaps. When the question did not
// resolve to one subject, the candidates are listed plainly.
import { chartsOf, chartFigure, unitOf } from "./chart";
import {
  boot,
  fmtChange,
  fmtDate,
  fmtNum,
  fmtValue,
  h,
  isNum,
  s,
  section,
  statusWord,
  type ToolResult,
} from "./common";
import type { App } from "./host";
import { intervalOf } from "./kr";

function fmtTime(t: unknown): string {
  return typeof t === "string" ? t.replace(/\.0+$/, "") : "";
}

/** Where a piece of evidence came from: file + lines, url, timecode. */
function sourceLocation(app: App, id: string, src: any): HTMLElement {
  const box = h("div", { class: "source", "data-testid": "source-location", role: "note", "aria-label": `Source of ${id}` });
  if (!src || typeof src !== "object") {
    box.append(h("span", { class: "muted" }, `No source location is recorded for ${id}.`));
    return box;
  }
  const parts: Array<Node | string> = [];
  const lines = Array.isArray(src.lines) ? src.lines : null;
  const tc = Array.isArray(src.timecode) ? src.timecode : null;
  if (typeof src.file === "string" && src.file) {
    parts.push(
      h(
        "div",
        { class: "src-line" },
        h("span", { class: "src-k" }, "File"),
        h("code", null, src.file),
        lines ? h("span", null, lines[0] === lines[1] ? ` line ${lines[0]}` : ` lines ${lines[0]}–${lines[1]}`) : "",
      ),
    );
  }
  if (tc) {
    parts.push(h("div", { class: "src-line" }, h("span", { class: "src-k" }, "Timecode"), `${fmtTime(tc[0])}–${fmtTime(tc[1])}`));
  }
  if (typeof src.url === "string" && src.url) {
    const url = src.url;
    const note = h("span", { class: "muted small", role: "status" });
    parts.push(
      h(
        "div",
        { class: "src-line" },
        h("span", { class: "src-k" }, "Link"),
        h("code", { class: "url" }, url),
        h(
          "button",
          {
            type: "button",
            class: "btn",
            onclick: () => {
              note.textContent = "";
              app.openLink({ url }).then(
                (r) => {
                  if (r?.isError) note.textContent = " The host did not open the link.";
                },
                (e) => (note.textContent = ` Could not open the link: ${e?.message || e}`),
              );
            },
          },
          "Open link",
        ),
        note,
      ),
    );
  }
  if (typeof src.record_id === "string") {
    parts.push(h("div", { class: "src-line muted small" }, h("span", { class: "src-k" }, "Record"), src.record_id));
  }
  if (!parts.length) parts.push(h("span", { class: "muted" }, `No source location is recorded for ${id}.`));
  box.append(...parts);
  return box;
}

/** The slip's change and its 95% interval against zero, as a small bar. */
function intervalBar(change: number, low: number, high: number, testid: boolean): SVGElement {
  const W = 220;
  const H = 26;
  const lo = Math.min(low, high, 0, change);
  const hi = Math.max(low, high, 0, change);
  const pad = (hi - lo) * 0.1 || 1;
  const X = (v: number) => 8 + ((v - (lo - pad)) / (hi - lo + 2 * pad)) * (W - 16);
  return s(
    "svg",
    { class: "ibar", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `change ${fmtChange(change)}, 95% interval ${fmtChange(low)} to ${fmtChange(high)}` },
    s("line", { x1: X(0), x2: X(0), y1: 2, y2: H - 2, class: "zero" }),
    s("rect", { x: X(Math.min(low, high)), y: 10, width: Math.max(2, Math.abs(X(high) - X(low))), height: 10, rx: 3, class: "ibar-band", "data-testid": testid ? "interval-band" : undefined }),
    s("circle", { cx: X(change), cy: 15, r: 4.5, class: "ibar-dot" }),
    s("text", { x: X(0) + 4, y: 9, class: "axis" }, "0"),
  );
}

function render(root: HTMLElement, result: ToolResult, app: App): void {
  const sc = result.structuredContent || {};
  const sources = result._meta?.["grounded/sources"] || {};
  const head = h(
    "header",
    { class: "view-head" },
    h("div", { class: "eyebrow" }, ["Why", sc.subject?.name, sc.as_of ? `as of ${fmtDate(sc.as_of)}` : ""].filter(Boolean).join(" · ")),
    sc.question ? h("p", { class: "question" }, `“${sc.question}”`) : null,
    h("p", { class: "headline", "data-testid": "headline" }, sc.headline || "grounded gave no headline."),
  );
  root.append(head);

  if (sc.resolved && sc.resolved !== "found") {
    const cands: any[] = Array.isArray(sc.candidates) ? sc.candidates.filter((c: any) => c && typeof c === "object") : [];
    const lead: Record<string, string> = {
      ambiguous: "The question could be about several things. Ask about one of these:",
      unknown: "Nothing matched the question. grounded can explain:",
      not_english: "The question does not read as English. The nearest names are:",
    };
    root.append(
      section(
        sc.resolved === "ambiguous" ? "Which one?" : "No single subject",
        h("p", null, lead[sc.resolved] || `Resolved: ${statusWord(sc.resolved)}.`),
        cands.length
          ? h(
              "ul",
              { class: "cands" },
              cands.map((c) =>
                h(
                  "li",
                  null,
                  h("span", { class: "id" }, String(c.id ?? "")),
                  " ",
                  h("span", null, String(c.name ?? "")),
                  h("span", { class: "muted small" }, ` · ${statusWord(c.kind)}${Array.isArray(c.matched) && c.matched.length ? " · matched " + c.matched.join(", ") : ""}`),
                ),
              ),
            )
          : null,
      ),
    );
    gapsAndNext(root, sc);
    return;
  }

  // the slip
  const slip = sc.slip && typeof sc.slip === "object" ? sc.slip : null;
  const chart = [...chartsOf(result).values()].find((c) => !slip?.key_result || c.key_result === slip.key_result) || [...chartsOf(result).values()][0];
  const unit = unitOf(chart);
  const iv = intervalOf(slip?.interval);
  const hasChart = !!(chart && chart.values.length);
  if (slip || chart) {
    const win = chart?.slip || (slip ? { from: fmtDate(slip.previous_at || slip.start), to: fmtDate(slip.worst_at || slip.start) } : null);
    const stat = slip
      ? h(
          "div",
          { class: "slip-stat" },
          h("div", { class: "kv-label" }, "Change, 95% interval"),
          h(
            "div",
            { class: "slip-line" },
            h("strong", { class: "big" }, fmtChange(slip.change, unit)),
            iv ? h("span", null, ` (95% interval ${fmtChange(iv.low)} to ${fmtChange(iv.high)})`) : null,
            slip.start_day || slip.start ? h("span", { class: "muted" }, ` in the week of ${fmtDate(slip.start_day || slip.start)}`) : null,
          ),
          isNum(slip.level_before) && isNum(slip.level_after)
            ? h("div", { class: "muted small" }, `from about ${fmtValue(slip.level_before, unit)} to ${fmtValue(slip.level_after, unit)}`, isNum(slip.pace_value) ? `; the pace line expected ${fmtValue(slip.pace_value, unit)}` : "")
            : null,
          slip.now?.state ? h("div", { class: "small" }, "Since then: ", h("strong", null, statusWord(slip.now.state)), isNum(slip.now.level) ? `, ${fmtValue(slip.now.level, unit)} over the latest ${isNum(slip.now.points) ? slip.now.points + " " : ""}values` : "") : null,
          isNum(slip.change) && iv ? intervalBar(slip.change, iv.low, iv.high, !hasChart) : null,
        )
      : null;
    root.append(
      h(
        "section",
        { class: "card" },
        h("h2", { class: "card-title" }, chart ? `${chart.key_result}: ${chart.statement || chart.metric_name || ""}` : "The slip"),
        stat,
        hasChart ? chartFigure(chart!, { slip: win, bandTestId: true }) : h("div", { class: "chart-empty" }, "This answer carries no chart data; the numbers above are from the tool result."),
      ),
    );
  } else if (sc.slipped === false) {
    root.append(h("p", { class: "card" }, "No slip beyond noise was found in the window."));
  }

  // the driver that moved first, then the others
  const drivers: any[] = Array.isArray(sc.drivers) ? sc.drivers : [];
  const first = drivers.find((d) => d && d.moved_first);
  const rest = drivers.filter((d) => d && d !== first);
  if (first || rest.length) {
    root.append(
      section(
        "What moved first",
        first
          ? h(
              "div",
              { class: "driver first", "data-testid": `indicator-${first.id}` },
              h(
                "div",
                { class: "driver-head" },
                h("span", { class: "id" }, String(first.id)),
                h("span", { class: "badge" }, "moved first"),
                isNum(first.lead_days) ? h("strong", null, `${fmtNum(first.lead_days, 0)} days before`) : null,
                isNum(first.expected_lag_days) ? h("span", { class: "muted small" }, `expected lag ${fmtNum(first.expected_lag_days, 0)} days`) : null,
              ),
              h("p", null, String(first.summary || "")),
            )
          : h("p", { class: "muted" }, "No indicator moved first."),
        rest.length
          ? h(
              "ul",
              { class: "drivers" },
              rest.map((d) => h("li", { class: "driver" }, h("span", { class: "id" }, String(d.id ?? "")), " ", String(d.summary || ""))),
            )
          : null,
      ),
    );
  }

  // evidence
  const evidence: any[] = Array.isArray(sc.evidence) ? sc.evidence.filter((e: any) => e && typeof e === "object") : [];
  if (evidence.length) {
    const list = h("ul", { class: "quotes" });
    let shown: { btn: HTMLElement; box: HTMLElement } | null = null;
    for (const ev of evidence) {
      const id = String(ev.id || "");
      const meta = [ev.participant, ev.segment, fmtDate(ev.observed_at)].filter(Boolean).join(" · ");
      const li = h("li", null);
      const btn = h(
        "button",
        {
          type: "button",
          class: "quote quote-btn",
          "data-testid": `quote-${id}`,
          "aria-pressed": "false",
          onclick: () => {
            const again = shown?.btn === btn;
            if (shown) {
              shown.box.remove();
              shown.btn.setAttribute("aria-pressed", "false");
              shown = null;
            }
            if (again) return;
            const box = sourceLocation(app, id, sources[id]);
            li.append(box);
            btn.setAttribute("aria-pressed", "true");
            shown = { btn, box };
          },
        },
        h("span", { class: "quote-text" }, ev.kind === "interview" ? `“${ev.text || ""}”` : String(ev.text || "")),
        h("span", { class: "quote-meta" }, h("span", { class: "quote-id" }, id), meta ? ` · ${meta}` : "", ev.kind && ev.kind !== "interview" ? ` · ${ev.kind}` : ""),
        ev.why ? h("span", { class: "quote-why" }, ev.why) : null,
      );
      li.append(btn);
      list.append(li);
    }
    root.append(section("Cited evidence", h("p", { class: "muted small" }, "Choose a quote to see where it came from."), list));
  }
  gapsAndNext(root, sc);
}

function gapsAndNext(root: HTMLElement, sc: any): void {
  if (typeof sc.next_step === "string" && sc.next_step) {
    root.append(h("section", { class: "card next" }, h("h2", { class: "card-title" }, "Next step"), h("p", null, sc.next_step)));
  }
  const gaps: any[] = Array.isArray(sc.gaps) ? sc.gaps.filter((g: any) => g && typeof g === "object") : [];
  if (gaps.length) {
    root.append(
      section(
        "Gaps",
        h(
          "ul",
          { class: "gaps" },
          gaps.map((g) => h("li", null, h("strong", null, String(g.missing || "")), g.next_step ? h("span", { class: "muted" }, ` — ${g.next_step}`) : "")),
        ),
      ),
    );
  }
}

boot({
  name: "why",
  render,
  pending: (a) => (a.question ? `Looking into “${a.question}”…` : "Loading…"),
});
