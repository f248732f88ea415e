"""Mention extraction, this checkout against an earlier commit: CPU ms per body, and the same outputs.

    python bench/mentions_versus.py <corpus folder> <pages> [--against COMMIT] [--rounds N]
    python bench/mentions_versus.py --labelled [--against COMMIT] [--rounds N]
    python bench/mentions_versus.py <corpus folder> <pages> --all [--against COMMIT] [--rounds N]

Reads the bodies of the first `pages` pages of a corpus (e.g. `kcna-etl synth --pages 2000 --seed 2026`)
with `read_page` (or, with `--labelled`, the bodies `bench/mentions_speed.py` times: the labelled articles and
pages; with `--all`, those, the dev and test articles and the corpus's bodies: the equality harness), loads `transforms/mentions.py` as it was at COMMIT (default HEAD) beside the checkout's
own, checks that both give the same mentions on every body, and times them in turns in this one process
(the best of N rounds each, `process_time`), so that other load on the machine weighs on both alike.
Recorded in docs/benchmarks.md. Not a test: timings are noisy.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kcna_etl.devtools.evaluation import PARTS
from kcna_etl.devtools.yardstick import labelled_articles
from kcna_etl.storage.pages import list_pages
from kcna_etl.transforms import mentions as current
from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.transforms.page import read_page

ROOT = Path(__file__).resolve().parent.parent


def module_at(commit: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:transforms/mentions.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "mentions_then.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("mentions_then", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["mentions_then"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def bodies(corpus: Path, limit: int) -> list[str]:
    r, lex = rules(), lexicon()
    read = (read_page((corpus / p).read_bytes(), p, r, lex) for p in list_pages(corpus)[:limit])
    return [page.article["body"] for page in read if getattr(page, "article", None)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", type=Path, nargs="?")
    p.add_argument("pages", type=int, nargs="?")
    p.add_argument("--labelled", action="store_true", help="the bodies of bench/mentions_speed.py instead of a corpus")
    p.add_argument("--all", action="store_true", help="the labelled bodies, the dev and test articles and the corpus")
    p.add_argument("--against", default="HEAD")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    if (args.corpus is None or args.pages is None) and not args.labelled:
        p.error("give a corpus folder and a number of pages, or --labelled")
    texts = []
    if args.labelled or args.all:
        sys.path.insert(0, str(ROOT / "bench"))
        import mentions_speed
        texts += mentions_speed.bodies()
    if args.all:
        texts += [a.body for part in ("dev", "test") for a in labelled_articles(PARTS[part]).values()]
    if args.corpus is not None and not args.labelled:
        texts += bodies(args.corpus, args.pages)
    then = module_at(args.against)
    sides = {args.against: (then, then.lexicon_from(rules())), "checkout": (current, current.lexicon_from(rules()))}
    rows = {name: [[dataclasses.astuple(m) for m in mod.mentions(b, lex)] for b in texts]
            for name, (mod, lex) in sides.items()}
    differ = sum(a != b for a, b in zip(*rows.values()))
    print(f"{len(texts)} bodies, {sum(map(len, rows['checkout'])):,} mentions; bodies whose mentions differ: {differ}")
    best = dict.fromkeys(sides, float("inf"))
    for _ in range(args.rounds):
        for name, (mod, lex) in sides.items():
            t = time.process_time()
            for b in texts:
                mod.mentions(b, lex)
            best[name] = min(best[name], time.process_time() - t)
    for name, seconds in best.items():
        print(f"{name}: {1000 * seconds / len(texts):.3f} ms CPU per body (best of {args.rounds})")


if __name__ == "__main__":
    main()
