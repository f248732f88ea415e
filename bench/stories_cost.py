"""The cost of stories per page: signatures, and assignment at commit against a stored band index.

    python bench/stories_cost.py <corpus folder> <pages> [--rounds N]

Reads the first `pages` pages of a corpus (e.g. `kcna-etl synth --pages 2000 --seed 18`) with `read_page`
(timed too, for scale: the parse of a page), then times in this one process (`process_time`, best of N
rounds): the MinHash signatures of the bodies (`transforms/stories.signature`, computed in the batch
workers: `storage/staging.signature_rows`), and the commit's step (`storage/stories.assign_stories`: the
staged signatures read, band-index look-up, assignment, writing the two story tables) for the first half of the articles into an empty snapshot, then for the second half against the
first half's index, as two runs do. Prints CPU ms per page, and the commit step's peak memory
(tracemalloc: what Python and numpy allocate; Arrow's buffers are not traced). Recorded in docs/benchmarks.md; not a test.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

import pyarrow.dataset as ds

from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.staging import signature_rows
from kcna_etl.storage.stories import assign_stories
from kcna_etl.transforms.lexicon import lexicon, rules, stories
from kcna_etl.transforms.page import read_page
from kcna_etl.transforms.stories import signature


def best(rounds: int, work) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", type=Path)
    p.add_argument("pages", type=int)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    r, lex, sr = rules(), lexicon(), stories()
    paths = list_pages(args.corpus)[:args.pages]
    start = time.process_time()
    read = [read_page((args.corpus / x).read_bytes(), x, r, lex) for x in paths]
    parse = time.process_time() - start
    pages = [(x, got) for x, got in zip(paths, read, strict=True) if getattr(got, "article", None)]
    articles = [got.article for _, got in pages]
    n = len(articles)
    table = signature_rows(pages, sr)  # as the batches stage them
    words = sum(len(a["body"].split()) for a in articles) / n
    sign = best(args.rounds, lambda: [signature(a["body"], sr) for a in articles])
    half = n // 2

    def commit_step() -> tuple[float, float, dict]:
        snap = Path(tempfile.mkdtemp(prefix="stories-bench-"))
        try:
            t0 = time.process_time()
            first = assign_stories(ds.dataset(table.slice(0, half)), None, snap, "run1", sr)
            t1 = time.process_time()
            second = assign_stories(ds.dataset(table.slice(half)), None, snap, "run2", sr)
            t2 = time.process_time()
            return t1 - t0, t2 - t1, {**first, **second}
        finally:
            shutil.rmtree(snap)

    runs = [commit_step() for _ in range(args.rounds)]
    tracemalloc.start()  # a round of its own: tracing slows Python down
    commit_step()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    run1, run2 = min(x[0] for x in runs), min(x[1] for x in runs)
    story_of = runs[0][2]
    joined = sum(a != s for a, s in story_of.items())
    print(f"{n} articles of {len(paths)} pages, {words:.0f} words per body on average")
    print(f"parse (read_page, once):           {1000 * parse / len(paths):.3f} ms CPU per page")
    print(f"signatures (best of {args.rounds}):          {1000 * sign / n:.3f} ms CPU per article")
    print(f"commit step, run 1 (empty index):  {1000 * run1 / half:.3f} ms CPU per article")
    print(f"commit step, run 2 ({half} stored):  {1000 * run2 / (n - half):.3f} ms CPU per article")
    print(f"commit step, peak traced memory:   {traced / 2**20:.1f} MB (Python objects and numpy arrays, not Arrow's)")
    print(f"{joined} of {n} articles joined an earlier article's story ({len(set(story_of.values()))} stories)")


if __name__ == "__main__":
    main()
