"""Write the yardstick's fetched articles as labelled files, from local clones of the archives they were copied from.

139 of the 251 articles were copied from fetched archives (`github:stiles/north-korea-news`,
`github:thogra/rodong-sinmun`), which stay out of commits: `dev/fetched.json` and `test/fetched.json` keep
where each text is, the SHA-256 of its plain text and its labels as offsets. This rebuilds each one's
labelled file (header from `manifest.json`, then the text with its labels marked up) beside the committed
ones, in `<split>/<file>` (git-ignored), and refuses a text whose SHA-256 differs. Run from the repository:

    python -m tests.data.mentions.real.tools.materialize [--clone owner/name=PATH] [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kcna_etl.devtools.yardstick import REAL, fetched
from tests.data.stories.tools.materialize import clones_of, rebuilt

SPLITS = ("dev", "test")


def marked(text: str, labels: list[list]) -> str:
    """The text with each [start, end, type, canonical] label written as the guidelines' markup (the canonical
    name only where it differs from the surface, as the labellers wrote it)."""
    out, pos = [], 0
    for start, end, type_, canonical in labels:
        surface = text[start:end]
        out += [text[pos:start], f"[[{type_}:{surface}{'' if canonical == surface else '|' + canonical}]]"]
        pos = end
    return "".join(out) + text[pos:]


def labelled_file(entry: dict, text: str, labels: list[list]) -> str:
    """One article file as committed: its `manifest.json` header, a blank line, the marked-up text."""
    return (f"source: {entry['source']}\npublished: {entry['published']}\norigin: {entry['origin']}\n\n"
            f"{marked(text, labels)}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clone", action="append", default=[], help="owner/name=PATH of a git clone")
    ap.add_argument("--out", default=str(REAL), help="folder to write <split>/<file> in (default: the yardstick's)")
    args = ap.parse_args(argv)
    manifest = {e["file"]: e for e in json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))}
    records = {f"{split}/{name}": r for split in SPLITS for name, r in fetched(REAL / split).items()}
    texts, bad = rebuilt(records, clones_of(args.clone))
    out = Path(args.out)
    for key, text in texts.items():
        if key not in bad:
            (out / key).parent.mkdir(parents=True, exist_ok=True)
            (out / key).write_text(labelled_file(manifest[Path(key).name], text, records[key]["labels"]),
                                   encoding="utf-8")
    print(f"{len(texts) - len(bad)} labelled articles written under {out}; {len(bad)} not written, their text "
          f"differs from the recorded SHA-256 {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
