// The key-result chart (inline SVG, no library) and the scorecard sparkline.
// Data: one entry of _meta["grounded/charts"].
import {
  dayNum,
  dayStr,
  fmtDate,
  fmtInterval,
  fmtNum,
  fmtValue,
  h,
  isNum,
  s,
  withUnit,
  type ToolResult,
  type Unit,
} from "./common";

export interface ChartPoint {
  day: string;
  value: number;
  interval?: { low: number; high: number } | null;
}

export interface Chart {
  key_result: string;
  statement?: string;
  metric_name?: string;
  unit?: Unit;
  cycle?: string;
  cycle_start?: string;
  cycle_end?: string;
  as_of?: string;
  baseline?: number | null;
  target?: number | null;
  values: ChartPoint[];
  forecast_end?: number | null;
  evidence: Array<{ day: string; id: string }>;
  slip?: { from?: string; to?: string; change?: number } | null;
}

/**
 * The scorecard rows' lines of a result's _meta["grounded/sparklines"] ({"KR-1": {unit,
 * target, values: [[day, value], ...]}}), as charts without intervals or evidence.
 */
export function sparklinesOf(result: ToolResult | undefined): Map<string, Chart> {
  const out = new Map<string, Chart>();
  const raw = result?._meta?.["grounded/sparklines"];
  if (!raw || typeof raw !== "object") return out;
  for (const [id, line] of Object.entries(raw as Record<string, any>)) {
    if (!line || typeof line !== "object") continue;
    const values: ChartPoint[] = (Array.isArray(line.values) ? line.values : [])
      .filter((v: any) => Array.isArray(v) && isNum(v[1]) && !isNaN(dayNum(v[0])))
      .map((v: any) => ({ day: fmtDate(v[0]), value: v[1], interval: null }))
      .sort((a: ChartPoint, b: ChartPoint) => dayNum(a.day) - dayNum(b.day));
    out.set(id, { key_result: id, unit: line.unit, target: isNum(line.target) ? line.target : null, values, evidence: [] });
  }
  return out;
}

/** The charts of a result's _meta["grounded/charts"], keyed by key result; bad entries are skipped. */
export function chartsOf(result: ToolResult | undefined): Map<string, Chart> {
  const out = new Map<string, Chart>();
  const raw = result?._meta?.["grounded/charts"];
  if (!Array.isArray(raw)) return out;
  for (const c of raw) {
    if (!c || typeof c !== "object" || typeof c.key_result !== "string") continue;
    const values: ChartPoint[] = (Array.isArray(c.values) ? c.values : [])
      .filter((v: any) => v && isNum(v.value) && !isNaN(dayNum(v.day)))
      .map((v: any) => ({
        day: fmtDate(v.day),
        value: v.value,
        interval:
          v.interval && isNum(v.interval.low) && isNum(v.interval.high)
            ? { low: v.interval.low, high: v.interval.high }
            : null,
      }))
      .sort((a: ChartPoint, b: ChartPoint) => dayNum(a.day) - dayNum(b.day));
    const evidence = (Array.isArray(c.evidence) ? c.evidence : [])
      .map((e: any) =>
        Array.isArray(e) ? { day: fmtDate(e[0]), id: String(e[1] ?? "") } : e && { day: fmtDate(e.day), id: String(e.id ?? "") },
      )
      .filter((e: any) => e && !isNaN(dayNum(e.day)));
    out.set(c.key_result, { ...c, values, evidence });
  }
  return out;
}

export function unitOf(chart: Chart | undefined): Unit {
  const u = chart?.unit;
  return u && typeof u === "object" && typeof (u as { kind?: unknown }).kind === "string" ? u : null;
}

/** Distinct evidence ids on a chart. */
export function evidenceCount(chart: Chart | undefined): number | null {
  if (!chart) return null;
  return new Set(chart.evidence.map((e) => e.id)).size;
}

function niceStep(span: number): number {
  const raw = span / 4;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface ChartOptions {
  /** The explain slip: its window is shaded. */
  slip?: { from?: string; to?: string; change?: number; low?: number; high?: number } | null;
  /** Put data-testid="interval-band" on the shaded slip window. */
  bandTestId?: boolean;
  height?: number;
}

/** The chart figure: SVG + value readout (hover and keyboard) + legend. */
export function chartFigure(chart: Chart, opts: ChartOptions = {}): HTMLElement {
  const unit = unitOf(chart);
  const label = `${chart.key_result}${chart.metric_name ? " · " + chart.metric_name : ""}`;
  if (!chart.values.length) {
    return h(
      "div",
      { class: "chart-empty" },
      `No values of ${label} recorded yet, so there is nothing to chart.`,
    );
  }
  const fig = h("figure", { class: "chart" });
  const tip = h("div", { class: "tip", "data-testid": "tooltip", role: "status", "aria-live": "polite", hidden: true });
  const holder = h("div", { class: "chart-holder" });
  fig.append(holder, tip, legend(chart, opts));
  let sel = -1;
  let lastW = 0;
  let select: (i: number) => void = () => {};
  let hide: () => void = () => {};

  const draw = () => {
    const w = Math.max(260, Math.round(holder.clientWidth || 640));
    if (w === lastW) return;
    lastW = w;
    const built = buildSvg(chart, unit, w, opts, label, tip, () => sel, (i) => (sel = i));
    select = built.select;
    hide = built.hide;
    holder.replaceChildren(built.svg);
    if (sel >= 0 && tip.hidden === false) select(sel);
  };
  draw();
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(draw).observe(holder);
  void hide;
  return fig;
}

function legend(chart: Chart, opts: ChartOptions): HTMLElement {
  const item = (cls: string, text: string) =>
    h("span", { class: "lg" }, h("span", { class: `sw ${cls}`, "aria-hidden": "true" }), text);
  const hasInterval = chart.values.some((v) => v.interval);
  return h(
    "figcaption",
    { class: "legend" },
    item("sw-value", "value"),
    hasInterval ? item("sw-interval", "95% interval") : null,
    isNum(chart.baseline) && isNum(chart.target) ? item("sw-pace", "pace to target") : null,
    isNum(chart.target) ? item("sw-target", "target") : null,
    isNum(chart.baseline) ? item("sw-baseline", "baseline") : null,
    isNum(chart.forecast_end) ? item("sw-forecast", "forecast") : null,
    chart.evidence.length ? item("sw-evidence", "evidence observed") : null,
    opts.slip ? item("sw-slip", "slip window") : null,
  );
}

function buildSvg(
  chart: Chart,
  unit: Unit,
  W: number,
  opts: ChartOptions,
  label: string,
  tip: HTMLElement,
  getSel: () => number,
  setSel: (i: number) => void,
) {
  const H = opts.height || 230;
  const narrow = W < 420;
  const m = { l: narrow ? 40 : 48, r: 12, t: 16, b: 24 };
  const pts = chart.values;

  // x: days
  const days = pts.map((p) => dayNum(p.day));
  let d0 = Math.min(...days);
  let d1 = Math.max(...days);
  const cs = dayNum(chart.cycle_start);
  const ce = dayNum(chart.cycle_end);
  if (!isNaN(cs)) d0 = Math.min(d0, cs);
  if (!isNaN(ce)) d1 = Math.max(d1, ce);
  if (d1 <= d0) d1 = d0 + 1;
  const X = (d: number) => m.l + ((d - d0) / (d1 - d0)) * (W - m.l - m.r);

  // y: values, intervals, baseline, target, forecast
  const ys: number[] = [];
  for (const p of pts) {
    ys.push(p.value);
    if (p.interval) ys.push(p.interval.low, p.interval.high);
  }
  for (const v of [chart.baseline, chart.target, chart.forecast_end]) if (isNum(v)) ys.push(v);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  let span = y1 - y0 || Math.abs(y1) * 0.1 || 1;
  y0 -= span * 0.08;
  y1 += span * 0.12;
  const step = niceStep(y1 - y0);
  y0 = Math.floor(y0 / step) * step;
  y1 = Math.ceil(y1 / step) * step;
  const Y = (v: number) => m.t + (1 - (v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const tickDec = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;

  const svg = s("svg", {
    width: W,
    height: H,
    viewBox: `0 0 ${W} ${H}`,
    class: "chart-svg",
    "data-testid": "chart",
    tabindex: 0,
    role: "group",
    "aria-roledescription": "chart",
    "aria-label": `Chart of ${label}. Use the left and right arrow keys to read each value.`,
  });

  // grid + y labels
  const grid = s("g", { class: "grid", "aria-hidden": "true" });
  for (let v = y0; v <= y1 + step / 2; v += step) {
    const y = Y(v);
    grid.append(
      s("line", { x1: m.l, x2: W - m.r, y1: y, y2: y }),
      s("text", { x: m.l - 6, y: y + 3.5, "text-anchor": "end", class: "axis" }, withUnit(fmtNum(v, tickDec), unit)),
    );
  }
  // x labels: month starts (or start/end for short spans)
  const start = new Date(d0 * 86_400_000);
  let y = start.getUTCFullYear();
  let mo = start.getUTCMonth() + (start.getUTCDate() === 1 ? 0 : 1);
  const ticks: Array<[number, string]> = [];
  for (let i = 0; i < 40; i++) {
    if (mo > 11) {
      mo = 0;
      y++;
    }
    const d = Date.UTC(y, mo, 1) / 86_400_000;
    if (d > d1) break;
    ticks.push([d, MONTHS[mo]]);
    mo++;
  }
  if (ticks.length < 2) {
    ticks.length = 0;
    ticks.push([d0, dayStr(d0).slice(5)], [d1, dayStr(d1).slice(5)]);
  }
  for (const [d, t] of ticks) {
    const x = X(d);
    grid.append(
      s("line", { x1: x, x2: x, y1: H - m.b, y2: H - m.b + 4, class: "tick" }),
      s("text", { x, y: H - 6, "text-anchor": "middle", class: "axis" }, t),
    );
  }
  grid.append(s("line", { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, class: "base" }));
  svg.append(grid);

  // slip window
  if (opts.slip && (opts.slip.from || opts.slip.to)) {
    const a = dayNum(opts.slip.from ?? opts.slip.to);
    const b = dayNum(opts.slip.to ?? opts.slip.from);
    if (!isNaN(a) && !isNaN(b)) {
      let xa = X(Math.min(a, b));
      let xb = X(Math.max(a, b));
      if (xb - xa < 8) {
        xa -= 4;
        xb += 4;
      }
      const band = s(
        "rect",
        {
          x: xa,
          y: m.t,
          width: xb - xa,
          height: H - m.t - m.b,
          class: "slip-band",
          "data-testid": opts.bandTestId ? "interval-band" : undefined,
        },
        s("title", null, `slip window ${fmtDate(opts.slip.from)} to ${fmtDate(opts.slip.to)}`),
      );
      svg.append(band, s("text", { x: (xa + xb) / 2, y: m.t - 4, "text-anchor": "middle", class: "ann ann-slip" }, "slip"));
    }
  }

  // as of
  const asOf = dayNum(chart.as_of);
  if (!isNaN(asOf) && asOf > d0 && asOf < d1) {
    const x = X(asOf);
    svg.append(
      s("line", { x1: x, x2: x, y1: m.t, y2: H - m.b, class: "asof", "aria-hidden": "true" }),
      s("text", { x: x + 3, y: m.t + 8, class: "ann" }, "as of"),
    );
  }

  // baseline, target, pace
  const hline = (v: number, cls: string, text: string, above: boolean) => {
    const yy = Y(v);
    svg.append(
      s("line", { x1: m.l, x2: W - m.r, y1: yy, y2: yy, class: cls, "aria-hidden": "true" }),
      s("text", { x: W - m.r - 2, y: above ? yy - 4 : yy + 12, "text-anchor": "end", class: `ann ann-${cls}` }, text),
    );
  };
  const up = !isNum(chart.baseline) || !isNum(chart.target) || chart.target >= chart.baseline;
  if (isNum(chart.baseline)) hline(chart.baseline, "baseline", `baseline ${fmtValue(chart.baseline, unit)}`, !up);
  if (isNum(chart.target)) hline(chart.target, "target", `target ${fmtValue(chart.target, unit)}`, up);
  if (isNum(chart.baseline) && isNum(chart.target) && !isNaN(cs) && !isNaN(ce)) {
    svg.append(s("line", { x1: X(cs), y1: Y(chart.baseline), x2: X(ce), y2: Y(chart.target), class: "pace", "aria-hidden": "true" }));
  }

  // interval band + whiskers
  const withI = pts.filter((p) => p.interval);
  if (withI.length >= 2) {
    const up = withI.map((p) => `${X(dayNum(p.day)).toFixed(1)},${Y(p.interval!.high).toFixed(1)}`);
    const dn = withI.map((p) => `${X(dayNum(p.day)).toFixed(1)},${Y(p.interval!.low).toFixed(1)}`).reverse();
    svg.append(s("polygon", { points: up.concat(dn).join(" "), class: "iband", "aria-hidden": "true" }));
  }
  const whiskers = s("g", { class: "whisker", "aria-hidden": "true" });
  for (const p of withI) {
    const x = X(dayNum(p.day));
    const a = Y(p.interval!.low);
    const b = Y(p.interval!.high);
    whiskers.append(
      s("line", { x1: x, x2: x, y1: a, y2: b }),
      s("line", { x1: x - 3, x2: x + 3, y1: a, y2: a }),
      s("line", { x1: x - 3, x2: x + 3, y1: b, y2: b }),
    );
  }
  svg.append(whiskers);

  // forecast
  const last = pts[pts.length - 1];
  if (isNum(chart.forecast_end) && !isNaN(ce)) {
    const fx = X(ce);
    const fy = Y(chart.forecast_end);
    svg.append(
      s("line", { x1: X(dayNum(last.day)), y1: Y(last.value), x2: fx, y2: fy, class: "forecast", "aria-hidden": "true" }),
      s("circle", { cx: fx, cy: fy, r: 3.5, class: "forecast-dot", "aria-hidden": "true" }),
      s("text", { x: fx - 6, y: fy + (fy > H - m.b - 20 ? -8 : 14), "text-anchor": "end", class: "ann ann-forecast" }, `forecast ${fmtValue(chart.forecast_end, unit)}`),
    );
  }

  // value line + points
  const dPath = pts.map((p, i) => `${i ? "L" : "M"}${X(dayNum(p.day)).toFixed(1)},${Y(p.value).toFixed(1)}`).join("");
  svg.append(s("path", { d: dPath, class: "vline", "aria-hidden": "true" }));
  const dots = s("g", { class: "dots", "aria-hidden": "true" });
  const circles = pts.map((p) => s("circle", { cx: X(dayNum(p.day)), cy: Y(p.value), r: 3 }));
  dots.append(...circles);
  svg.append(dots);

  // evidence markers along the bottom
  const evByDay = new Map<string, string[]>();
  for (const e of chart.evidence) {
    if (!evByDay.has(e.day)) evByDay.set(e.day, []);
    evByDay.get(e.day)!.push(e.id);
  }
  const evg = s("g", { class: "evmarks" });
  for (const [day, ids] of evByDay) {
    const d = dayNum(day);
    if (d < d0 || d > d1) continue;
    const x = X(d);
    const yb = H - m.b - 2;
    evg.append(
      s(
        "path",
        { d: `M${x.toFixed(1)},${yb - 9} l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 z`, class: "evmark" },
        s("title", null, `${ids.join(", ")} observed ${day}`),
      ),
    );
  }
  svg.append(evg);

  // selection: guide + ring
  const guide = s("line", { x1: 0, x2: 0, y1: m.t, y2: H - m.b, class: "guide", visibility: "hidden", "aria-hidden": "true" });
  const ring = s("circle", { cx: 0, cy: 0, r: 6, class: "ring", visibility: "hidden", "aria-hidden": "true" });
  svg.append(guide, ring);

  const select = (i: number) => {
    i = Math.max(0, Math.min(pts.length - 1, i));
    setSel(i);
    const p = pts[i];
    const x = X(dayNum(p.day));
    const yv = Y(p.value);
    guide.setAttribute("x1", String(x));
    guide.setAttribute("x2", String(x));
    guide.setAttribute("visibility", "visible");
    ring.setAttribute("cx", String(x));
    ring.setAttribute("cy", String(yv));
    ring.setAttribute("visibility", "visible");
    const ev = evByDay.get(p.day);
    tip.replaceChildren(
      h("span", { class: "tip-date" }, p.day),
      " ",
      h("strong", { class: "tip-value" }, fmtValue(p.value, unit)),
      p.interval ? h("span", { class: "tip-sub" }, ` 95% ${fmtInterval(p.interval.low, p.interval.high, unit)}`) : "",
      ev ? h("span", { class: "tip-sub" }, ` · ${ev.join(", ")}`) : "",
    );
    tip.hidden = false;
    const left = Math.max(70, Math.min(W - 70, x));
    tip.style.left = `${left}px`;
    tip.style.top = `${yv}px`;
    tip.classList.toggle("below", yv < 54);
  };
  const hide = () => {
    guide.setAttribute("visibility", "hidden");
    ring.setAttribute("visibility", "hidden");
    tip.hidden = true;
  };

  svg.addEventListener("pointermove", (ev: Event) => {
    const pe = ev as PointerEvent;
    const r = svg.getBoundingClientRect();
    const px = ((pe.clientX - r.left) / (r.width || W)) * W;
    let best = 0;
    let bd = Infinity;
    pts.forEach((p, i) => {
      const dd = Math.abs(X(dayNum(p.day)) - px);
      if (dd < bd) {
        bd = dd;
        best = i;
      }
    });
    select(best);
  });
  svg.addEventListener("pointerleave", () => {
    if (document.activeElement !== svg) hide();
    else select(getSel());
  });
  svg.addEventListener("focus", () => select(getSel() >= 0 ? getSel() : pts.length - 1));
  svg.addEventListener("blur", hide);
  svg.addEventListener("keydown", (ev: Event) => {
    const ke = ev as KeyboardEvent;
    const cur = getSel() >= 0 ? getSel() : pts.length - 1;
    let next = cur;
    if (ke.key === "ArrowLeft" || ke.key === "ArrowDown") next = cur - 1;
    else if (ke.key === "ArrowRight" || ke.key === "ArrowUp") next = cur + 1;
    else if (ke.key === "Home") next = 0;
    else if (ke.key === "End") next = pts.length - 1;
    else if (ke.key === "Escape") {
      hide();
      return;
    } else return;
    ke.preventDefault();
    select(next);
  });

  return { svg, select, hide };
}

/** A small line of a key result's values for the scorecard rows. */
export function sparkline(chart: Chart | undefined): HTMLElement | SVGElement {
  const pts = chart?.values || [];
  if (pts.length < 2) return h("span", { class: "spark spark-none muted", "aria-hidden": "true" }, pts.length ? "·" : "");
  const W = 88;
  const H = 26;
  const ys = pts.map((p) => p.value);
  if (isNum(chart!.target)) ys.push(chart!.target);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const d0 = dayNum(pts[0].day);
  const d1 = Math.max(dayNum(pts[pts.length - 1].day), d0 + 1);
  const X = (d: number) => 2 + ((d - d0) / (d1 - d0)) * (W - 4);
  const Y = (v: number) => 3 + (1 - (v - lo) / (hi - lo || 1)) * (H - 6);
  const line = pts.map((p) => `${X(dayNum(p.day)).toFixed(1)},${Y(p.value).toFixed(1)}`).join(" ");
  const last = pts[pts.length - 1];
  return s(
    "svg",
    { class: "spark", width: W, height: H, viewBox: `0 0 ${W} ${H}`, "aria-hidden": "true" },
    isNum(chart!.target)
      ? s("line", { x1: 0, x2: W, y1: Y(chart!.target), y2: Y(chart!.target), class: "spark-target" })
      : null,
    s("polyline", { points: line, class: "spark-line" }),
    s("circle", { cx: X(dayNum(last.day)), cy: Y(last.value), r: 2.2, class: "spark-dot" }),
  );
}
