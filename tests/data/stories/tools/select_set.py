"""How the set was chosen: reads the two archives (local clones) and writes texts.json, pairs.jsonl and
pairs_collector_hints.jsonl. Run once; kept so the choice can be checked and repeated (seeded).

Same-story candidates: one archive item whose text the archive holds in two different versions (the item
re-scraped on a later day after the outlet edited it: typography, glued names split, a sentence reworded,
a paragraph added or dropped). Different-story candidates: two items of the same outlet and kind (title
words), dated at most 3 days apart, preferring pairs that share a whole sentence; items with a recurring
title on different days; an item and its follow-up; and some easy ones (two unrelated items).
"""
import datetime
import hashlib
import itertools
import json
import random
import re
import subprocess
from pathlib import Path

from materialize import DEFAULT_CLONES, HERE

KCNA, RODONG = "stiles/north-korea-news", "thogra/rodong-sinmun"
KINDS = [  # (kind, title pattern): the formulaic families the issue names, and their neighbours
    ("greeting", r"greeting|congratulat|felicitat"),
    ("sympathy or condolence", r"sympathy|condolence|mourn|bier|funeral|coffin"),
    ("reception or meeting", r"receives|meets|reception|talks|\bmet\b"),
    ("delegation", r"delegation"),
    ("floral tribute", r"floral|wreath|bouquet"),
    ("anniversary or celebration", r"anniversary|birthday|celebrat|commemorat|\bmarked\b"),
    ("statement", r"statement|spokes"),
    ("commentary or newspaper article", r"commentary|rodong sinmun|article"),
    ("leader's inspection", r"inspects|visits|guides|oversees"),
    ("economy report", r"built|construction|farm|factory|production|harvest"),
]
RECURRING = r"^(press review|review of rodong sinmun|press statement of kim yo jong)"


def git(clone, *args):
    return subprocess.run(["git", "-C", clone, *args], capture_output=True, text=True).stdout


def kcna_items(clone):
    """Every kcna.kp item in every archived daily file, oldest file first."""
    commit = git(clone, "rev-parse", "HEAD").strip()
    for path in git(clone, "ls-tree", "--name-only", "HEAD", "data/archive/").split():
        try:
            records = json.loads(git(clone, "show", f"{commit}:{path}"))
        except ValueError:  # files of 4 MiB and more are absent from the snapshot
            continue
        nth = {}  # a file may hold one link twice (two sections of the site), with different texts
        for r in records:
            nth[r["link"]] = nth.get(r["link"], -1) + 1
            if r.get("story_text") and r.get("date"):
                yield dict(origin={"repo": KCNA, "commit": commit, "path": path, "item": r["link"],
                                   "nth": nth[r["link"]]},
                           outlet="KCNA (kcna.kp)", title=r["headline"].strip(), text=r["story_text"],
                           date=datetime.datetime.fromtimestamp(r["date"] / 1000, datetime.UTC).date().isoformat())


def rodong_items(clone):
    """Every Rodong Sinmun front-page item in every scrape of data/rodong.json, oldest first."""
    for commit in reversed(git(clone, "log", "--format=%H", "--", "data/rodong.json").split()):
        try:
            data = json.loads(git(clone, "show", f"{commit}:data/rodong.json"))
        except ValueError:
            continue
        for t in data.get("topNews", []) if isinstance(data, dict) else data:
            if isinstance(t, dict) and isinstance(t.get("content"), list) and t["content"]:
                yield dict(origin={"repo": RODONG, "commit": commit, "path": "data/rodong.json", "item": t["url"]},
                           outlet="Rodong Sinmun (rodong.rep.kp)", title=t["title"].strip(),
                           text="\n".join(t["content"]),
                           date=re.search(r"newsID=(\d{4}-\d\d-\d\d)", t["url"]).group(1))


def versions(items):
    """Each archive key's first version, and its first later version whose text differs."""
    first, later = {}, {}
    for item in items:
        key = item["origin"]["item"]
        if key not in first:
            first[key] = item
        elif item["text"] != first[key]["text"] and key not in later:
            later[key] = item
    return first, later


def sentences(text):
    body = re.sub(r"^.*?\(KCNA\) --\s*", "", text)
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", body) if len(s.split()) >= 6}


_SENTENCES = {}


def shared(a, b):
    for t in (a, b):
        if id(t) not in _SENTENCES:
            _SENTENCES[id(t)] = sentences(t["text"])
    return _SENTENCES[id(a)] & _SENTENCES[id(b)]


def days_apart(a, b):
    return abs((datetime.date.fromisoformat(a["date"]) - datetime.date.fromisoformat(b["date"])).days)


def norm(s):
    return re.sub(r"\W+", " ", s.lower()).strip()


def choose(rng):
    kcna, kcna_later = versions(kcna_items(DEFAULT_CLONES[KCNA]))
    rodong, rodong_later = versions(rodong_items(DEFAULT_CLONES[RODONG]))
    chosen, seen_texts = [], set()  # (a, b, hint)
    for first, later in ((kcna, kcna_later), (rodong, rodong_later)):
        for key, b in later.items():
            a = first[key]
            if min(len(a["text"]), len(b["text"])) < 200 or (a["text"], b["text"]) in seen_texts:
                continue
            seen_texts.add((a["text"], b["text"]))
            # A scraper sometimes files another article under a known key: the collector expects those to differ.
            same = len(set(a["text"].split()) & set(b["text"].split())) >= 0.5 * len(set(a["text"].split()))
            chosen.append((a, b, "same item, two archived versions (edited between scrapes)" if same else
                           "unsure, likely different items: the archive filed another text under the same key"))
    by_text = {}  # kcna.kp files one article under several sections' links: keep one copy
    for i in list(kcna.values()) + list(rodong.values()):
        if len(i["text"]) >= 200:
            by_text.setdefault(norm(i["text"]), i)
    items = list(by_text.values())
    used = set()

    def take(pool, n, hint):
        rng.shuffle(pool)
        pool.sort(key=lambda p: 0 if shared(*p) else 1)  # hardest first: a whole sentence in common
        for a, b in pool:
            if n == 0:
                return
            key = frozenset((a["origin"]["item"], b["origin"]["item"]))
            if key in used or norm(a["text"]) == norm(b["text"]):
                continue
            used.add(key)
            chosen.append((a, b, hint))
            n -= 1

    for kind, pattern in KINDS:
        family = [i for i in items if re.search(pattern, i["title"], re.I)]
        pool = [(a, b) for a, b in itertools.combinations(family, 2)
                if a["outlet"] == b["outlet"] and days_apart(a, b) <= 3
                and not (norm(a["title"]) == norm(b["title"]) and a["date"] == b["date"])]
        take(pool, 11, f"different items, same kind: {kind}")
    recurring = [i for i in items if re.search(RECURRING, i["title"], re.I)]
    take([(a, b) for a, b in itertools.combinations(recurring, 2)
          if norm(a["title"]) == norm(b["title"]) and 1 <= days_apart(a, b) <= 7], 10,
         "different items, recurring title on different days")
    follow = [(a, b) for a, b in itertools.combinations(items, 2)
              if a["outlet"] == b["outlet"] and 1 <= days_apart(a, b) <= 10
              and re.search(r"arrives|leaves|tours|returns|here\b", a["title"] + b["title"], re.I)
              and a["title"].split()[:3] == b["title"].split()[:3] and not a["title"].startswith("Respected")]
    take(follow, 10, "different items: an item and its follow-up")
    take([(a, b) for a, b in (rng.sample(items, 2) for _ in range(2000)) if days_apart(a, b) <= 30], 25,
         "different items, easy: unrelated")
    return chosen


def main():
    rng = random.Random(18)
    chosen, seen = [], set()
    for a, b, hint in choose(rng):  # one pair of texts once, whatever keys the archive filed them under
        if frozenset((a["text"], b["text"])) not in seen:
            seen.add(frozenset((a["text"], b["text"])))
            chosen.append((a, b, hint))
    texts = {}
    for a, b, _ in chosen:
        for t in (a, b):
            texts.setdefault(json.dumps(t["origin"], sort_keys=True), t)
    keys = list(texts)
    rng.shuffle(keys)
    ids = {k: f"t{n:03d}" for n, k in enumerate(keys, 1)}
    manifest = {ids[k]: {"origin": texts[k]["origin"], "outlet": texts[k]["outlet"], "date": texts[k]["date"],
                         "title": texts[k]["title"], "chars": len(texts[k]["text"]),
                         "sha256": hashlib.sha256(texts[k]["text"].encode()).hexdigest()} for k in keys}
    rng.shuffle(chosen)
    pairs, hints = [], []
    for n, (a, b, hint) in enumerate(chosen, 1):
        ab = [ids[json.dumps(t["origin"], sort_keys=True)] for t in (a, b)]
        rng.shuffle(ab)
        pairs.append({"pair": f"p{n:03d}", "a": ab[0], "b": ab[1]})
        hints.append({"pair": f"p{n:03d}", "kind": hint})
    (HERE / "texts.json").write_text(json.dumps(dict(sorted(manifest.items())), indent=1, ensure_ascii=False) + "\n")
    (HERE / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs))
    (HERE / "pairs_collector_hints.jsonl").write_text("".join(json.dumps(h) + "\n" for h in hints))
    print(len(manifest), "texts,", len(pairs), "pairs")


if __name__ == "__main__":
    main()
