"""`kcna-etl overview`: the warehouse at a glance, one self-contained HTML page (docs/overview.md)."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def overview(warehouse: str, out: str, top: int = 10, last_runs: int = 20) -> int:
    """Write the page of `warehouse` (a folder or s3://) to `out`; exit 0, or 2 when there is no warehouse yet."""
    from kcna_etl.quality.overview import collect
    from kcna_etl.quality.overview_html import html_page
    from kcna_etl.storage.store import Warehouse

    started = time.monotonic()
    store = Warehouse(warehouse)
    if store.snapshot_id() is None:
        print(f"kcna-etl overview: no warehouse at {warehouse} (no snapshot yet: run kcna-etl run first)",
              file=sys.stderr)
        return 2
    page = html_page(collect(store, top, last_runs))
    path = Path(out).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    print(f"kcna-etl overview: {path} ({len(page.encode()):,} bytes) in {time.monotonic() - started:.1f}s")
    return 0
