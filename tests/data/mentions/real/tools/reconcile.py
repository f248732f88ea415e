"""Compare the two blind labellings (L1, L2) of each raw article; write agreed files and a list of disagreements.
# Run once, as it was, on the labelling folders of that session (raw/, L1/, L2/, final/ under a scratch folder); kept as the record of how final/ was made.

Usage: python reconcile.py   (reads raw/, L1/*/, L2/*/; writes agreed/ and disagreements.json, agreement.md)
"""
import json, sys, pathlib, re
sys.path.insert(0, "/work/main")
from kcna_etl.transforms.markup import labelled, MarkupError

ROOT = pathlib.Path("/work/labels")
raw = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("[0-9]*.txt"))}
def load(who):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / who).glob("*/[0-9]*.txt"))}
L = {"L1": load("L1"), "L2": load("L2")}
def body_of(text):
    return text.split("\n\n", 1)[1].rstrip("\n")
out, stats, agreed_dir = [], {"files": 0, "both": 0, "agree_spans": 0, "only1": 0, "only2": 0, "typediff": 0, "canondiff": 0, "bad": []}, ROOT / "agreed"
agreed_dir.mkdir(exist_ok=True)
for name, text in raw.items():
    rb = body_of(text)
    got = {}
    for who in ("L1", "L2"):
        if name not in L[who]:
            continue
        try:
            lab = labelled(L[who][name])
        except MarkupError as e:
            stats["bad"].append(f"{who}/{name}: {e}"); continue
        if lab.body.rstrip("\n") != rb:
            stats["bad"].append(f"{who}/{name}: body differs from raw"); continue
        got[who] = {(x.start, x.end): x for x in lab.labels}
    if len(got) < 2:
        continue
    stats["files"] += 1
    a, b = got["L1"], got["L2"]
    diffs = []
    for span in sorted(set(a) | set(b)):
        x, y = a.get(span), b.get(span)
        if x and y:
            if x.type != y.type:
                stats["typediff"] += 1; diffs.append(("type", span, x, y))
            elif x.canonical != y.canonical:
                stats["canondiff"] += 1; diffs.append(("canonical", span, x, y))
            else:
                stats["agree_spans"] += 1
        elif x:
            stats["only1"] += 1; diffs.append(("only L1", span, x, None))
        else:
            stats["only2"] += 1; diffs.append(("only L2", span, None, y))
    if not diffs:
        stats["both"] += 1
        (agreed_dir / name).write_text(L["L1"][name], encoding="utf-8")
    else:
        def ctx(s, e):
            return rb[max(0, s - 60):s] + "⟦" + rb[s:e] + "⟧" + rb[e:e + 60]
        out.append({"file": name, "differences": [
            {"kind": k, "start": s, "end": e, "text": rb[s:e], "context": ctx(s, e).replace("\n", " ¶ "),
             "L1": (x.type, x.canonical) if x else None, "L2": (y.type, y.canonical) if y else None}
            for k, (s, e), x, y in diffs]})
(ROOT / "disagreements.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
total = stats["agree_spans"] + stats["only1"] + stats["only2"] + stats["typediff"] + stats["canondiff"]
stats["span_agreement"] = round((stats["agree_spans"] + stats["canondiff"] + stats["typediff"]) / max(total, 1), 4)
print(json.dumps({k: v for k, v in stats.items() if k != "bad"}, indent=1)); print("\n".join(stats["bad"][:40]))
