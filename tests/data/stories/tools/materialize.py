"""Write texts/<id>.txt for every text in texts.json, read from local clones of the source archives.

The texts are public archive data and are not committed here (the rules for fetched material keep it out
of commits); each entry of texts.json says where its text is (repository, commit, file, item key) and the
SHA-256 of the text, so anyone with the archives rebuilds the same bytes.

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
    """The body as the archive holds it: KCNA's `story_text` as is; Rodong Sinmun's paragraph list, one a line."""
    if origin["repo"] == "stiles/north-korea-news":
        return [r["story_text"] for r in data if r["link"] == origin["item"]][origin["nth"]]
    items = data["topNews"] if isinstance(data, dict) else data
    return "\n".join(next(t["content"] for t in items if t.get("url") == origin["item"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clone", action="append", default=[], help="owner/name=PATH of a git clone")
    ap.add_argument("--out", default=str(HERE / "texts"))
    args = ap.parse_args(argv)
    clones = dict(DEFAULT_CLONES, **dict(c.split("=", 1) for c in args.clone))
    texts = json.loads((HERE / "texts.json").read_text())
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    cache, bad = {}, []
    for tid, meta in sorted(texts.items()):
        o = meta["origin"]
        key = (o["repo"], o["commit"], o["path"])
        if key not in cache:
            cache[key] = archive_file(clones[o["repo"]], o["commit"], o["path"])
        text = item_text(cache[key], o)
        if hashlib.sha256(text.encode()).hexdigest() != meta["sha256"]:
            bad.append(tid)
        (out / f"{tid}.txt").write_text(text)
    print(f"{len(texts) - len(bad)} texts written to {out}; {len(bad)} differ from their recorded SHA-256 {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
