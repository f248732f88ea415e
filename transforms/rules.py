"""Compile the lexicon documents (parsed JSON) into the `Rules` the transforms use.

Takes: a mapping of document name -> parsed JSON (`chrome`, `calendar`,
`outlets`, `entities`, `korean_names`, `chinese_names`, `person_titles`, `entity_shapes`). Returns: `Rules`,
immutable and picklable, built once per process by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping


# Around a line, what no reader sees: any Unicode space (no-break, tab, ideographic; what `str.isspace` and
# the regular expressions' `\s` call a space) and zero-width marks. A set for `str.strip`: a regular
# expression anchored at the end (`\s+$`) tried every position of every line, the page path's largest cost.
# Written out, not computed over the 1.1 million code points at import (~0.1 s of CPU in every process);
# tests/transforms/test_fast_forms.py checks it against every code point.
INVISIBLE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
             "\u2009\u200a\u2028\u2029\u202f\u205f\u3000" "\u200b\u200c\u200d\u2060\ufeff")


def shaped(line: str) -> str:
    """The line as every rule classifies it: without the invisible characters around it.

    The one normalisation before a line is classified (marker, metadata line,
    date, title, repeat), so a page saved with its lines indented or padded by
    no-break spaces or tabs reads as the same page. Body text keeps its own
    characters; only what a line is, and the header and teaser fields, go by it.
    """
    return line.strip(INVISIBLE)


@dataclass(frozen=True)
class Rules:
    capture_date: re.Pattern
    metadata: re.Pattern
    drop_line: re.Pattern  # chrome's `drop_lines` as one pattern: matches a line any of them matches
    footer: re.Pattern
    end_marks: tuple[str, ...]  # literal: a line ending with one (spaces after it allowed) closes the item
    sidebar_start: re.Pattern
    sidebar_end: re.Pattern
    teaser_date: re.Pattern
    markers: tuple[str, ...]
    months: Mapping[str, int]
    juche_offset: int
    outlets: tuple[str, ...]
    entities: tuple[Mapping[str, Any], ...]
    surnames: frozenset[str]
    south_surnames: frozenset[str]
    chinese_surnames: frozenset[str]
    surnames_also_words: frozenset[str]
    syllables: frozenset[str]
    not_given_names: frozenset[str]
    misspelt_syllables: Mapping[str, str]  # a syllable as sources misspell it -> as spelt (`ll` -> `Il`)
    titles_before: tuple[str, ...]
    plural_titles_before: tuple[str, ...]  # titles shared by a list of names (`Members`); each title's plural too
    roles: tuple[str, ...]
    speech_verbs: tuple[str, ...]
    place_heads: tuple[str, ...]
    organization_heads: tuple[str, ...]
    not_person_words: frozenset[str]
    leading_words: frozenset[str]
    award_heads: frozenset[str] = frozenset()
    document_heads: frozenset[str] = frozenset()
    common_organ_words: frozenset[str] = frozenset()
    sub_organ_words: frozenset[str] = frozenset()
    lower_organ_heads: frozenset[str] = frozenset()
    lower_organ_modifiers: frozenset[str] = frozenset()
    lower_organ_bare_heads: frozenset[str] = frozenset()
    body_tails: frozenset[str] = frozenset()
    place_suffixes: tuple[str, ...] = ()
    plural_place_heads: tuple[str, ...] = ()
    place_qualifiers: frozenset[str] = frozenset()
    media_cues: tuple[str, ...] = ()
    in_tail_heads: frozenset[str] = frozenset()
    to_tail_heads: frozenset[str] = frozenset()
    lower_place_heads: frozenset[str] = frozenset()
    named_lower_place_heads: frozenset[str] = frozenset()
    verb_place_heads: frozenset[str] = frozenset()
    verb_followers: frozenset[str] = frozenset()
    located_org_heads: frozenset[str] = frozenset()
    unlocated_place_heads: frozenset[str] = frozenset()
    national_bodies: frozenset[str] = frozenset()
    demonyms: frozenset[str] = frozenset()
    city_heads: tuple[str, ...] = ()
    prefix_place_heads: Mapping[str, str] | None = None
    prefix_list_heads: Mapping[str, str] | None = None
    other_places: tuple[str, ...] = ()
    adjective_endings: tuple[str, ...] = ()
    portfolio_titles: tuple[str, ...] = ()
    organ_abbreviations: Mapping[str, str] | None = None
    short_place_heads: frozenset[str] = frozenset()
    numbered_heads: frozenset[str] = frozenset()
    run_joins: tuple[str, ...] = ()
    name_particles: frozenset[str] = frozenset()
    tail_openers: frozenset[str] = frozenset()
    tail_stops: frozenset[str] = frozenset()
    tail_joins: frozenset[str] = frozenset()
    media_heads: frozenset[str] = frozenset()
    outlet_of: Mapping[str, str] = None  # outlet as shown -> canonical outlet (outlets.json)
    hangul: re.Pattern | None = None  # korean.json: a Hangul letter, for telling a Korean body
    hangul_share: float = 0.5  # share of a body's letters that makes it Korean
    korean_dateline: re.Pattern | None = None  # `(평양 8월 21일발 조선중앙통신)`


def nonempty(name: str, values: Any) -> Any:
    """Refuse an empty word list: an empty list silently disables a rule."""
    if not values:
        raise ValueError(f"lexicon list {name!r} is empty")
    return values


def rules_from(docs: Mapping[str, Mapping[str, Any]]) -> Rules:
    chrome, calendar = docs["chrome"], docs["calendar"]
    names = docs.get("korean_names", {})
    titles = docs.get("person_titles", {})
    shapes = docs.get("entity_shapes", {})
    korean = docs.get("korean", {})
    return Rules(
        capture_date=re.compile(chrome["capture_date"]),
        metadata=re.compile(chrome["metadata"]),
        drop_line=re.compile("|".join(f"(?:{p})" for p in nonempty("drop_lines", chrome["drop_lines"]))),
        footer=re.compile(chrome["footer"]),
        end_marks=tuple(nonempty("end_marks", chrome["end_marks"])),
        sidebar_start=re.compile(chrome["sidebar_start"]),
        sidebar_end=re.compile(chrome["sidebar_end"]),
        teaser_date=re.compile(chrome["teaser_date"]),
        markers=tuple(nonempty("markers", chrome["markers"])),
        months=dict(nonempty("months", calendar["months"])),
        juche_offset=int(calendar["juche_offset"]),
        outlets=tuple(o["name"] for o in nonempty("outlets", docs["outlets"]["outlets"])),
        outlet_of={o["name"]: o.get("outlet", o["name"]) for o in docs["outlets"]["outlets"]},
        entities=tuple(docs.get("entities", {}).get("entities", ())),
        surnames=frozenset(names.get("surnames", ())),
        south_surnames=frozenset(names.get("south_surnames", ())),
        chinese_surnames=frozenset(docs.get("chinese_names", {}).get("surnames", ())),
        surnames_also_words=frozenset(names.get("surnames_also_words", ())),
        syllables=frozenset(names.get("syllables", ())),
        not_given_names=frozenset(names.get("not_given_names", ())),
        misspelt_syllables=dict(names.get("misspelt_syllables", {})),
        titles_before=tuple(titles.get("before", ())),
        plural_titles_before=tuple(titles.get("plural_before", ())),
        roles=tuple(titles.get("roles", ())),
        speech_verbs=tuple(titles.get("speech_verbs", ())),
        place_heads=tuple(shapes.get("place_heads", ())),
        organization_heads=tuple(shapes.get("organization_heads", ())),
        not_person_words=frozenset(shapes.get("not_person_words", ())),
        leading_words=frozenset(shapes.get("leading_words", ())),
        award_heads=frozenset(shapes.get("award_heads", ())),
        document_heads=frozenset(shapes.get("document_heads", ())),
        common_organ_words=frozenset(shapes.get("common_organ_words", ())),
        sub_organ_words=frozenset(shapes.get("sub_organ_words", ())),
        lower_organ_heads=frozenset(shapes.get("lower_organ_heads", ())),
        lower_organ_modifiers=frozenset(shapes.get("lower_organ_modifiers", ())),
        lower_organ_bare_heads=frozenset(shapes.get("lower_organ_bare_heads", ())),
        body_tails=frozenset(shapes.get("body_tails", ())),
        place_suffixes=tuple(shapes.get("place_suffixes", ())),
        plural_place_heads=tuple(shapes.get("plural_place_heads", ())),
        place_qualifiers=frozenset(shapes.get("place_qualifiers", ())),
        media_cues=tuple(shapes.get("media_cues", ())),
        in_tail_heads=frozenset(shapes.get("in_tail_heads", ())),
        to_tail_heads=frozenset(shapes.get("to_tail_heads", ())),
        lower_place_heads=frozenset(shapes.get("lower_place_heads", ())),
        named_lower_place_heads=frozenset(shapes.get("named_lower_place_heads", ())),
        verb_place_heads=frozenset(shapes.get("verb_place_heads", ())),
        verb_followers=frozenset(shapes.get("verb_followers", ())),
        located_org_heads=frozenset(shapes.get("located_org_heads", ())),
        unlocated_place_heads=frozenset(shapes.get("unlocated_place_heads", ())),
        city_heads=tuple(shapes.get("city_heads", ())),
        national_bodies=frozenset(shapes.get("national_bodies", ())),
        demonyms=frozenset(shapes.get("demonyms", ())),
        prefix_place_heads=dict(shapes.get("prefix_place_heads", {})),
        prefix_list_heads=dict(shapes.get("prefix_list_heads", {})),
        other_places=tuple(shapes.get("other_places", ())),
        adjective_endings=tuple(shapes.get("adjective_endings", ())),
        portfolio_titles=tuple(titles.get("portfolio_titles", ())),
        organ_abbreviations=dict(shapes.get("organ_abbreviations", {})),
        short_place_heads=frozenset(shapes.get("short_place_heads", ())),
        numbered_heads=frozenset(shapes.get("numbered_heads", ())),
        run_joins=tuple(shapes.get("run_joins", ())),
        name_particles=frozenset(shapes.get("name_particles", ())),
        tail_openers=frozenset(shapes.get("tail_openers", ())),
        tail_stops=frozenset(shapes.get("tail_stops", ())),
        tail_joins=frozenset(shapes.get("tail_joins", ())),
        media_heads=frozenset(shapes.get("media_heads", ())),
        hangul=re.compile(korean["letters"]) if "letters" in korean else None,
        hangul_share=float(korean.get("hangul_share", 0.5)),
        korean_dateline=re.compile(korean["dateline"]) if "dateline" in korean else None,
    )
