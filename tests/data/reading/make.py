"""The committed reading: the rows the page path makes of a small corpus, table by table (Parquet).

The corpus is synthetic pages (seed `SEED`: the first `SYNTH_PAGES`, and every broken page and
duplicate among the first `SCANNED`, so that each kind of reject is read) plus the pages of
`samples/pages` and `tests/pages`. `tests/transforms/test_page.py` reads the same corpus
again and compares its rows with these, row for row: what lets the page path be rebuilt with the
promise "same tables as before". `labelled_mentions.parquet` is the same promise for the mention extractor
alone on the labelled articles of the `own` and `dev` parts (every `Mention` field, `rule` and `role` too;
the sealed test part is left out), compared by `tests/transforms/test_mentions_reading.py`. Regenerate (only when a reading is meant to change, and say why in
the commit): `.venv/bin/python -m tests.data.reading.make`.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEED = "reading"
SYNTH_PAGES = 200
SCANNED = 3000
FOLDERS = {"samples": ROOT / "samples" / "pages", "tests": ROOT / "tests" / "pages"}
TABLES = ("articles", "teasers", "mentions", "rejects")
ORDER = {"articles": ("raw_path",), "teasers": ("raw_path", "position"), "mentions": ("raw_path", "start", "end"),
         "rejects": ("raw_path",)}
"""Rows in page order; ties (none expected) broken by the whole row, so that the order is total."""


def synth_pages():
    """(name, bytes) of the corpus's synthetic pages."""
    from kcna_etl.devtools.synth import vocabulary
    from kcna_etl.transforms import synth
    v = vocabulary()
    for i in range(SCANNED):
        page = synth.page(v, SEED, i)
        if i < SYNTH_PAGES or page.kind.startswith("broken:") or page.kind == "duplicate":
            yield page.name, page.data


def synth_folder(out: Path) -> Path:
    for name, data in synth_pages():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def ordered(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    def key(table: str):
        return lambda r: (tuple((r[c] is None, r[c] if r[c] is not None else 0) for c in ORDER[table]),
                          repr(sorted(r.items())))
    return {t: sorted(rows, key=key(t)) for t, rows in tables.items()}


def read_folder(prefix: str, root: Path) -> dict[str, list[dict]]:
    """Every page of a folder read as the flow reads a batch (each through `transforms.page.read_page`)."""
    from kcna_etl.storage.staging import ingest
    from kcna_etl.storage.pages import list_pages
    from kcna_etl.transforms.decode import MAX_TEXT_BYTES
    batch = ingest(str(root), list_pages(root), None, MAX_TEXT_BYTES)
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for p in batch.pages:  # teasers and mentions with their page's path, as staged
        path = f"{prefix}/{p.raw_path}"
        out["articles"].append(dict(p.rows.article, raw_path=path))
        out["teasers"] += [dict(t, raw_path=path) for t in p.rows.teasers]
        out["mentions"] += [dict(m, raw_path=path) for m in p.rows.mentions]
    out["rejects"] += [dict(r, raw_path=f"{prefix}/{r['raw_path']}") for r in batch.rejects]
    return out


def reading(synth: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in TABLES}
    for prefix, root in {"synth": synth, **FOLDERS}.items():
        for t, rows in read_folder(prefix, root).items():
            out[t] += rows
    return ordered(out)


LABELLED_PARTS = ("own", "dev")  # not the sealed test part: its outputs are not to be read while rules are written


def labelled_mentions() -> list[dict]:
    """Every mention the extractor finds in the labelled articles of `LABELLED_PARTS`, in article and body order."""
    import dataclasses
    from kcna_etl.devtools.evaluation import PARTS, labelled_articles
    from kcna_etl.transforms.lexicon import lexicon
    from kcna_etl.transforms.mentions import mentions
    lex = lexicon()
    return [dict(dataclasses.asdict(m), article=f"{part}/{name}")
            for part in LABELLED_PARTS for name, a in labelled_articles(PARTS[part]).items()
            for m in mentions(a.body, lex)]


def load() -> dict[str, list[dict]]:
    return {t: ordered({t: pq.read_table(HERE / f"{t}.parquet").to_pylist()})[t] for t in TABLES}


def main() -> int:
    from kcna_etl.devtools.evaluation import PARTS
    from kcna_etl.devtools.yardstick import MATERIALIZE, absent
    if missing := [n for part in LABELLED_PARTS for n in absent(PARTS[part])]:  # the reading is of every article
        print(f"{len(missing)} labelled articles absent: {MATERIALIZE} first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tables = reading(synth_folder(Path(tmp)))
    for t, rows in tables.items():
        pq.write_table(pa.Table.from_pylist(rows), HERE / f"{t}.parquet", compression="zstd", compression_level=19)
        print(f"{t}: {len(rows)} rows", file=sys.stderr)
    rows = labelled_mentions()
    pq.write_table(pa.Table.from_pylist(rows), HERE / "labelled_mentions.parquet", compression="zstd",
                   compression_level=19)
    print(f"labelled_mentions: {len(rows)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
