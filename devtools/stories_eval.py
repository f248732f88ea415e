"""`kcna-etl eval-stories DIR`: precision and recall of `story_id` on labelled pairs of texts.

DIR holds `texts/<id>.txt` (one body each), `texts.json` (id -> {origin, outlet, date, title}) and
`labels.jsonl` (one pair a line: {"a": id, "b": id, "same": true|false}). Every text is assigned a story
in one run, in order of arrival (`stories.arrival_key`: date, then id), exactly as the commit assigns them;
a pair is judged the same item when both texts end with one story_id. The pairs are split once into two
halves by the SHA-256 of `a|b` (ids sorted). The sweep on `dev` covers the shingle size (2-5 words), the
weight of numbers (`number_weight`), the banding (2 or 3 rows a band), the measure (Jaccard or containment)
and the threshold; the choice is precision first (`eligible`: no false join on `dev` at the threshold nor one
step lower, and a banding that compares pairs at the threshold; of those the highest `dev` recall; best F1 when
none is eligible), because a false join tells an analyst that two different items are one republished story.
Precision, recall and F1 are reported on `test` at that choice and at the parameters shipped in
`transforms/lexicon/stories.json`, and both over all pairs by pair of outlets.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from pathlib import Path

from kcna_etl.transforms.stories import Signature, StoryRules, arrival_key, assign, band_keys, signature, with_params

THRESHOLDS = [round(0.20 + 0.05 * i, 2) for i in range(16)]  # 0.20 … 0.95
MEASURES = ("jaccard", "containment")
SHINGLE_WORDS = (2, 3, 4, 5)
NUMBER_WEIGHTS = (0, 1, 2, 4)
BAND_ROWS = (2, 3)  # 48 or 32 bands of the 96 values: the lower threshold may need the wider net
PARAMS = ("shingle_words", "number_weight", "band_rows", "measure", "threshold")
MIN_COLLISION = 0.8  # below it, more than 1 pair in 5 at the threshold is never compared: the banding decides


def collision(threshold: float, measure: str, band_rows: int, permutations: int) -> float:
    """The probability that two texts at the threshold share a band key, `1 - (1 - J^r)^b`; for containment c,
    J = c / (2 - c), the Jaccard of two sets of equal size (texts of unequal size have a lower J, so less)."""
    j = threshold if measure == "jaccard" else threshold / (2 - threshold)
    return 1 - (1 - j ** band_rows) ** (permutations // band_rows)


def eligible(sweep: list[dict], permutations: int) -> list[dict]:
    """The settings without a false join on dev, also one threshold step lower (the estimate's standard error
    is about 0.05 with 96 values: a threshold just above a false join is within its noise), whose banding
    compares the pairs at the threshold (`MIN_COLLISION`)."""
    fp = {tuple(s[k] for k in PARAMS): s["fp"] for s in sweep}
    return [s for s in sweep if s["tp"] > 0 and s["fp"] == 0
            and fp.get((*(s[k] for k in PARAMS[:-1]), round(s["threshold"] - 0.05, 2))) == 0
            and collision(s["threshold"], s["measure"], s["band_rows"], permutations) >= MIN_COLLISION]


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


def _signed(data: Labelled, order: list[str], rules: StoryRules) -> list[tuple[str, Signature]]:
    return [(i, signature(data.texts[i], rules)) for i in order]


def _rebanded(signed: list[tuple[str, Signature]], rules: StoryRules) -> list[tuple[str, Signature]]:
    return [(i, Signature(s.values, s.size, band_keys(s.values, rules) if s.size else s.bands)) for i, s in signed]


def _outlet(meta: dict) -> str:
    """The outlet's name without its site: `Voice of Korea (vok.rep.kp, via kcnawatch)` -> `Voice of Korea`."""
    return meta.get("outlet", "?").split(" (")[0]


def by_outlets(data: Labelled, story_of: dict[str, str]) -> dict[str, dict[str, int]]:
    """Over all pairs (both halves), by pair of outlets: same pairs found of all, different pairs joined of all."""
    out: dict[str, dict[str, int]] = {}
    for a, b, same in data.pairs:
        key = " / ".join(sorted({_outlet(data.meta[a]), _outlet(data.meta[b])}))
        c = out.setdefault(key, {"same": 0, "found": 0, "different": 0, "joined": 0})
        joined = story_of[a] == story_of[b]
        c["same" if same else "different"] += 1
        c["found" if same else "joined"] += joined
    return dict(sorted(out.items()))


def evaluate(data: Labelled, rules: StoryRules) -> dict:
    """The sweep on dev, the choice, and the test scores at the choice and at the shipped parameters."""
    order = sorted(data.texts, key=lambda i: arrival_key(i, _date(data.meta[i].get("date")), None))
    start = time.process_time()
    shipped_signed = _signed(data, order, rules)
    ms_per_text = 1000 * (time.process_time() - start) / max(1, len(order))
    parts = {h: [p for p in data.pairs if half(p[0], p[1]) == h] for h in ("dev", "test")}
    sweep, signed_by = [], {}
    for words in SHINGLE_WORDS:
        for weight in NUMBER_WEIGHTS:
            base = with_params(rules, shingle_words=words, number_weight=weight)
            signed = _signed(data, order, base)
            for rows in BAND_ROWS:
                banded = with_params(base, band_rows=rows)
                signed_by[words, weight, rows] = _rebanded(signed, banded)
                for measure in MEASURES:
                    for t in THRESHOLDS:
                        story_of = assign(signed_by[words, weight, rows], [],
                                          with_params(banded, measure=measure, threshold=t))
                        sweep.append({"shingle_words": words, "number_weight": weight, "band_rows": rows,
                                      "measure": measure, "threshold": t, **scores(parts["dev"], story_of)})
    # ties: the higher threshold, Jaccard, then the setting nearest the shipped kind (longer shingles, no
    # number weight, fewer band keys to store)
    tie = lambda s: (s["threshold"], s["measure"] == "jaccard", s["shingle_words"], -s["number_weight"], s["band_rows"])
    exact = eligible(sweep, rules.permutations)
    best = (max(exact, key=lambda s: (s["recall"], *tie(s))) if exact
            else max(sweep, key=lambda s: (s["f1"], *tie(s))))
    chosen = with_params(rules, **{k: best[k] for k in PARAMS})
    shipped = {k: getattr(rules, k) for k in PARAMS}
    chosen_of = assign(signed_by[best["shingle_words"], best["number_weight"], best["band_rows"]], [], chosen)
    shipped_of = assign(shipped_signed, [], rules)
    return {
        "texts": len(data.texts), "ms_per_text": ms_per_text,
        "collision": collision(best["threshold"], best["measure"], best["band_rows"], rules.permutations),
        "pairs": {h: {"same": sum(s for *_, s in ps), "different": sum(not s for *_, s in ps)} for h, ps in parts.items()},
        "sweep": sweep, "chosen": {k: best[k] for k in PARAMS},
        "test": scores(parts["test"], chosen_of),
        "shipped": {**shipped, **scores(parts["test"], shipped_of)},
        "outlets": {"chosen": by_outlets(data, chosen_of), "shipped": by_outlets(data, shipped_of)},
    }


def render(result: dict) -> str:
    line = ("{shingle_words}-word shingles, numbers x{number_weight}, {band_rows} rows a band, {measure:<11} {threshold:>5.2f}"
            "  P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    out = [f"{result['texts']} texts, signatures {result['ms_per_text']:.2f} ms of CPU per text",
           "pairs: " + ", ".join(f"{h} {c['same']} same / {c['different']} different" for h, c in result["pairs"].items()),
           "", "dev sweep:"]
    out += ["  " + line.format(**s) for s in result["sweep"]]
    c = result["chosen"]
    out += ["", f"chosen on dev: {c['shingle_words']}-word shingles, numbers x{c['number_weight']}, "
                f"{c['band_rows']} rows a band, {c['measure']} >= {c['threshold']:.2f} "
                f"(pairs at the threshold share a band key with probability {result['collision']:.3f})",
            "test at the choice:   " + line.format(**c, **result["test"]),
            "test at stories.json: " + line.format(**result["shipped"]),
            "", "all pairs by outlets: same found of same, different joined of different (choice | stories.json):"]
    for key, c in result["outlets"]["chosen"].items():
        s = result["outlets"]["shipped"][key]
        out.append(f"  {key:<40} same {c['found']}/{c['same']} | {s['found']}/{s['same']}"
                   f"   different joined {c['joined']}/{c['different']} | {s['joined']}/{s['different']}")
    return "\n".join(out)


def main(folder: Path) -> int:
    from kcna_etl.transforms.lexicon import stories
    print(render(evaluate(load(folder), stories())))
    return 0
