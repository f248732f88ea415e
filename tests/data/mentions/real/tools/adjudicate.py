"""Settle each disagreement between the two blind labellings by the guidelines; render the final files.
# Run once, as it was, on the labelling folders of that session (raw/, L1/, L2/, final/ under a scratch folder); kept as the record of how final/ was made.

Decisions are by (file number, span text) → which labelling the guidelines side with (the reasons are in
ADJUDICATION.md). Agreed files are copied as they are. Output: final/{dev,test}/NNN_*.txt by the manifest's split.
"""
import json, pathlib
from kcna_etl.transforms.markup import labelled

ROOT = pathlib.Path("/work/labels")
L2_WINS = {  # (file, text) where the second labelling follows the guidelines; every other difference: the first
    ("007", "Presidency of Guinea"), ("007", "Guinea"), ("008", "North Korea"),
    ("026", "Far Eastern Region"), ("026", "Far Eastern Region of the Russian Federation"), ("026", "Russian Federation"),
    ("029", "Mt. Paektu"), ("057", "Mt. Paektu"), ("061", "Mt. Paektu"), ("062", "Mt. Paektu"), ("061", "Paektusan"),
    ("047", "Juche Korea"), ("055", "Leadership of the Party for Free Motherland of Brazil"),
    ("055", "Party for Free Motherland of Brazil"), ("055", "Ministry of Foreign Affairs of Democratic Congo"),
    ("058", "Kim Jong Il"), ("058", "Korean People’s Army"), ("086", "Iran"), ("093", "Saitama Prefectural Headquarters of Chongryon"),
    ("120", "Haeju City, South Hwanghae Province, Committee of the Workers' Party of Korea"), ("120", "Haeju City Party Committee"),
    ("138", "Sci-Tech Complex"), ("151", "Government of the Lao People's Democratic Republic"),
    ("151", "Lao People's Democratic Republic"), ("151", "Government of the Socialist Republic of Viet Nam"),
    ("151", "Socialist Republic of Viet Nam"), ("151", "Nepal"),
    ("153", "Organizational Department"), ("153", "Rights and Welfare Department"), ("153", "Economic Department"),
    ("153", "Financial Department"),
}
L1_CANONICAL_FIX = {("056", "Cuba"), ("056", "Syria"), ("057", "Syria"), ("057", "Iran")}  # L1 already full official names

manifest = {m["file"]: m for m in json.loads((ROOT / "raw" / "manifest.json").read_text())}
def load(who, name):
    [p] = list((ROOT / who).glob(f"*/{name}"))
    return p.read_text(encoding="utf-8")

def render(header: str, body: str, labels) -> str:
    out, pos = [], 0
    for x in sorted(labels, key=lambda x: x.start):
        out.append(body[pos:x.start])
        canon = f"|{x.canonical}" if x.canonical != x.surface else ""
        out.append(f"[[{x.type}:{x.surface}{canon}]]")
        pos = x.end
    out.append(body[pos:])
    return header + "\n\n" + "".join(out) + "\n"

counts = {"dev": 0, "test": 0}
for name, m in sorted(manifest.items()):
    t1, t2 = load("L1", name), load("L2", name)
    a, b = labelled(t1), labelled(t2)
    A, B = {(x.start, x.end): x for x in a.labels}, {(x.start, x.end): x for x in b.labels}
    final = []
    for span in sorted(set(A) | set(B)):
        x, y = A.get(span), B.get(span)
        if x and y and x == y:
            final.append(x); continue
        text = a.body[span[0]:span[1]]
        pick = y if (name[:3], text) in L2_WINS else x
        if pick is not None:
            final.append(pick)
    # no two final labels may overlap
    spans = sorted((x.start, x.end) for x in final)
    assert all(e <= s2 for (s, e), (s2, e2) in zip(spans, spans[1:])), name
    header = t1.split("\n\n", 1)[0]
    text = render(header, a.body, final)
    check = labelled(text)
    assert check.body == a.body and len(check.labels) == len(final), name
    (ROOT / "final" / m["split"] / name).write_text(text, encoding="utf-8")
    counts[m["split"]] += 1
print(counts)
