"""Write texts/<id>.txt for every text in texts.json, read from local clones of the source archives.

No text is committed here: the archive texts are fetched material (whose rules keep it out of commits), and
the copies of stored web pages may not be copied verbatim into the repository (the search tool's terms); they
are read from pages/<file> where someone copied them again (git-ignored). Each entry of texts.json says where
its text is (repository, commit, file, item key; or the page's address) and the SHA-256 of the text, so anyone
with the archives and the pages rebuilds the same bytes; a page copy that is absent is left out, and said.

    python tests/data/stories/tools/materialize.py \
        --clone stiles/north-korea-news=/work/.mirror/stiles+north-korea-news/repo \
        --clone thogra/rodong-sinmun=/work/.mirror/thogra+rodong-sinmun/repo
"""
import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT_CLONES = {
    "stiles/north-korea-news": "/work/.mirror/stiles+north-korea-news/repo",
    "thogra/rodong-sinmun": "/work/.mirror/thogra+rodong-sinmun/repo",
}


def archive_file(clone, commit, path):
    out = subprocess.run(["git", "-C", clone, "show", f"{commit}:{path}"], capture_output=True, check=True)
    return json.loads(out.stdout)


def item_text(data, origin):
    """The body as the archive holds it: KCNA's `story_text` as is; Rodong Sinmun's paragraph list, one a line;
    with `paragraphs`, only that many first lines (a copy that stopped after a whole paragraph); a copy of a
    stored web page from its file under pages/ (one paragraph a line; kept out of commits, see README)."""
    if "page" in origin:
        return (HERE / origin["file"]).read_text(encoding="utf-8").removesuffix("\n")
    if origin["repo"] == "stiles/north-korea-news":
        text = [r["story_text"] for r in data if r["link"] == origin["item"]][origin["nth"]]
    else:
        items = data["topNews"] if isinstance(data, dict) else data
        text = "\n".join(next(t["content"] for t in items if t.get("url") == origin["item"]))
    return "\n".join(text.split("\n")[:origin["paragraphs"]]) if "paragraphs" in origin else text


def rebuilt(entries, clones):
    """Each entry's text ({id: {"origin", "sha256"}}) read from the clones, and the ids whose text is not the
    recorded SHA-256."""
    cache, texts, bad = {}, {}, []
    for tid, meta in sorted(entries.items()):
        o = meta["origin"]
        if "page" in o:
            if (HERE / o["file"]).is_file():  # absent where nobody copied the page again: left out
                texts[tid] = item_text(None, o)
        else:
            key = (o["repo"], o["commit"], o["path"])
            if key not in cache:
                cache[key] = archive_file(clones[o["repo"]], o["commit"], o["path"])
            texts[tid] = item_text(cache[key], o)
        if tid not in texts:
            continue
        if hashlib.sha256(texts[tid].encode()).hexdigest() != meta["sha256"]:
            bad.append(tid)
    return texts, bad


def clones_of(pairs):
    """owner/name -> clone path: the defaults, overridden by `--clone owner/name=PATH`."""
    return dict(DEFAULT_CLONES, **dict(c.split("=", 1) for c in pairs))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clone", action="append", default=[], help="owner/name=PATH of a git clone")
    ap.add_argument("--out", default=str(HERE / "texts"))
    args = ap.parse_args(argv)
    texts, bad = rebuilt(json.loads((HERE / "texts.json").read_text()), clones_of(args.clone))
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    for tid, text in texts.items():
        (out / f"{tid}.txt").write_text(text)
    absent = len(json.loads((HERE / "texts.json").read_text())) - len(texts)
    print(f"{len(texts) - len(bad)} texts written to {out}; {len(bad)} differ from their recorded SHA-256 {bad}; "
          f"{absent} page copies absent (not in pages/)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
