"""Protocol order scored on real text: `python -m kcna_etl.devtools.protocol_eval`.

Gold: `tests/data/protocol/real_lists.json`, the attendance and entourage lists of the 161 real labelled
articles 001-161 (`tests/data/mentions/real/{dev,test}`; the later batches have no list labels, so they are not
scored), each person with its position (how it was made: `tests/data/protocol/README.md`). Runs
`transforms/protocol.py` over every one of the 161 bodies, with two
sources of persons: the labelled ones (the list finding and ordering alone) and the pipeline's own mentions
(end to end). An appearance is right when the gold has the same article and position and its name's span
overlaps the found one; anything found outside a gold list is wrong. Roles are not scored.
"""
from __future__ import annotations

import json
import sys

from kcna_etl.devtools.yardstick import MATERIALIZE, REAL, absent, labelled_articles
from kcna_etl.transforms.lexicon import lexicon, protocol
from kcna_etl.transforms.mentions import mentions
from kcna_etl.transforms.protocol import appearances
from kcna_etl.transforms.scoring import Tally

GOLD = REAL.parent.parent / "protocol" / "real_lists.json"
PARTS = ("dev", "test")
SOURCES = ("labelled", "pipeline")


def gold_appearances() -> tuple[dict[str, list[tuple[int, int, int]]], int]:
    """file -> (position, start, end) of every gold appearance; and the last article number whose lists were
    labelled (articles numbered after it have no gold and are not scored)."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[int, int, int]]] = {}
    for lst in gold["lists"]:
        out.setdefault(lst["file"], []).extend((a["position"], a["start"], a["end"]) for a in lst["appearances"])
    return out, gold["last_article"]


def number(file: str) -> int:
    """An article's number, from its file name (`162_rodong-sinmun_2021.txt` -> 162)."""
    return int(file.split("_", 1)[0])


def evaluate(committed_only: bool = False) -> dict[tuple[str, str], Tally]:
    """Over the articles present that the gold covers (numbered up to its `last_article`; the gold of an absent one
    is not counted); `committed_only`: without the fetched ones even when materialized."""
    (gold, last), lex, rules = gold_appearances(), lexicon(), protocol()
    scores = {(part, source): Tally() for part in PARTS for source in SOURCES}
    for part in PARTS:
        for file, article in labelled_articles(REAL / part, committed_only).items():
            if number(file) > last:
                continue
            name = f"{part}/{file}"
            wanted = gold.get(name, [])
            persons = {"labelled": [{"type": x.type, "start": x.start, "end": x.end, "surface": x.surface,
                                     "entity_id": x.canonical, "entity": x.canonical} for x in article.labels],
                       "pipeline": mentions(article.body, lex)}
            for source, found_persons in persons.items():
                s = scores[(part, source)]
                found = appearances(article.body, found_persons, rules)
                s.gold += len(wanted)
                s.found += len(found)
                s.correct += sum(any(p == a.position and st < a.end and a.start < en for p, st, en in wanted)
                               for a in found)
    return scores


def main() -> int:
    scores = evaluate()
    print("protocol order on real text (gold: tests/data/protocol/real_lists.json)")
    last = gold_appearances()[1]
    missing = {part: sum(number(n) <= last for n in absent(REAL / part)) for part in PARTS}
    if any(missing.values()):
        print(f"absent: {', '.join(f'{p} {n}' for p, n in missing.items())} fetched articles not materialized "
              f"({MATERIALIZE}); scores of the articles present only")
    print(f"{'part':5} {'persons from':9} {'gold':>5} {'found':>6} {'right':>6} {'precision':>10} {'recall':>7}")
    for (part, source), s in scores.items():
        print(f"{part:5} {source:9} {s.gold:5} {s.found:6} {s.correct:6} {s.precision:10.3f} {s.recall:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
