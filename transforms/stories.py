"""Stories: the same news item across outlets, found by shingled MinHash with banding (docs/stories.md).

Takes: article bodies (and, to assign, the articles already stored whose band keys they hit).
Returns: a body's `Signature` (its MinHash values, shingle count and band keys), and the story of each
new article, in order of arrival.

A body is read as its canonical text (`article.canonical_text`: curly quotes and spacing folded),
without the dateline opening it, lower-cased, as words; its shingles are the runs of `shingle_words`
words. Every number here is derived from fixed seeds with SHA-256 and numpy's wrapping uint64
arithmetic (never Python's `hash()`), so a body has the same signature on every run and machine.
Two bodies are alike by the estimated Jaccard similarity of their shingle sets (the share of equal
MinHash values), or, with `measure: containment`, by the estimated share of the smaller set in the
larger (robust to a dropped or added paragraph); with `number_weight` > 0 each distinct number among the
words also adds that many members to the set. The parameters are data (`lexicon/stories.json`).
"""
from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
import dataclasses
from dataclasses import dataclass

import numpy as np

from kcna_etl.transforms.article import canonical_text
from kcna_etl.transforms.dateline import without_dateline

_WORD = re.compile(r"\w+")
# Seeded values are drawn for the largest allowed sizes, so that a smaller size uses a prefix of them.
MAX_SHINGLE = 8
MAX_NUMBER_WEIGHT = 8
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class StoryRules:
    shingle_words: int
    permutations: int
    band_rows: int
    threshold: float
    measure: str  # `jaccard` or `containment`
    number_weight: int  # extra set members per distinct number in the body (0: none)
    mul: np.ndarray  # odd uint64 multipliers of the multiply-shift hash functions, one per permutation
    add: np.ndarray  # their uint64 offsets
    word_mul: np.ndarray  # uint64 multiplier of each word position in a shingle
    number_mul: np.ndarray  # odd uint64 multipliers naming a number's copies (`number_weight` of them)
    months: Mapping[str, int]
    korean: re.Pattern | None

    @property
    def bands(self) -> int:
        return self.permutations // self.band_rows


def _seeded(seed: str, label: str, n: int) -> np.ndarray:
    """`n` uint64 values from SHA-256 of the seed: the same on every machine and numpy version."""
    out = bytearray()
    counter = 0
    while len(out) < 8 * n:
        out += hashlib.sha256(f"{seed}/{label}/{counter}".encode()).digest()
        counter += 1
    return np.frombuffer(bytes(out[:8 * n]), dtype="<u8").astype(np.uint64)


def story_rules(doc: Mapping, months: Mapping[str, int], korean: re.Pattern | None = None) -> StoryRules:
    perms, rows = int(doc["permutations"]), int(doc["band_rows"])
    if perms % rows:
        raise ValueError(f"stories.json: permutations ({perms}) must be a multiple of band_rows ({rows})")
    if doc["measure"] not in ("jaccard", "containment"):
        raise ValueError(f"stories.json: measure must be jaccard or containment, not {doc['measure']!r}")
    seed, words, weight = doc["seed"], int(doc["shingle_words"]), int(doc.get("number_weight", 0))
    return StoryRules(words, perms, rows, float(doc["threshold"]), doc["measure"], weight,
                      _seeded(seed, "mul", perms) | np.uint64(1), _seeded(seed, "add", perms),
                      _seeded(seed, "word", MAX_SHINGLE) | np.uint64(1),
                      _seeded(seed, "number", MAX_NUMBER_WEIGHT) | np.uint64(1), months, korean)


def with_params(rules: StoryRules, **changed) -> StoryRules:
    """`rules` with other parameters (the evaluation's sweep); the seeded values cover every allowed size."""
    out = dataclasses.replace(rules, **changed)
    if not 1 <= out.shingle_words <= MAX_SHINGLE or not 0 <= out.number_weight <= MAX_NUMBER_WEIGHT:
        raise ValueError(f"stories: shingle_words 1-{MAX_SHINGLE}, number_weight 0-{MAX_NUMBER_WEIGHT}")
    return out


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, elementwise (uint64, wrapping)."""
    x = x ^ (x >> np.uint64(30))  # a new array: the caller's stays as it is; then in place (no temporaries)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def words(body: str, rules: StoryRules) -> list[str]:
    """The body's words as shingled: dateline dropped, typography folded, lower case."""
    first, _, rest = body.partition("\n")
    text = canonical_text(without_dateline(first, rules.months, rules.korean) + "\n" + rest)
    return _WORD.findall(text.lower())


def shingles(body: str, rules: StoryRules) -> np.ndarray:
    """The distinct uint64 hashes of the body's runs of `shingle_words` words (a shorter body: one run of all),
    and `number_weight` members for each distinct number among its words: a retold item keeps its figures
    and dates when its wording changes, and two formulaic items of different days differ in them."""
    found = words(body, rules)
    if not found:
        return np.empty(0, np.uint64)
    ids = {w: zlib.crc32(w.encode("utf-8")) for w in set(found)}
    h = np.fromiter(map(ids.__getitem__, found), np.uint64, len(found))
    n = min(rules.shingle_words, len(h))
    acc = np.zeros(len(h) - n + 1, np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = _mix(acc + h[k:len(h) - n + 1 + k] * rules.word_mul[k])
        numbers = np.fromiter((ids[w] for w in ids if w.isdigit()), np.uint64)
        if rules.number_weight and len(numbers):
            # a number's copies are apart from every shingle: the shingles mix the word position's multiplier in
            copies = _mix(_mix(numbers[:, None] ^ np.uint64(0x6E756D62)) * rules.number_mul[None, :rules.number_weight])
            acc = np.concatenate([acc, copies.ravel()])
    return np.unique(acc)


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # uint32, one per permutation: the MinHash of the shingle set
    size: int  # number of distinct shingles
    bands: np.ndarray  # int64 band keys, one per band (empty for a body without words)


def packed(values: np.ndarray) -> bytes:
    """A signature's values as stored (staged and in `story_signatures`): little-endian uint32."""
    return values.astype("<u4").tobytes()


def unpacked(stored: bytes) -> np.ndarray:
    """`packed`'s bytes back as the values."""
    return np.frombuffer(stored, dtype="<u4").astype(np.uint32)


def signature(body: str, rules: StoryRules) -> Signature:
    s = shingles(body, rules)
    if not len(s):
        return Signature(np.full(rules.permutations, 0xFFFFFFFF, np.uint32), 0, np.empty(0, np.int64))
    with np.errstate(over="ignore"):
        hashed = s[:, None] * rules.mul[None, :]  # multiply-shift, in place: one shingles x permutations matrix
        hashed += rules.add[None, :]
        hashed >>= np.uint64(32)
    values = hashed.min(axis=0).astype(np.uint32)
    return Signature(values, len(s), band_keys(values, rules))


def band_keys(values: np.ndarray, rules: StoryRules) -> np.ndarray:
    """One int64 key per band of `band_rows` values, the band's number mixed in (a key names one band)."""
    rows = values.astype(np.uint64).reshape(rules.bands, rules.band_rows)
    with np.errstate(over="ignore"):
        key = _mix(np.arange(1, rules.bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        for r in range(rules.band_rows):
            key = _mix(key ^ rows[:, r])
    return key.view(np.int64)


def similarity(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int, measure: str) -> float:
    """Estimated Jaccard similarity of two shingle sets from their signatures, or the estimated
    containment of the smaller in the larger (from that Jaccard and the two set sizes)."""
    return float(similarities(a, size_a, b[None, :], np.array([size_b]), measure)[0])


def similarities(a: np.ndarray, size_a: int, b: np.ndarray, sizes_b: np.ndarray, measure: str) -> np.ndarray:
    """`similarity` of one signature with each row of `b` (set sizes `sizes_b`), as float64: the same
    operations in the same order, so the same values as one at a time."""
    if not size_a:
        return np.zeros(len(b))
    j = np.count_nonzero(b == a[None, :], axis=1) / len(a)
    if measure != "jaccard":
        common = j * (size_a + sizes_b) / (1 + j)
        j = np.minimum(1.0, common / np.minimum(size_a, sizes_b))
    return np.where(sizes_b > 0, j, 0.0)


@dataclass(frozen=True)
class Member:
    """An article already in a story: what a new one is compared with."""
    article_id: str
    story_id: str
    values: np.ndarray
    size: int


def assign(new: Sequence[tuple[str, Signature]], stored: Iterable[tuple[int, Member]],
           rules: StoryRules) -> dict[str, str]:
    """The story of each new article (article_id, signature), taken in the given order (of arrival).

    `stored`: (band key, member) of the stored articles sharing a band key with a new one. A new article
    is compared with every stored or earlier new article sharing one of its band keys; it joins the story
    of the most similar one at or above the threshold (ties: the smallest story id), else starts its own
    story, named by its article_id. Stories are never merged: an article like two stories joins one.
    """
    # Members are numbered rows of one matrix, so that a new article meets all its candidates in one numpy
    # comparison (a run of formulaic items has ~100 per article: one call each cost most of the commit's stories).
    stored = list(stored)
    row_of: dict[int, int] = {}  # id(member) -> row
    members: list[Member] = []
    for _, m in stored:
        if id(m) not in row_of:
            row_of[id(m)] = len(members)
            members.append(m)
    count = len(members) + len(new)
    values = np.empty((count, rules.permutations), np.uint32)
    sizes = np.empty(count, np.int64)
    owner = np.empty(count, np.int64)  # a number per article_id: candidates are compared once per article
    owners: dict[str, int] = {}
    stories: list[str] = []

    def add(m: Member) -> int:
        row = len(stories)
        values[row], sizes[row] = m.values, m.size
        owner[row] = owners.setdefault(m.article_id, len(owners))
        stories.append(m.story_id)
        return row

    for m in members:
        add(m)
    candidates = _candidates(stored, row_of, [sig.bands for _, sig in new], len(members))
    out: dict[str, str] = {}
    for (article_id, sig), found in zip(new, candidates):
        story = article_id
        if len(found):
            rows = found[np.unique(owner[found], return_index=True)[1]]  # an article's first row, as met
            scores = similarities(sig.values, sig.size, values[rows], sizes[rows], rules.measure)
            close = scores >= rules.threshold
            if close.any():  # the most similar; ties: the smallest story id
                top = scores[close].max()
                story = min(stories[r] for r in rows[close & (scores == top)].tolist())
        out[article_id] = story
        add(Member(article_id, story, sig.values, sig.size))
    return out


def _candidates(stored: list[tuple[int, Member]], row_of: dict[int, int], bands: Sequence[np.ndarray],
                first_new: int) -> Iterator[np.ndarray]:
    """For each new article (its band keys in `bands`, its row `first_new` + its number), the rows met before it
    under its keys: for each of its keys in turn, the stored rows holding the key in `stored`'s order, then the
    earlier new articles holding it in their order.

    Sorted arrays of (key, row) entries, not a dict of lists (~200 bytes an entry, and a run has one entry per band
    of each new article: ~1 million at 30,000 articles); after the sort only the entries of keys held more than
    once are kept, as the others meet nothing (most keys: most articles start a story of their own)."""
    lengths = np.fromiter(map(len, bands), np.int64, len(bands))
    keys = np.concatenate([np.fromiter((k for k, _ in stored), np.int64, len(stored)), *bands]).astype(np.int64)
    order = np.argsort(keys, kind="stable")  # within a key: the order met (stored, then new in arrival order)
    keys = keys[order]
    same = keys[1:] == keys[:-1]
    shared = np.zeros(len(keys), bool)
    shared[1:] |= same
    shared[:-1] |= same
    order, keys = order[shared], keys[shared]
    del same, shared
    rows = np.concatenate([np.fromiter((row_of[id(m)] for _, m in stored), np.int64, len(stored)),
                           np.repeat(np.arange(first_new, first_new + len(bands), dtype=np.int64), lengths)])[order]
    group = np.searchsorted(keys, keys, side="left")  # where each entry's key starts
    # the new articles' shared entries, in arrival order and each article's keys in its order
    mine = np.flatnonzero(order >= len(stored))
    mine = mine[np.argsort(order[mine], kind="stable")]
    article = rows[mine] - first_new
    bounds = np.searchsorted(article, np.arange(len(bands) + 1), side="left")
    for n in range(len(bands)):
        at = mine[bounds[n]:bounds[n + 1]]
        starts = group[at]
        met = starts < at
        if not met.any():
            yield np.empty(0, np.int64)
            continue
        found = np.concatenate([rows[a:b] for a, b in zip(starts[met].tolist(), at[met].tolist())])
        yield found[found != first_new + n]  # a key the article holds twice meets its own earlier entry


def arrival_key(article_id: str, published, captured) -> tuple:
    """The order in which a run assigns its new articles: publication date, else capture date (undated last),
    then article_id."""
    day = published or captured
    return (day is None, day.toordinal() if day else 0, article_id)
