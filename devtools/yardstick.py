"""The labelled articles of the mentions yardstick, as present: the one loader of its folders.

`tests/data/mentions/real/{dev,test}` hold 112 articles committed as labelled text and, in each folder's
`fetched.json`, 139 kept as stand-off data (origin, SHA-256 of the body, labels as offsets): texts copied from
fetched archives, which stay out of commits. Those are present only once materialized (`MATERIALIZE`, from
local clones of the archives); every reader takes what is present and can say what is absent.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kcna_etl.transforms.markup import Labelled, MarkupError, labelled

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "mentions"
REAL = LABELS / "real"
FETCHED = "fetched.json"
MATERIALIZE = "python -m tests.data.mentions.real.tools.materialize"


def article_files(folder: Path) -> list[Path]:
    """A labels folder's articles: `articles/*.txt` if it has that folder, else its own `*.txt`."""
    return sorted((folder / "articles" if (folder / "articles").is_dir() else folder).glob("*.txt"))


def fetched(folder: Path) -> dict[str, dict]:
    """The folder's articles kept as stand-off data (`fetched.json`: origin, SHA-256 of the body, labels), by file
    name: texts copied from fetched archives, not committed; present only once materialized."""
    path = folder / FETCHED
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def labelled_articles(folder: Path, committed_only: bool = False) -> dict[str, Labelled]:
    """Every article of the labels folder that is present, by file name (with `committed_only`, not the fetched
    ones even when materialized); a markup error names its file, and so does a materialized article that is not
    its stand-off record (body SHA-256 and labels)."""
    records, out = fetched(folder), {}
    for path in article_files(folder):
        if committed_only and path.name in records:
            continue
        try:
            out[path.name] = article = labelled(path.read_text(encoding="utf-8"))
        except MarkupError as e:
            raise ValueError(f"{path}: {e}") from None
        record = records.get(path.name)
        if record and (digest(article.body) != record["sha256"]
                       or [[x.start, x.end, x.type, x.canonical] for x in article.labels] != record["labels"]):
            raise ValueError(f"{path}: not the text or labels of {FETCHED}; materialize again ({MATERIALIZE})")
    return out


def absent(folder: Path) -> list[str]:
    """The folder's fetched articles not materialized."""
    return sorted(n for n in fetched(folder) if not (folder / n).is_file())


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


