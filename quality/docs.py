"""Great Expectations Data Docs of a run, rendered from its stored results: the only module importing
Great Expectations.

The run's results are already stored in Great Expectations' format
(`kcna_etl.quality.validation.store_results`, under `<warehouse>/_quality/results/`);
this builds the site from them with Great Expectations' own renderer (`SiteBuilder`): in the run
when an expectation failed (people open them then), or later on demand (`kcna-etl report
--data-docs`). The suites are added to a context in a temporary folder (a cache, not data), with
our one expectation type registered, so that their pages render too.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import great_expectations as gx
import pyarrow.fs as pafs
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)

from kcna_etl.quality.suites import SUITES, TABLES, SuiteError, load_suites
from kcna_etl.storage import location


class ColumnPairValuesDiffer(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.differ"
    condition_domain_keys = ("batch_id", "table", "column_A", "column_B", "row_condition", "condition_parser",
                             "ignore_row_if")
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, **kwargs):  # noqa: N803 (Great Expectations' argument names)
        return column_A != column_B


class ExpectColumnPairValuesToDiffer(ColumnPairMapExpectation):
    """Expect column A to differ from column B in every row: `expect_column_pair_values_to_differ`.

    Great Expectations ships the equality test only; its stand-in for this one,
    `expect_select_column_values_to_be_unique_within_record`, counts distinct
    values row by row. Registered here so that a suite using it loads and renders.
    """
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = "both_values_are_missing"
    map_metric = "column_pair_values.differ"
    success_keys = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys = ("column_A", "column_B")


def context(folder: Path, suites: dict[str, dict] | None = None):
    """A file context in `folder` with the suites added whole (a bad expectation stops, not only logs)."""
    docs = suites or load_suites()
    ctx = gx.get_context(mode="file", project_root_dir=str(folder))
    styles = Path(ctx.plugins_directory) / "custom_data_docs" / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SUITES / "data_docs.css", styles / "data_docs_custom_styles.css")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    for table in TABLES:
        suite = ctx.suites.add(gx.ExpectationSuite(**docs[table]))
        if len(suite.expectations) != len(docs[table]["expectations"]):
            raise SuiteError(f"expectations/{table}.json: {len(docs[table]['expectations']) - len(suite.expectations)}"
                             " expectation(s) are not valid Great Expectations configurations")
    return ctx


def run_keys(folder: Path, run_id: str) -> list[ValidationResultIdentifier]:
    """The stored results of run `run_id` (`results/<table>/<run>/<time>/<batch>.json`)."""
    return [ValidationResultIdentifier.from_tuple((p.parts[-4], p.parts[-3], p.parts[-2], p.stem))
            for table in TABLES for p in sorted((folder / "results" / table / run_id).glob("*/*.json"))]


def build(quality: str | Path, run_id: str) -> dict[str, str]:
    """The Data Docs pages of run `run_id` (and the site's index) at the `quality` location, by table;
    built from the results stored there. Empty when the run stored none."""
    quality = str(quality)
    with site(quality) as folder, tempfile.TemporaryDirectory(prefix="kcna-etl-gx-") as tmp:
        keys = run_keys(folder, run_id)
        if not keys:
            return {}
        ctx = context(Path(tmp))
        ctx.add_store("quality_results", {
            "class_name": "ValidationResultsStore",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder / "results")}})
        ctx.add_data_docs_site("quality", {
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "site_section_builders": {"validations": {"source_store_name": "quality_results"},
                                      "profiling": {"source_store_name": "quality_results"}}})
        ctx.build_data_docs(site_names=["quality"],
                            resource_identifiers=[*keys, *(ExpectationSuiteIdentifier(name=t) for t in TABLES)])
        pages = {k.expectation_suite_identifier.name: Path(ctx.get_docs_sites_urls(
            resource_identifier=k, site_name="quality")[0]["site_url"].removeprefix("file://")) for k in keys}
        return {"index": location.join(quality, "index.html"),
                **{t: location.join(quality, p.relative_to(folder).as_posix()) for t, p in pages.items()}}


@contextlib.contextmanager
def site(quality: str) -> Iterator[Path]:
    """A local folder holding the Data Docs site of `quality`: the folder itself, or for a bucket a
    temporary one given the stored results of every run (the index lists them all), whose new and
    rebuilt files go back to the bucket."""
    if not location.is_remote(quality):
        Path(quality).mkdir(parents=True, exist_ok=True)
        yield Path(quality)
        return
    fs, root = location.resolve(quality)
    with tempfile.TemporaryDirectory(prefix="kcna-etl-docs-") as tmp:
        stored = {f.path[len(root) + 1:]: f.size for f in fs.get_file_info(
            pafs.FileSelector(f"{root}/results", recursive=True, allow_not_found=True)) if f.type == pafs.FileType.File}
        for rel in stored:
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            with fs.open_input_stream(f"{root}/{rel}", compression=None) as src, open(Path(tmp) / rel, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        yield Path(tmp)
        for path in sorted(p for p in Path(tmp).rglob("*") if p.is_file()):
            rel = path.relative_to(tmp).as_posix()
            if stored.get(rel) != path.stat().st_size:
                with open(path, "rb") as src, fs.open_output_stream(f"{root}/{rel}", compression=None) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
