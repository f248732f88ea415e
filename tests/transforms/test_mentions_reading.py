"""The mention extractor gives, on the labelled articles, exactly the mentions it gave when the committed
reading was made (tests/data/reading/labelled_mentions.parquet): every field, `rule` and `role` too. What lets
the engine be rebuilt for speed with the promise "same outputs for the same rules"; regenerated with the rest
of the reading (tests/data/reading/make.py) only when the outputs are meant to change."""
from __future__ import annotations

import pyarrow.parquet as pq

from kcna_etl.devtools.evaluation import PARTS
from kcna_etl.devtools.yardstick import labelled_articles
from tests.conftest import needs_fetched
from tests.data.reading import make


def present() -> set[str]:
    return {f"{part}/{name}" for part in make.LABELLED_PARTS for name in labelled_articles(PARTS[part])}


def test_the_extractor_gives_the_committed_mentions_on_the_labelled_articles():
    """On the articles present: every one in CI (the fetched ones absent), all of them once materialized."""
    articles = present()
    want = [w for w in pq.read_table(make.HERE / "labelled_mentions.parquet").to_pylist() if w["article"] in articles]
    got = make.labelled_mentions()
    assert len(want) > 1000  # both parts, every article present
    differ = [(w["article"], w["start"]) for w, g in zip(want, got) if w != g]
    assert len(got) == len(want) and not differ, (
        f"{len(got)} mentions, committed {len(want)}; first differing (article, start): {differ[:5]}")


@needs_fetched
def test_the_reading_covers_articles_that_are_all_present():
    """With the fetched articles materialized, the test above compares the whole committed reading."""
    assert {w["article"] for w in pq.read_table(make.HERE / "labelled_mentions.parquet").to_pylist()} <= present()
