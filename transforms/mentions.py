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

Each reading is a `Candidate` naming its `Trust` and the rule that made it (the `rule` of its mention);
the passes run in the order `PASSES` names, and overlapping readings are settled by one conflict
policy, `longest_then_most_trusted`. The words and patterns they use are lexicon data (`Rules`).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Mapping, NamedTuple

from kcna_etl.transforms.dateline import dateline
from kcna_etl.transforms.rules import Rules
from kcna_etl.transforms.schema import slug

APOS = "['\u2019]"
SPACED_APOS = "[ \u00a0]?['\u2019]"
GAP = "[ \u00a0]+"
# A capitalised token: initials (`V.V.`, `U.S.`), or a word with inner hyphens and apostrophes
# (`Vice-President`, `O'Neill`, `People's`) and a plural possessive (`Workers'`). Opening with a
# plain [A-Z] lets the regex engine skip straight to candidates.
_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # capitals, Latin-1 ones too (`Élysée`, `Ángel`)
_LOW = "a-z\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff"  # small letters, Latin-1 and Latin Extended (`José`, `Nguyễn`)
_ANY = f"0-9{_UP}{_LOW}"
_TOKEN = re.compile(rf"[{_UP}](?:\.(?:[A-Z]\.)*|['\u2019]?[{_ANY}]*(?:[\-'\u2019][{_ANY}]+)*(?:(?<=s)['\u2019](?!\w))?)")
_NAME_WORD = re.compile(rf"(?:Mc|Mac|O['\u2019])?[{_UP}][{_LOW}]+(?:-[{_UP}]?[{_LOW}]+)*")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}")
_SHAPE_WORD = re.compile(rf"[{_UP}][{_LOW}][\w'\u2019\-]*")
_ACRONYM = re.compile(r"[A-Z]{2,6}(?:-[A-Z][A-Za-z]+)?|(?:[A-Z]\.){2,4}")
_ACRONYM_WORD = re.compile(rf"(?<!\S)(?:{_ACRONYM.pattern})(?!\S)")  # a whitespace-separated word that is an acronym
_NUMBER = re.compile(r"[ \u00a0]+\d+(?![\w.,\-]\d)")  # `Unit 525`
_NUMBERED = re.compile(r"[ \u00a0]+No\.[ \u00a0]?\d+(?![\w.,\-]\d)")  # `Kindergarten No. 2`
# `… and secretary of the`, also with a capitalised portfolio: `… and secretary for Organizational Affairs of the`
_COORDINATED = re.compile(rf"{GAP}and{GAP}(?:[a-z][a-z\-]*{GAP}){{1,4}}(?:for{GAP}(?:(?:[A-Z][a-z]+|and){GAP}){{1,5}})?"
                          rf"of{GAP}(?:the{GAP})?")
_OF = re.compile(rf"{GAP}of{GAP}(?:the{GAP})?")
_BRACKETED = re.compile(r"[ \u00a0]*\(([A-Z][A-Z.]{1,9})\)")
_BRACKETED_WORD = re.compile(r"[ \u00a0]*\(([A-Z][a-z]{3,19})\)")  # a short form that is one word: `(Chongsanghoe)`
_PINYIN = (r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
           r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|a|o|e|i|u)")
_PINYIN2 = re.compile(f"{_PINYIN}'?{_PINYIN}")  # a given name of two syllables: `Dehuai`, `Jinping`
_WORD_AFTER = re.compile(r"[ \t]+([a-z]+)\b")  # the lower-case word right after a run
_DOCUMENT_TAIL = re.compile(rf"(?:{GAP}(?:on|of|for|between|and|the|[{_UP}][\w'\u2019\-]*|(?:[A-Z]\.)+))*"
                            rf"{GAP}[{_UP}][\w'\u2019\-]*")
# a pair of names joined by a hyphen right before a document's title (`DPRK-U.S. Agreed Framework`): part of it
_PAIR_BEFORE = re.compile(rf"(?<![\w.\-])[{_UP}][\w.'\u2019]*(?:-[{_UP}][\w.'\u2019]*)+{GAP}$")
_GLUED_SMALL = re.compile(r"(?<![\w'\u2019.\-])(?:the|of|and)$")  # a small word the source glued to a name
# `the April 25 ` before a name (`the`: not `on May 5 Pyongyang Sports Team won`)
_LIST_NAME = re.compile(rf"[{_UP}][{_LOW}]+(?:{GAP}[{_UP}][{_LOW}]+)?")  # a name of one or two words
_LISTED_NAMES = (rf"{_LIST_NAME.pattern}(?:,{GAP}{_LIST_NAME.pattern})*,?{GAP}and{GAP}{_LIST_NAME.pattern}")
_ONE_NAME = rf"[{_UP}][{_LOW}]+(?:-[{_LOW}]+)?"  # a name of one word (`Jongbang`, `Ryongak`)
# where such a name ends: not inside a word, nor before a capitalised one (`Lake Tonle Sap`); a possessive may follow
_NAME_ENDS = rf"(?!{GAP}[{_UP}])(?=['\u2019]s(?!\w)|(?![\w'\u2019\-]))"
# a comma, a semicolon or `and` after a name in a list: where a one-letter syllable that is also an English word
# (`I`, `O`, `A`) may end a Korean name
_LISTED_AFTER = re.compile(r"[,;]|[ \u00a0]+and[ \u00a0]")
_CAPITAL_AFTER = re.compile(rf"[ \u00a0]+[{_UP}]")  # `… rock Seoul`: a verb before its object
_DATE_AFTER = re.compile(r"[ \u00a0]+(\w+)")  # the word after `falls on`: a day, a month, a number
_DATE_BEFORE = re.compile(rf"(?<![\w\-])[Tt]he{GAP}([A-Z][a-z]+){GAP}\d{{1,2}}{GAP}$")
_TO_WORD = rf"(?:(?:[A-Z]\.){{2,}}|[{_UP}][\w'\u2019\-]*)"  # `U.S.`, `Loyalty`; not the full stop after `War.`
_TO_TAIL = re.compile(rf"{GAP}to{GAP}(?:the{GAP})?{_TO_WORD}(?:{GAP}(?:of{GAP}(?:the{GAP})?)?{_TO_WORD}){{0,5}}")
_QUOTED = re.compile(r"[\u201c\"]([A-Z][^\u201c\u201d\"\n]{0,200}?)[\u201d\"]")
# `an article titled “…”`; a speech, report, letter, address or lecture named by its title right after the word
_TITLED = re.compile(r"(?:\b(?:titled|entitled|headlined|speech|report|letter|address|lecture)|\bunder the (?:title|headline))"
                     r"\s+$")
WORK = "work"  # the type of an award or a title of a work: read to cover the names inside, never reported
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ALNUM = re.compile(r"[^\W_]+")
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
    rule: str = ""  # the rule that found it (`Candidate.rule`)


@dataclass(frozen=True)
class Known:
    id: str
    type: str
    name: str


class AliasGroup:
    """The aliases that open with the same two words: one pattern with a group per alias, longest first.

    Compiled when a body first reaches it: the table has ~1,600 groups, compiling them all cost a
    quarter of a second of CPU in every process that reads mentions, and a batch meets a fraction of them.
    """
    __slots__ = ("source", "known", "_pattern")

    def __init__(self, source: str, known: tuple[Known, ...]):
        self.source, self.known, self._pattern = source, known, None

    def match(self, body: str, s: int) -> re.Match | None:
        if self._pattern is None:
            self._pattern = re.compile(self.source)
        return self._pattern.match(body, s)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AliasGroup) and (self.source, self.known) == (other.source, other.known)

    def __hash__(self) -> int:
        return hash((self.source, self.known))


@dataclass(frozen=True)
class Lexicon:
    # by the first two words of the alias (`""` for one word): one pattern with a group per alias, longest first
    aliases: Mapping[tuple[str, str], AliasGroup]
    first_words: frozenset[str]  # first words of the aliases
    lower_aliases: re.Pattern | None  # leading words of the few aliases that open in lower case (`south Korea`)
    glued_persons: re.Pattern | None  # the alias table's persons of two words and more, read where glued (`ComradeKim`)
    glued_keys: frozenset[tuple[str, str]]  # their first two words (`alias_key`): where a name glued after may start
    surnames_all: frozenset[str]  # North and South Korean surnames, for the shape of a Korean name
    chinese_surnames: frozenset[str]  # for the shape of a Chinese name (`Peng Dehuai`)
    pair_surnames: frozenset[str]  # North Korean surnames that are no English words: `Pak Chol` alone is a name
    syllables: frozenset[str]
    middle_syllables: frozenset[str]  # also the syllables that are English words: inside a three-word name only
    titles: frozenset[str]  # titles before a name, lower case, typography folded (plural ones too)
    plural_titles: frozenset[str]  # titles a list of names shares (`members`, `vice-chairmen`), lower case
    misspelt: re.Pattern | None  # a misspelt syllable after a capitalised word (`Kim Jong ll`)
    misspelt_syllables: Mapping[str, str]  # as misspelt -> as spelt
    title_length: int  # most words in a title
    title_ends: frozenset[str]  # their last words
    role_cue: re.Pattern  # an appositive role, right after `Name, `
    speech: re.Pattern  # a verb of speech, right after a name
    place_heads: frozenset[str]  # one or two words (`Station`, `Railway Station`)
    org_heads: frozenset[str]    # one or two words (`Complex`, `Power Station`)
    award_heads: frozenset[str]  # `Prize`, `Order`: awards are no mentions, nor the names inside them
    work_heads: frozenset[str]  # award and document heads: a run with none holds no award or work (but after `title of`)
    head_words: frozenset[str]  # the last words of the place and organisation heads: a run with none holds no shaped name
    document_heads: frozenset[str]  # `Treaty`, `Declaration`: titles of documents, like titles of works
    common: frozenset[str]       # words of common organ names (`Political Bureau`): no name alone
    sub_organs: frozenset[str]   # words of the organs of a committee (`Presidium of the Political Bureau`)
    lower_organ: re.Pattern | None  # an organ in lower case, ending where `of the <organisation>` starts
    organ_abbreviation: re.Pattern | None  # an abbreviated organ, ending where its organisation starts (`C.C., the `)
    organ_abbreviations: Mapping[str, str]  # `C.C.` -> `Central Committee`
    body_tails: frozenset[str]  # `House of Representatives`: a place head with this tail is an organisation
    place_suffixed: re.Pattern | None  # `Chongsan-ri`: a word with one of these endings is a place
    place_suffix: re.Pattern | None  # one of those endings, glued to a place of the alias table (`… Camp-dong`)
    place_suffixes: tuple[str, ...]  # those endings: a body holding none has no such word (the regex is not run)
    plural_places: re.Pattern | None  # a list of names before a plural place head (`Taedong and Kujang counties`)
    plural_place_heads: tuple[str, ...]  # those heads: a body holding none has no such list (the regex is not run)
    place_qualifiers: frozenset[str]  # `Nishi Tokyo`: a word of direction before a known place is part of it
    media_cue: re.Pattern | None  # `the newspaper `: a medium's name follows
    media_words: tuple[str, ...]  # the first words of the cues, case-folded: a body holding none has no cue
    in_tail_heads: frozenset[str]  # `… Association in Japan`: heads whose tail may open with `in`
    located_org_heads: frozenset[str]  # `Farm`: an `of` tail naming a place only locates it (`… Farm of Kwaksan County`)
    unlocated_place_heads: frozenset[str]  # `Museum`: a place's `of <known place>` tail is its own after these only
    city_heads: tuple[str, ...]  # `City`, `Municipality`: `Songrim City` is named Songrim
    city_after: re.Pattern | None  # one of them right after a known place: `St. Petersburg City` is St. Petersburg
    national_bodies: frozenset[str]  # `Party`: after a demonym alone, a common noun (`the Korean Party`)
    demonyms: frozenset[str]  # `Korean`, `Chinese`: for `national_bodies`
    to_tail_heads: frozenset[str]  # `Permanent Mission to the United Nations`: heads whose name goes on with `to`
    placed_organ: re.Pattern | None  # a place and its province in commas before an organ: `Haeju City, South …, `
    lower_place_heads: frozenset[str]  # `Nakhodka city`: a place head written in lower case after the name
    named_lower_place_heads: frozenset[str]  # `Ryongmun cave`: the same, the head part of the name
    verb_place_heads: frozenset[str]  # `falls`, `rock`: of those, the ones that are verbs too
    verb_followers: frozenset[str]  # `into`, `short`, `the`: a word after such a head that makes it a verb
    prefix_places: re.Pattern | None  # `Mt. Jongbang`, `Lake Chon`: a head that opens a place's name, and the name
    prefix_lists: re.Pattern | None  # `Mounts Taesong and Ryongak`: a plural one, and the list of names it opens
    prefix_heads: Mapping[str, str]  # the heads that open names -> the word the place is named with (`Mount` -> `Mt`)
    other_places: re.Pattern | None  # `, and other beauty spots`: a list of places ends here
    listed_names: re.Pattern  # the list before it (`Songdowon, Majon and Haksadae`), read back from there
    adjective_endings: tuple[str, ...]  # `Rural`, `Coastal`: no place name before such a head
    portfolio: re.Pattern | None  # `minister of the `: what follows is a portfolio, not an organisation
    not_person: frozenset[str]
    title_words: frozenset[str]  # one-word titles, dropped from the front of a person's name (`Madame`)
    openers: frozenset[str]  # function words, dropped from the front of a name that opens a sentence
    surnames: frozenset[str]
    south_surnames: frozenset[str]  # South Korean spellings (Yoon, Lee, Park): named later by surname alone
    short_place_heads: frozenset[str]  # `Taehongdan County` is later `Taehongdan`
    numbered_heads: frozenset[str]  # heads a number belongs to (`KPA Unit 525`)
    join: re.Pattern  # what may stand between two tokens of one run: spaces, and small words inside names
    particles: frozenset[str]  # the small words inside a personal name (`von der`)
    tail_openers: frozenset[str]  # open the tail after a head (`House of Culture`, `Committee for the …`)
    tail_joins: frozenset[str]  # join its words (`University of Music and Dance`)
    tail_stops: frozenset[str]  # end it: `… of Cuba Friday`
    media_heads: frozenset[str]  # `Shimbun`: a newspaper's name, the country's adjective before it no part of it
    role: re.Pattern
    months: Mapping[str, int]  # for the dateline
    by_name: Mapping[tuple[str, str], Known]  # (type, name or alias, typography folded) -> the alias table's entity
    # short gaps between tokens as `joined` reads them (a memo of this lexicon's join pattern, filled by `runs`;
    # the few distinct short gaps recur in every body)
    gaps: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    # what `runs` reads of each token as matched (`token_reading`, a memo: token texts recur across bodies)
    readings: dict[str, tuple[str, int, bool, bool, int, bool]] = field(default_factory=dict, compare=False, repr=False)


def plural(title: str) -> str:
    """The plural of a title (`Vice-Chairman` -> `Vice-Chairmen`, `Secretary` -> `Secretaries`); "" for an
    abbreviation or a word that is plural already."""
    head, _, last = title.rpartition(" ")
    if len(last) < 4 or not last.replace("-", "").isalpha() or last.endswith("s"):
        return ""
    if last.endswith("man"):
        last = last[:-3] + "men"
    elif last.endswith("y") and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def alternation(words) -> str:
    return "|".join(re.escape(w).replace("\\ ", GAP) for w in sorted(set(words), key=len, reverse=True))


def alias_pattern(alias: str) -> str:
    # an apostrophe may follow a space, as some sources print it (`Workers ' Party`, like `Kim Jong Un 's`)
    tokens = [re.escape(t).replace("'", SPACED_APOS).replace("\\'", SPACED_APOS) for t in alias.split()]
    return GAP.join(tokens) + r"(?!\w)"  # a hyphen may follow: `DPRK-Russia`, `U.S.-led`


def alias_key(alias: str) -> tuple[str, str]:
    """The first two words of an alias (letters and digits), `""` for the second of a one-word alias."""
    words = _ALNUM.findall(alias) or [alias[:1]]
    return words[0], words[1] if len(words) > 1 else ""


def fold(text: str) -> str:
    return text.replace("\u2019", "'")


VOICING = (("Ch", "J"), ("K", "G"), ("P", "B"), ("T", "D"))


def voiced(syllables: frozenset[str]) -> set[str]:
    """The voiced form of each syllable opening with a plain K, P, T or Ch, read as a syllable of a given name like the
    listed ones: the initial is written voiced after a voiced sound (`Kol` -> `Ri Hang Gol`, `Pal` -> `Kim Yong Bal`)."""
    return {b + x[len(a):] for x in syllables for a, b in VOICING if x.startswith(a) and not x.startswith(a + "h")}


def lexicon_from(rules: Rules) -> Lexicon:
    syllables = rules.syllables | voiced(rules.syllables)
    suffix = rf"(?:{alternation(rules.place_suffixes)})(?![\w\-])"  # one of the endings, ending the word
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
        aliases[first, second] = AliasGroup("|".join(f"({alias_pattern(a)})" for a, _ in group),
                                            tuple(k for _, k in group))
    lower = {first for first, _ in aliases if not first[:1].isupper()}
    roles = rules.roles or ["secretary"]
    plurals = {fold(t).lower() for t in (*rules.plural_titles_before, *map(plural, rules.titles_before)) if t}
    titles = {fold(t).lower() for t in rules.titles_before} | plurals
    title_words = ({t for t in (*rules.titles_before, *rules.plural_titles_before, *map(plural, rules.titles_before))
                    if t and " " not in t}
                   | {r[:1].upper() + r[1:] for r in rules.roles if " " not in r})
    not_person = (rules.not_person_words | set(rules.organization_heads) | set(rules.place_heads)
                  | rules.award_heads)
    place_heads, org_heads = rules.place_heads or ["County"], rules.organization_heads or ["University"]
    by_name = {(e["type"], canonical(a)): Known(e["id"], e["type"], e["name"])
               for e in rules.entities for a in (e["name"], *e.get("aliases", ()))}
    return Lexicon(
        aliases=aliases, first_words=frozenset(first for first, _ in aliases),
        lower_aliases=re.compile(rf"(?:{alternation(lower)})(?![A-Za-z0-9])") if lower else None,
        glued_persons=re.compile(alternation({a for e in rules.entities if e["type"] == "person"
                                              for a in (e["name"], *e.get("aliases", ())) if " " in a}) or "(?!)"),
        glued_keys=frozenset(alias_key(a) for e in rules.entities if e["type"] == "person"
                             for a in (e["name"], *e.get("aliases", ())) if a.count(" ") > 1),
        surnames_all=frozenset(rules.surnames | rules.south_surnames), chinese_surnames=rules.chinese_surnames,
        pair_surnames=frozenset(rules.surnames - rules.surnames_also_words),
        syllables=frozenset(syllables - rules.not_given_names),
        middle_syllables=frozenset(syllables | rules.not_given_names),
        titles=frozenset(titles), plural_titles=frozenset(plurals),
        misspelt=re.compile(rf"(?<=[{_LOW}]) (?:{alternation(rules.misspelt_syllables)})(?![\w'\u2019])")
        if rules.misspelt_syllables else None,
        misspelt_syllables=rules.misspelt_syllables, title_length=max((len(t.split()) for t in titles), default=1),
        title_ends=frozenset(t.split()[-1] for t in titles),
        role_cue=re.compile(rf"(?:(?:the|a|an){GAP})?(?:[\w'\u2019.\-]+{GAP}){{0,4}}?(?:{alternation(roles)})(?![\w\-])", re.I),
        speech=re.compile(rf"{GAP}(?:{alternation(rules.speech_verbs or ['said'])})(?![\w\-])"),
        place_heads=frozenset(place_heads), org_heads=frozenset(org_heads),
        work_heads=frozenset(rules.award_heads | rules.document_heads),
        head_words=frozenset(h.rsplit(" ", 1)[-1] for h in (*place_heads, *org_heads)),
        award_heads=rules.award_heads, document_heads=rules.document_heads, common=rules.common_organ_words, sub_organs=rules.sub_organ_words,
        lower_organ=re.compile(rf"(?<![\w\-])(?:(?:(?:{alternation(rules.lower_organ_modifiers)}){GAP}){{1,3}}"
                               rf"(?:{alternation(rules.lower_organ_heads)})"
                               rf"|(?:{alternation(rules.lower_organ_bare_heads or ['presidium'])})){GAP}of{GAP}the{GAP}$")
        if rules.lower_organ_heads else None,
        organ_abbreviation=re.compile(rf"(?<![\w.])({alternation(rules.organ_abbreviations)}),{GAP}(?:the{GAP})?$")
        if rules.organ_abbreviations else None,
        organ_abbreviations=rules.organ_abbreviations or {}, body_tails=rules.body_tails,
        place_suffixed=re.compile(rf"(?<![\w\-'\u2019])[{_UP}][{_LOW}]{{2,}}{suffix}") if rules.place_suffixes else None,
        place_suffix=re.compile(suffix) if rules.place_suffixes else None, place_suffixes=tuple(rules.place_suffixes),
        in_tail_heads=rules.in_tail_heads, located_org_heads=rules.located_org_heads,
        unlocated_place_heads=rules.unlocated_place_heads, city_heads=rules.city_heads,
        city_after=re.compile(rf"{GAP}(?:{alternation(rules.city_heads)})(?![\w'\u2019\-])") if rules.city_heads else None,
        national_bodies=rules.national_bodies, demonyms=rules.demonyms,
        plural_places=re.compile(rf"(?<![\w\-'\u2019]){_LISTED_NAMES}{GAP}(?:{alternation(rules.plural_place_heads)})(?!\w)")
        if rules.plural_place_heads else None,
        plural_place_heads=tuple(rules.plural_place_heads),
        to_tail_heads=rules.to_tail_heads,
        lower_place_heads=rules.lower_place_heads, adjective_endings=rules.adjective_endings,
        named_lower_place_heads=rules.named_lower_place_heads, verb_place_heads=rules.verb_place_heads,
        verb_followers=rules.verb_followers,
        prefix_places=re.compile(rf"(?<![\w'\u2019])({alternation(rules.prefix_place_heads)}){GAP}({_ONE_NAME})"
                                 rf"{_NAME_ENDS}") if rules.prefix_place_heads else None,
        prefix_lists=re.compile(rf"(?<![\w'\u2019])({alternation(rules.prefix_list_heads)}){GAP}({_ONE_NAME}"
                                rf"(?:,{GAP}{_ONE_NAME})*,?{GAP}and{GAP}{_ONE_NAME}){_NAME_ENDS}")
        if rules.prefix_list_heads else None,
        prefix_heads={**(rules.prefix_place_heads or {}), **(rules.prefix_list_heads or {})},
        other_places=re.compile(rf",?{GAP}and{GAP}other{GAP}(?:{alternation(rules.other_places)})(?!\w)")
        if rules.other_places else None,
        listed_names=re.compile(rf"(?<![\w\-'\u2019]){_LISTED_NAMES}\Z"),
        place_qualifiers=rules.place_qualifiers,
        media_cue=re.compile(rf"(?<![\w\-])(?:{alternation(rules.media_cues)}){GAP}$", re.I) if rules.media_cues else None,
        media_words=tuple({c.split()[0].casefold() for c in rules.media_cues}),
        portfolio=re.compile(rf"(?<![\w\-])(?<!prime )(?:{alternation(rules.portfolio_titles)}){GAP}of{GAP}(?:the{GAP})?$", re.I)
        if rules.portfolio_titles else None,
        not_person=frozenset(not_person), title_words=frozenset(title_words), openers=rules.leading_words,
        surnames=frozenset(rules.surnames), south_surnames=frozenset(rules.south_surnames - rules.surnames),
        short_place_heads=rules.short_place_heads, numbered_heads=rules.numbered_heads,
        placed_organ=re.compile(rf"(?<![\w\-'\u2019])(?:(?:[{_UP}][\w'\u2019\-]*{GAP}){{1,3}}"
                                rf"(?:{alternation(rules.short_place_heads)}),{GAP}){{2}}$")
        if rules.short_place_heads else None,
        join=re.compile(rf"{GAP}(?:(?:{'|'.join(map(re.escape, [*rules.run_joins, *sorted(rules.name_particles)]))}){GAP})*"),
        particles=rules.name_particles, tail_openers=rules.tail_openers, tail_joins=rules.tail_joins,
        tail_stops=rules.tail_stops, media_heads=rules.media_heads,
        role=re.compile(rf"(?:(?:the|a|an){GAP})?(?:[\w'\u2019.\-]+{GAP}){{0,5}}?(?:{alternation(roles)})(?![\w\-])",
                        re.I),
        months=rules.months, by_name=by_name,
    )


@functools.lru_cache(maxsize=65536)
def canonical(surface: str) -> str:
    return re.sub(r"[ \u00a0]+", " ", surface.replace("\u2019", "'")).strip()


ID_PREFIX = {"person": "person", "organization": "org", "place": "place"}  # as in the alias table's ids


@functools.lru_cache(maxsize=65536)
def entity_id(type_: str, name: str) -> str:
    """The id of a name in no list: the alias table's type prefix and a slug of the name."""
    return f"{ID_PREFIX[type_]}:{slug(name)}"


# Every rule a candidate can name (`Candidate.rule`, the `mentions.rule` column)
RULES = ("alias", "korean-name", "korean-pair", "chinese-name", "title-before", "role-after", "speech-after",
         "org-head", "place-head", "dateline", "coordinated", "same-name", "organ-cut-short", "acronym", "short-form",
         "title-of", "award-head", "quoted-title", "title-list", "korean-misspelt", "organ-of",
         "media-cue", "place-before-place")


class Trust(IntEnum):
    """How sure a reading is: between two readings of one span, the lower wins (the conflict policy)."""
    LISTED = 0      # the alias table; awards and titles of works (read only to cover the names inside)
    NAME_SHAPE = 1  # a Korean name of three words
    CONTEXT = 2     # a title, a role or a verb of speech around a name; a name the article gives elsewhere
    HEAD_SHAPE = 3  # an organisation or place by its head word; the dateline
    SHORT_FORM = 4  # a short form of a name given earlier


# The members by plain names: a member looked up on its Enum class costs ~0.4 µs in Python 3.11, and the passes
# name one for every candidate they make or weigh
LISTED, NAME_SHAPE, CONTEXT, HEAD_SHAPE, SHORT_FORM = Trust


class Candidate(NamedTuple):
    """A reading of `body[start:end]`; `known` is the alias table's entity (or, for a short form, the
    person it stands for), None for a name in no list; `rule` names what found it (`mentions.rule`)."""
    start: int
    end: int
    type: str
    trust: Trust
    known: Known | None
    rule: str


_GLUED_OF = re.compile(r"\b([A-Z][a-z]{3,})(?=of (?:the )?[A-Z])")


def identity(body: str, c: Candidate, lex: Lexicon) -> tuple[str, str]:
    """The name and id of a reading (computed only for the readings kept: slugs are not free)."""
    if c.known is not None:
        return c.known.name, c.known.id
    name = canonical(body[c.start:c.end])
    if "of " in name:
        name = _GLUED_OF.sub(r"\1 ", name)  # `Councilof the …` (a head glued to its `of`) is named `Council of the …`
    if c.type == "place" and (cut := name.rfind(" ")) > 0 and name[cut + 1:] in lex.city_heads and " " not in name[:cut]:
        name = name[:cut]  # `Songrim City` -> `Songrim`, as the guidelines name `Pyongyang City`; `Nampho Municipality`
    return name, entity_id(c.type, name)


# What a token's text is, as bits of `Token.kind`: the passes test a bit instead of running a regex per token
NAME_WORD = 1   # a word or initials of a personal name (`_NAME_WORD`, `_INITIALS`)
INITIALS = 2    # initials (`_INITIALS`)
SHAPE_WORD = 4  # a capitalised word of an organisation or place name (`_SHAPE_WORD`)
ACRONYM = 8     # an acronym (`_ACRONYM`)


def word_kind(text: str) -> int:
    initials = _INITIALS.fullmatch(text) is not None
    return ((NAME_WORD if initials or _NAME_WORD.fullmatch(text) else 0) | (INITIALS if initials else 0)
            | (SHAPE_WORD if _SHAPE_WORD.fullmatch(text) else 0) | (ACRONYM if _ACRONYM.fullmatch(text) else 0))


class Token:
    """A capitalised token of a run (a plain class: tens of them per body, made fast)."""
    __slots__ = ("text", "start", "end", "join", "possessive", "kind")

    def __init__(self, text: str, start: int, end: int, join: str, possessive: bool, kind: int):
        self.text = text              # as in the body, possessive removed (`Un` of `Un's`)
        self.start, self.end = start, end  # `end` is before the possessive: it stays outside the name
        self.join = join              # small words between the previous token of the run and this one
        self.possessive = possessive
        self.kind = kind              # `word_kind(text)`


def joined(gap: str, join: re.Pattern) -> str | None:
    """The small words of a gap between two tokens of one run (`of the`), or None if the gap ends the run."""
    m = join.fullmatch(gap)
    return " ".join(gap.split()) if m else None


SHORT_GAP = 24  # the few distinct short gaps recur in every body; longer ones are read each time


def token_reading(matched: str, head_words: frozenset[str]) -> tuple[str, int, bool, bool, int, bool]:
    """A token as `_TOKEN` matched it, read: its text (possessive and glued `of` cut off), how many characters
    were cut off its end, whether it was possessive, whether it is a head glued to the `of` after it, its
    `word_kind`, and whether it ends with a full stop (initials)."""
    text, cut = matched, 0
    possessive = text.endswith(("'s", "\u2019s"))
    if possessive:
        text, cut = text[:-2], 2
    # a head glued to the `of` after it, as some sources print (`Councilof the …`): the head, then `of`
    glued = not possessive and text.endswith("of") and text[:-2] in head_words
    if glued:
        text, cut = text[:-2], cut + 2
    return text, cut, possessive, glued, word_kind(text), text.endswith(".")


def runs(body: str, lex: Lexicon) -> list[list[Token]]:
    """Maximal runs of capitalised tokens, joined by spaces and small words."""
    out: list[list[Token]] = []
    run: list[Token] = []
    join_pattern = lex.join
    known_gaps = lex.gaps
    prev_end, prev_initials, glued = -1, False, False
    head_words, readings = lex.head_words, lex.readings
    for m in _TOKEN.finditer(body):
        s, end = m.span()
        matched = m.group()
        if (reading := readings.get(matched)) is None:
            reading = token_reading(matched, head_words)
            if len(readings) < 16384:  # ~2,200 distinct texts in 2,235 bodies, ~110 bytes each
                readings[matched] = reading
        text, cut, possessive, glue, kind, dotted = reading
        if not run:
            join = None
        elif prev_end == s:
            join = "" if prev_initials else None  # `V.V.Yakushev`
        else:
            gap = body[prev_end:s]
            if len(gap) > SHORT_GAP:
                join = joined(gap, join_pattern)
            elif (join := known_gaps.get(gap, False)) is False:
                join = joined(gap, join_pattern)
                if len(known_gaps) < 4096:
                    known_gaps[gap] = join
        if glued and join is not None:
            join = f"of {join}".rstrip()
        if join is None:
            if run:
                out.append(run)
            run = []
            join = ""
        glued = glue
        run.append(Token(text, s, end - cut, join, possessive, kind))
        prev_end, prev_initials = end, dotted
    if run:
        out.append(run)
    return out


def glued_small_word(body: str, s: int) -> bool:
    """Whether a small word is glued to the name at `s` (`thePalestine`, `theState of Palestine`): a space the
    source lost, so the name starts there all the same."""
    return _GLUED_SMALL.search(body, max(0, s - 3), s) is not None


def known_candidates(body: str, tokens: list[list[Token]], lex: Lexicon, unfinished: list[int]) -> list[Candidate]:
    """Aliases of the table, tried where a capitalised word starts (also after a hyphen: `DPRK-Russia`).

    The first two words of the body there pick the few aliases that can match; they are read from the
    tokens of the run where possible (a regex search only at the end of a run). Where the first two words of
    an alias of two words and more stand but none matches, the start goes to `unfinished` (the name may be
    glued to the word after it: `Kim Jong Unreceived`).
    """
    out: list[Candidate] = []
    aliases, first_words = lex.aliases, lex.first_words
    others = []  # starts inside a hyphenated token, or of an alias in lower case
    for run in tokens:
        last = len(run) - 1
        for i, t in enumerate(run):
            text = t.text
            if "-" in text:
                others += [t.start + j + 1 for j, ch in enumerate(text) if ch == "-" and text[j + 1:j + 2].isupper()]
            if not text.isalnum():
                others.append(t.start)
                continue
            if text not in first_words or (i == 0 and t.start and body[t.start - 1].isalnum()
                                            and not glued_small_word(body, t.start)):
                continue
            if t.possessive:
                second = "s"
            elif i < last:
                nxt = run[i + 1]
                second = nxt.join.split(" ", 1)[0] if nxt.join else leading_word(nxt.text)
            else:
                m = _ALNUM.search(body, t.end, t.end + 16)
                second = m.group() if m else ""
            hit = matched(body, t.start, text, second, aliases)
            if hit:
                out.append(hit)
            elif (i + 2 <= last and (text, second) in lex.glued_keys
                  and run[i + 2].text not in lex.middle_syllables):  # (not `Kim Jong Sik`, a name in no list)
                unfinished.append(t.start)
    if lex.lower_aliases:
        others += [m.start() for m in lex.lower_aliases.finditer(body)]
    for s in others:
        if s and body[s - 1].isalnum() and not glued_small_word(body, s):
            continue
        first = _ALNUM.match(body, s)
        if first is None or first.group() not in first_words:
            continue
        second = _ALNUM.search(body, first.end(), first.end() + 16)
        hit = matched(body, s, first.group(), second.group() if second else "", aliases)
        if hit:
            out.append(hit)
    return out


# a capital glued to the small letter or mark before it, that character included (a lookbehind made every
# position of every body a test: 3 % of the extractor's time); or to `HE` (His Excellency: `HEKim`, `H.E.Kim`)
_GLUED_CAPITAL = re.compile(rf"[{_LOW},;)][{_UP}]")
_GLUED_TO_HE = re.compile(rf"\bH\.?E\.?(?=[{_UP}])")


def glued_names(body: str, lex: Lexicon, unfinished: list[int]) -> list[Candidate]:
    """Persons of the alias table whose name the source glued to the words around it, as some scraped copies do
    (`the respected ComradeKim Jong Unvisited …`): read from the capital glued to the word before, and where
    an alias's first two words stand unfinished (`unfinished`, from `known_candidates`) from a name glued only
    to the word after (`. Kim Jong Unsaid`), which must then open with a small letter."""
    out = []
    starts = [g.start() + 1 for g in _GLUED_CAPITAL.finditer(body)]
    if "HE" in body or "H.E." in body:
        starts = sorted(starts + [g.end() for g in _GLUED_TO_HE.finditer(body)])
    glued_before = set(starts)
    for s in sorted(glued_before.union(unfinished)) if unfinished else starts:
        if (m := lex.glued_persons.match(body, s)) is not None and not body[m.end():m.end() + 1].isupper() and (
                s in glued_before or glued_word(body, m, lex)):
            # not a name glued to a capital after it, which names something after the person (`SungUniversity`)
            out.append(Candidate(m.start(), m.end(), "person", LISTED, lex.by_name.get(("person", canonical(m.group()))),
                                 "alias"))
    return out


def glued_word(body: str, m: re.Match, lex: Lexicon) -> bool:
    """Whether the name `m` is glued to a word after it (`Kim Jong Unsaid`): two small letters and more, that with
    the name's last word make no syllable of a name (`Ri Myong Sun` is no `Ri Myong Su` glued to `n`)."""
    rest = _ALNUM.match(body, m.end())
    return (rest is not None and len(rest.group()) > 1 and rest.group().islower()
            and m.group().rsplit(None, 1)[-1] + rest.group() not in lex.middle_syllables)


def outside(tokens: list[list[Token]], spans: list[Candidate]) -> list[list[Token]]:
    """The runs cut where they overlap these spans, the tokens overlapping them left out: a glued name's words are
    no part of a name by shape around it (`ChairmanKim Jong Ilvisited Hwaphyong County`: `Hwaphyong County`)."""
    out = []
    for run in tokens:
        part: list[Token] = []
        for t in run:
            if any(c.start < t.end and t.start < c.end for c in spans):
                if part:
                    out.append(part)
                part = []
            else:
                part.append(t)
        if part:
            out.append(part)
    return out


def leading_word(text: str) -> str:
    if text.isalnum():
        return text
    m = _ALNUM.match(text)
    return m.group() if m else ""


def matched(body: str, s: int, first: str, second: str, aliases) -> Candidate | None:
    """The longest alias of the table at `s` that opens with these words, as a candidate."""
    entry = aliases.get((first, second)) if second else None
    entry = entry or aliases.get((first, ""))
    hit = entry and entry.match(body, s)
    if not hit:
        return None
    known = entry.known[hit.lastindex - 1]
    return Candidate(s, hit.end(), known.type, LISTED, known, "alias")


def korean_candidates(body: str, run: list[Token], lex: Lexicon) -> list[Candidate]:
    """A surname and two given-name syllables, written as three words (`Choe Son Hui`); a surname and
    one syllable standing alone, less sure (`Pak Chol of the Kigwancha Sports Team`)."""
    out = []
    for i in range(len(run) - 1):
        a, b = run[i], run[i + 1]
        if (a.text in lex.pair_surnames and b.text in lex.syllables and not b.join
                and not a.possessive and not (i and not a.join) and not (i + 2 < len(run) and not run[i + 2].join)
                and not (a.start and _WORD_CHAR.match(body, a.start - 1))):
            out.append(Candidate(a.start, b.end, "person", CONTEXT, None, "korean-pair"))
    for i in range(len(run) - 2):
        a, b, c = run[i], run[i + 1], run[i + 2]
        if (a.text in lex.surnames_all and b.text in lex.middle_syllables
                and (c.text in lex.syllables or len(c.text) == 1 and c.text in lex.middle_syllables
                     and b.text in lex.syllables and _LISTED_AFTER.match(body, c.end))  # `Kim Song I, Kim …`
                and not (b.join or c.join or a.possessive or b.possessive)
                and not (a.start and _WORD_CHAR.match(body, a.start - 1) and not prefixed(body, a.start))):
            out.append(Candidate(a.start, c.end, "person", NAME_SHAPE, None, "korean-name"))
    return out


def prefixed(body: str, start: int) -> bool:
    """A name after a prefix and its hyphen (`anti-Yoon Suk Yeol`, `pro-Lee Myung Bak`): the name all the same."""
    return body.endswith("-", 0, start) and start > 1 and body[start - 2].islower()


def chinese_candidates(body: str, run: list[Token], lex: Lexicon) -> list[Candidate]:
    """A Chinese family name and a given name of two pinyin syllables (`Peng Dehuai`), standing alone."""
    out = []
    for i in range(len(run) - 1):
        a, b = run[i], run[i + 1]
        if (a.text in lex.chinese_surnames and not b.join and not a.possessive and _PINYIN2.fullmatch(b.text.lower())
                and b.text[:1].isupper() and b.text[1:].islower()
                and not (i and not a.join) and not (i + 2 < len(run) and not run[i + 2].join)):
            out.append(Candidate(a.start, b.end, "person", CONTEXT, None, "chinese-name"))
    return out


def name_segments(body: str, run: list[Token], lex: Lexicon) -> list[list[Token]]:
    """The parts of a run that can be a personal name: name words, inner initials and particles.

    Anything else splits the run (`Russian President Vladimir Putin` -> `Vladimir Putin`); titles and
    sentence openers are dropped from the front of a part (`Madame Marta Rivas` -> `Marta Rivas`; but
    `were To Huy Rua`). A part ends with a word; one word alone counts only after a title.
    """
    out: list[list[Token]] = []
    seg: list[Token] = []

    def close() -> None:
        while seg and seg[-1].text.endswith("."):
            seg.pop()
        del seg[:title_initials(seg, lex)]
        if seg and not seg[-1].text.endswith("."):
            out.append(seg[:])
        seg.clear()

    particles, not_person, title_words = lex.particles, lex.not_person, lex.title_words
    # (`close` does nothing to an empty part: called only on one)
    for i, t in enumerate(run):
        if seg and t.join and not particles.issuperset(t.join.split()):
            close()
        text = t.text
        if (seg and text in title_words and i + 1 < len(run) and not run[i + 1].join
                and fold(text).lower() in lex.titles):
            close()  # a title inside a run ends a name and opens the next (`Cambodian King Norodom Sihanouk`)
            continue
        # a one-letter Korean syllable is a word of a name (`Ri Nung O`, `U Tong Chuk`), not an initial
        name_like = t.kind & NAME_WORD or (
            len(text) == 1 and (seg and text in lex.middle_syllables or text in lex.surnames))
        if text in not_person or not name_like:
            if seg:
                close()
        elif seg or not (text in title_words or (text in lex.openers and sentence_start(body, t.start))
                         or (t.start and _WORD_CHAR.match(body, t.start - 1))):
            seg.append(t)
            if t.possessive:
                close()
    if seg:
        close()
    return out


def title_initials(seg: list[Token], lex: Lexicon) -> int:
    """How many initials open `seg` that spell a title, not a name (`E. P.` for Ambassador Extraordinary and
    Plenipotentiary, before `E. P. Jose Garcia`)."""
    if not seg or not seg[0].text.endswith("."):
        return 0
    spelt = ""
    for i, t in enumerate(seg):
        if not t.kind & INITIALS:
            break
        spelt += t.text.lower()
        if spelt in lex.titles or " ".join(spelt.replace(".", ". ").split()) in lex.titles:
            return i + 1
    return 0


def sentence_start(body: str, pos: int) -> bool:
    """Whether `pos` opens a sentence, a paragraph, a quotation or a bracket."""
    i = pos - 1
    while i >= 0 and body[i] in " \u00a0":
        i -= 1
    return i < 0 or body[i] in "\n.!?:;\"\u201c(\u2014-"


def titled(body: str, start: int, lex: Lexicon, titles: frozenset[str] | None = None) -> bool:
    """A title right before `start` (`General Secretary `, `its chairman `, `People's Scientist `); of
    `titles` if given (`lex.plural_titles`), else of any title."""
    if not start or body[start - 1] not in " \u00a0":
        return False
    before = body[max(0, start - 30):start].rsplit(None, 1)  # the last word is all it needs
    if before and fold(before[-1]).lower() in lex.title_ends:  # else the word before is the last word of no title
        words = fold(body[max(0, start - 60):start]).lower().split()
        if any(" ".join(words[-k:]) in (titles or lex.titles) for k in range(1, min(lex.title_length, len(words)) + 1)):
            return True
    posted = (_POSTED_TO.search(body, max(0, start - 24), start)
              if titles is None and start > 1 and body[start - 2].isupper() else None)  # after an acronym only
    # `Russian Ambassador to the DPRK Andrei Karlov`: the title before where it is posted
    return posted is not None and titled(body, posted.start(), lex, lex.titles)


def context_candidates(body: str, seg: list[Token], lex: Lexicon) -> list[Candidate]:
    """A name in no list, known for a person by its context; a surname alone only after a title
    (`President Assad`; not a Korean surname: `General Kim` is no name in these texts)."""
    out = []
    head = seg[:MAX_NAME_WORDS]
    if (len(seg) > 1 or seg[0].text not in lex.surnames_all) and titled(body, head[0].start, lex):
        out.append(Candidate(head[0].start, head[-1].end, "person", CONTEXT, None, "title-before"))
    if len(seg) < 2:
        return out
    tail = seg[-MAX_NAME_WORDS:]
    end = tail[-1].end
    comma = _COMMA.match(body, end)
    if comma and lex.role_cue.match(body, comma.end()):
        out.append(Candidate(tail[0].start, end, "person", CONTEXT, None, "role-after"))
    elif lex.speech.match(body, end):
        out.append(Candidate(tail[0].start, end, "person", CONTEXT, None, "speech-after"))
    return out


def shape_word(t: Token) -> bool:
    """A word that can stand in an organisation or place name: capitalised, or an acronym (`KPA`, `U.S.`)."""
    return t.kind & (SHAPE_WORD | ACRONYM) != 0


def head_type(run: list[Token], h: int, lex: Lexicon) -> str | None:
    """`place` or `organization` when token `h` ends a head (two-word heads first: `Power Station`)."""
    if h and not run[h].join:
        pair = f"{run[h - 1].text} {run[h].text}"
        if pair in lex.org_heads:
            return "organization"
        if pair in lex.place_heads:
            return "place"
    text = run[h].text
    return "place" if text in lex.place_heads else "organization" if text in lex.org_heads else None


def nested_head(word: str, lex: Lexicon) -> bool:
    """An organisation head, or its plural, inside a tail: it opens a `for` tail of its own (`Council of Societies
    for the Study of …`), where any other word ends the tail (`Ministry of Culture for the Victory Day`)."""
    return word in lex.org_heads or (word.endswith("ies") and word[:-3] + "y" in lex.org_heads) or (
        word.endswith("s") and word[:-1] in lex.org_heads)


def coordinated_head(run: list[Token], h: int, k: int, lex: Lexicon) -> bool:
    """The tail `run[h + 1:k + 1]` goes on past an `and` to another head: it holds two names (`Songchon County of
    South Phyongan Province and Unsan County of North …`), not one."""
    joined = next((j for j in range(h + 2, k + 1) if run[j].join in ("and", "&")), None)
    return joined is not None and any(head_type(run, j, lex) for j in range(joined, k + 1))


def coordinated_from(run: list[Token], h: int, k: int, lex: Lexicon) -> int | None:
    """Where the tail `run[h + 1:k + 1]` goes on past an `and` to a name of its own: words joined by spaces ending in
    an organisation head that has an `of`/`for` tail of its own or is the first name's head (`… University of
    Technology and Chongjin University of Agriculture`). The index of that `and`, or None: not `… of the Pyongyang
    Song and Dance Ensemble`, `Bureau of Land and Sea Transport`, `Department of Press and Information of …`."""
    for j in range(h + 2, k + 1):
        if run[j].join in ("and", "&"):
            i = j + 1
            while i <= k and not run[i].join:
                if head_type(run, i, lex) == "organization" and (
                        run[i].text == run[h].text or i < k and run[i + 1].join in lex.tail_openers):
                    return j
                i += 1
    return None


def in_tail(run: list[Token], i: int, lex: Lexicon) -> bool:
    """Whether token `i` is in the `of`/`for` tail of a name before it: the words back to it are joined by spaces,
    the first of them by a word that opens a tail, after a head (`… University of Light Industry`; not a title's
    `Director General of the Food …`)."""
    while i > 0 and not run[i].join:
        i -= 1
    return i > 0 and run[i].join in lex.tail_openers and head_type(run, i - 1, lex) is not None


def place_tail_crosses(run: list[Token], h: int, k: int, lex: Lexicon) -> bool:
    """A place's tail `run[h + 1:k + 1]` that opens with `for` (where a train goes: `left Kowon Railway Station for
    Hamhung`), goes on past a `with` (`Sevastopol City of Russia with U.S.-supplied`) or past an `and` after a
    head of its own (`… County of North Phyongan Province and Phangyo and …`): those words are no part of it."""
    if run[h + 1].join in ("for", "for the"):
        return True
    for j in range(h + 2, k + 1):
        if run[j].join in ("with", "with the"):
            return True
        if run[j].join in ("and", "&") and any(head_type(run, i, lex) for i in range(h + 1, j)):
            return True
    return False


def tail_ends(run: list[Token], h: int, lex: Lexicon) -> list[int]:
    """Where an `of`/`for` tail after the head can end: before an inner `and`, and after it."""
    if run[h].possessive or h + 1 >= len(run) or (
            run[h + 1].join not in lex.tail_openers and not (run[h + 1].join == "in" and run[h].text in lex.in_tail_heads)):
        return []
    ends, k, nested = [], h + 1, False
    while (k < len(run) and k - h <= 6 and (k == h + 1 or run[k].join in lex.tail_joins) and shape_word(run[k])
           and run[k].text not in lex.tail_stops  # `… of Cuba Friday`
           and (run[k].join or run[k].text not in lex.title_words or k + 1 == len(run)  # `… President Ri`
                or run[k + 1].join  # not `… Economic Workers in China`, `… Korean Businessmen in China`
                or run[k + 1].text in lex.head_words)  # nor `… Journalist Association`
           and not (run[k].join in ("for", "for the") and not nested_head(run[k - 1].text, lex))
           and not (run[k].join in ("and", "&") and run[k].text in lex.title_words)  # `… of Korea and President of …`
           and not (run[k].join in ("in", "in the") and run[h].text not in lex.in_tail_heads  # `Embassy of X in Y`
                    and not (nested and run[h].text in lex.common))):  # `Committee of the Union of … in Japan`
        if run[k].join in ("and", "&") and k > h + 1:
            ends.append(k - 1)
        nested = nested or run[k].text in lex.in_tail_heads  # an organ's tail holds a body named with `in`
        k += 1
    return sorted(set(ends + [k - 1])) if k > h + 1 else []


def known_place(body: str, run: list[Token], i: int, k: int, lex: Lexicon) -> bool:
    """Whether tokens `i`..`k` of the run name a place of the alias table."""
    return ("place", canonical(body[run[i].start:run[k].end])) in lex.by_name


def shape_candidates(body: str, run: list[Token], lex: Lexicon) -> list[Candidate]:
    """An organisation or place in no list, by its head word (`Kosan County`, `Sangwon Cement Complex`).

    Before the head: up to 4 capitalised words for a place (`Pothong Riverside Terraced Residential District`), 5
    for an organisation, and one `and` between two of them (`Song and Dance Ensemble`); after it, `of`/`for` and up to 6 words (`Ministry of Agriculture`,
    `Central Committee of the Communist Party of Viet Nam`), and a number (`Unit 525`). A name made
    only of common organ words (`Political Bureau`) is none.
    """
    out = []
    head_words = lex.head_words
    for h, head in enumerate(run):
        # the last word of every head is in `head_words`: the others end none
        kind = head_type(run, h, lex) if head.text in head_words else None
        if kind is None or (h + 1 < len(run) and not run[h + 1].join and run[h + 1].kind & SHAPE_WORD
                            and not head.possessive and run[h + 1].text not in lex.title_words
                            and head_type(run, h + 1, lex) is None and run[h + 1].text not in lex.surnames_all
                            and run[h + 1].text not in lex.tail_stops):
            continue  # the name goes on past the head: `National University Students' Sports Games`
        if kind == "place" and h + 1 < len(run) and run[h + 1].join == "of" and run[h + 1].text in lex.body_tails:
            kind = "organization"  # `House of Representatives`
        first, limit, crossed = h, 4 if kind == "place" else 5, False
        while first > 0 and h - first < limit + crossed:
            join, before = run[first].join, run[first - 1]
            if not join and (shape_word(before) or before.text in lex.middle_syllables):  # `Yun I Sang Music Institute`
                first -= 1
            elif (join in ("and", "&") and not crossed and kind == "organization" and before.kind & SHAPE_WORD
                  and head_type(run, first - 1, lex) is None and not before.possessive
                  and head_type(run, first, lex) is None  # not `General Staff and Ministry of …`
                  and not in_tail(run, first - 1, lex)):  # nor into the tail of a name before (`… of Light Industry and …`)
                first, crossed = first - 1, True  # `Song and Dance Ensemble`, `Research and Production Centre`
            else:
                break
        if (first > 0 and h - first == limit and not run[first].join and shape_word(run[first - 1])
                and run[first - 1].text not in lex.surnames_all and run[first].text in lex.surnames_all and run[first + 1].text in lex.middle_syllables):
            first -= 1  # a place before the person a name is after: `Hamhung Choe Hui Suk Teacher Training College`
        elif (kind == "place" and first > 0 and h - first == limit and not run[first].join
              and run[first - 1].text in lex.surnames_all and run[first + 1].text in lex.syllables
              and (run[first].text in lex.syllables or run[first].text in lex.middle_syllables)):
            first -= 1  # a site named after a person, the limit cut after the surname: `Yun I Sang Concert Hall`
        if (first == 0 and run[0].start and _WORD_CHAR.match(body, run[0].start - 1)
                and not glued_small_word(body, run[0].start)):
            first = 1  # the run starts inside a word (`anti-Japanese`)
        while first < h and run[first].text in lex.openers:
            first += 1
        while head.text in lex.media_heads and first < h - 1 and (run[first].text in lex.not_person or (
                run[first].text in lex.place_qualifiers and run[first + 1].text in lex.not_person)):
            first += 1  # `the Japanese Mainichi Shimbun`, `South Korean Chosun Ilbo`: the newspaper's name alone
        start, dated = run[first].start, False
        if first == 0 and (day := _DATE_BEFORE.search(body, max(0, start - 16), start)) and (
                day.group(1) in lex.months and len(day.group(1)) > 3 or day.group(1) == "May"):
            start, dated = day.start(1), True  # named after a day: `April 25 Sports Team`, `February 8 Vinalon Complex`
        if (first == 0 and kind == "organization" and run[0].text in lex.common and lex.placed_organ
                and (placed := lex.placed_organ.search(body, max(0, start - 80), start))):
            start = placed.start()  # a local organ, province in commas: `Haeju City, South Hwanghae Province, Committee`
        ends = tail_ends(run, h, lex)
        if kind == "organization" and ends:  # `Hambuk University of Technology and Chongjin University of …`: two
            second = coordinated_from(run, h, ends[-1], lex)
            last_award = max((j for j in range(h + 1, len(run)) if run[j].text in lex.award_heads), default=h)
            award = next((j for j in range(h + 1, last_award) if run[j].join == "and"), None)
            ends = [k for k in ends if (second is None or k < second)
                    and (award is None or k < award)]  # not `… of Commerce and Merited Barber's Title`: an award
            if head.text in lex.located_org_heads and first < h:  # `Chojang Farm of Kwaksan County`: where it is
                ends = [k for k in ends if not (  # (not a body in the tail: `… Farm of the … Committee of … Province`)
                    (run[k].text in lex.short_place_heads or known_place(body, run, h + 1, k, lex))
                    and not any(run[j].text in lex.org_heads for j in range(h + 1, k + 1)))]
        if kind == "place":  # `Kyongsong County of North Hamgyong Province` is two places
            ends = [k for k in ends if head_type(run, k, lex) is None and not coordinated_head(run, h, k, lex)
                    and not place_tail_crosses(run, h, k, lex)]
            if head.text not in lex.unlocated_place_heads and first < h:  # so is `Primorye Region of Russia`,
                # `Maizuru Port of Japan` (a known place in the tail; not `City of Havana`, `Bolshoi Theatre of Russia`)
                ends = [k for k in ends if not known_place(body, run, h + 1, k, lex)]
        number = None if head.possessive else _NUMBERED.match(body, head.end) or (
            _NUMBER.match(body, head.end) if head.text in lex.numbered_heads else None)
        for last in ends or [h]:
            if last == h and not dated and (first == h or first == h - 1 and not head.join and (
                    (pair := f"{run[first].text} {head.text}") in lex.org_heads or pair in lex.place_heads)) and not (
                    kind == "place" and head.text in lex.to_tail_heads and _TO_TAIL.match(body, head.end)):
                continue  # a head alone, of one word or two: `the Ministry`, `the Republic`, `the Power Station`,
                # `(lark) Hot Spring` (not `the Monument to Loyalty`, nor named after a day: `September 9 Street`)
            if all(t.text in lex.common for t in run[first:last + 1]):
                continue  # `Political Bureau`, `Party Central Committee`: a common noun
            if last == h == first + 1 and head.text in lex.national_bodies and run[first].text in lex.demonyms:
                continue  # `the fraternal Korean Party`, `the Chinese Party and state`: a common noun too
            end = number.end() if number and last == h else run[last].end
            if head.text in lex.to_tail_heads and (to := _TO_TAIL.match(body, end)):
                end = to.end()  # where a mission is posted: `Permanent Mission of the DPRK to the United Nations`
            if "Party" in (run[last].text, head.text) and (faction := _FACTION.match(body, end)):
                end = faction.end()  # a party's faction: `Syrian Communist Party (Unified)`, also in a tail
            elif run[last].text == "Co" and (limited := _LIMITED.match(body, end)):
                end = limited.end()  # `Hengfeng Trade Co. Ltd.`
            if kind == "organization" and lex.portfolio and lex.portfolio.search(body, max(0, run[first].start - 24),
                                                                                 run[first].start):
                continue  # `minister of the People's Armed Forces`: a title's portfolio
            out.append(Candidate(start, end, kind, HEAD_SHAPE, None, f"{ID_PREFIX[kind]}-head"))
    return out


def media_candidates(body: str, run: list[Token], cue: re.Pattern | None) -> list[Candidate]:
    """A newspaper, magazine or agency named right after a word for it (`the newspaper Patriot`, `editor-in-chief
    of the Zavtra`): the capitalised words that open the run, up to four. `cue` is the lexicon's `media_cue`, or
    None when the body holds none of its words."""
    if cue is None or not cue.search(body, max(0, run[0].start - 24), run[0].start):
        return []
    last = 0
    while last + 1 < min(len(run), 4) and not run[last + 1].join and not run[last].possessive:
        last += 1
    if not all(shape_word(t) for t in run[:last + 1]):
        return []
    return [Candidate(run[0].start, run[last].end, "organization", HEAD_SHAPE, None, "media-cue")]


def plural_head_places(body: str, lex: Lexicon) -> list[Candidate]:
    """Each name of a list before a plural place head in lower case (`Taedong, Kujang and Hyangsan counties`), or
    before `and other` places (`Songdowon, Majon and Haksadae, and other beauty spots`)."""
    lists = []
    if lex.plural_places is not None and any(h in body for h in lex.plural_place_heads):
        for m in lex.plural_places.finditer(body):
            plural = m.group().rsplit(None, 1)[-1]
            lists.append((m, (plural[:-3] + "y" if plural.endswith("ies") else plural[:-1]).capitalize()))  # `County`
    if lex.other_places is not None and "and other" in body:
        for end in lex.other_places.finditer(body):  # the list read back from where it ends (a window: not every
            # capitalised word of the body tried as the start of a list)
            if m := lex.listed_names.search(body, max(0, end.start() - 400), end.start()):
                lists.append((m, ""))
    out = []
    for m, head in lists:
        for name in _LIST_NAME.finditer(body, m.start(), m.end()):
            words = name.group().split()
            start = name.start() + (len(words[0]) + 1 if len(words) > 1 and words[0] in lex.openers else 0)
            if not lex.not_person.isdisjoint(words) or words[-1] in lex.openers:
                continue  # `Korean and Chinese cities`
            # named as the article or the alias table names it with its head (`Jaeryong County`), if either does
            # or with a head that opens it (`Lake Samji` before `Samji and Rimyong lakes`)
            forms = [f"{body[start:name.end()]} {head}"] + (
                [f"{head} {body[start:name.end()]}"] if head in lex.prefix_heads.values() else [])
            known = None if not head else (
                next((lex.by_name[k] for f in forms if (k := ("place", canonical(f))) in lex.by_name), None)
                or next((Known(entity_id("place", f), "place", f) for f in forms if f in body), None))
            out.append(Candidate(start, name.end(), "place", HEAD_SHAPE, known, "place-head"))
    return out


def prefix_places(body: str, lex: Lexicon) -> list[Candidate]:
    """Places whose name a head opens (`Mt. Jongbang`, `Lake Chon`), named as the alias table names such places
    (Mt Jongbang); after a plural one, each name of the list it opens, the head outside (`Mounts [Taesong] and
    [Ryongak]`), named with it (Mt Taesong)."""
    out = []
    if not any(h in body for h in lex.prefix_heads):
        return out

    def named(head: str, name: str) -> Known:
        full = f"{lex.prefix_heads[canonical(head)]} {name}"
        return lex.by_name.get(("place", canonical(full))) or Known(entity_id("place", full), "place", full)

    if lex.prefix_places is not None:
        for m in lex.prefix_places.finditer(body):
            out.append(Candidate(m.start(), m.end(), "place", HEAD_SHAPE, named(m.group(1), m.group(2)), "place-head"))
    if lex.prefix_lists is not None:
        for m in lex.prefix_lists.finditer(body):
            for name in _ALNUM.finditer(body, m.start(2), m.end()):
                if name.group() != "and":
                    out.append(Candidate(name.start(), name.end(), "place", HEAD_SHAPE, named(m.group(1), name.group()),
                                         "place-head"))
    return out


def suffix_places(body: str, lex: Lexicon, known: list[Candidate]) -> list[Candidate]:
    """A Korean village, ward or town by the ending of its word (`Chongsan-ri`, `Ryonhwa-dong`), also named
    after a place of the alias table (`known`: `Paektusan Secret Camp-dong`)."""
    if lex.place_suffixed is None or not any(s in body for s in lex.place_suffixes):
        return []
    out = [Candidate(m.start(), m.end(), "place", HEAD_SHAPE, None, "place-head")
           for m in lex.place_suffixed.finditer(body)]
    return out + [Candidate(c.start, m.end(), "place", HEAD_SHAPE, None, "place-head") for c in known
                  if c.type == "place" and (m := lex.place_suffix.match(body, c.end)) is not None]


def work_candidates(body: str, run: list[Token], lex: Lexicon) -> list[Candidate]:
    """Awards, orders and titles (`Kim Il Sung Prize`, `Order of Kim Jong Il`, `the title of Labour Hero`).

    Not mentions, and no name inside them is one: they are read only to cover the names they hold.
    """
    out = []
    if body[max(0, run[0].start - 9):run[0].start] == "title of ":
        last = next((i - 1 for i, t in enumerate(run) if i and t.join == "and"), len(run) - 1)
        out.append(Candidate(run[0].start, run[last].end, WORK, LISTED, None, "title-of"))
    for h, head in enumerate(run):
        document = head.text in lex.document_heads
        if head.text not in lex.award_heads and not document:
            continue
        first = h
        while first > 0 and h - first < 6 and not run[first].join and shape_word(run[first - 1]):
            first -= 1
        last = max(tail_ends(run, h, lex) or [h])
        start, end = run[first].start, run[last].end
        if document:  # `Treaty on Comprehensive Strategic Partnership between the DPRK and the Russian Federation`
            m = _DOCUMENT_TAIL.match(body, head.end)
            end = max(end, m.end() if m else end)
            pair = _PAIR_BEFORE.search(body, max(0, start - 40), start)
            start = pair.start() if pair else start
        if first < last or end > head.end or start < run[first].start:
            out.append(Candidate(start, end, WORK, LISTED, None, "award-head"))
    return out


def lower_head_place(run: list[Token], lex: Lexicon, head_end: int = 0) -> list[Candidate]:
    """Places in no list, one or two capitalised words before a place head in lower case (`Nakhodka city`, `the
    Hwasong area`): `run` is followed by one (`candidates` reads the word after it). Only the words after the
    run's last small word (`Paekhak-dong in [Sonbong] area`); coordinated ones are a place each (`[Songsin] and
    [Songhwa] areas`). A sentence opener is no name (`The city`), nor an
    adjective (`Rural areas`, `the Western area`: a word of direction or with an adjective's ending). With `head_end`
    (a landmark's head: `Ryongmun cave`) the last one's name goes on to it."""
    tail = len(run)
    while tail > 0 and run[tail - 1].join in ("", "and"):
        tail -= 1
    groups: list[list[Token]] = []
    for i in range(max(tail - 1, 0), len(run)):
        if not groups or run[i].join == "and":
            groups.append([])
        groups[-1].append(run[i])
    if groups[0][0].text in lex.openers:
        groups[0].pop(0)
    if run[-1].possessive or any(len(g) > 2 or not all(t.kind & SHAPE_WORD for t in g) for g in groups):
        return []
    return [Candidate(g[0].start, head_end if head_end and g is groups[-1] else g[-1].end, "place", HEAD_SHAPE, None,
                      "place-head") for g in groups
            if g and not any(t.text in lex.place_qualifiers or t.text.endswith(lex.adjective_endings) for t in g)]


def landmark_head(body: str, run: list[Token], after: re.Match, lex: Lexicon) -> bool:
    """Whether the landmark's head after the run (`Ryongmun cave`) is part of a name: not after a word that names
    something alone (a village, `the Taedong-ri valley`; a name of the alias table, `the Taedong River valley`, `Seoul
    falls into chaos`), nor a verb (`Victory Day falls on …`: a head that is a verb too, before a word verbs take)."""
    last = run[-1].text
    if lex.place_suffix is not None and lex.place_suffix.search(last):
        return False
    words = body[run[max(0, len(run) - 2)].start:run[-1].end]
    if last in lex.not_person or any((t, canonical(w)) in lex.by_name for t in ("place", "person", "organization")
                                     for w in (words, last)):
        return False  # nor after a word no name is made of (`the Juche rock`)
    if after.group(1) not in lex.verb_place_heads:
        return True
    then = _WORD_AFTER.match(body, after.end())
    if then is None:
        return not _CAPITAL_AFTER.match(body, after.end())
    word = then.group(1)
    return not (word in lex.verb_followers or word.endswith("ly")
                or (lex.lower_aliases is not None and lex.lower_aliases.match(body, then.start(1)))
                or (word == "on" and (date := _DATE_AFTER.match(body, then.end())) is not None
                    and (date.group(1) in lex.tail_stops or date.group(1) in lex.months or date.group(1).isdigit())))


def lowercase_document(run: list[Token], after: re.Match) -> list[Candidate]:
    """A document named by capitalised words and a document head in lower case (`the Pyongyang declaration`):
    a title of a work like `Pyongyang Declaration`, so the place inside it is no mention. `after` is that
    head, the word after the run (`candidates` reads it)."""
    return [Candidate(run[0].start, after.end(), WORK, LISTED, None, "award-head")]


def quoted_titles(body: str) -> list[Candidate]:
    """Titles of works in quotation marks, written in title case (`“Song of General Kim Il Sung”`) or named so
    (`an article titled “Understanding the Middle East through …”`)."""
    out = []
    for m in _QUOTED.finditer(body):
        words = m.group(1).split()
        if len(words) <= 24 and (all(w[:1].isupper() or len(w) <= 3 for w in words)  # speeches' titles are long
                                 or _TITLED.search(body, max(0, m.start() - 24), m.start())
                                 and not m.group(1).endswith("!")):  # a slogan holds names (dev/153)
            out.append(Candidate(m.start(1), m.end(1), WORK, LISTED, None, "quoted-title"))
    return out


def dateline_candidates(body: str, lex: Lexicon) -> list[Candidate]:
    """The place and the agency of the dateline (`Vientiane, March 16 (KCNA) --`)."""
    lead = dateline(body[:body.find("\n")] if "\n" in body else body, lex.months)
    if lead is None:
        return []
    out = [Candidate(0, len(lead.place), "place", HEAD_SHAPE, None, "dateline")]
    if lead.agency and (at := body.find(f"({lead.agency})", len(lead.place))) >= 0:
        out.append(Candidate(at + 1, at + 1 + len(lead.agency), "organization", HEAD_SHAPE, None, "dateline"))
    return out


def candidates(body: str, tokens: list[list[Token]], lex: Lexicon) -> tuple[list[Candidate], list[list[Token]]]:
    """Every reading of the body, and the parts of runs that can be personal names."""
    unfinished: list[int] = []
    known = known_candidates(body, tokens, lex, unfinished)
    if lex.city_after is not None:  # `St. Petersburg City`: the known place with its head, not `Petersburg City`
        known += [Candidate(c.start, m.end(), "place", LISTED, c.known, "alias") for c in known
                  if c.type == "place" and (m := lex.city_after.match(body, c.end))
                  and c.known.name.count(" ") <= body.count(" ", c.start, c.end)]  # not `Gaza` (Strip) `City`
    out = (known + dateline_candidates(body, lex) + quoted_titles(body) + misspelt_names(body, lex)
           + suffix_places(body, lex, known) + plural_head_places(body, lex) + prefix_places(body, lex))
    if glued := glued_names(body, lex, unfinished):
        out += glued
        tokens = outside(tokens, glued)
    segments = []
    # a reading by shape is looked for only in the runs holding a word it needs (a head, a surname)
    work_heads, head_words, surnames, chinese = lex.work_heads, lex.head_words, lex.surnames_all, lex.chinese_surnames
    lower_place_heads, document_heads = lex.lower_place_heads, lex.document_heads
    folded = body.casefold()
    cue = lex.media_cue if any(w in folded for w in lex.media_words) else None
    for run in tokens:
        if cue is not None:
            out += media_candidates(body, run, cue)
        # a head in lower case right after the run: of a document, of a place
        after = _WORD_AFTER.match(body, run[-1].end)
        if after is not None:
            word = after.group(1)
            if word.capitalize() in document_heads:
                out += lowercase_document(run, after)
            if word in lower_place_heads:
                out += lower_head_place(run, lex)
            elif word in lex.named_lower_place_heads and landmark_head(body, run, after, lex):
                out += lower_head_place(run, lex, after.end())
        if len(run) == 1:
            t = run[0]
            if t.text in work_heads or body.endswith("title of ", 0, t.start):
                out += work_candidates(body, run, lex)
            if titled(body, t.start, lex):  # `Mr. Smith`: one word after a title
                for seg in name_segments(body, run, lex):
                    out += context_candidates(body, seg, lex)
            if t.text in lex.to_tail_heads or (t.text in head_words and t.start > 1 and body[t.start - 2].isdigit()):
                out += shape_candidates(body, run, lex)  # `the Monument to Loyalty`, `September 9 Street`
            continue
        texts = {t.text for t in run}
        if not texts.isdisjoint(work_heads) or body.endswith("title of ", 0, run[0].start):
            out += work_candidates(body, run, lex)
        if not texts.isdisjoint(surnames):
            out += korean_candidates(body, run, lex)
        if not texts.isdisjoint(chinese):
            out += chinese_candidates(body, run, lex)
        for seg in name_segments(body, run, lex):
            segments.append(seg)
            out += context_candidates(body, seg, lex)
        if not texts.isdisjoint(head_words):
            out += shape_candidates(body, run, lex)
    return out, segments


def completed(cands: list[Candidate]) -> list[Candidate]:
    """A shaped name that ends inside a known name runs to its end (`X Department of the C.C., WPK`:
    the shape stops at `C.C.`, the alias `C.C., WPK` goes on)."""
    if not any(c.trust == HEAD_SHAPE for c in cands):
        return cands
    known = sorted((k.start, k.end) for k in cands if k.trust == LISTED and k.type != "person")
    starts = [k[0] for k in known]
    out = []
    for c in cands:
        if c.trust == HEAD_SHAPE:
            inner = [e for _, e in known[bisect.bisect_right(starts, c.start):bisect.bisect_left(starts, c.end)]
                     if e > c.end]
            if inner:
                c = c._replace(end=max(inner))
        out.append(c)
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def longest_then_most_trusted(cands: list[Candidate], size: int, body: str = "") -> list[Candidate]:
    """The conflict policy: non-overlapping readings, the longest first, then the most trusted (`Trust`).

    A person known by the alias table or by the shape of a Korean name is not swallowed by a
    weaker reading around it (`Then Choe Son Hui made…`, `Kim Jong Un Inspects … Hospital`),
    except by a name that starts with it (`Kim Il Sung Socialist Youth League`), or by a fuller name
    of a person around a surname (`Alexander Medvedev`). A person inside a known name of another
    kind is not sure (`Pyongyang Medical College of Kim Il Sung University`).
    """
    names = bytearray(size)  # characters inside known names of other kinds
    places: dict[int, int] = {}  # known places, end by start
    for c in cands:
        if c[3] == LISTED and c[2] != "person":
            start, end = c[0], c[1]
            names[start:end] = b"\x01" * (end - start)
            if c[2] == "place":
                places[start] = max(end, places.get(start, end))
    sure = sorted({(c[0], c[1]) for c in cands
                   if c[2] == "person" and c[3] <= NAME_SHAPE and names.find(0, c[0], c[1]) >= 0})
    if sure:
        marks = bytearray(size)
        for p in sure:
            marks[p[0]:p[1]] = b"\x01" * (p[1] - p[0])
        starts = [p[0] for p in sure]
        longest = max(p[1] - p[0] for p in sure)

        def swallows(c: Candidate) -> bool:
            i = bisect.bisect_left(starts, c.end) - 1
            while i >= 0 and sure[i][0] > c.start - longest:
                p = sure[i]
                if (overlaps(c, p) and (c.start, c.end) != p and not (c.type != "person" and c.start == p[0])
                        and not named_after(c, p, places, body)
                        and not (c.type == "person" and c.end == p[1] and " " not in body[p[0]:p[1]]  # `A.R. Belousov`
                                 and names.find(1, c.start, p[0]) < 0)):  # (not `the U.S. Lavrov`)
                    return True
                i -= 1
            return False

        cands = [c for c in cands if c[3] <= NAME_SHAPE or marks.find(1, c[0], c[1]) < 0 or not swallows(c)]
    taken: list[Candidate] = []
    occupied = bytearray(size)
    # longest first, then most trusted, then leftmost, then in the given order (the index)
    for _, _, start, i in sorted([(c[0] - c[1], c[3], c[0], i) for i, c in enumerate(cands)]):
        end = cands[i][1]
        if occupied.find(1, start, end) < 0:
            taken.append(cands[i])
            occupied[start:end] = b"\x01" * (end - start)
    return sorted(taken)


def named_after(c: Candidate, p: tuple[int, int], places: dict[int, int], body: str) -> bool:
    """An organisation or place named after a person: its place before the name (`Sariwon Ri Kye Sun University
    of Education`: it opens with a known place right before the person), or the name after its head and `of`
    (`Mausoleum of Lenin`)."""
    if c.type == "person":
        return False
    end = places.get(c.start)
    return ((end is not None and c.end > p[1] and body[end:p[0]] == " ")
            or (c.trust == HEAD_SHAPE and c.end == p[1] and _OF_END.search(body, c.start, p[0]) is not None))


def short_names(body: str, taken: list[Candidate], lex: Lexicon) -> dict[str, set[tuple[str, str, str]]]:
    """The short forms of this article's names: (type, name, id) by the word that stands for them.

    Persons: the last word of a foreign name (and its part after a hyphen: `Al-Assad` -> `Assad`), the
    first of a South Korean one, the surname of a North Korean one (only before a verb of speech: these
    texts rarely shorten them). Places: the name of a county, province or city without its head
    (`Taehongdan County` -> `Taehongdan`).
    """
    out: dict[str, set[tuple[str, str, str]]] = {}
    for c in taken:
        if c.type not in ("person", "place"):
            continue
        name, eid = identity(body, c, lex)
        words = name.split(" ")
        if len(words) < 2:
            continue
        if c.type == "place":
            shorts = [words[0]] if len(words) == 2 and words[1] in lex.short_place_heads else []
        elif words[0] in lex.south_surnames or (len(words) == 2 and words[0] in lex.chinese_surnames):
            shorts = [words[0]]  # `Yoon` after `Yoon Suk Yeol`, `Xi` after `Xi Jinping`
        elif words[0] in lex.surnames:
            shorts = [words[0] + SPEAKING]
        else:
            shorts = [words[-1]] + ([words[-1].rsplit("-", 1)[1]] if "-" in words[-1] else [])
        for short in shorts:
            if (len(short) >= 3 or short in lex.chinese_surnames) and short[:1].isupper() and short not in lex.not_person:
                out.setdefault(short, set()).add((c.type, name, eid))
    return out


SPEAKING = " (speaking)"  # marks a short form that counts only before a verb of speech


def short_forms(body: str, taken: list[Candidate], tokens: list[list[Token]],
                shorts: dict[str, set[tuple[str, str, str]]], lex: Lexicon) -> list[Candidate]:
    """Later mentions by a short form (`Topeha`, `Yoon`, `Taehongdan`), resolved to the full name.

    A short form two names share is left alone; one inside another name (`Ri Yong Ho`, `Putin
    Street`) is none; after a title (`President Putin`) it is one.
    """
    out = []
    if not shorts:
        return out
    kept = bytearray(len(body))  # characters inside the readings taken
    for c in taken:
        kept[c.start:c.end] = b"\x01" * (c.end - c.start)
    for run in tokens:
        for i, t in enumerate(run):
            owners = shorts.get(t.text)
            if not owners:  # a surname that counts only before a verb of speech (the verb looked for only then)
                owners = shorts.get(t.text + SPEAKING)
                if owners and not lex.speech.match(body, t.end):
                    owners = None
            if not owners or len(owners) != 1 or kept.find(1, t.start, t.end) >= 0:
                continue
            prev, nxt = run[i - 1] if i else None, run[i + 1] if i + 1 < len(run) else None
            if (prev and not t.join and prev.text[-1:].islower() and fold(prev.text).lower() not in lex.titles) \
                    or (nxt and not nxt.join and nxt.text[1:2].islower()) \
                    or (t.start and _WORD_CHAR.match(body, t.start - 1)):
                continue  # part of another name, not the short form
            (type_, name, eid), = owners
            out.append(Candidate(t.start, t.end, type_, SHORT_FORM, Known(eid, type_, name), "short-form"))
    return out


def same_names(body: str, taken: list[Candidate], segments: list[list[Token]]) -> list[Candidate]:
    """A name this article gives a person somewhere is that person everywhere in it (`Liu Yunshan,
    member of …` … `asked Liu Yunshan to`)."""
    names = {canonical(body[c.start:c.end]) for c in taken if c.type == "person" and c.end - c.start > 4}
    names = {n for n in names if " " in n}
    out = []
    for seg in segments:
        if len(seg) >= 2 and canonical(body[seg[0].start:seg[-1].end]) in names:
            out.append(Candidate(seg[0].start, seg[-1].end, "person", CONTEXT, None, "same-name"))
    return out


def in_full(body: str, c: Candidate, shorts: dict[str, set[tuple[str, str, str]]],
            persons: dict[str, str]) -> Candidate:
    """A person found by a surname alone after a title (`President Assad`), or by the last words of a
    fuller name the article gives (`Balaguer Cabrera` after `Jose Ramon Balaguer Cabrera`), is that person."""
    if c.type != "person" or c.known is not None:
        return c
    text = canonical(body[c.start:c.end])
    owners = shorts.get(text) or {("person", name, eid) for name, eid in persons.items()
                                  if name.endswith(" " + text)}
    if len(owners) != 1:
        return c
    (type_, name, eid), = owners
    return c._replace(known=Known(eid, type_, name))


def organs(body: str, tokens: list[list[Token]], taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """A common organ name whose head coordination cut short is a name: `member of the Political Bureau
    and secretary of the C.C., WPK` -> `Political Bureau` (of the Central Committee of the WPK); also an organ of
    a sub-organ (`member of the Standing Committee of the Political Bureau and member of the Secretariat of …`)."""
    orgs = {c.start: c for c in taken if c.type == "organization"}
    out = []
    for run in tokens:
        if run[0].text not in lex.common or not all(t.text in lex.common for t in run) or not any(
                t.text in lex.sub_organs for t in run):
            continue  # common organ words, one of a sub-organ: `Standing Committee of the Political Bureau`
        m = _COORDINATED.match(body, run[-1].end)
        org = orgs.get(m.end()) if m else None
        if org and "Committee" in identity(body, org, lex)[0]:  # organs of a committee (not `the Cabinet and …`)
            organ, whole = canonical(body[run[0].start:run[-1].end]), identity(body, org, lex)[0]
            if " of the " in organ and whole.split(" ", 1)[0] in lex.sub_organs and " of the " in whole:
                # an organ of a sub-organ beside another one: `Standing Committee of the Political Bureau and
                # member of the Secretariat of the C.C.` (a bare `Presidium and … Political Bureau of` is inside it)
                whole = whole.split(" of the ", 1)[1]
            name = organ_name(organ, whole)
            known = lex.by_name.get(("organization", name)) or Known(entity_id("organization", name), "organization",
                                                                     name)
            out.append(Candidate(run[0].start, run[-1].end, "organization", CONTEXT, known, "organ-cut-short"))
    return out


def qualified_places(body: str, tokens: list[list[Token]], taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """A word of direction right before a known place is one place with it (`Nishi Tokyo`, `East Asia`), and one
    coordinated with the word such a place opens with is a place of its own (`South and North Phyongan`)."""
    places = {c.start: c for c in taken if c.type == "place" and c.trust == LISTED}
    out = []
    for run in tokens:
        for i in range(len(run) - 1):
            q, nxt = run[i], run[i + 1]
            if (q.text in lex.place_qualifiers and not nxt.join and not q.possessive and (c := places.get(nxt.start))
                    and not (i and not q.join)):
                out.append(Candidate(q.start, c.end, "place", HEAD_SHAPE, None, "place-head"))
            # a word of direction coordinated with the one a known place opens with shares the rest of its name:
            # `South and North Phyongan` -> `South` (South Phyongan)
            if (nxt.join == "and" and q.text in lex.place_qualifiers and nxt.text in lex.place_qualifiers
                    and nxt.text != q.text and (c := places.get(nxt.start)) and (i == 0 or q.join)):
                name = f"{q.text}{body[nxt.end:c.end]}"
                known = lex.by_name.get(("place", canonical(name)))
                out.append(Candidate(q.start, q.end, "place", CONTEXT, known, "coordinated"))
    return out


# `in Malmo, ` / `in Sofia of ` right before a known place: the name is a place in it (not `from`: `from Gazprom, Russia`)
_PLACE_BEFORE = re.compile(rf"(?<![\w\-'\u2019])(?:in|at){GAP}({_ONE_NAME}(?:{GAP}{_ONE_NAME})?)"
                           rf"(?:,{GAP}|{GAP}of{GAP}(?:the{GAP})?)$")
_WORD_BEFORE = re.compile(rf"([{_UP}]?)[\w'\u2019\-]*{GAP}$")  # the word before: `Committee in Support of …`
_POSSESSIVE_AT = re.compile(r"['\u2019]s\b")  # `Brazil's`


def places_before_places(body: str, taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """A place in no list named after `in` or `at` right before a known place it is in: `held in Malmo, Sweden`,
    `took place in Sofia of Bulgaria` (a name made of no word a name is not made of; not inside a capitalised name,
    `Committee in Support of Korea`, nor before a possessive, `at Lula, Brazil's …`)."""
    out = []
    ends = {c.end for c in taken}
    for c in taken:
        if c.type == "place" and c.trust == LISTED and (m := _PLACE_BEFORE.search(body, max(0, c.start - 40), c.start)):
            before = _WORD_BEFORE.search(body, max(0, m.start() - 30), m.start())
            if (m.end(1) not in ends and lex.not_person.isdisjoint(m.group(1).split())  # not one read already
                    and not (before and before.group(1))  # nor inside a capitalised name (`Committee in Support of`)
                    and not _POSSESSIVE_AT.match(body, c.end)):  # nor before `Brazil's president` (`from Lula, …`)
                out.append(Candidate(m.start(1), m.end(1), "place", CONTEXT, None, "place-before-place"))
    return out


def organ_name(organ: str, whole: str) -> str:
    """`organ` of the organisation named `whole`, its shared words once: `Presidium of the Political Bureau`
    of `Political Bureau of the Central Committee of …` -> `Presidium of the Political Bureau of the Central
    Committee of …`, not `… of the Political Bureau of the Political Bureau of …`."""
    parts = organ.split(" of the ")
    for i in range(1, len(parts)):
        if whole.startswith(" of the ".join(parts[i:]) + " of the "):
            return f"{' of the '.join(parts[:i])} of the {whole}"
    return f"{organ} of the {whole}"


def organ_of(body: str, tokens: list[list[Token]], taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """An organ before `of the` and an organisation found is one organisation with it: `Presidium of the DPRK
    Supreme People's Assembly`, `Presidium of the Political Bureau of the Central Committee of …`, and in lower
    case `the general political department of the KPA`."""
    orgs = [c for c in taken if c.type == "organization"]
    by_start = {c.start: c for c in orgs}
    out = []

    def read(start: int, org: Candidate, organ: str = "") -> None:
        organ = organ or canonical(body[start:org.start]).rsplit(" of", 1)[0].rstrip()
        if organ.islower():  # named as the texts spell it out: `General Political Department of …`
            organ = " ".join(w if w == "and" else w[:1].upper() + w[1:] for w in organ.split())
        name = organ_name(organ, identity(body, org, lex)[0])
        known = lex.by_name.get(("organization", name)) or Known(entity_id("organization", name), "organization", name)
        out.append(Candidate(start, org.end, "organization", CONTEXT, known, "organ-of"))

    if lex.organ_abbreviation is not None and any(a in body for a in lex.organ_abbreviations):
        by_end = {c.end: c for c in sorted(orgs, key=lambda c: -c.start)}  # the longest of those ending at one place
        for org in orgs:
            m = lex.organ_abbreviation.search(body, max(0, org.start - 16), org.start)
            if m:
                organ = lex.organ_abbreviations[m.group(1)]
                read(m.start(), org, organ)
                # an organ of the abbreviated one, read as a name ending at it: `Presidium of the Political Bureau
                # of the C.C., the LPRP` is one organisation, not `… of the C.C.` and `LPRP`
                outer = by_end.get(m.end(1))
                if outer is not None and outer.start < m.start() and body.endswith(" of the ", 0, m.start()):
                    read(outer.start, org, f"{canonical(body[outer.start:m.start()]).rstrip()} {organ}")
                    by_start[outer.start] = out[-1]  # and an organ of that: `Presidium of the Political Bureau of …`
    for run in tokens:
        for i, t in enumerate(run):
            if t.text not in lex.sub_organs or (i and not run[i].join and run[i - 1].text in lex.common):
                continue
            j = i
            while j + 1 < len(run) and not run[j + 1].join and run[j + 1].text in lex.common:
                j += 1
            if j + 1 < len(run) and run[j + 1].join == "of the" and (org := by_start.get(run[j + 1].start)):
                read(t.start, org)
    if lex.lower_organ is not None:
        for org in orgs:
            m = body.endswith("of the ", 0, org.start) and lex.lower_organ.search(body, max(0, org.start - 90), org.start)
            if m:
                read(m.start(), org)
    return out


def short_forms_bracketed(body: str, taken: list[Candidate], occupied: bytearray) -> set[str]:
    """One-word short forms an organisation is given in brackets right after its name and that nothing else
    reads (`Korean Youth Commercial Association in Japan (Chongsanghoe)`): read like acronyms."""
    out = set()
    for c in taken:
        if c.type == "organization" and (m := _BRACKETED_WORD.match(body, c.end)) and occupied[m.start(1)] == 0:
            out.add(m.group(1))
    return out


def acronyms(body: str, tokens: list[list[Token]], taken: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """An acronym of a name this article gives is that name: the one in brackets after it
    (`Lao People's Revolutionary Party (LPRP)`, also a one-word short form: `(Chongsanghoe)`), or its initials (`Communist Party of Vietnam` … `CPV`)."""
    occupied = bytearray(len(body))
    for c in taken:
        occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
    loose = {t.text for run in tokens for t in run if t.text.isupper() and occupied[t.start] == 0}
    loose |= short_forms_bracketed(body, taken, occupied)
    if not loose:
        return []  # no acronym left to read
    # only the acronyms the body has loose are looked for: the names (ids, slugs) of the others are not made
    defined: dict[str, Known] = {}
    initials: dict[str, Known] = {}

    def whole(c: Candidate) -> Known:
        name, eid = identity(body, c, lex)
        return Known(eid, c.type, name)

    for c in taken:
        if c.type not in ("organization", "place"):
            continue
        m = _BRACKETED.match(body, c.end) or (_BRACKETED_WORD.match(body, c.end) if c.type == "organization" else None)
        if m:
            if m.group(1) in loose:
                defined[m.group(1)] = whole(c)  # defined in brackets: before any initials
            continue
        text = body[c.start:c.end]
        for i, part in enumerate([text] + [text[m.end():] for m in _OF.finditer(text)]):
            words = [w for w in part.split() if w[:1].isupper()]
            if len(words) < 2:
                continue
            # the initials of the part after an `of` stand for that part
            # (`Central Committee of the Communist Party of Vietnam` … `CPV`), and of each part of a
            # hyphenated word (`Liberal-Democratic Party` … `LDP`); the first name to give them keeps them
            keys = [k for k in ("".join(w[0] for w in words),
                                "".join(x[0] for w in words for x in w.split("-") if x[:1].isupper()))
                    if k in loose and k not in initials]
            if not keys:
                continue
            part_name = canonical(part)
            known = whole(c) if i == 0 else (lex.by_name.get((c.type, part_name))
                                             or Known(entity_id(c.type, part_name), c.type, part_name))
            for k in keys:
                initials[k] = known
    out = []
    for run in tokens:
        for t in run:
            known = (defined.get(t.text) or initials.get(t.text)) if t.text in loose else None
            if known and occupied.find(1, t.start, t.end) < 0:
                out.append(Candidate(t.start, t.end, known.type, CONTEXT, known, "acronym"))
    return out


def coordinated(body: str, taken: list[Candidate], segments: list[list[Token]]) -> list[Candidate]:
    """`Wang Jianguo and Li Hong, businessmen …`: a name joined by `and` to a person is a person; a
    surname alone only to a surname alone (`Presidents Putin and Xi`)."""
    persons = [c for c in taken if c.type == "person"]  # in body order, apart: starts and ends both sorted
    starts, ends = [p.start for p in persons], [p.end for p in persons]
    out = []
    for seg in segments:
        s, e = seg[0].start, seg[-1].end
        # only a person within a short gap after the segment or before it can be joined by `and`
        near = sorted({*range(bisect.bisect_left(starts, e + 1), bisect.bisect_left(starts, e + 12)),
                       *range(bisect.bisect_left(ends, s - 11), bisect.bisect_left(ends, s))})
        for p in (persons[i] for i in near):
            if len(seg) < 2 and " " in body[p[0]:p[1]]:
                continue
            gap = body[e:p[0]] if e <= p[0] else body[p[1]:s] if p[1] <= s else None
            if gap and len(gap) < 12 and _AND.fullmatch(gap):
                part = seg[:MAX_NAME_WORDS] if e <= p[0] else seg[-MAX_NAME_WORDS:]
                out.append(Candidate(part[0].start, part[-1].end, "person", CONTEXT, None, "coordinated"))
                break
    return out


_FACTION = re.compile(rf"{GAP}\([A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:{GAP}[A-Z][a-z]+){{0,2}}\)")  # `(Marxist-Leninist)`
_LIMITED = re.compile(r"\.?,?[ \u00a0]*Ltd\b\.?")  # a company's `Co. Ltd.`, `Co., Ltd`, `Co.,Ltd`
_OF_END = re.compile(rf"{GAP}of{GAP}(?:the{GAP})?$")
_POSTED_TO = re.compile(rf"(?<={GAP[:-1]})(?:to|in|of){GAP}(?:the{GAP})?[A-Z]{{2,6}}{GAP}$")
_LIST_GAP = re.compile(rf"(?:{APOS}s)?(?:,{GAP}(?:and{GAP})?|{GAP}and{GAP})")


def title_list(body: str, taken: list[Candidate], segments: list[list[Token]], lex: Lexicon) -> list[Candidate]:
    """The names of a list after a title they share (`Members A, B, C and D of the …`, `Vice-Chairmen X and
    Y`): each name after the first person of the list, up to the first item that is no name, is a person.
    A word alone only if it is no Korean surname (these texts never name a Korean by surname in a list)."""
    at = {seg[0].start: seg for seg in segments}
    out = []
    for c in taken:
        if c.type != "person" or not titled(body, c.start, lex, lex.plural_titles):
            continue
        end = c.end
        while (gap := _LIST_GAP.match(body, end)) and (seg := at.get(gap.end())):
            if len(seg) < 2 and seg[0].text in lex.surnames_all:
                break
            part = seg[:MAX_NAME_WORDS]
            out.append(Candidate(part[0].start, part[-1].end, "person", CONTEXT, None, "title-list"))
            end = part[-1].end
    return out


def misspelt_names(body: str, lex: Lexicon) -> list[Candidate]:
    """A Korean name with a syllable the source misspelt (`Kim Jong ll`, a lower-case L for the I): read
    with the syllable as spelt (`Kim Jong Il`, the alias table's if it has it)."""
    if lex.misspelt is None or not any(f" {s}" in body for s in lex.misspelt_syllables):
        return []
    out = []
    for m in lex.misspelt.finditer(body):
        words = body[max(0, m.start() - 24):m.start()].split(" ")[-2:]
        after = re.match(r" ([A-Z][a-z]*)(?![\w'\u2019])", body[m.end():m.end() + 12])
        fixed = lex.misspelt_syllables[m.group().strip()]
        # surname, syllable, misspelt (`Kim Jong ll`), or surname, misspelt, syllable (`Kim ll Sung`)
        if len(words) == 2 and words[0] in lex.surnames_all and words[1] in lex.middle_syllables:
            start, end, name = m.start() - len(words[0]) - len(words[1]) - 1, m.end(), [*words, fixed]
        elif words[-1] in lex.surnames_all and after and after.group(1) in lex.syllables:
            start, end, name = m.start() - len(words[-1]), m.end() + after.end(), [words[-1], fixed, after.group(1)]
        else:
            continue
        if start and _WORD_CHAR.match(body, start - 1):
            continue
        full = " ".join(name)
        known = lex.by_name.get(("person", full)) or Known(entity_id("person", full), "person", full)
        out.append(Candidate(start, end, "person", NAME_SHAPE, known, "korean-misspelt"))
    return out


def role_after(body: str, end: int, spans: list[tuple[int, int]], lex: Lexicon) -> str | None:
    """`Kim Song Nam, department director of the C.C., WPK, made…` -> the appositive title (`spans`: the readings
    kept, in body order and apart, which a clause end inside does not end)."""
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
        # the kept spans are sorted and apart: only the last one opening at or before the cut can hold it
        i = bisect.bisect_right(spans, (cut, len(body) + 1)) - 1
        if i < 0 or spans[i][1] <= cut:
            break
        pos = spans[i][1]
    text = body[start:cut].rstrip(" \u00a0")
    return text if 0 < len(text) <= 300 else None


def acronym_holders(body: str, cands: list[Candidate]) -> list[Candidate]:
    """The known organisations and places whose name holds an acronym (`KPA`), not inside a
    hyphenated word (not in `Nigeria-DPRK …`): what `spelt_out` spells out."""
    return [k for k in cands if k.trust == LISTED and k.type in ("organization", "place")
            and _ACRONYM_WORD.search(body[k.start:k.end])
            and body[k.start - 1:k.start] != "-" and body[k.end:k.end + 1] != "-"]


def spelt_out(body: str, c: Candidate, holders: list[Candidate], lex: Lexicon) -> Candidate:
    """A shaped name with the known names that hold an acronym (`acronym_holders`) spelt out (`KPA Unit 525` -> `Korean
    People's Army Unit 525`); a party's organ named after it takes the usual order (`LPRP Central Committee` -> `Central
    Committee of the Lao People's Revolutionary Party`). Known by that name if the table has it."""
    inner = [k for k in holders if c.start <= k.start and k.end <= c.end and (k.start, k.end) != (c.start, c.end)]
    if not inner:
        return c
    inner = longest_then_most_trusted(inner, len(body))
    parts, pos = [], c.start
    for i, k in enumerate(inner):
        parts.append(canonical(body[pos:k.start]))
        rest = body[k.end:c.end].split()
        if k.type == "organization" and i == len(inner) - 1 and rest and all(w in lex.common for w in rest):
            parts.append(f"{' '.join(rest)} of the {k.known.name}")  # `LPRP Central Committee`
            pos = c.end
            break
        parts.append(k.known.name)
        pos = k.end
    parts.append(canonical(body[pos:c.end]))
    name = re.sub(r" +", " ", " ".join(parts)).strip()
    known = lex.by_name.get((c.type, name)) or Known(entity_id(c.type, name), c.type, name)
    return c._replace(known=known)


# The passes, in this order (`mentions`): every reading of the body; the conflict policy
# (`longest_then_most_trusted`) keeps one reading per span; readings that lean on those kept (persons joined to
# persons, names of a list after a shared title, organs cut short, organs of an organisation, acronyms, a name
# given elsewhere, a word of direction before a place), and the policy again; short forms of the names
# kept; full names and spelt-out acronyms; the roles after persons.
PASSES = ("candidates", "conflicts", "relations", "conflicts", "short forms", "full names", "roles")


def mentions(body: str, lex: Lexicon) -> list[Mention]:
    # candidates
    tokens = runs(body, lex)
    cands, segments = candidates(body, tokens, lex)
    cands = completed(cands)
    # conflicts
    taken = longest_then_most_trusted(cands, len(body), body)
    # relations: readings that lean on what was found
    more = coordinated(body, taken, segments) + organs(body, tokens, taken, lex) + acronyms(body, tokens, taken, lex)
    more += same_names(body, taken, segments) + title_list(body, taken, segments, lex)
    more += organ_of(body, tokens, taken, lex) + qualified_places(body, tokens, taken, lex)
    more += places_before_places(body, taken, lex)
    # conflicts
    taken = longest_then_most_trusted(cands + more, len(body), body)
    # short forms
    shorts = short_names(body, taken, lex)
    taken = sorted(taken + short_forms(body, taken, tokens, shorts, lex), key=lambda c: c.start)
    # full names
    persons = dict(identity(body, c, lex) for c in taken if c.type == "person")
    taken = [in_full(body, c, shorts, persons) for c in taken]
    holders = acronym_holders(body, cands) if any(c.known is None and c.type not in ("person", WORK) for c in taken) else []
    taken = [c if c.known is not None or c.type == "person" else spelt_out(body, c, holders, lex)
             for c in taken if c.type != WORK]
    # roles (and the names of what was kept)
    spans = [(c.start, c.end) for c in taken]
    named = [identity(body, c, lex) for c in taken]
    # A person is named by the fullest form this article gives (`Vladimir Putin` here,
    # `Vladimir Vladimirovich Putin` there; a surname alone is no full form: the alias table's
    # name stands); `entity_id` is what stays the same across articles.
    fullest: dict[str, str] = {}
    for (s, e, type_, _, _, rule), (_, eid) in zip(taken, named):
        if type_ == "person" and rule != "korean-misspelt":  # a misspelt name is no fuller form
            name = canonical(body[s:e])
            full = " " in name or "." in name
            fullest[eid] = max(fullest.get(eid, ""), name if full else "", key=len)
    out = []
    for (s, e, type_, _, _, rule), (entity, eid) in zip(taken, named):
        if type_ == "person":
            out.append(Mention(type_, fullest.get(eid) or entity, eid, body[s:e], s, e, role_after(body, e, spans, lex),
                               rule))
        else:
            out.append(Mention(type_, entity, eid, body[s:e], s, e, rule=rule))
    return out

