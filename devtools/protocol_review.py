"""Protocol order on unseen text, for a hand review: `python -m kcna_etl.devtools.protocol_review FILE.json OUT.json`.

FILE: a list of articles as `github:stiles/north-korea-news` archives them (`data/archive/headlines_*.json`:
`link`, `date_str`, `story_text`). Leaves out the articles whose opening matches one of the 161 labelled real
ones, runs the mentions and `transforms/protocol.py` on the rest, and writes every sentence that holds a cue
word or a found list, with the persons the mentions give and the list found: what
`tests/data/protocol/kcna_2024_review.json` was judged from (sampling and judging: its README).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from kcna_etl.devtools.yardstick import MATERIALIZE, REAL, absent, labelled_articles
from kcna_etl.transforms.lexicon import lexicon, protocol
from kcna_etl.transforms.mentions import mentions
from kcna_etl.transforms.protocol import appearances, sentences

CUE_WORDS = re.compile(r"present|accompan|among the|audience|on hand|attended", re.I)


def opening(text: str) -> str:
    return " ".join(text.split())[:80]


def review_rows(articles: list[dict]) -> list[dict]:
    known = {opening(a.body) for part in ("dev", "test") for a in labelled_articles(REAL / part).values()}
    if missing := sum(len(absent(REAL / part)) for part in ("dev", "test")):
        print(f"{missing} labelled articles absent, not left out: {MATERIALIZE} first", file=sys.stderr)
    lex, rules, seen, out = lexicon(), protocol(), set(), []
    for a in articles:
        body = (a.get("story_text") or "").strip()
        if not body or opening(body) in known or opening(body) in seen:
            continue
        seen.add(opening(body))
        found_mentions = mentions(body, lex)
        found = appearances(body, found_mentions, rules)
        for start, end in sentences(body, rules):
            listed = [x.surface for x in found if start <= x.start < end]
            if listed or CUE_WORDS.search(body, start, end):
                out.append({"article": a["link"][-12:], "date": a.get("date_str"),
                            "sentence": " ".join(body[start:end].split()), "found": listed,
                            "persons": [m.surface for m in found_mentions
                                        if m.type == "person" and start <= m.start < end]})
    return out


def main(argv: list[str]) -> int:
    rows = review_rows(json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    Path(argv[1]).write_text(json.dumps(rows, indent=0, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} sentences, {sum(bool(r['found']) for r in rows)} with a list found")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
