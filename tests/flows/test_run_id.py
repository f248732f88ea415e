"""Run ids are names, never times: Great Expectations parses a run name as a time where it can, and a
parse giving an offset of thousands of hours made its Data Docs raise (about 1 run in 7,000)."""
from __future__ import annotations

import re

import pytest
from dateutil.parser import ParserError, parse

from kcna_etl.flows.pipeline import new_run_id


def test_run_ids_sort_by_time_and_never_parse_as_times():
    ids = [new_run_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"\d{8}T\d{6}Z-[a-p]{12}", i) for i in ids)
    for i in ids:
        with pytest.raises(ParserError):
            parse(i)
