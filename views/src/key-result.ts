// View for get_okr: the asked key result (its chart, numbers, linked evidence,
// leading indicators) and the other key results of its objective.
import { chartsOf } from "./chart";
import { boot, fmtPct, h, pill, progressBar, type ToolResult } from "./common";
import type { App } from "./host";
import { krDetail, krMini, okrKrs } from "./kr";

function render(root: HTMLElement, result: ToolResult, app: App): void {
  const sc = result.structuredContent;
  const krs = okrKrs(sc);
  const charts = chartsOf(result);
  const asked = result._meta?.["grounded/focus"];
  if (!sc || typeof sc !== "object") {
    root.append(h("p", { class: "muted" }, "The answer has no structured content to show."));
    return;
  }
  root.append(
    h(
      "header",
      { class: "view-head" },
      h("div", { class: "eyebrow" }, [sc.id, sc.cycle, sc.owner].filter(Boolean).join(" · ")),
      h("h1", null, sc.title || sc.id || "Objective"),
      h(
        "div",
        { class: "head-meta" },
        sc.pace ? pill(sc.pace) : null,
        typeof sc.progress === "number"
          ? h("span", { class: "meta-item" }, `progress ${fmtPct(sc.progress)} `, progressBar(sc.progress))
          : null,
        sc.status ? h("span", { class: "meta-item muted" }, `objective ${String(sc.status).replace(/_/g, " ")}`) : null,
      ),
    ),
  );
  if (!krs.length) {
    root.append(h("p", { class: "muted" }, "This objective has no key results yet."));
    return;
  }
  let focus = typeof asked === "string" && krs.some((k) => k.id === asked) ? asked : krs[0].id;
  const detail = h("div", { class: "focus" });
  const list = h("ul", { class: "kr-minis" });
  const others = h(
    "nav",
    { class: "card others", "aria-label": "Key results of this objective" },
    h("h2", { class: "card-title" }, `Key results of ${sc.id || "this objective"}`),
    list,
  );
  const draw = (moveFocus: boolean) => {
    const kr = krs.find((k) => k.id === focus)!;
    detail.replaceChildren(krDetail(app, kr, charts.get(kr.id)));
    list.replaceChildren(
      ...krs.map((k) =>
        krMini(k, k.id === focus, () => {
          focus = k.id;
          draw(true);
        }),
      ),
    );
    if (moveFocus) (list.querySelector('[aria-current="true"]') as HTMLElement | null)?.focus();
  };
  draw(false);
  root.append(detail, krs.length > 1 ? others : "");
}

boot({
  name: "key-result",
  render,
  pending: (a) => (a.id ? `Loading ${a.id}…` : "Loading…"),
});
