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

Every reading but the alias table works on runs of capitalised tokens
(`General Secretary Kim Jong Un`, `Ministry of Foreign Affairs of the DPRK`),
found by one scan of the body: names are read from the tokens, not by
trying patterns at every character.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Mapping

from transforms.dateline import dateline
from transforms.rules import Rules
from transforms.schema import slug

APOS = "['\u2019]"
GAP = "[ \u00a0]+"
# A capitalised token: initials (`V.V.`, `U.S.`), or a word with inner hyphens and apostrophes
# (`Vice-President`, `O'Neill`, `People's`) and a plural possessive (`Workers'`). Opening with a
# plain [A-Z] lets the regex engine skip straight to candidates.
_TOKEN = re.compile(r"[A-Z](?:\.(?:[A-Z]\.)*|['\u2019]?[A-Za-z0-9]*(?:[\-'\u2019][A-Za-z0-9]+)*(?:(?<=s)['\u2019](?!\w))?)")
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "del", "di", "dos", "du", "la", "le", "bin", "al"})
# What may stand between two tokens of one run: spaces, and small words inside names
# (`Ministry of Foreign Affairs of the DPRK`, `Song and Dance Ensemble`, `Ursula von der Leyen`).
_JOIN = re.compile(rf"{GAP}(?:(?:of|the|and|for|with|{'|'.join(_PARTICLES)}){GAP})*")
_NAME_WORD = re.compile(r"(?:Mc|Mac|O['\u2019])?[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}")
_SHAPE_WORD = re.compile(r"[A-Z][a-z][\w'\u2019\-]*")
_ACRONYM = re.compile(r"[A-Z]{2,6}(?:-[A-Z][A-Za-z]+)?")
_TAIL_OPENERS = frozenset({"of", "of the", "for", "for the"})  # `House of Culture`, `Committee for the …`
_TAIL_JOINS = frozenset({"", "of", "of the", "with", "with the"})  # `… for Solidarity with the Korean People`
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_AND = re.compile(rf"{GAP}and{GAP}")
_COMMA = re.compile(rf"(?:{APOS}s)?,{GAP}")
_CLAUSE_END = re.compile(r"[,;()\n]|\.(?=[ \u00a0]+[A-Z]|$)")
_WORD_CHAR = re.compile(r"[\w'\u2019.\-]")
MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class Mention:
    type: str
    entity: str
    entity_id: str
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
    # by the first two words of the alias (`""` for one word): one pattern with a group per alias, longest first
    aliases: Mapping[tuple[str, str], tuple[re.Pattern, tuple[Known, ...]]]
    first_words: frozenset[str]  # first words of the aliases
    lower_aliases: re.Pattern | None  # leading words of the few aliases that open in lower case (`south Korea`)
    surnames_all: frozenset[str]  # North and South Korean surnames, for the shape of a Korean name
    syllables: frozenset[str]
    titles: frozenset[str]  # titles before a name, lower case, typography folded
    title_words: int  # most words in a title
    role_cue: re.Pattern  # an appositive role, right after `Name, `
    speech: re.Pattern  # a verb of speech, right after a name
    place_heads: frozenset[str]
    org_heads: frozenset[str]
    not_person: frozenset[str]
    leading: frozenset[str]  # trimmed from the front of a person's name: openers and titles
    openers: frozenset[str]  # trimmed from the front of a shaped organisation or place: openers only
    surnames: frozenset[str]
    south_surnames: frozenset[str]  # South Korean spellings (Yoon, Lee, Park): named later by surname alone
    role: re.Pattern
    months: Mapping[str, int]  # for the dateline


def alternation(words) -> str:
    return "|".join(re.escape(w).replace("\\ ", GAP) for w in sorted(set(words), key=len, reverse=True))


def alias_pattern(alias: str) -> str:
    tokens = [re.escape(t).replace("'", APOS).replace("\\'", APOS) for t in alias.split()]
    return GAP.join(tokens) + r"(?!\w|-[a-z0-9])"  # `DPRK-Russia` is two names, `DPRK-led` none


def alias_key(alias: str) -> tuple[str, str]:
    """The first two words of an alias (letters and digits), `""` for the second of a one-word alias."""
    words = _ALNUM.findall(alias) or [alias[:1]]
    return words[0], words[1] if len(words) > 1 else ""


def fold(text: str) -> str:
    return text.replace("\u2019", "'")


def lexicon_from(rules: Rules) -> Lexicon:
    by_key: dict[tuple[str, str], list[tuple[str, Known]]] = {}
    for e in rules.entities:
        known = Known(e["id"], e["type"], e["name"])
        for alias in {e["name"], *e.get("aliases", ())}:
            by_key.setdefault(alias_key(alias), []).append((alias, known))
    aliases = {}
    for (first, second), entries in by_key.items():
        # after the aliases of two words and more, those of the first word alone
        group = sorted(entries, key=lambda a: (-len(a[0]), a[0]))
        if second:
            group += sorted(by_key.get((first, ""), ()), key=lambda a: (-len(a[0]), a[0]))
        pattern = re.compile("|".join(f"({alias_pattern(a)})" for a, _ in group))
        aliases[first, second] = (pattern, tuple(k for _, k in group))
    lower = {first for first, _ in aliases if not first[:1].isupper()}
    roles = rules.roles or ["secretary"]
    titles = {fold(t).lower() for t in rules.titles_before}
    # Words trimmed from the front of a name: function words, and titles (`Madame`, `Scientist`).
    leading = (rules.leading_words | {t for t in rules.titles_before if " " not in t}
               | {r[:1].upper() + r[1:] for r in rules.roles if " " not in r})
    not_person = rules.not_person_words | set(rules.organization_heads) | set(rules.place_heads)
    return Lexicon(
        aliases=aliases, first_words=frozenset(first for first, _ in aliases),
        lower_aliases=re.compile(rf"(?:{alternation(lower)})(?![A-Za-z0-9])") if lower else None,
        surnames_all=frozenset(rules.surnames | rules.south_surnames),
        syllables=frozenset(rules.syllables - rules.not_given_names),
        titles=frozenset(titles), title_words=max((len(t.split()) for t in titles), default=1),
        role_cue=re.compile(rf"(?:(?:the|a|an){GAP})?(?:[\w'\u2019.\-]+{GAP}){{0,4}}?(?:{alternation(roles)})(?![\w\-])"),
        speech=re.compile(rf"{GAP}(?:{alternation(rules.speech_verbs or ['said'])})(?![\w\-])"),
        place_heads=frozenset(rules.place_heads or ["County"]),
        org_heads=frozenset(rules.organization_heads or ["University"]),
        not_person=frozenset(not_person), leading=frozenset(leading), openers=rules.leading_words,
        surnames=frozenset(rules.surnames), south_surnames=frozenset(rules.south_surnames - rules.surnames),
        role=re.compile(rf"(?:(?:the|a|an){GAP})?(?:[\w'\u2019.\-]+{GAP}){{0,5}}?(?:{alternation(roles)})(?![\w\-])",
                        re.I),
        months=rules.months,
    )


def canonical(surface: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", surface.replace("\u2019", "'")).strip()


ID_PREFIX = {"person": "person", "organization": "org", "place": "place"}  # as in the alias table's ids


def entity_id(type_: str, name: str) -> str:
    """The id of a name in no list: the alias table's type prefix and a slug of the name."""
    return f"{ID_PREFIX[type_]}:{slug(name)}"


# A candidate reading: (start, end, type, rank, known); a lower rank is more trusted; `known` is the
# alias table's entity (or, for a short form, the person it stands for), None for a name in no list.
Candidate = tuple[int, int, str, int, "Known | None"]


def identity(body: str, c: Candidate) -> tuple[str, str]:
    """The name and id of a reading (computed only for the readings kept: slugs are not free)."""
    if c[4] is not None:
        return c[4].name, c[4].id
    name = canonical(body[c[0]:c[1]])
    return name, entity_id(c[2], name)


class Token:
    """A capitalised token of a run (a plain class: tens of them per body, made fast)."""
    __slots__ = ("text", "start", "end", "join", "possessive")

    def __init__(self, text: str, start: int, end: int, join: str, possessive: bool):
        self.text = text              # as in the body, possessive removed (`Un` of `Un's`)
        self.start, self.end = start, end  # `end` is before the possessive: it stays outside the name
        self.join = join              # small words between the previous token of the run and this one
        self.possessive = possessive


@functools.lru_cache(maxsize=4096)
def joined(gap: str) -> str | None:
    """The small words of a gap between two tokens of one run (`of the`), or None if the gap ends the run."""
    m = _JOIN.fullmatch(gap)
    return " ".join(gap.split()) if m else None


def runs(body: str) -> list[list[Token]]:
    """Maximal runs of capitalised tokens, joined by spaces and small words."""
    out: list[list[Token]] = []
    run: list[Token] = []
    prev_end, prev_initials = -1, False
    for m in _TOKEN.finditer(body):
        text, s, e = m.group(), m.start(), m.end()
        possessive = text.endswith(("'s", "\u2019s"))
        if possessive:
            text, e = text[:-2], e - 2
        gap = body[prev_end:s] if run else None
        join = joined(gap) if gap else ("" if gap == "" and prev_initials else None)  # `V.V.Yakushev`
        if join is None:
            if run:
                out.append(run)
            run = []
            join = ""
        run.append(Token(text, s, e, join, possessive))
        prev_end, prev_initials = m.end(), text.endswith(".")
    if run:
        out.append(run)
    return out


def known_candidates(body: str, tokens: list[list[Token]], lex: Lexicon) -> list[Candidate]:
    """Aliases of the table, tried where a capitalised word starts (also after a hyphen: `DPRK-Russia`)."""
    out: list[Candidate] = []
    starts = [t.start for run in tokens for t in run]
    starts += [t.start + i + 1 for run in tokens for t in run if "-" in t.text
               for i, ch in enumerate(t.text) if ch == "-" and t.text[i + 1:i + 2].isupper()]
    if lex.lower_aliases:
        starts += [m.start() for m in lex.lower_aliases.finditer(body)]
    aliases = lex.aliases
    for s in starts:
        if s and body[s - 1].isalnum():
            continue
        first = _ALNUM.match(body, s)
        if first is None or first.group() not in lex.first_words:
            continue
        second = _ALNUM.search(body, first.end(), first.end() + 16)
        entry = (second and aliases.get((first.group(), second.group()))) or aliases.get((first.group(), ""))
        hit = entry and entry[0].match(body, s)
        if hit:
            known = entry[1][hit.lastindex - 1]
            out.append((s, hit.end(), known.type, 0, known))
    return out


def korean_candidates(body: str, run: list[Token], lex: Lexicon) -> list[Candidate]:
    """A surname and two given-name syllables, written as three words (`Choe Son Hui`)."""
    out = []
    for i in range(len(run) - 2):
        a, b, c = run[i], run[i + 1], run[i + 2]
        if (a.text in lex.surnames_all and b.text in lex.syllables and c.text in lex.syllables
                and not (b.join or c.join or a.possessive or b.possessive)
                and not (a.start and _WORD_CHAR.match(body, a.start - 1))):
            out.append((a.start, c.end, "person", 1, None))
    return out


def name_segments(body: str, run: list[Token], lex: Lexicon) -> list[list[Token]]:
    """The parts of a run that can be a personal name: name words, inner initials and particles.

    Anything else splits the run (`Russian President Vladimir Putin` -> `Vladimir Putin`); titles and
    openers are dropped from the front of a part (`Madame Marta Rivas` -> `Marta Rivas`). A name ends
    with a word and has two words, or initials and a word.
    """
    out: list[list[Token]] = []
    seg: list[Token] = []

    def close() -> None:
        while seg and seg[-1].text.endswith("."):
            seg.pop()
        if len(seg) >= 2:
            out.append(seg[:])
        seg.clear()

    for t in run:
        if t.join and not all(w in _PARTICLES for w in t.join.split()):
            close()
        name_like = _NAME_WORD.fullmatch(t.text) or _INITIALS.fullmatch(t.text)
        if t.text in lex.not_person or not name_like:
            close()
        elif seg or not (t.text in lex.leading or (t.start and _WORD_CHAR.match(body, t.start - 1))):
            seg.append(t)
            if t.possessive:
                close()
    close()
    return out


def titled(body: str, start: int, lex: Lexicon) -> bool:
    """A title right before `start` (`General Secretary `, `its chairman `, `People's Scientist `)."""
    before = body[max(0, start - 60):start]
    if not before or before[-1] not in " \u00a0":
        return False
    words = fold(before).lower().split()
    return any(" ".join(words[-k:]) in lex.titles for k in range(1, min(lex.title_words, len(words)) + 1))


def context_candidates(body: str, seg: list[Token], lex: Lexicon) -> list[Candidate]:
    """A name in no list, known for a person by its context."""
    out = []
    head = seg[:MAX_NAME_WORDS]
    if titled(body, head[0].start, lex):
        out.append((head[0].start, head[-1].end, "person", 2, None))
    tail = seg[-MAX_NAME_WORDS:]
    end = tail[-1].end
    comma = _COMMA.match(body, end)
    if (comma and lex.role_cue.match(body, comma.end())) or lex.speech.match(body, end):
        out.append((tail[0].start, end, "person", 2, None))
    return out


def shape_word(t: Token) -> bool:
    """A word that can stand in an organisation or place name: capitalised, or an acronym (`KPA`)."""
    return _SHAPE_WORD.fullmatch(t.text) is not None or _ACRONYM.fullmatch(t.text) is not None


def shape_candidates(body: str, run: list[Token], lex: Lexicon) -> list[Candidate]:
    """An organisation or place in no list, by its head word (`Kosan County`, `Sangwon Cement Complex`).

    Before the head: up to 3 capitalised words for a place, 5 for an organisation, or a pair joined by
    `and` (`Song and Dance Ensemble`); after it, `of`/`for` and up to 6 words (`House of Culture`,
    `Central Committee of the Communist Party of Viet Nam`).
    """
    out = []
    for h, head in enumerate(run):
        place = head.text in lex.place_heads
        if not place and head.text not in lex.org_heads:
            continue
        first, limit = h, 3 if place else 5
        while first > 0 and h - first < limit and not run[first].join and shape_word(run[first - 1]):
            first -= 1
        if (first >= 1 and run[first].join == "and" and _SHAPE_WORD.fullmatch(run[first - 1].text)
                and (first == 1 or run[first - 1].join) and h - first < limit):
            first -= 1
        if first == 0 and run[0].start and _WORD_CHAR.match(body, run[0].start - 1):
            first = 1  # the run starts inside a word (`anti-Japanese`)
        while first < h and run[first].text in lex.openers:
            first += 1
        if first == h:
            continue
        last = h
        if not head.possessive and h + 1 < len(run) and run[h + 1].join in _TAIL_OPENERS:
            k = h + 1
            while k < len(run) and k - h <= 6 and (k == h + 1 or run[k].join in _TAIL_JOINS) and shape_word(run[k]):
                last = k
                k += 1
            if place and run[last].text in lex.place_heads:
                last = h  # `Kyongsong County of North Hamgyong Province` is two places
        out.append((run[first].start, run[last].end, "place" if place else "organization", 3, None))
    return out


def dateline_candidates(body: str, lex: Lexicon) -> list[Candidate]:
    """The place and the agency of the dateline (`Vientiane, March 16 (KCNA) --`)."""
    lead = dateline(body[:body.find("\n")] if "\n" in body else body, lex.months)
    if lead is None:
        return []
    out: list[Candidate] = [(0, len(lead.place), "place", 3, None)]
    if lead.agency and (at := body.find(f"({lead.agency})", len(lead.place))) >= 0:
        out.append((at + 1, at + 1 + len(lead.agency), "organization", 3, None))
    return out


def candidates(body: str, tokens: list[list[Token]], lex: Lexicon) -> tuple[list[Candidate], list[list[Token]]]:
    """Every reading of the body, and the parts of runs that can be personal names."""
    out = known_candidates(body, tokens, lex) + dateline_candidates(body, lex)
    segments = []
    for run in tokens:
        if len(run) >= 2:
            out += korean_candidates(body, run, lex)
            for seg in name_segments(body, run, lex):
                segments.append(seg)
                out += context_candidates(body, seg, lex)
            out += shape_candidates(body, run, lex)
    return out, segments


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def chosen(cands: list[Candidate], size: int) -> list[Candidate]:
    """Non-overlapping, longest first, then most trusted.

    A person known by the alias table or by the shape of a Korean name is not swallowed by a
    weaker reading around it (`Then Choe Son Hui made…`, `Kim Jong Un Inspects … Hospital`),
    except by a name that starts with it (`Kim Il Sung Socialist Youth League`).
    """
    sure = [c for c in cands if c[2] == "person" and c[3] <= 1]
    if sure:
        cands = [c for c in cands if c[3] <= 1 or not any(
            overlaps(c, p) and (c[0], c[1]) != (p[0], p[1]) and not (c[2] != "person" and c[0] == p[0])
            for p in sure)]
    taken: list[Candidate] = []
    occupied = bytearray(size)
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[3], c[0])):
        if occupied.find(1, c[0], c[1]) < 0:
            taken.append(c)
            occupied[c[0]:c[1]] = b"\x01" * (c[1] - c[0])
    return sorted(taken)


def short_forms(body: str, taken: list[Candidate], tokens: list[list[Token]], lex: Lexicon) -> list[Candidate]:
    """Later mentions of a person by surname alone (`Topeha`, `Yoon`), resolved to the full name.

    The surname is the last word of a foreign name and the first of a South Korean one; North
    Korean names are never shortened in these texts, and a surname two persons share is left alone.
    A surname inside another name (`Ri Yong Ho`, `Putin Street`) is no short form; after a title
    (`President Putin`) it is.
    """
    by_short: dict[str, set[tuple[str, str]]] = {}
    for c in taken:
        if c[2] != "person":
            continue
        name, eid = identity(body, c)
        words = name.split(" ")
        if len(words) < 2:
            continue
        # South Korean names by their first word; foreign names by their last; North Korean ones never
        short = words[0] if words[0] in lex.south_surnames else None if words[0] in lex.surnames else words[-1]
        if short and len(short) >= 3 and short not in lex.not_person:
            by_short.setdefault(short, set()).add((name, eid))
    out = []
    for run in tokens:
        for i, t in enumerate(run):
            people = by_short.get(t.text)
            if not people or len(people) != 1 or any(overlaps((t.start, t.end), c) for c in taken):
                continue
            prev, nxt = run[i - 1] if i else None, run[i + 1] if i + 1 < len(run) else None
            if (prev and not t.join and prev.text[-1:].islower() and fold(prev.text).lower() not in lex.titles) \
                    or (nxt and not nxt.join and nxt.text[1:2].islower()) \
                    or (t.start and _WORD_CHAR.match(body, t.start - 1)):
                continue  # part of another name, not the short form
            (name, eid), = people
            out.append((t.start, t.end, "person", 4, Known(eid, "person", name)))
    return out


def coordinated(body: str, taken: list[Candidate], segments: list[list[Token]]) -> list[Candidate]:
    """`Wang Jianguo and Li Hong, businessmen …`: a name joined by `and` to a person is a person."""
    persons = [c for c in taken if c[2] == "person"]
    out = []
    for seg in segments:
        s, e = seg[0].start, seg[-1].end
        for p in persons:
            gap = body[e:p[0]] if e <= p[0] else body[p[1]:s] if p[1] <= s else None
            if gap and len(gap) < 12 and _AND.fullmatch(gap):
                part = seg[:MAX_NAME_WORDS] if e <= p[0] else seg[-MAX_NAME_WORDS:]
                out.append((part[0].start, part[-1].end, "person", 2, None))
                break
    return out


def role_after(body: str, end: int, spans: list[tuple[int, int]], lex: Lexicon) -> str | None:
    """`Kim Song Nam, department director of the C.C., WPK, made…` -> the appositive title."""
    m = _COMMA.match(body, end)
    if not m or m.end() - end > 4:
        return None
    start = m.end()
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
    tokens = runs(body)
    cands, segments = candidates(body, tokens, lex)
    taken = chosen(cands, len(body))
    taken = chosen(cands + coordinated(body, taken, segments), len(body))
    taken = sorted(taken + short_forms(body, taken, tokens, lex), key=lambda c: c[0])
    spans = [(c[0], c[1]) for c in taken]
    named = [identity(body, c) for c in taken]
    # A person is named by the fullest form this article gives (`Vladimir Putin` here,
    # `Vladimir Vladimirovich Putin` there; a surname alone is no full form: the alias table's
    # name stands); `entity_id` is what stays the same across articles.
    fullest: dict[str, str] = {}
    for (s, e, type_, _, _), (_, eid) in zip(taken, named):
        if type_ == "person":
            name = canonical(body[s:e])
            full = " " in name or "." in name
            fullest[eid] = max(fullest.get(eid, ""), name if full else "", key=len)
    out = []
    for (s, e, type_, _, _), (entity, eid) in zip(taken, named):
        if type_ == "person":
            out.append(Mention(type_, fullest[eid] or entity, eid, body[s:e], s, e, role_after(body, e, spans, lex)))
        else:
            out.append(Mention(type_, entity, eid, body[s:e], s, e))
    return out
