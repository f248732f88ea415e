"""CPU ms per page of each part of a batch and of the commit, in one process (no Prefect, no validation).

    python bench/parts.py <corpus folder> <pages>     # e.g. a `kcna-etl synth --pages 10000 --seed 2026` folder

Parts: `ingest` (read, SHA-256 and the page path, mentions included), `mentions` (run again alone on
every body, to tell their share), rows → Arrow (`staged_tables`), the staged write, and the commit
(plan + partitioned write + entities, no quarantine) of all the batches. Recorded in docs/benchmarks.md.
"""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from kcna_etl.storage.staging import ingest, staged_tables, units_for, write_staged
from kcna_etl.storage import commit as committing
from kcna_etl.storage.pages import list_pages
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.decode import MAX_TEXT_BYTES
from kcna_etl.transforms.lexicon import lexicon
from kcna_etl.transforms.mentions import mentions


def main(corpus: Path, limit: int, batch_size: int = 1000) -> dict:
    paths = list_pages(corpus)[:limit]
    lex = lexicon()
    cost = dict.fromkeys(("ingest (read + page path)", "mentions", "rows -> Arrow", "staged write", "commit"), 0.0)
    clock = time.process_time
    work = Path(tempfile.mkdtemp())
    try:
        store = Warehouse(work / "wh").open()
        staging = store.staging("bench")
        units = units_for(len(paths))
        for n, i in enumerate(range(0, len(paths), batch_size)):
            t0 = clock()
            b = ingest(str(corpus), paths[i:i + batch_size], None, MAX_TEXT_BYTES)
            t1 = clock()
            for p in b.pages:
                mentions(p.rows.article["body"], lex)
            t2 = clock()
            pages = [(p.raw_path, p.raw_sha256, p.rows) for p in b.pages]
            staged_tables([(x, r) for x, _, r in pages], n, units)
            t3 = clock()
            write_staged(staging, n, pages, b.rejects, units, b.stats)  # converts again: its share is subtracted
            t4 = clock()
            cost["ingest (read + page path)"] += t1 - t0
            cost["mentions"] += t2 - t1
            cost["rows -> Arrow"] += t3 - t2
            cost["staged write"] += (t4 - t3) - (t3 - t2)
        t0 = clock()
        with store.locked("bench", 0):
            committing.commit(store, "bench", staging, committing.plan(store, staging), committing.Quarantine())
        cost["commit"] = clock() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ms = {k: round(1000 * v / len(paths), 3) for k, v in cost.items()}
    ms["batch path without mentions"] = round(ms["ingest (read + page path)"] - ms["mentions"] + ms["rows -> Arrow"]
                                              + ms["staged write"], 3)
    return {"pages": len(paths), "load": os.getloadavg(), "cpu_ms_per_page": ms}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2])), indent=1))
