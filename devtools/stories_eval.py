"""`kcna-etl eval-stories DIR`: precision and recall of `story_id` on labelled pairs of texts.

DIR holds `texts/<id>.txt` (one body each), `texts.json` (id -> {origin, outlet, date, title}) and
`labels.jsonl` (one pair a line: {"a": id, "b": id, "same": true|false}). Every text is assigned a story
in one run, in order of arrival (`stories.arrival_key`: date, then id), exactly as the commit assigns them;
a pair is judged the same item when both texts end with one story_id. The pairs are split once into two
halves by the SHA-256 of `a|b` (ids sorted): the threshold (and the measure, Jaccard or containment) is
chosen on `dev` precision first (the highest recall among the settings without a false join on `dev`;
ties to the higher threshold; best F1 when every setting joins a different pair), because a false join
tells an analyst that two different items are one republished story. Precision, recall and F1 are reported on
`test` at that choice, and at the parameters shipped in `transforms/lexicon/stories.json`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from pathlib import Path

from kcna_etl.transforms.stories import StoryRules, arrival_key, assign, signature

THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(16)]  # 0.20 … 0.95
MEASURES = ("jaccard", "containment")


@dataclasses.dataclass(frozen=True)
class Labelled:
    texts: dict[str, str]
    meta: dict[str, dict]
    pairs: list[tuple[str, str, bool]]


def load(folder: Path) -> Labelled:
    meta = json.loads((folder / "texts.json").read_text(encoding="utf-8"))
    texts = {i: (folder / "texts" / f"{i}.txt").read_text(encoding="utf-8").strip("\n") for i in meta}
    pairs = []
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            pairs.append((p["a"], p["b"], bool(p["same"])))
    missing = {x for a, b, _ in pairs for x in (a, b)} - set(texts)
    if missing:
        raise ValueError(f"labels.jsonl names texts not in texts.json: {sorted(missing)[:5]}")
    return Labelled(texts, meta, pairs)


def half(a: str, b: str) -> str:
    """`dev` or `test`, fixed by the pair alone."""
    x, y = sorted((a, b))
    return "dev" if hashlib.sha256(f"{x}|{y}".encode()).digest()[0] % 2 == 0 else "test"


def _date(value: str | None) -> dt.date | None:
    """A date as texts.json may give it: `YYYY-MM-DD`, or only `YYYY-MM` or `YYYY` (read as its first day)."""
    if not value:
        return None
    parts = (value[:10].split("-") + ["01", "01"])[:3]
    try:
        return dt.date(*map(int, parts))
    except ValueError:
        return None


def scores(pairs: list[tuple[str, str, bool]], story_of: dict[str, str]) -> dict[str, float]:
    tp = sum(same and story_of[a] == story_of[b] for a, b, same in pairs)
    fp = sum(not same and story_of[a] == story_of[b] for a, b, same in pairs)
    fn = sum(same and story_of[a] != story_of[b] for a, b, same in pairs)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def evaluate(data: Labelled, rules: StoryRules) -> dict:
    """The sweep on dev, the choice, and the test scores at the choice and at the shipped parameters."""
    start = time.process_time()
    order = sorted(data.texts, key=lambda i: arrival_key(i, _date(data.meta[i].get("date")), None))
    signed = [(i, signature(data.texts[i], rules)) for i in order]
    ms_per_text = 1000 * (time.process_time() - start) / max(1, len(signed))
    parts = {h: [p for p in data.pairs if half(p[0], p[1]) == h] for h in ("dev", "test")}
    sweep = []
    for measure in MEASURES:
        for t in THRESHOLDS:
            story_of = assign(signed, [], dataclasses.replace(rules, measure=measure, threshold=t))
            sweep.append({"measure": measure, "threshold": t, **scores(parts["dev"], story_of)})
    exact = [s for s in sweep if s["fp"] == 0 and s["tp"] > 0]
    best = (max(exact, key=lambda s: (s["recall"], s["threshold"], s["measure"] == "jaccard")) if exact
            else max(sweep, key=lambda s: (s["f1"], s["threshold"], s["measure"] == "jaccard")))
    chosen = dataclasses.replace(rules, measure=best["measure"], threshold=best["threshold"])
    return {
        "texts": len(data.texts), "ms_per_text": ms_per_text,
        "pairs": {h: {"same": sum(s for *_, s in ps), "different": sum(not s for *_, s in ps)} for h, ps in parts.items()},
        "sweep": sweep, "chosen": {"measure": best["measure"], "threshold": best["threshold"]},
        "test": scores(parts["test"], assign(signed, [], chosen)),
        "shipped": {"measure": rules.measure, "threshold": rules.threshold,
                    **scores(parts["test"], assign(signed, [], rules))},
    }


def render(result: dict) -> str:
    line = "{measure:<11} {threshold:>5.2f}  P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})"
    out = [f"{result['texts']} texts, signatures {result['ms_per_text']:.2f} ms of CPU per text",
           "pairs: " + ", ".join(f"{h} {c['same']} same / {c['different']} different" for h, c in result["pairs"].items()),
           "", "dev sweep:"]
    out += ["  " + line.format(**s) for s in result["sweep"]]
    c = result["chosen"]
    out += ["", f"chosen on dev: {c['measure']} >= {c['threshold']:.2f}",
            "test at the choice:   " + line.format(**c, **result["test"]),
            "test at stories.json: " + line.format(**result["shipped"])]
    return "\n".join(out)


def main(folder: Path) -> int:
    from kcna_etl.transforms.lexicon import stories
    print(render(evaluate(load(folder), stories())))
    return 0
