"""Mention extraction speed on realistic bodies: articles per second on one core.

    python bench/mentions_speed.py [--seconds 5]

Bodies: the labelled articles (tests/data/mentions/articles) and the bodies of the labelled pages
(samples/pages, tests/pages) as the pipeline reads them. Prints the median body length and the
articles per second of `transforms.mentions.mentions` in this one process, per CPU-second of the
process (what one core does, even when other processes share the machine) and per wall-clock second
(best of several rounds). Not a test: timings are noisy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcna_etl.devtools.evaluation import LABELS, labelled_articles  # noqa: E402
from kcna_etl.transforms.lexicon import lexicon, rules  # noqa: E402
from tests.conftest import labelled_pages  # noqa: E402
from kcna_etl.transforms.mentions import mentions  # noqa: E402
from kcna_etl.transforms.page import read_page  # noqa: E402


def bodies() -> list[str]:
    r, lex = rules(), lexicon()
    out = [a.body for a in labelled_articles(LABELS).values()]
    for path, _ in labelled_pages():
        out.append(read_page(path.read_bytes(), path.name, r, lex).article["body"])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=5.0, help="time to spend measuring (default 5)")
    args = p.parse_args()
    lex = lexicon()
    texts = bodies()
    lengths = sorted(len(b) for b in texts)
    print(f"{len(texts)} bodies, median length {statistics.median(lengths):.0f} characters "
          f"(min {lengths[0]}, max {lengths[-1]})")
    for b in texts:  # warm up (compiled patterns, caches)
        mentions(b, lex)
    cpu, wall, deadline = [], [], time.perf_counter() + args.seconds
    while time.perf_counter() < deadline or len(cpu) < 3:
        c, w = time.process_time(), time.perf_counter()
        for b in texts:
            mentions(b, lex)
        cpu.append(len(texts) / (time.process_time() - c))
        wall.append(len(texts) / (time.perf_counter() - w))
    print(f"mentions: {statistics.median(cpu):,.0f} articles per CPU-second (median of {len(cpu)} rounds; "
          f"best {max(cpu):,.0f}); wall clock: best {max(wall):,.0f} articles/s, median {statistics.median(wall):,.0f}")


if __name__ == "__main__":
    main()
