#!/usr/bin/env python3
"""`bench/overview_scale.py WAREHOUSE [ROUNDS]`: where the CPU of the overview's figures goes on an on-disk
warehouse (docs/benchmarks.md, "The overview page"): `quality/overview.collect` run ROUNDS times (default 3),
each of its steps timed in CPU (all threads: `process_time`) and wall clock; then the peak RSS of the process.
Build a large warehouse with `bench/tile_warehouse.py`."""
import functools
import os
import resource
import sys
import time

from kcna_etl.quality import health
from kcna_etl.quality import overview as ov
from kcna_etl.storage.store import Warehouse

STEPS = [(ov, "connect"), (ov, "span"), (ov, "volume"), (ov, "top_entities"), (ov, "outlet_health"),
         (health, "daily_in"), (ov, "frontier"), (ov, "largest_stories"), (ov, "runs")]
spent: dict[str, list[float]] = {}


def timed(name, f):
    @functools.wraps(f)
    def run(*args, **kwargs):
        c, w = time.process_time(), time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            cw = spent.setdefault(name, [0.0, 0.0])
            cw[0] += time.process_time() - c
            cw[1] += time.perf_counter() - w
    return run


for module, name in STEPS:
    setattr(module, name, timed(name, getattr(module, name)))

store = Warehouse(sys.argv[1])
print(f"{sys.argv[1]} (snapshot {store.snapshot_id()}), load average {os.getloadavg()[0]:.1f}")
for r in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    spent.clear()
    c, w = time.process_time(), time.perf_counter()
    o = ov.collect(store)
    total_c, total_w = time.process_time() - c, time.perf_counter() - w
    steps = ", ".join(f"{n} {spent[n][0]:.2f}" for _, n in STEPS if n in spent)
    print(f"round {r + 1}: collect cpu {total_c:.2f}s wall {total_w:.2f}s "
          f"(load {os.getloadavg()[0]:.1f}); cpu by step: {steps} (daily_in is within outlet_health)")
print(f"{o['articles']:,} articles; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
