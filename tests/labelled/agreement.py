#!/usr/bin/env python3
"""Agreement between the corpus's labels and a second labeller's (RATES.md, "Are the
labels reliable?"). `real/second_labeller.jsonl` holds, for 200 statements drawn at
random from both parts, the class a second labeller gave from the statement, its
objective and the domain's rules alone. Run: python3 tests/labelled/agreement.py"""
import collections, json, os

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "real")
parts = {f: [json.loads(l) for l in open(os.path.join(here, f))] for f in ("tuning.jsonl", "holdout.jsonl")}
pairs = []
for second in map(json.loads, open(os.path.join(here, "second_labeller.jsonl"))):
    first = parts[second["file"]][second["line"] - 1]
    pairs.append((first, second))


def kappa(labels):
    n = len(labels)
    agreed = sum(a == b for a, b in labels) / n
    ca, cb = collections.Counter(a for a, _ in labels), collections.Counter(b for _, b in labels)
    chance = sum(ca[k] * cb[k] for k in ca) / n / n
    return agreed, (agreed - chance) / (1 - chance)


def row(name, chosen, key=lambda r: r["class"]):
    agreed, k = kappa([(key(a), key(b)) for a, b in chosen])
    print(f"| {name} | {len(chosen)} | {agreed:.0%} | {k:.2f} |")


print("| | statements | class agreed | Cohen's kappa |\n|---|---:|---:|---:|")
row("all", pairs)
row("weak or sound only", pairs, key=lambda r: r["class"] != "outcome")
row("the corpus's label not marked ambiguous", [p for p in pairs if not p[0].get("ambiguous")])
row("neither labeller marks it ambiguous", [p for p in pairs if not p[0].get("ambiguous") and not p[1]["ambiguous"]])
sure_sound = [b for a, b in pairs if a["class"] == "outcome" and not a.get("ambiguous")]
print(f"\nSound outcomes labelled without doubt: {len(sure_sound)}; called weak by the second labeller: "
      f"{sum(b['class'] != 'outcome' for b in sure_sound)}")
either = sum(a["class"] == b["class"] or a["class"] == b.get("alt") for a, b in pairs)
print(f"Agreed, counting the second labeller's other reading: {either / len(pairs):.0%}")
