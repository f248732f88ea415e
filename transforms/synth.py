"""A synthetic corpus shaped like the aggregator's pages, for benchmarks and scale tests.

Takes: the lexicon documents (parsed JSON, including `synth`), a seed and a page
index. Returns: `SynthPage` (relative file name, bytes, kind), the same for the
same seed and index on every machine and day (each page draws from its own
`random.Random(f"{seed}/{index}")`, so pages can be made in any order and a
corpus of N pages is the first N of any larger one).

What the pages look like, in proportions close to the samples': both layouts
(a header with capture date, badge, title and `Date: … | Source: …` line,
blank-line separated; or the plain layout with no header and no blank lines),
every outlet of `outlets.json`, publication dates from 1997 to `LATEST`, a
`More From <outlet>` sidebar of titled or untitled teasers with repeats, a
kcna.kp footer (some in the Juche calendar), text and HTML (a bare page or
the aggregator's markup with navigation, scripts and hidden banners), some
gzip-compressed, CRLF or with a BOM. Bodies run from about a hundred to
several thousand words (log-normal, median ~330) and name persons (leaders,
known persons and made-up Korean names with roles in apposition),
organisations and places from the generator's own names (`synth.json`, fixed
apart from the alias table). `DUPLICATE_SHARE` of the pages
copy an earlier page's article in another format; `BROKEN_SHARE` are broken
on purpose (empty, binary, truncated gzip, only a sidebar, no outlet, a date
in the future), each of which the pipeline must reject.
"""
from __future__ import annotations

import datetime as dt
import gzip
import html
import math
import random
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from kcna_etl.transforms.schema import slug

LATEST = dt.date(2026, 11, 24)  # fixed, so that a seed gives the same corpus on every day
EARLIEST = dt.date(1997, 1, 1)
HTML_SHARE = 0.20
GZIP_SHARE = 0.10
HEADER_SHARE = 0.60
DUPLICATE_SHARE = 0.01
BROKEN_SHARE = 0.01
BROKEN_KINDS = ("empty", "binary", "truncated-gzip", "sidebar-only", "no-outlet", "future-date")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class SynthPage:
    name: str  # path relative to the corpus folder
    data: bytes
    kind: str  # "text", "html", "duplicate" or "broken:<why>"
    article: int  # index of the article it renders (`article(v, seed, n)`): its own, or an earlier one's


@dataclass(frozen=True)
class Vocabulary:
    """The word lists a page is drawn from, compiled once from the lexicon documents."""
    outlets: tuple[str, ...]
    persons: tuple[str, ...]
    organizations: tuple[str, ...]
    places: tuple[str, ...]
    regions: tuple[str, ...]  # places that make a unit's name: Kosan, Sangwon, ...
    surnames: tuple[str, ...]
    syllables: tuple[str, ...]
    t: Mapping[str, Any]  # synth.json


def vocabulary(docs: Mapping[str, Mapping[str, Any]]) -> Vocabulary:
    t = docs["synth"]
    places = tuple(t["places"])  # the generator's own names (`synth.json`), not the alias table's
    regions = tuple(sorted({p.split()[0] for p in places if p.endswith(" County") and len(p.split()) == 2}))
    korean = docs["korean_names"]
    return Vocabulary(
        outlets=tuple(o["name"] for o in docs["outlets"]["outlets"]),
        persons=tuple(t["persons"]), organizations=tuple(t["organizations"]), places=places,
        regions=regions, surnames=tuple(korean["surnames"][:40]), syllables=tuple(korean["syllables"]),
        t=docs["synth"],
    )


class Writer:
    """Fills templates for one article, remembering who was named (later mentions use the short name)."""

    def __init__(self, v: Vocabulary, rng: random.Random, published: dt.date):
        self.v, self.rng, self.published = v, rng, published
        self.named: list[str] = []

    def korean_name(self) -> str:
        r = self.rng
        return f"{r.choice(self.v.surnames)} {r.choice(self.v.syllables)} {r.choice(self.v.syllables)}"

    def unit(self) -> str:
        return f"{self.rng.choice(self.v.regions)} {self.rng.choice(self.v.t['unit_heads'])}"

    def date(self) -> str:
        d = self.published - dt.timedelta(days=self.rng.randrange(4))
        return f"{MONTHS[d.month - 1]} {d.day}"

    def person(self) -> str:
        r = self.rng
        name = r.choice(self.v.persons) if r.random() < 0.3 else self.korean_name()
        self.named.append(name)
        return f"{name}, {self.fill(r.choice(self.v.t['roles']))},"

    def foreign(self) -> str:
        r, t = self.rng, self.v.t
        name = f"{r.choice(t['foreign_first'])} {r.choice(t['foreign_last'])}"
        self.named.append(name)
        return f"{name}, {self.fill(r.choice(t['foreign_roles']))},"

    def slot(self, key: str) -> str:
        r, t = self.rng, self.v.t
        if key == "PERSON":
            return self.person()
        if key == "NAME":
            return r.choice(self.named) if self.named else self.person()
        if key == "FOREIGN":
            return self.foreign()
        if key == "LEADER":
            return r.choice(t["leaders"])
        if key == "LEADER_SHORT":
            return "Kim Jong Un"
        if key == "ORG":
            return r.choice(self.v.organizations)
        if key == "PLACE":  # mostly at home: a county, or one of the lexicon's first (DPRK) places
            return f"{r.choice(self.v.regions)} County" if r.random() < 0.5 else r.choice(self.v.places[:60])
        if key == "REGION":
            return f"{r.choice(self.v.regions)} County"
        if key == "UNIT":
            return self.unit()
        if key == "COUNTRY":
            return r.choice(t["countries"])
        if key == "DATE":
            return self.date()
        if key == "NUM":
            return str(r.randrange(2, 990))
        if key == "ORD":
            n = r.randrange(2, 90)
            return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
        if key == "GOODS":
            return r.choice(t["goods"])
        if key == "SPEECH":
            return r.choice(t["speech"])
        raise KeyError(key)

    def fill(self, template: str) -> str:
        out, i = [], 0
        while (j := template.find("{", i)) >= 0:
            k = template.index("}", j)
            out.append(template[i:j])
            out.append(self.slot(template[j + 1:k]))
            i = k + 1
        out.append(template[i:])
        return "".join(out).replace(",,", ",").replace(",.", ".")

    def sentence(self, template: str) -> str:
        text = self.fill(template)
        return text[0].upper() + text[1:]

    def paragraphs(self, words: int) -> list[str]:
        out, count = [], 0
        sentences = self.v.t["sentences"]
        while count < words:
            para = " ".join(self.sentence(self.rng.choice(sentences)) for _ in range(self.rng.choice((1, 1, 2, 2, 3))))
            out.append(para)
            count += para.count(" ") + 1
        return out


@dataclass(frozen=True)
class Article:
    outlet: str
    sidebar_outlet: str
    published: dt.date
    captured: dt.date
    title: str
    paragraphs: list[str]
    footer: str | None  # the kcna.kp footer line, or None
    teasers: list[tuple[str | None, str, dt.date]]  # (title, snippet, date)


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def body_words(rng: random.Random) -> int:
    """A few hundred words, now and then several thousand (log-normal, median ~330)."""
    return max(100, min(8000, int(math.exp(rng.gauss(math.log(330), 0.8)))))


def teaser_list(v: Vocabulary, rng: random.Random, captured: dt.date, titled: bool) -> list:
    items = []
    day = captured
    for _ in range(rng.randrange(5, 21)):
        day -= dt.timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
        w = Writer(v, rng, day)
        lead = w.paragraphs(30)[0]
        if rng.random() < 0.5:
            lead = f"Pyongyang, {MONTHS[day.month - 1]} {day.day} (KCNA) -- {lead}"
        items.append((w.sentence(rng.choice(v.t["titles"])) if titled else None, lead[:rng.randrange(120, 131)].rstrip(), day))
    if rng.random() < 0.3:  # the aggregator repeats an item now and then, next to itself or further down
        k = rng.randrange(len(items))
        items.insert(k + (1 if rng.random() < 0.5 else rng.randrange(1, len(items) - k + 1)), items[k])
    return items


def article(v: Vocabulary, seed: int | str, index: int) -> Article:
    rng = random.Random(f"{seed}/{index}/article")
    outlet = rng.choice(v.outlets)
    published = day_between(rng, EARLIEST, LATEST)
    captured = max(published, day_between(rng, dt.date(2023, 1, 1), LATEST))
    w = Writer(v, rng, published)
    paragraphs = w.paragraphs(body_words(rng))
    kcna = outlet.startswith("KCNA")
    if kcna:
        paragraphs[0] = f"Pyongyang, {MONTHS[published.month - 1]} {published.day} (KCNA) -- {paragraphs[0]}"
        paragraphs[-1] += " -0-"
    footer = None
    if kcna and rng.random() < 0.6:
        juche = rng.random() < 0.5
        year = f"Juche{published.year - 1911}" if juche else str(published.year)
        footer = f"www.kcna.kp ({year}.{published.month:02d}.{published.day:02d}.)"
    sidebar_outlet = outlet if rng.random() < 0.95 else rng.choice(v.outlets)
    return Article(outlet, sidebar_outlet, published, captured, w.sentence(rng.choice(v.t["titles"])), paragraphs, footer,
                   teaser_list(v, rng, captured, titled=rng.random() < 0.5))


def long_date(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day:02d}, {d.year}"


def badge(v: Vocabulary, outlet: str) -> str:
    abbr = v.t["abbreviations"].get(outlet) or outlet.split()[0].split(".")[0].upper()
    return f"{abbr} {outlet}"


def text_page(v: Vocabulary, a: Article, rng: random.Random, header: bool) -> str:
    lines: list[str] = []
    if header:
        capture = long_date(a.captured)
        if rng.random() < 0.3:  # the doubled form: `December 05, 2025Dec 05, 2025`
            capture += f"{MONTHS[a.captured.month - 1][:3]} {a.captured.day:02d}, {a.captured.year}"
        lines += [capture, badge(v, a.outlet), a.title,
                  f"Date: {a.published:%d/%m/%Y} | Source: {a.outlet} | Read original version at source"]
        if rng.random() < 0.5:
            lines.append("NK News is hiring")
    lines += a.paragraphs
    if a.footer:
        lines.append(a.footer)
    lines.append(f"More From {a.sidebar_outlet}")
    for title, snippet, day in a.teasers:
        lines += ([title, title] if title else []) + [snippet, long_date(day), snippet]
    lines.append("More Articles")
    if header:  # the header layout separates lines by blank ones; badge and capture date stay together
        return lines[0] + "\n" + "\n\n".join(lines[1:]) + "\n"
    return "\n".join(lines) + ("\n" if rng.random() < 0.5 else "")


NAV = "".join(f'<li><a href="/outlets/{slug(o)}/">{html.escape(o)}</a></li>' for o in (
    "KCNA.kp (En)", "Rodong Sinmun (En)", "Pyongyang Times", "Voice of Korea (En)", "Naenara (En)"))


def html_text(text: str, rng: random.Random, curly: bool) -> str:
    out = html.escape(text, quote=False)
    if curly:
        out = out.replace("'", "&rsquo;")
    out = out.replace("Kim Jong Un", '<a href="/tags/kim-jong-un" class="tag">Kim Jong Un</a>')
    if rng.random() < 0.3:  # markup wrapped over source lines
        words = out.split(" ")
        out = "\n        ".join(" ".join(words[i:i + 14]) for i in range(0, len(words), 14))
    return out


def html_page(v: Vocabulary, a: Article, rng: random.Random, header: bool) -> str:
    curly = rng.random() < 0.5
    aggregator = rng.random() < 0.6
    esc = html.escape
    parts = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
             f"<title>{esc(a.title)} | KCNA Watch</title>\n",
             "<style>.cookie { position: fixed; } .t h4.mobile { font-size: .9em; }</style>\n",
             f'<script>window.__PAGE__ = {{"sidebar": "More From {esc(a.outlet)}", "end": "More Articles"}};</script>\n',
             "</head>\n<body>\n"]
    if aggregator:
        parts.append(f'<header class="site-header"><nav><ul>{NAV}</ul></nav>'
                     '<form action="/login"><input name="email"><button>Log in</button></form></header>\n'
                     '<div class="cookie" style="display:none"><p>We use cookies. More From our partners.</p></div>\n')
    parts.append("<main>\n<article>\n")
    if header:
        abbr = badge(v, a.outlet).removesuffix(a.outlet).strip()
        parts += [f'<div class="post-capture"><time>{long_date(a.captured)}</time></div>\n',
                  f'<div class="post-source"><img src="/o.png" alt="{esc(abbr)}"> <span>{esc(a.outlet)}</span></div>\n',
                  f"<h1>{html_text(a.title, rng, curly)}</h1>\n",
                  f'<p class="post-meta">Date: <span>{a.published:%d/%m/%Y}</span> | Source: '
                  f'<a href="/outlets/{slug(a.outlet)}/">{esc(a.outlet)}</a> | <a href="#">Read original version at source</a></p>\n']
        if rng.random() < 0.5:
            parts.append('<div class="promo"><a href="/jobs">NK News is hiring</a></div>\n')
    parts.append('<div class="post-body">\n')
    parts += [f"<p>{html_text(p, rng, curly)}</p>\n" for p in a.paragraphs]
    if a.footer:
        parts.append(f'<p class="source-footer">{a.footer}</p>\n')
    parts.append(f'</div>\n</article>\n<aside>\n<h3>More From {esc(a.sidebar_outlet)}</h3>\n<div class="teasers">\n')
    for title, snippet, day in a.teasers:
        t = f"<h4>{esc(title)}</h4><h4 class=\"mobile\">{esc(title)}</h4>" if title else ""
        s = esc(snippet, quote=False)
        parts.append(f'<a href="/n/"><div class="t">{t}<p>{s}</p><time>{long_date(day)}</time><p class="mobile">{s}</p></div></a>\n')
    parts.append('</div>\n<div class="more"><a href="/newstream/">More Articles</a></div>\n</aside>\n</main>\n')
    if aggregator:
        parts.append('<footer><ul><li><a href="/about/">About</a></li></ul><p>&copy; 2026 KCNA Watch</p></footer>\n')
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def encode(text: str, rng: random.Random, fmt: str) -> bytes:
    if fmt == "text" and rng.random() < 0.03:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if fmt == "text" and rng.random() < 0.02:
        data = b"\xef\xbb\xbf" + data
    return data


def name_of(index: int, a: Article, fmt: str, compressed: bool, tag: str = "") -> str:
    ext = ".html" if fmt == "html" else ".txt"
    return (f"{index // 1000:04d}/{index:07d}_{slug(a.outlet)[:20]}_{a.published.year}{tag}{ext}"
            f"{'.gz' if compressed else ''}")


def rendered(v: Vocabulary, a: Article, rng: random.Random, index: int, fmt: str, kind: str, source: int) -> SynthPage:
    header = rng.random() < HEADER_SHARE
    text = html_page(v, a, rng, header) if fmt == "html" else text_page(v, a, rng, header)
    data = encode(text, rng, fmt)
    compressed = rng.random() < GZIP_SHARE
    if compressed:
        data = gzip.compress(data, compresslevel=6, mtime=0)
    return SynthPage(name_of(index, a, fmt, compressed), data, kind, source)


def broken(v: Vocabulary, a: Article, rng: random.Random, index: int) -> SynthPage:
    why = rng.choice(BROKEN_KINDS)
    kind = f"broken:{why}"
    if why == "empty":
        return SynthPage(name_of(index, a, "text", False, "_empty"), b"", kind, index)
    if why == "binary":
        data = bytes(rng.randrange(256) for _ in range(2048)) + b"\x00"
        return SynthPage(name_of(index, a, "text", False, "_binary"), data, kind, index)
    if why == "truncated-gzip":
        data = gzip.compress(text_page(v, a, rng, True).encode(), mtime=0)
        return SynthPage(name_of(index, a, "text", True, "_truncated"), data[:len(data) // 2], kind, index)
    if why == "sidebar-only":
        text = text_page(v, a, rng, False)
        return SynthPage(name_of(index, a, "text", False, "_sidebar"), text[text.index("More From"):].encode(), kind, index)
    if why == "no-outlet":  # the plain layout cut before its sidebar: no Source line, no More From
        text = "\n".join(a.paragraphs) + "\n"
        return SynthPage(name_of(index, a, "text", False, "_nooutlet"), text.encode(), kind, index)
    future = dt.date(LATEST.year + 30, a.published.month, min(a.published.day, 28))
    text = text_page(v, Article(a.outlet, a.sidebar_outlet, future, a.captured, a.title, a.paragraphs, None, a.teasers),
                     rng, True)
    return SynthPage(name_of(index, a, "text", False, "_future"), text.encode(), kind, index)


def page(v: Vocabulary, seed: int | str, index: int) -> SynthPage:
    """Page number `index` of the corpus for `seed`."""
    rng = random.Random(f"{seed}/{index}/page")
    roll = rng.random()
    if roll < BROKEN_SHARE:
        return broken(v, article(v, seed, index), rng, index)
    if roll < BROKEN_SHARE + DUPLICATE_SHARE and index > 0:
        # another copy of an earlier page's article, usually in the other format
        source = rng.randrange(index)
        return rendered(v, article(v, seed, source), rng, index, "html" if rng.random() < 0.5 else "text", "duplicate",
                        source)
    fmt = "html" if rng.random() < HTML_SHARE else "text"
    return rendered(v, article(v, seed, index), rng, index, fmt, fmt, index)


def corpus(v: Vocabulary, seed: int | str, count: int, start: int = 0) -> Iterator[SynthPage]:
    for i in range(start, start + count):
        yield page(v, seed, i)
