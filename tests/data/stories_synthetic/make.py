"""Write the SYNTHETIC story pairs of this folder: `python -m tests.data.stories_synthetic.make`.

Not a measure of the method (docs/stories.md): republished forms made by script from real bodies in
tests/data/mentions/real/dev, to test `kcna-etl eval-stories` and the assignment on cases of each kind.
Only the committed articles there, and of the first collection (001–161): the fetched ones (`fetched.json`) are
texts kept out of commits, and this folder is committed; the later batches leave it as it is. Each of 30 real articles (those of at least three paragraphs, in name order) gets
four forms, each dated later and credited to another outlet: `retyped` (dateline removed, straight quotes made curly,
spaces doubled, another title), `cut` (a middle paragraph dropped), `lead` (the lead rewritten: its
first half of words replaced by a stock opening) and `added` (a paragraph added at the end). Same
pairs: the original with each form, and `retyped` with `cut`. Different pairs: the 60 pairs of distinct
real articles (of all the committed ones) sharing the most word 5-grams (formulaic items), and 60 drawn at random
between forms of distinct articles.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
import shutil
from pathlib import Path

from kcna_etl.devtools.yardstick import REAL, labelled_articles

HERE = Path(__file__).parent
FIRST_COLLECTION = 161  # the last article of the yardstick's first collection
OUTLETS = ["Rodong Sinmun", "The Pyongyang Times", "Voice of Korea", "Uriminzokkiri"]
RETYPE = str.maketrans({"'": "\u2019", "\u2019": "'", '"': "\u201c", "\u201c": '"', "\u201d": '"'})
DATELINE = re.compile(r"^[A-Z][A-Za-z.' -]{0,40}?,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?\s*(?:\([^()]{1,40}\)\s*)?(?:--|\u2014|\u2013)\s*")


def grams(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return set(zip(*(w[k:] for k in range(5))))


def forms(body: str, other: str) -> dict[str, str]:
    paras = body.split("\n")
    lead_words = paras[0].split(" ")
    keep = lead_words[len(lead_words) // 2:]
    return {
        "retyped": "\n".join([DATELINE.sub("", paras[0])] + paras[1:]).translate(RETYPE).replace(". ", ".  "),
        "cut": "\n".join(paras[:len(paras) // 2] + paras[len(paras) // 2 + 1:]),
        "lead": "\n".join([" ".join(["It", "was", "reported", "that"] + keep)] + paras[1:]),
        "added": "\n".join(paras + [other.split("\n")[-1]]),
    }


def main(out: Path = HERE) -> None:
    rng = random.Random(18)
    real = {}
    for name, doc in labelled_articles(REAL / "dev", committed_only=True).items():
        if int(name[:3]) <= FIRST_COLLECTION:
            real[name.removesuffix(".txt")] = (doc.body, doc.header)
    long_ = [k for k, (body, _) in real.items() if body.count("\n") >= 2][:30]
    texts: dict[str, str] = {}
    meta: dict[str, dict] = {}
    pairs: list[dict] = []
    for n, key in enumerate(long_):
        body, head = real[key]
        day = dt.date.fromisoformat(head.get("published") or "2000-01-01")
        texts[key] = body
        meta[key] = {"origin": f"tests/data/mentions/real/dev/{key}.txt", "outlet": head.get("source"),
                     "date": day.isoformat(), "title": None}
        other = real[long_[(n + 1) % len(long_)]][0]
        for k, (kind, text) in enumerate(forms(body, other).items()):
            fid = f"{key}~{kind}"
            texts[fid] = text
            meta[fid] = {"origin": f"synthetic: {kind} form of {key}", "outlet": OUTLETS[k],
                         "date": (day + dt.timedelta(days=k + 1)).isoformat(), "title": None}
            pairs.append({"a": key, "b": fid, "same": True})
        pairs.append({"a": f"{key}~retyped", "b": f"{key}~cut", "same": True})
    shared = sorted(((len(grams(real[a][0]) & grams(real[b][0])), a, b)
                     for a, b in itertools.combinations(sorted(real), 2)), reverse=True)[:60]
    for _, a, b in shared:
        for k in (a, b):
            if k not in texts:
                body, head = real[k]
                texts[k] = body
                meta[k] = {"origin": f"tests/data/mentions/real/dev/{k}.txt", "outlet": head.get("source"),
                           "date": head.get("published"), "title": None}
        pairs.append({"a": a, "b": b, "same": False})
    ids = sorted(texts)
    drawn = 0
    while drawn < 60:
        a, b = rng.sample(ids, 2)
        if a.split("~")[0] != b.split("~")[0] and not any({p["a"], p["b"]} == {a, b} for p in pairs):
            pairs.append({"a": a, "b": b, "same": False})
            drawn += 1
    shutil.rmtree(out / "texts", ignore_errors=True)
    (out / "texts").mkdir(parents=True)
    for i, text in texts.items():
        (out / "texts" / f"{i}.txt").write_text(text + "\n", encoding="utf-8")
    (out / "texts.json").write_text(json.dumps(dict(sorted(meta.items())), indent=1) + "\n", encoding="utf-8")
    (out / "labels.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")


if __name__ == "__main__":
    main()
