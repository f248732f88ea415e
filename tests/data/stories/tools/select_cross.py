"""Cross-outlet pairs (issue 18, point 1): one news item as two outlets carried it, and hard different pairs
from the same days, added after the first 171 pairs (those of select_set.py, kept as they are).

Texts: the page copies under pages/ (pages.json gives each one's address, outlet, date, title) and the
archive items they were matched with by hand (cross_outlet.json). Same-story candidates: every page copy of
an event with its archive item, and the page copies of one event with each other (cross_outlet.json
`events`). Different-story candidates: for every page copy, the archive item of the other outlet, at most 3
days apart, with the most word 3-grams in common among those that are not the same event (not its archive
item, not a text with its title, not one sharing 60 % of its 3-grams: those could be copies the collector did
not read; every pair so made was then read by the collector); and the pairs picked by hand (cross_outlet.json `different`). Seeded; re-running rebuilds the same
files (texts.json, pairs.jsonl, pairs_collector_hints.jsonl).
"""
import datetime
import hashlib
import itertools
import json
import random
import re
import subprocess

from materialize import DEFAULT_CLONES, HERE, item_text
from select_set import KCNA, RODONG, kcna_items, norm, rodong_items

ORIGINAL_PAIRS = 171  # p001..p171: select_set.py's set, labelled; never rebuilt here
MAX_DAYS, SAME_SHARED = 3, 0.6
# Each round of collecting is added after the pairs of the rounds before it, with its own seed, so a new round
# leaves the earlier (labelled) pairs and text ids as they were: round 1 (p172-p279), cross_outlet.json's
# `events` / `different`; round 2 (p280-), its `round2`, with the page copies pages.json marks `"round": 2`.
SEEDS = {1: 1802, 2: 1803}


def short(outlet):
    return outlet.split(" (")[0]


def grams(text):
    words = re.findall(r"[a-z0-9]+", re.sub(r"^.*?\(KCNA\) --\s*", "", text, flags=re.S).lower().replace("’", "'"))
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def shared(a, b):
    ga, gb = grams(a["text"]), grams(b["text"])
    return len(ga & gb) / max(1, min(len(ga), len(gb)))


def pages(round_no):
    meta = json.loads((HERE / "pages" / "pages.json").read_text())
    out = {}
    for key, m in meta.items():
        if m.get("round", 1) != round_no:
            continue
        origin = {"page": m["url"], "file": f"pages/{key}.txt", "whole": m["whole"]}
        out[key] = dict(origin=origin, outlet=m["outlet"], date=m["date"], text=item_text(None, origin),
                        title=m["title"] or "(no title on the stored copy)")
    return out


def archive_item(origin):
    raw = subprocess.run(["git", "-C", DEFAULT_CLONES[origin["repo"]], "show", f"{origin['commit']}:{origin['path']}"],
                         capture_output=True, check=True).stdout
    data = json.loads(raw)
    if origin["repo"] == KCNA:
        rec = [r for r in data if r["link"] == origin["item"]][origin["nth"]]
        return dict(origin=origin, outlet="KCNA (kcna.kp)", title=rec["headline"].strip(), text=rec["story_text"],
                    date=datetime.datetime.fromtimestamp(rec["date"] / 1000, datetime.UTC).date().isoformat())
    items = data["topNews"] if isinstance(data, dict) else data  # the 2021 scrapes hold a bare list
    rec = next(t for t in items if t.get("url") == origin["item"])
    return dict(origin=origin, outlet="Rodong Sinmun (rodong.rep.kp)", title=rec["title"].strip(),
                text="\n".join(rec["content"]), date=re.search(r"newsID=(\d{4}-\d\d-\d\d)", origin["item"]).group(1))


def archives():
    """Every archived item once (kcna.kp: one copy of each text; Rodong Sinmun: each item's first scrape)."""
    seen, out = set(), []
    for item in list(kcna_items(DEFAULT_CLONES[KCNA])) + list(rodong_items(DEFAULT_CLONES[RODONG])):
        key = norm(item["text"]) if item["origin"]["repo"] == KCNA else item["origin"]["item"]
        if key not in seen and len(item["text"]) >= 200:
            seen.add(key)
            out.append(item)
    return out


def days(a, b):
    return abs((datetime.date.fromisoformat(a["date"]) - datetime.date.fromisoformat(b["date"])).days)


def choose(round_no):
    plan = json.loads((HERE / "tools" / "cross_outlet.json").read_text())
    plan = plan if round_no == 1 else plan[f"round{round_no}"]
    page = pages(round_no)
    chosen = []  # (a, b, hint)
    event_of = {}
    for e in plan["events"]:
        arch = e["archive"] and archive_item(e["archive"])  # None: only page copies of the item were found
        copies = [page[k] for k in e["pages"]]
        for k in e["pages"]:
            event_of[k] = arch
        for c in copies if arch else []:
            hint = (f"unsure: {e['unsure']}" if "unsure" in e else
                    f"same item across outlets: {' / '.join(sorted((short(c['outlet']), short(arch['outlet']))))}")
            chosen.append((c, arch, hint))
        for a, b in itertools.combinations(copies, 2):
            chosen.append((a, b, f"same item across outlets: {' / '.join(sorted((short(a['outlet']), short(b['outlet']))))}"))
    for d in plan["different"]:
        b = page[d["b"]] if isinstance(d["b"], str) else archive_item(d["b"])
        chosen.append((page[d["a"]], b, f"different items across outlets, picked by hand: {d['why']}"))
    pool = archives()
    for key, p in sorted(page.items()):
        match = event_of.get(key)
        year = p["date"][:4]
        near = [i for i in pool if i["date"][:4] == year and days(i, p) <= MAX_DAYS and short(i["outlet"]) != short(p["outlet"])
                and not (match and (i["origin"] == match["origin"] or norm(i["title"]) == norm(match["title"])))]
        scored = [(s, i) for i in near if (s := shared(p, i)) < SAME_SHARED]
        if scored:
            chosen.append((p, max(scored, key=lambda x: x[0])[1],
                           "different items across outlets, same days, the most wording in common"))
    return chosen


def add_round(round_no, texts, pairs, hints):
    """Appends one round's texts and pairs (in place) after those already there."""
    rng = random.Random(SEEDS[round_no])
    id_of = {json.dumps(v["origin"], sort_keys=True): k for k, v in texts.items()}
    chosen, seen = [], {frozenset((p["a"], p["b"])) for p in pairs}
    new, picked = {}, set()
    for a, b, hint in choose(round_no):  # a pair met twice keeps its first hint: an event's, then a hand pick's
        keys = [json.dumps(t["origin"], sort_keys=True) for t in (a, b)]
        if frozenset(keys) in picked:
            continue
        picked.add(frozenset(keys))
        for k, t in zip(keys, (a, b)):
            if k not in id_of:
                new.setdefault(k, t)
        chosen.append((keys, hint))
    order = sorted(new)
    rng.shuffle(order)
    start = max(int(k[1:]) for k in texts) + 1
    for n, k in enumerate(order, start):
        t = new[k]
        id_of[k] = f"t{n:03d}"
        texts[id_of[k]] = {"origin": t["origin"], "outlet": t["outlet"], "date": t["date"], "title": t["title"],
                           "chars": len(t["text"]), "sha256": hashlib.sha256(t["text"].encode()).hexdigest()}
    rng.shuffle(chosen)
    n = len(pairs)
    for keys, hint in chosen:
        ab = [id_of[k] for k in keys]
        if frozenset(ab) in seen:
            continue
        seen.add(frozenset(ab))
        rng.shuffle(ab)
        n += 1
        pairs.append({"pair": f"p{n:03d}", "a": ab[0], "b": ab[1]})
        hints.append({"pair": f"p{n:03d}", "kind": hint})


def main():
    texts = json.loads((HERE / "texts.json").read_text())
    pairs = [json.loads(x) for x in (HERE / "pairs.jsonl").read_text().splitlines()][:ORIGINAL_PAIRS]
    hints = [json.loads(x) for x in (HERE / "pairs_collector_hints.jsonl").read_text().splitlines()][:ORIGINAL_PAIRS]
    kept = {t for p in pairs for t in (p["a"], p["b"])}
    texts = {k: v for k, v in texts.items() if k in kept}
    for round_no in sorted(SEEDS):
        add_round(round_no, texts, pairs, hints)
    (HERE / "texts.json").write_text(json.dumps(dict(sorted(texts.items())), indent=1, ensure_ascii=False) + "\n")
    (HERE / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs))
    (HERE / "pairs_collector_hints.jsonl").write_text("".join(json.dumps(h) + "\n" for h in hints))
    print(len(texts), "texts,", len(pairs), "pairs,", len(pairs) - ORIGINAL_PAIRS, "new")


if __name__ == "__main__":
    main()
