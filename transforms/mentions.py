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
_CAP = r"(?:Mc|Mac|O['\u2019])?[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*"
_PARTICLE = r"(?:von|van|der|den|de|da|del|di|bin|al|dos|du|la|le)(?=[ \u00a0](?:[A-Z]|der |den |la |le ))"
# A personal name in these texts: initials and a surname (V.V. Yakushev), or 2-5 capitalised words
# with middle initials and particles (John F. Kennedy, Ursula von der Leyen).
NAME = rf"(?:(?:[A-Z]\.){{1,3}}[ \u00a0]?{_CAP}|{_CAP}(?:[ \u00a0](?:{_CAP}|[A-Z]\.(?=[ \u00a0][A-Z])|{_PARTICLE})){{1,4}})"
_SHAPE_WORD = r"[A-Z][a-z][\w'\u2019\-]*"
_BOUNDARY_BEFORE = r"(?<![\w'\u2019.\-])"
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
    not_person: frozenset[str]
    leading: frozenset[str]  # trimmed from the front of a person's name: openers and titles
    openers: frozenset[str]  # trimmed from the front of a shaped organisation or place: openers only
    surnames: frozenset[str]
    south_surnames: frozenset[str]  # South Korean spellings (Yoon, Lee, Park): named later by surname alone
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
    surnames = sorted(rules.surnames | rules.south_surnames, key=len, reverse=True) or ["Kim"]
    korean = re.compile(
        rf"(?={_BOUNDARY_BEFORE}((?:{'|'.join(surnames)})[ \u00a0]([A-Z][a-z]*)[ \u00a0]([A-Z][a-z]*))(?![\w\-]))")
    context = []
    if rules.titles_before:  # `President Putin`, and lower case too: `led by its chairman Samuel Okafor`
        titles = {v for t in rules.titles_before for v in (t, t.lower(), t[:1].lower() + t[1:])}
        context.append(re.compile(rf"(?<![\w\-])(?:{alternation(titles)}){GAP}(?P<name>{NAME})(?![\w\-])"))
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
    # Words trimmed from the front of a name: function words, and titles (`Madame`, `Scientist`).
    leading = (rules.leading_words | {t for t in rules.titles_before if " " not in t}
               | {r[:1].upper() + r[1:] for r in rules.roles if " " not in r})
    not_person = rules.not_person_words | set(rules.organization_heads) | set(rules.place_heads)
    return Lexicon(aliases, korean, frozenset(rules.syllables - rules.not_given_names), tuple(context), shapes,
                   frozenset(not_person), frozenset(leading), rules.leading_words,
                   frozenset(rules.surnames), frozenset(rules.south_surnames - rules.surnames), role)


def canonical(surface: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", surface.replace("\u2019", "'")).strip()


ID_PREFIX = {"person": "person", "organization": "org", "place": "place"}  # as in the alias table's ids


def entity_id(type_: str, name: str) -> str:
    """The id of a name in no list: the alias table's type prefix and a slug of the name."""
    return f"{ID_PREFIX[type_]}:{slug(name)}"


def unknown(type_: str, surface: str, start: int) -> tuple[int, int, str, str, str, int]:
    name = canonical(surface)
    return (start, start + len(surface), type_, name, entity_id(type_, name), 0)


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
        while (first := text.replace("\u00a0", " ").split(" ", 1)[0]) in lex.openers:
            text, start = text[len(first) + 1:], start + len(first) + 1
        if " " in text.replace("\u00a0", " "):
            c = unknown(kind, text, start)
            out.append(c[:5] + (3,))
    return out


def chosen(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping, longest first, then most trusted.

    A person known by the alias table or by the shape of a Korean name is not swallowed by a
    weaker reading around it (`Then Choe Son Hui made…`, `Kim Jong Un Inspects … Hospital`),
    except by a name that starts with it (`Kim Il Sung Socialist Youth League`).
    """
    sure = [c for c in cands if c[2] == "person" and c[5] <= 1]
    cands = [c for c in cands if c[5] <= 1 or not any(
        c[0] < p[1] and p[0] < c[1] and (c[0], c[1]) != (p[0], p[1]) and not (c[2] != "person" and c[0] == p[0])
        for p in sure)]
    taken: list[Candidate] = []
    occupied: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[5], c[0])):
        if all(c[1] <= s or c[0] >= e for s, e in occupied):
            taken.append(c)
            occupied.append((c[0], c[1]))
    return sorted(taken)


def short_forms(body: str, taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """Later mentions of a person by surname alone (`Topeha`, `Yoon`), resolved to the full name.

    The surname is the last word of a foreign name and the first of a South Korean one; North
    Korean names are never shortened in these texts, and a surname two persons share is left alone.
    """
    by_short: dict[str, set[tuple[str, str | None]]] = {}
    for c in taken:
        tokens = c[3].split(" ")
        if c[2] != "person" or len(tokens) < 2:
            continue
        # South Korean names by their first word; foreign names by their last; North Korean ones never
        short = tokens[0] if tokens[0] in lex.south_surnames else None if tokens[0] in lex.surnames else tokens[-1]
        if short and len(short) >= 3 and short not in lex.not_person:
            by_short.setdefault(short, set()).add((c[3], c[4]))
    out = []
    for short, people in by_short.items():
        if len(people) != 1:
            continue
        (entity, eid), = people
        for m in re.finditer(rf"(?<![\w'\u2019.\-]){re.escape(short)}(?![\w\-])", body):
            s, e = m.span()
            if any(not (e <= c[0] or s >= c[1]) for c in taken):
                continue
            before, after = body[max(0, s - 30):s], body[e:e + 3]
            titled = re.search(r"(?:^|[ \u00a0])(?:President|Comrade|Minister|Mr\.|Ms\.)[ \u00a0]$", before)
            if (re.search(r"[A-Z][a-z]+[ \u00a0]$", before) and not titled) or re.match(r"[ \u00a0][A-Z][a-z]", after):
                continue  # part of another name, not the short form
            out.append((s, e, "person", entity, eid, 4))
    return out


def coordinated(body: str, taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """`Wang Jianguo and Li Hong, businessmen …`: a name joined by `and` to a person is a person."""
    out = []
    for c in taken:
        if c[2] != "person":
            continue
        before = re.search(rf"(?P<name>{NAME}){GAP}and{GAP}$", body[max(0, c[0] - 80):c[0]])
        after = re.match(rf"{GAP}and{GAP}(?P<name>{NAME})(?![\w\-])", body[c[1]:c[1] + 80])
        for m, offset in ((before, max(0, c[0] - 80)), (after, c[1])):
            if m and (named := trimmed_name(m.group("name"), offset + m.start("name"), lex)):
                out.append(unknown("person", *named)[:5] + (2,))
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
    cands = candidates(body, lex)
    taken = chosen(cands)
    taken = chosen(cands + coordinated(body, taken, lex))
    taken = sorted(taken + short_forms(body, taken, lex))
    spans = [(c[0], c[1]) for c in taken]
    # A person is named by the fullest form this article gives (`Vladimir Putin` here,
    # `Vladimir Vladimirovich Putin` there; a surname alone is no full form: the alias table's
    # name stands); `entity_id` is what stays the same across articles.
    fullest: dict[str | None, str] = {}
    for s, e, type_, _, eid, _ in taken:
        if type_ == "person":
            name = canonical(body[s:e])
            full = " " in name or "." in name
            fullest[eid] = max(fullest.get(eid, ""), name if full else "", key=len)
    out = []
    for s, e, type_, entity, eid, _ in taken:
        if type_ == "person":
            out.append(Mention(type_, fullest[eid] or entity, eid, body[s:e], s, e, role_after(body, e, spans, lex)))
        else:
            out.append(Mention(type_, entity, eid, body[s:e], s, e))
    return out
