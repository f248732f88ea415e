"""`kcna-etl synth`: write a synthetic corpus (transforms/synth.py) into a folder.

Pages are made in worker processes, in chunks of consecutive indexes, and
written under `<out>/<index // 1000>/`; `<out>/synth.json` records what was
written (counts by kind, the broken and duplicate shares, the seed), so a
benchmark or a test knows what to expect without reading the pages.
"""
from __future__ import annotations

import functools
import json
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

from kcna_etl.transforms.lexicon import documents
from kcna_etl.transforms import synth

CHUNK = 2000


@functools.cache
def vocabulary() -> synth.Vocabulary:
    return synth.vocabulary(dict(documents(), synth=json.loads(
        (resources.files("kcna_etl.transforms.lexicon") / "synth.json").read_text(encoding="utf-8"))))


def write_chunk(out: str, seed: str, start: int, count: int) -> dict[str, int]:
    root, kinds = Path(out), Counter()
    made: set[Path] = set()
    for p in synth.corpus(vocabulary(), seed, count, start):
        path = root / p.name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(p.data)
        kinds[p.kind] += 1
    return dict(kinds)


def write_corpus(out: str | os.PathLike, pages: int, seed: str, start: int = 0, workers: int | None = None) -> dict:
    """Write pages `start` .. `start + pages - 1` of the corpus for `seed`; return the summary."""
    root = Path(out).expanduser().absolute()
    root.mkdir(parents=True, exist_ok=True)
    chunks = [(str(root), seed, s, min(CHUNK, start + pages - s)) for s in range(start, start + pages, CHUNK)]
    kinds: Counter = Counter()
    if len(chunks) <= 1 or workers == 1:
        for c in chunks:
            kinds.update(write_chunk(*c))
    else:
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
            for k in pool.map(write_chunk, *zip(*chunks)):
                kinds.update(k)
    broken = sum(n for k, n in kinds.items() if k.startswith("broken:"))
    summary = {
        "seed": seed, "start": start, "pages": pages, "kinds": dict(sorted(kinds.items())),
        "broken_share": round(broken / pages, 4) if pages else 0.0,
        "duplicate_share": round(kinds.get("duplicate", 0) / pages, 4) if pages else 0.0,
        "dates": f"{synth.EARLIEST}..{synth.LATEST}",
    }
    (root / f"synth-{start}.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
