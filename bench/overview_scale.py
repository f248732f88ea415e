#!/usr/bin/env python3
"""`bench/overview_scale.py WAREHOUSE K`: CPU of the overview's aggregations (quality/overview.py) on a
warehouse's tables tiled K times in memory (article ids made distinct, so joins and group-bys see K times the
rows): what the computation would cost on a warehouse K times larger, reading the files apart (docs/benchmarks.md)."""
import sys, time, resource
import pyarrow as pa, pyarrow.compute as pc
from kcna_etl.quality import overview as ov
from kcna_etl.storage.store import Warehouse
from kcna_etl.transforms.lexicon import rules
K = int(sys.argv[2])
s = Warehouse(sys.argv[1])
outlet_of = rules().outlet_of
def tile(t, cols=("article_id",)):
    parts = []
    for k in range(K):
        x = t
        for c in cols:
            i = x.schema.get_field_index(c)
            x = x.set_column(i, c, pc.binary_join_element_wise(x[c], pa.scalar(f"-{k}"), ""))
        parts.append(x)
    return pa.concat_tables(parts)
a0 = time.process_time()
arts = tile(s.table("articles").to_table(columns=ov.ARTICLE_COLUMNS))
tz = tile(s.table("teasers").to_table(columns=ov.TEASER_COLUMNS))
mz = tile(s.table("mentions").to_table(columns=["article_id", "entity_type", "entity_id"]))
ents = s.table("entities").to_table()
q = s.table("quarantine/articles").to_table(columns=["outlet", "source", "published_date"])
print(f"rows at x{K}: articles {arts.num_rows:,}, teasers {tz.num_rows:,}, mentions {mz.num_rows:,} "
      f"(tiling cpu {time.process_time() - a0:.1f}s, not counted)")
total = 0.0
def T(name, f):
    global total
    a = time.process_time(); w = time.perf_counter(); r = f(); c = time.process_time() - a; total += c
    print(f"  {name:9} cpu {c:.2f}s wall {time.perf_counter() - w:.2f}s"); return r
first, last, n, u = T("span", lambda: ov.span(arts)); p = ov.period_of(first, last)
T("volume", lambda: ov.volume(arts, p))
T("entities", lambda: ov.top_entities(ents, mz, arts, p))
T("health", lambda: ov.outlet_health(arts, tz, q, outlet_of))
T("frontier", lambda: ov.frontier(tz, arts, outlet_of))
print(f"  total cpu {total:.2f}s; max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
