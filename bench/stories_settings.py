"""CPU cost of a story signature at the shipped parameters and at another setting, on labelled texts.

    python bench/stories_settings.py tests/data/stories --shingle-words 2 --number-weight 4 --band-rows 3 [--rounds 5]

Signs every text of the folder (`transforms/stories.signature`) under each setting in turn, the two
interleaved round by round (the machine's load moves), and prints the best round's CPU ms per text
(`process_time`) with the load average. Recorded in docs/stories.md; not a test.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from kcna_etl.devtools.stories_eval import load
from kcna_etl.transforms.lexicon import stories
from kcna_etl.transforms.stories import signature, with_params


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", type=Path)
    p.add_argument("--shingle-words", type=int, required=True)
    p.add_argument("--number-weight", type=int, default=0)
    p.add_argument("--band-rows", type=int, default=3)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    texts = list(load(a.folder).texts.values())
    shipped = stories()
    other = with_params(shipped, shingle_words=a.shingle_words, number_weight=a.number_weight, band_rows=a.band_rows)
    best = {"shipped": float("inf"), "other": float("inf")}
    sizes = {}
    for _ in range(a.rounds):
        for name, rules in (("shipped", shipped), ("other", other)):
            start = time.process_time()
            sigs = [signature(t, rules) for t in texts]
            best[name] = min(best[name], time.process_time() - start)
            sizes[name] = sum(s.size for s in sigs) / len(sigs)
    print(f"{len(texts)} texts, load average {os.getloadavg()[0]:.1f}")
    for name in best:
        print(f"  {name:<8} {1000 * best[name] / len(texts):.3f} ms CPU per text, {sizes[name]:.0f} set members a text")


if __name__ == "__main__":
    main()
