"""How the tests compare a reading with a label: the same normalisation as the project's gold scorer."""
from __future__ import annotations

import re


def norm(s):
    """Typography folded: curly quotes, spaces before punctuation, runs of spaces (incl. no-break)."""
    if s is None:
        return None
    s = str(s).replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = re.sub(r"\s+([,.;:'])", r"\1", s)
    return re.sub(r"\s+", " ", s).strip()


def name_key(s: str) -> str:
    return re.sub(r"[\s.\-']", "", norm(s)).lower()
