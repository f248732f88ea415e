"""CPU ms per page of each part of a batch and of the commit, in one process (no Prefect, no validation).

    python bench/parts.py <corpus folder> <pages>     # e.g. a `kcna-etl synth --pages 10000 --seed 2026` folder

Parts: the page path without the mentions (`ingest`: read, SHA-256, decode, clean, split, enrich, with the
mention extractor replaced by one that finds nothing), the mentions (the same `ingest` again with them,
minus the first: their share, the rows they add included), rows → Arrow (`staged_tables`), the staged write,
and the commit (plan + partitioned write + entities, no quarantine) of all the batches. Recorded in
docs/benchmarks.md. Runs against whichever `kcna_etl` the interpreter imports (a main checkout's, to compare).
"""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kcna_etl.storage.staging import ingest, staged_tables, write_staged
from kcna_etl.storage import commit as committing
from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms import article
from kcna_etl.transforms.decode import MAX_TEXT_BYTES

PARTS = ("page path without mentions", "mentions", "rows -> Arrow", "staged write", "commit")


def without_mentions(read, *args):
    """`read(*args)` with the mention extractor finding nothing (the page path's own cost)."""
    found = article.mentions
    article.mentions = lambda body, lexicon: []
    try:
        return read(*args)
    finally:
        article.mentions = found


def main(corpus: Path, limit: int, batch_size: int = 1000) -> dict:
    paths = list_pages(corpus)[:limit]
    cost = dict.fromkeys(PARTS, 0.0)
    clock = time.process_time
    work = Path(tempfile.mkdtemp())
    try:
        store = Warehouse(work / "wh").open()
        staging = store.staging("bench")
        ingest(str(corpus), paths[:batch_size], None, MAX_TEXT_BYTES)  # lexicon compiled, caches warm: not a part
        for n, i in enumerate(range(0, len(paths), batch_size)):
            args = (str(corpus), paths[i:i + batch_size], None, MAX_TEXT_BYTES)
            t0 = clock()
            without_mentions(ingest, *args)
            t1 = clock()
            b = ingest(*args)
            t2 = clock()
            pages = [(p.raw_path, p.raw_sha256, p.rows) for p in b.pages]
            staged_tables([(x, r) for x, _, r in pages], n)
            t3 = clock()
            write_staged(staging, n, pages, b.rejects, b.stats)  # converts again: its share is subtracted
            t4 = clock()
            cost["page path without mentions"] += t1 - t0
            cost["mentions"] += (t2 - t1) - (t1 - t0)
            cost["rows -> Arrow"] += t3 - t2
            cost["staged write"] += (t4 - t3) - (t3 - t2)
        t0 = clock()
        with store.locked("bench", 0):
            committing.commit(store, "bench", staging, committing.plan(store, staging), committing.Quarantine())
        cost["commit"] = clock() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ms = {k: round(1000 * v / len(paths), 3) for k, v in cost.items()}
    ms["batch path without mentions"] = round(ms["page path without mentions"] + ms["rows -> Arrow"]
                                              + ms["staged write"], 3)
    return {"pages": len(paths), "load": os.getloadavg(), "cpu_ms_per_page": ms}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2])), indent=1))
