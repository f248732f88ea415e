"""The versioned lexicon: the data files beside this module, loaded once per process.

This package holds data (JSON word lists and patterns, see README.md); this loader is the one place
that reads them, as package resources, so an installed package finds them wherever it is run.
The transforms themselves never load anything: they are handed the `Rules` and `Lexicon` built here.
"""
from __future__ import annotations

import functools
import json
from importlib import resources

from kcna_etl.transforms.mentions import Lexicon, lexicon_from
from kcna_etl.transforms.protocol import ProtocolRules, protocol_rules
from kcna_etl.transforms.rules import Rules, rules_from
from kcna_etl.transforms.stories import StoryRules, story_rules

DOCUMENTS = ("chrome", "calendar", "outlets", "entities", "korean_names", "chinese_names", "person_titles",
             "entity_shapes", "korean", "protocol", "stories")


def documents() -> dict[str, dict]:
    folder = resources.files(__name__)
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
def protocol() -> ProtocolRules:
    """The cues of protocol lists (`protocol.json`, read by transforms/protocol.py)."""
    return protocol_rules(documents()["protocol"])


@functools.cache
def stories() -> StoryRules:
    """The story method's parameters (`stories.json`, read by transforms/stories.py)."""
    r = rules()
    return story_rules(documents()["stories"], r.months, r.korean_dateline)


@functools.cache
def lexicon() -> Lexicon:
    return lexicon_from(rules())
