"""`kcna-etl eval-mentions`: the mentions scored against labelled text.

Reads the labelled articles (`<labels>/articles/*.txt`, inline markup as in
`tests/data/mentions/GUIDELINES.md`) and labelled pages (a folder of pages
and a gold file listing each page's persons), runs the mention extractor on
them, and reports precision, recall and F1 per entity type: strict span and
type for the articles, person names for the pages. `write_labels` regenerates
`<labels>/labels.json` (bodies and offsets) from the articles.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kcna_etl.transforms.lexicon import lexicon, rules
from kcna_etl.transforms.markup import Labelled, MarkupError, labelled
from kcna_etl.transforms.mentions import entity_id, mentions
from kcna_etl.transforms.scoring import TYPES, Scored, alias_ids, scored_names, scored_spans
from kcna_etl.transforms.page import Reject, read_page

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "mentions"
PAGES = ((ROOT / "samples" / "pages", ROOT / "samples" / "gold" / "seed_pages.json"),
         (ROOT / "tests" / "pages", ROOT / "tests" / "pages" / "expected.json"))


@dataclass
class Evaluation:
    articles: dict[str, tuple[Labelled, Scored]] = field(default_factory=dict)
    pages: dict[str, Scored] = field(default_factory=dict)

    def total(self, which: str) -> Scored:
        out = Scored()
        for s in (self.pages.values() if which == "pages" else (s for _, s in self.articles.values())):
            out += s
        return out


def labelled_articles(folder: Path) -> dict[str, Labelled]:
    """Every `articles/*.txt` under the labels folder, by file name; a markup error names its file."""
    out = {}
    for path in sorted((folder / "articles").glob("*.txt")):
        try:
            out[path.name] = labelled(path.read_text(encoding="utf-8"))
        except MarkupError as e:
            raise ValueError(f"{path}: {e}") from None
    return out


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


def evaluate(labels: Path | None = LABELS, pages: tuple[tuple[Path, Path], ...] = PAGES) -> Evaluation:
    lex = lexicon()
    known = alias_ids(rules().entities)

    def entity_id_of(type_: str, name: str) -> str:
        return known.get((type_, name)) or entity_id(type_, name)

    out = Evaluation()
    for name, article in (labelled_articles(labels) if labels else {}).items():
        out.articles[name] = (article, scored_spans(article.labels, mentions(article.body, lex), entity_id_of))
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


def report(ev: Evaluation, labels: Path | None, errors: bool) -> str:
    out = []
    if labels:
        out += [f"labelled articles: {len(ev.articles)} in {labels}/articles (strict span and type; canonical: "
                f"correct spans whose entity is the labelled one)"]
        out += table(ev.total("articles"), (*TYPES, "all"))
    if ev.pages:
        out += ["", f"labelled pages: {len(ev.pages)} (persons by name, each page's set)"]
        out += table(ev.total("pages"), ("person",))
    if errors:
        out += ["", "disagreements:"]
        for name, (article, scored) in ev.articles.items():
            for d in sorted(scored.disagreements, key=lambda d: (d.start, d.kind)):
                out.append(f"  {name}: {d.kind} {d.type} {d.surface!r} ({d.detail}) "
                           f"{context(article.body, d.start, d.end)}")
        for page, scored in ev.pages.items():
            out += [f"  {page}: {d.kind} person {d.surface!r}" for d in scored.disagreements]
    return "\n".join(out)


def main(labels: Path | None, pages: tuple[tuple[Path, Path], ...], errors: bool, write: bool) -> int:
    try:
        if labels and write:
            print(f"wrote {write_labels(labels)}")
        print(report(evaluate(labels, pages), labels, errors))
    except (OSError, ValueError) as e:  # a missing file, bad JSON or bad markup: say which, in one line
        print(f"kcna-etl eval-mentions: {e}", file=sys.stderr)
        return 2
    return 0
