"""`kcna-etl eval-mentions`: the mentions scored against labelled text.

Reads the labelled articles (inline markup as in `tests/data/mentions/GUIDELINES.md`) in three parts by
default: `own` (`tests/data/mentions/articles`, written for this project), `dev` and `test` (real articles,
`tests/data/mentions/real/{dev,test}`), and labelled pages (a folder of pages and a gold file listing each
page's persons); runs the mention extractor on them and reports precision, recall and F1 per entity type:
strict span and type for the articles, person names for the pages. `--errors` lists the disagreements of the
own and dev parts grouped by the rule that made them; the test part is scored only, its errors are never
printed (it must not be read while rules are written). `write_labels` regenerates `<labels>/labels.json`
(bodies and offsets) from the articles.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kcna_etl.devtools.yardstick import (LABELS, MATERIALIZE, REAL, ROOT, absent, digest, fetched,
                                        labelled_articles)
from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.transforms.markup import Labelled
from kcna_etl.transforms.mentions import Mention, entity_id, mentions
from kcna_etl.transforms.scoring import TYPES, Disagreement, Scored, alias_ids, scored_names, scored_spans
from kcna_etl.transforms.page import Reject, read_page

PARTS = {"own": LABELS, "dev": REAL / "dev", "test": REAL / "test"}
SEALED = "test"  # the part whose errors are never printed
PAGES = ((ROOT / "samples" / "pages", ROOT / "samples" / "gold" / "seed_pages.json"),
         (ROOT / "tests" / "pages", ROOT / "tests" / "pages" / "expected.json"))
NO_RULE = "missed"  # the group of a label that no found mention touches


@dataclass
class Evaluation:
    # part -> file name -> (article, its score, the mentions found)
    parts: dict[str, dict[str, tuple[Labelled, Scored, list[Mention]]]] = field(default_factory=dict)
    pages: dict[str, Scored] = field(default_factory=dict)
    sealed: set[str] = field(default_factory=set)  # parts whose errors are never printed
    folders: dict[str, Path] = field(default_factory=dict)
    absent: dict[str, list[str]] = field(default_factory=dict)  # part -> its fetched articles not materialized

    @property
    def articles(self) -> dict[str, tuple[Labelled, Scored, list[Mention]]]:
        return {f"{part}/{name}": a for part, arts in self.parts.items() for name, a in arts.items()}

    def total(self, which: str, committed_only: bool = False) -> Scored:
        """`pages`, or a part's articles (`own`, `dev`, `test`); `committed_only`: without its fetched ones."""
        leave_out = fetched(self.folders[which]) if committed_only else {}
        out = Scored()
        for s in (self.pages.values() if which == "pages"
                  else (s for n, (_, s, _) in self.parts.get(which, {}).items() if n not in leave_out)):
            out += s
        return out


def sealed_digests(folder: Path = PARTS[SEALED]) -> frozenset[str]:
    """SHA-256 of each sealed article's body, present or not: its errors are withheld wherever it is scored from."""
    return frozenset({digest(a.body) for a in labelled_articles(folder).values()}
                     | {r["sha256"] for r in fetched(folder).values()})


def labels_json(articles: dict[str, Labelled]) -> str:
    records = [{"file": name, **a.as_record()} for name, a in articles.items()]
    doc = {"version": 1, "generated_from": "articles/*.txt by `kcna-etl eval-mentions --write-labels`; do not edit",
           "articles": records}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def write_labels(folder: Path) -> Path:
    path = folder / "labels.json"
    path.write_text(labels_json(labelled_articles(folder)), encoding="utf-8")
    return path


def page_persons(path: Path) -> list[str]:
    """The person entities the pipeline's transforms find on one page."""
    r, lex = rules(), lexicon()
    got = read_page(path.read_bytes(), path.name, r, lex)
    if isinstance(got, Reject):
        raise ValueError(f"{path}: rejected at {got.stage}: {got.reason}")
    return [m["entity"] for m in got.mentions if m["entity_type"] == "person"]


def evaluate(parts: dict[str, Path] | None = None, pages: tuple[tuple[Path, Path], ...] = PAGES) -> Evaluation:
    """Score each labels folder of `parts` (default: own, dev and test) and the labelled pages."""
    lex = lexicon()
    known = alias_ids(rules().entities)

    def entity_id_of(type_: str, name: str) -> str:
        return known.get((type_, name)) or entity_id(type_, name)

    out = Evaluation()
    sealed = sealed_digests()
    for part, folder in (PARTS if parts is None else parts).items():
        arts = out.parts.setdefault(part, {})
        out.folders[part] = folder
        out.absent[part] = absent(folder)
        for name, article in labelled_articles(folder).items():
            found = mentions(article.body, lex)
            arts[name] = (article, scored_spans(article.labels, found, entity_id_of), found)
        if part == SEALED or any(digest(a.body) in sealed for a, _, _ in arts.values()):
            out.sealed.add(part)
    for folder, gold in pages:
        for g in json.loads(gold.read_text(encoding="utf-8")):
            out.pages[g["page"]] = scored_names(g["persons"], page_persons(folder / g["page"]))
    return out


def table(scored: Scored, types: tuple[str, ...]) -> list[str]:
    lines = [f"  {'type':<13}{'labelled':>9}{'found':>7}{'correct':>8}{'precision':>10}{'recall':>8}{'F1':>7}"
             f"{'canonical':>12}"]
    for t in types:
        x = scored.tallies[t]
        lines.append(f"  {t:<13}{x.gold:>9}{x.found:>7}{x.correct:>8}{x.precision:>10.3f}{x.recall:>8.3f}"
                     f"{x.f1:>7.3f}{f'{x.canonical}/{x.correct}':>12}")
    return lines


def context(body: str, start: int, end: int, width: int = 40) -> str:
    left = body[max(0, start - width):start].replace("\n", " ")
    right = body[end:end + width].replace("\n", " ")
    return f"…{left}[{body[start:end]}]{right}…"


def rule_of(d: Disagreement, found: list[Mention]) -> str:
    """The rule behind a disagreement: the found mention's, or for a label missed, the rule of a found
    mention over it (a span cut short, too long or of the wrong type); `missed` when none touches it."""
    if d.kind != "missed":
        return next(m.rule for m in found if (m.type, m.start, m.end) == (d.type, d.start, d.end))
    over = [m for m in found if m.start < d.end and d.start < m.end]
    return over[0].rule if over else NO_RULE


def by_rule(ev: Evaluation) -> dict[str, list[tuple[str, Labelled, Disagreement]]]:
    """The disagreements of every part not sealed, by rule."""
    out: dict[str, list[tuple[str, Labelled, Disagreement]]] = defaultdict(list)
    for part, arts in ev.parts.items():
        if part in ev.sealed:
            continue
        for name, (article, scored, found) in arts.items():
            for d in sorted(scored.disagreements, key=lambda d: (d.start, d.kind)):
                out[rule_of(d, found)].append((f"{part}/{name}", article, d))
    return out


def report(ev: Evaluation, errors: bool) -> str:
    out = []
    for part, arts in ev.parts.items():
        out += [f"{part}: {len(arts)} labelled articles in {ev.folders[part]} (strict span and type; "
                f"canonical: correct spans whose entity is the labelled one)"]
        if ev.absent.get(part):
            out.append(f"  {len(ev.absent[part])} more absent: fetched texts not materialized ({MATERIALIZE}); "
                       f"these scores are of the committed articles only")
        out += table(ev.total(part), (*TYPES, "all"))
        out.append("")
    if ev.pages:
        out += [f"labelled pages: {len(ev.pages)} (persons by name, each page's set)"]
        out += table(ev.total("pages"), ("person",))
    if errors:
        groups = by_rule(ev)
        shown = ", ".join(p for p in ev.parts if p not in ev.sealed)
        withheld = f"; {', '.join(sorted(ev.sealed))} withheld: scored only, never read" if ev.sealed else ""
        out += ["", f"disagreements by rule ({shown or 'no part'}{withheld}):"]
        for rule, items in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
            kinds = defaultdict(int)
            for _, _, d in items:
                kinds[d.kind] += 1
            out.append(f"  {rule}: {len(items)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
            for name, article, d in items:
                out.append(f"    {name}: {d.kind} {d.type} {d.surface!r} ({d.detail}) "
                           f"{context(article.body, d.start, d.end)}")
        for page, scored in ev.pages.items():
            out += [f"  {page}: {d.kind} person {d.surface!r}" for d in scored.disagreements]
    return "\n".join(out)


def main(labels: Path | None, pages: tuple[tuple[Path, Path], ...], errors: bool, write: bool) -> int:
    """`labels`: one folder to score (named `labels`) instead of the default parts."""
    try:
        if write:
            print(f"wrote {write_labels(labels or LABELS)}")
        print(report(evaluate({"labels": labels} if labels else None, pages), errors))
    except (OSError, ValueError) as e:  # a missing file, bad JSON or bad markup: say which, in one line
        print(f"kcna-etl eval-mentions: {e}", file=sys.stderr)
        return 2
    return 0
