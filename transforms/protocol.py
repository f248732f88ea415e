"""Protocol order: who is listed as present at an event, in which position, with the role given.

Takes: an article body and its person mentions (`transforms/mentions.py`, or labelled ones: anything with
`type`, `start`, `end`, `surface`, and optionally `entity_id`, `entity`, `role`), and the `ProtocolRules`
read from `transforms/lexicon/protocol.json`. Returns: one `Appearance` per person named in a list
sentence — `Present there were A, B and C.`, `Present at the meeting were …`, `Among the audience were …`,
`He was accompanied by …` (the list follows the cue to the end of the sentence), or `A, B and C were
present …` (the list runs from the start of the sentence to the cue) — numbered 1, 2, … in the order the
sentence names them. NK watchers read rank from that order.

Limits, by design: the list is the whole sentence after (or before) the cue, so a sentence naming two
groups (`from the DPRK side were A …, and from the Russian side were B`) is one list; a person named twice
in one list keeps the first position; persons are those the mentions give (a name the extractor missed
is not in the list, and the positions after it shift).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class ProtocolRules:
    after: re.Pattern   # a cue whose list follows it
    before: re.Pattern  # a cue whose list precedes it
    sentence_end: re.Pattern  # a period (or ! ?) that ends a sentence unless an abbreviation precedes it
    abbreviation: re.Pattern  # text ending in an abbreviation (its period ends no sentence)
    tail: re.Pattern  # where the unnamed rest of a list begins (`, and officials concerned`)


def protocol_rules(doc: Mapping[str, Any]) -> ProtocolRules:
    """The rules of `transforms/lexicon/protocol.json`."""
    either = lambda patterns: re.compile("|".join(f"(?:{p})" for p in patterns), re.I)  # noqa: E731
    abbreviations = "|".join(re.escape(a) for a in doc["abbreviations"])
    return ProtocolRules(
        after=either(doc["after"]), before=either(doc["before"]),
        sentence_end=re.compile(r"\n|[.!?][\"”’)]*(?=\s|$)"),
        abbreviation=re.compile(rf"(?:\b[A-Z]|\b(?:{abbreviations}))$"),
        tail=re.compile(r"(?:[,;=]\s*(?:and\s+)?|\s+and\s+)(?:" + "|".join(re.escape(t) for t in doc["tails"]) + r")\b"))


@dataclass(frozen=True)
class Appearance:
    list_number: int      # the article's lists numbered 1, 2, … in body order
    position: int         # 1-based place of the person in that list
    entity_id: str | None
    entity: str | None
    surface: str
    start: int            # offsets of the name in the body (as the mention's)
    end: int
    role: str | None      # as given: the title right before the name, else the appositive after it
    cue: str              # the words that open (or close) the list, as in the body


def sentences(body: str, rules: ProtocolRules) -> list[tuple[int, int]]:
    """(start, end) of each sentence: up to a line break or a period not closing an abbreviation."""
    out, start = [], 0
    for m in rules.sentence_end.finditer(body):
        # the word before the period only (a search from 0 would rescan the body at every period)
        if m.group() != "\n" and rules.abbreviation.search(body, max(0, m.start() - 12), m.start()):
            continue
        if body[start:m.end()].strip():
            out.append((start, m.end()))
        start = m.end()
    if body[start:].strip():
        out.append((start, len(body)))
    return out


def _get(m: Any, key: str, default: Any = None) -> Any:
    return m.get(key, default) if type(m) is dict else getattr(m, key, default)  # rows, or Mention objects


def title_before(body: str, lo: int, start: int) -> str | None:
    """The title written right before a name in a list (`Vice-Premier Jon Sung Guk`): the text since the
    last comma (or `lo`), cut after a last ` and ` when it opens in lower case (`officials concerned and …`)."""
    text = re.split(r"[,;=]", body[lo:start])[-1].strip()
    if text[:1].islower() and " and " in text:
        text = text[text.rfind(" and ") + 5:]
    text = re.sub(r"^(?:and|the)\b\s*", "", text).strip()
    if re.search(r"\b(?:were|was|and|by|of|the)$|\b(?:were|was)\b", text):  # the rest of a sentence, no title
        return None
    return text if text and len(text) <= 120 else None


def role_after(body: str, end: int, stop: int, rules: ProtocolRules) -> str | None:
    """The appositive after a name (`Kim Yong Sam, Minister of Railways, …`): from the comma after it to the
    next person's title or name (`stop`) or to the unnamed rest of the list, list punctuation trimmed."""
    text = body[end:stop]
    if not text.startswith(","):
        return None
    if tail := rules.tail.search(text, 1):
        text = text[:tail.start()]
    text = re.sub(r"(?:[\s,;.=]|\band\b)+$", "", text[1:]).strip()
    return text or None


def appearances(body: str, mentions: Iterable[Any], rules: ProtocolRules) -> list[Appearance]:
    """The persons of every list sentence of `body`, numbered in their order (see the module's doc)."""
    persons = sorted((m for m in mentions if _get(m, "type", _get(m, "entity_type")) == "person"),
                     key=lambda m: _get(m, "start"))
    out: list[Appearance] = []
    if not persons:
        return out
    # the cues of the whole body at once (most articles have none), then the sentence each one is in
    cues = sorted([(c.start(), 0, c) for c in rules.after.finditer(body)] +
                  [(c.start(), 1, c) for c in rules.before.finditer(body)], key=lambda x: (x[0], x[1]))
    if not cues:
        return out
    spans = sentences(body, rules)
    starts = [st for st, _ in spans]
    first: dict[int, tuple[int, re.Match]] = {}
    for pos, kind, cue in cues:  # per sentence: its first `after` cue, else its first `before` cue
        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and cue.end() <= spans[k][1] and (k not in first or (kind, pos) < (first[k][0], first[k][1].start())):
            first[k] = (kind, cue)
    begins, ends = [_get(m, "start") for m in persons], [_get(m, "end") for m in persons]
    number = 0
    for k in sorted(first):
        (s_start, s_end), (kind, cue) = spans[k], first[k]
        lo, hi = (cue.end(), s_end) if kind == 0 else (s_start, cue.start())
        cue_text = cue.group()
        # the persons within [lo, hi], from the first starting at lo (not every person of the body each list)
        named = []
        for i in range(bisect.bisect_left(begins, lo), bisect.bisect_right(begins, hi)):
            if ends[i] <= hi:
                named.append(persons[i])
        if not named:
            continue
        number += 1
        kept, seen = [], set()
        for m in named:  # a person named twice keeps the first place
            key = _get(m, "entity_id") or _get(m, "surface")
            if key not in seen:
                seen.add(key)
                kept.append(m)
        edges = [lo] + [_get(m, "end") for m in kept]
        titles = [title_before(body, edges[i], _get(m, "start")) for i, m in enumerate(kept)]
        for i, m in enumerate(kept):
            # the next person's title belongs to the next person, not to this one's appositive
            if i + 1 == len(kept):
                stop = hi
            else:
                following = kept[i + 1]
                stop = body.rfind(titles[i + 1], 0, _get(following, "start")) if titles[i + 1] \
                    else _get(following, "start")
            role = titles[i] or role_after(body, _get(m, "end"), stop, rules)
            out.append(Appearance(number, i + 1, _get(m, "entity_id"), _get(m, "entity"), _get(m, "surface"),
                                  _get(m, "start"), _get(m, "end"), role, " ".join(cue_text.split())))
    return out


APPEARANCE_MENTIONS = ["article_id", "entity_type", "entity_id", "entity", "surface", "start", "end"]


def appearance_rows(articles: Iterable[Mapping[str, Any]], mentions: Iterable[Mapping[str, Any]],
                    rules: ProtocolRules) -> list[dict]:
    """Rows of the `appearances` table for `articles` (`article_id`, `body`, partition keys) and their
    mentions (`APPEARANCE_MENTIONS`): the article's appearances, with its partition."""
    by_article: dict[str, list[Mapping[str, Any]]] = {}
    for m in mentions:
        if m["entity_type"] == "person":
            by_article.setdefault(m["article_id"], []).append(m)
    out = []
    for a in articles:
        found = appearances(a["body"], by_article.get(a["article_id"], ()), rules) if a["article_id"] in by_article \
            else []
        out += [{"article_id": a["article_id"], "list_number": x.list_number, "position": x.position,
                 "entity_id": x.entity_id, "entity": x.entity, "surface": x.surface, "start": x.start, "end": x.end,
                 "role": x.role, "cue": x.cue, "source_slug": a.get("source_slug"), "year": a.get("year")}
                for x in found]
    return out
