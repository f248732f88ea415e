"""The mention extractor gives, on the labelled articles, exactly the mentions it gave when the committed
reading was made (tests/data/reading/labelled_mentions.parquet): every field, `rule` and `role` too. What lets
the engine be rebuilt for speed with the promise "same outputs for the same rules"; regenerated with the rest
of the reading (tests/data/reading/make.py) only when the outputs are meant to change."""
from __future__ import annotations

import pyarrow.parquet as pq

from tests.data.reading import make


def test_the_extractor_gives_the_committed_mentions_on_the_labelled_articles():
    want = pq.read_table(make.HERE / "labelled_mentions.parquet").to_pylist()
    got = make.labelled_mentions()
    assert len(want) > 1000  # both parts, every article
    differ = [(w["article"], w["start"]) for w, g in zip(want, got) if w != g]
    assert len(got) == len(want) and not differ, (
        f"{len(got)} mentions, committed {len(want)}; first differing (article, start): {differ[:5]}")
