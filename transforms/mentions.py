"""Mentions of persons, organisations and places in an article body.

Takes: a body and a `Lexicon` (compiled once per process from `Rules` by
`lexicon_from`). Returns: `Mention`s in body order, non-overlapping (the
longest reading wins), each with `body[start:end] == surface`. Readings, by
trust: the alias table (known entities, aliases folded to one canonical
name); the shape of a Korean name (surname and two given-name syllables);
the context of any other name (a title before it, an appositive role or a
verb of speech after it); the shape of an organisation or place name
(`Kosan County`, `Sangwon Cement Complex`). A short form (`Topeha`) resolves
to the full name given earlier in the body; an appositive title after a
person's name is kept as its `role`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from transforms.rules import Rules
from transforms.schema import slug

APOS = "['\u2019]"
GAP = "[ \u00a0]+"
_CAP = r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*"
# A personal name in these texts: initials and a surname (V.V. Yakushev), or 2-4 capitalised words.
NAME = rf"(?:(?:[A-Z]\.){{1,3}}[ \u00a0]?{_CAP}|{_CAP}(?:[ \u00a0]{_CAP}){{1,3}})"
_SHAPE_WORD = r"[A-Z][a-z][\w'\u2019\-]*"
_BOUNDARY_BEFORE = r"(?<![\w'\u2019.\-])"
_ROLE_ARTICLE = re.compile(r"^(?:the|a|an)[ \u00a0]+", re.I)
_CLAUSE_END = re.compile(r"[,;()\n]|\.(?=[ \u00a0]+[A-Z]|$)")


@dataclass(frozen=True)
class Mention:
    type: str
    entity: str
    entity_id: str | None
    surface: str
    start: int
    end: int
    role: str | None = None


@dataclass(frozen=True)
class Known:
    id: str
    type: str
    name: str


@dataclass(frozen=True)
class Lexicon:
    aliases: Mapping[str, tuple[tuple[re.Pattern, Known], ...]]  # by leading word of the alias
    korean: re.Pattern
    syllables: frozenset[str]
    context: tuple[re.Pattern, ...]
    shapes: re.Pattern
    place_heads: frozenset[str]
    not_person: frozenset[str]
    leading: frozenset[str]
    surnames: frozenset[str]
    role: re.Pattern


def alternation(words) -> str:
    return "|".join(re.escape(w).replace("\\ ", GAP) for w in sorted(set(words), key=len, reverse=True))


def alias_pattern(alias: str) -> re.Pattern:
    tokens = [re.escape(t).replace("'", APOS).replace("\\'", APOS) for t in alias.split()]
    return re.compile(GAP.join(tokens) + r"(?![\w\-])")


def leading_word(text: str) -> str:
    m = re.match(r"[A-Za-z0-9]+", text)
    return m.group() if m else text[:1]


def lexicon_from(rules: Rules) -> Lexicon:
    by_key: dict[str, list[tuple[re.Pattern, Known]]] = {}
    for e in rules.entities:
        known = Known(e["id"], e["type"], e["name"])
        for alias in {e["name"], *e.get("aliases", ())}:
            by_key.setdefault(leading_word(alias), []).append((alias_pattern(alias), known))
    aliases = {k: tuple(sorted(v, key=lambda pk: -len(pk[0].pattern))) for k, v in by_key.items()}
    surnames = sorted(rules.surnames, key=len, reverse=True) or ["Kim"]
    korean = re.compile(
        rf"(?={_BOUNDARY_BEFORE}((?:{'|'.join(surnames)})[ \u00a0]([A-Z][a-z]*)[ \u00a0]([A-Z][a-z]*))(?![\w\-]))")
    context = []
    if rules.titles_before:
        context.append(re.compile(rf"(?<![\w\-])(?:{alternation(rules.titles_before)}){GAP}(?P<name>{NAME})(?![\w\-])"))
    if rules.roles:
        context.append(re.compile(
            rf"{_BOUNDARY_BEFORE}(?P<name>{NAME})(?:{APOS}s)?,{GAP}(?:(?:the|a|an){GAP})?"
            rf"(?:[\w'\u2019.\-]+{GAP}){{0,4}}?(?:{alternation(rules.roles)})(?![\w\-])"))
    if rules.speech_verbs:
        context.append(re.compile(rf"{_BOUNDARY_BEFORE}(?P<name>{NAME}){GAP}(?:{alternation(rules.speech_verbs)})(?![\w\-])"))
    heads_org = alternation(rules.organization_heads or ["University"])
    heads_place = alternation(rules.place_heads or ["County"])
    shapes = re.compile(
        rf"{_BOUNDARY_BEFORE}(?:(?P<place>(?:{_SHAPE_WORD}{GAP}){{1,3}}(?:{heads_place}))(?![\w\-])"
        rf"|(?P<org>(?:{_SHAPE_WORD}{GAP}){{1,5}}(?:{heads_org})(?:{GAP}of(?:{GAP}the)?(?:{GAP}{_SHAPE_WORD}){{1,4}})?)(?![\w\-]))")
    role = re.compile(rf"(?:(?:the|a|an){GAP})?(?:[\w'\u2019.\-]+{GAP}){{0,5}}?(?:{alternation(rules.roles or ['secretary'])})(?![\w\-])", re.I)
    return Lexicon(aliases, korean, frozenset(rules.syllables - rules.not_given_names), tuple(context), shapes,
                   frozenset(rules.place_heads), frozenset(rules.not_person_words), frozenset(rules.leading_words),
                   frozenset(rules.surnames), role)


def canonical(surface: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", surface.replace("\u2019", "'")).strip()


def unknown(type_: str, surface: str, start: int) -> tuple[int, int, str, str, str, int]:
    name = canonical(surface)
    return (start, start + len(surface), type_, name, f"{type_}:{slug(name)}", 0)


def trimmed_name(name: str, start: int, lex: Lexicon) -> tuple[str, int] | None:
    """Drop leading title words (`General Kim ...`); refuse names with non-name words."""
    tokens = name.replace("\u00a0", " ").split(" ")
    while tokens and (tokens[0] in lex.not_person or tokens[0] in lex.leading):
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    if any(t in lex.not_person for t in tokens):
        return None
    if len(tokens) < 2 and not re.match(r"(?:[A-Z]\.){1,3}", tokens[0] if tokens else ""):
        return None
    text = name[len(name) - len(" ".join(tokens)):] if tokens else ""
    return (text, start) if text else None


# A candidate: (start, end, type, entity, entity_id, rank); lower rank is more trusted.
Candidate = tuple[int, int, str, str, "str | None", int]


def candidates(body: str, lex: Lexicon) -> list[Candidate]:
    out: list[Candidate] = []
    for m in re.finditer(r"(?<![A-Za-z0-9])[A-Za-z0-9]+", body):
        for pattern, known in lex.aliases.get(m.group(), ()):
            hit = pattern.match(body, m.start())
            if hit:
                out.append((hit.start(), hit.end(), known.type, known.name, known.id, 0))
                break
    for m in lex.korean.finditer(body):
        if m.group(2) in lex.syllables and m.group(3) in lex.syllables:
            c = unknown("person", m.group(1), m.start(1))
            out.append(c[:5] + (1,))
    for pattern in lex.context:
        for m in pattern.finditer(body):
            named = trimmed_name(m.group("name"), m.start("name"), lex)
            if named:
                c = unknown("person", *named)
                out.append(c[:5] + (2,))
    for m in lex.shapes.finditer(body):
        kind = "place" if m.group("place") else "organization"
        text, start = (m.group("place"), m.start("place")) if kind == "place" else (m.group("org"), m.start("org"))
        while (first := text.replace("\u00a0", " ").split(" ", 1)[0]) in lex.leading:
            text, start = text[len(first) + 1:], start + len(first) + 1
        if " " in text.replace("\u00a0", " "):
            c = unknown(kind, text, start)
            out.append(c[:5] + (3,))
    return out


def chosen(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping, longest first, then most trusted."""
    taken: list[Candidate] = []
    occupied: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[5], c[0])):
        if all(c[1] <= s or c[0] >= e for s, e in occupied):
            taken.append(c)
            occupied.append((c[0], c[1]))
    return sorted(taken)


def short_forms(body: str, taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """Later mentions of a foreign person by surname alone (`Topeha`), resolved to the full name."""
    surnames: dict[str, Candidate] = {}
    for c in taken:
        tokens = c[3].split(" ")
        if c[2] == "person" and len(tokens) >= 2 and tokens[0] not in lex.surnames and len(tokens[-1]) >= 3:
            surnames.setdefault(tokens[-1], c)
    out = []
    for last, full in surnames.items():
        for m in re.finditer(rf"(?<![\w'\u2019.\-]){re.escape(last)}(?![\w\-])", body):
            s, e = m.span()
            if any(not (e <= c[0] or s >= c[1]) for c in taken):
                continue
            before = body[max(0, s - 30):s]
            if re.search(r"[A-Z][a-z]+[ \u00a0]$", before) and not re.search(r"(?:^|[ \u00a0])(?:President|Comrade|Minister|Mr\.|Ms\.)[ \u00a0]$", before):
                continue  # part of another name, not the short form
            out.append((s, e, "person", full[3], full[4], 4))
    return out


def role_after(body: str, end: int, spans: list[tuple[int, int]], lex: Lexicon) -> str | None:
    """`Kim Song Nam, department director of the C.C., WPK, made…` -> the appositive title."""
    m = re.match(rf"(?:{APOS}s)?,{GAP}", body[end:end + 4])
    if not m:
        return None
    start = end + m.end()
    if not lex.role.match(body, start):
        return None
    pos = start
    while True:
        stop = _CLAUSE_END.search(body, pos)
        cut = stop.start() if stop else len(body)
        inside = next((e for s, e in spans if s <= cut < e), None)
        if inside is None:
            break
        pos = inside
    text = body[start:cut].rstrip(" \u00a0")
    return text if 0 < len(text) <= 300 else None


def mentions(body: str, lex: Lexicon) -> list[Mention]:
    taken = chosen(candidates(body, lex))
    taken = sorted(taken + short_forms(body, taken, lex))
    spans = [(c[0], c[1]) for c in taken]
    out = []
    for s, e, type_, entity, eid, _ in taken:
        role = role_after(body, e, spans, lex) if type_ == "person" else None
        out.append(Mention(type_, entity, eid, body[s:e], s, e, role))
    return out
