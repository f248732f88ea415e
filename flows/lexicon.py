"""Load the versioned lexicon files shipped in `transforms/lexicon/`, once per process."""
from __future__ import annotations

import functools
import json
from importlib import resources

from transforms.mentions import Lexicon, lexicon_from
from transforms.rules import Rules, rules_from

DOCUMENTS = ("chrome", "calendar", "outlets", "entities", "korean_names", "chinese_names", "person_titles",
             "entity_shapes")


def documents() -> dict[str, dict]:
    folder = resources.files("transforms") / "lexicon"
    out = {}
    for name in DOCUMENTS:
        path = folder / f"{name}.json"
        if path.is_file():
            out[name] = json.loads(path.read_text(encoding="utf-8"))
    return out


@functools.cache
def rules() -> Rules:
    return rules_from(documents())


@functools.cache
def lexicon() -> Lexicon:
    return lexicon_from(rules())
