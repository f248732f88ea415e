"""The table schemas: the one place where every column is named, typed and described.

Used by the writer (files are written with these schemas), the tests (the data
contract) and the docs (`docs/tables.md` is generated from here by
`kcna-etl schema-doc` and checked by a test). `partition_of` and `slug` make
the Hive partition values; nothing else does.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata

import pyarrow as pa


def col(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


PARTITIONING = pa.schema([
    col("source_slug", pa.string(), "Partition: filesystem-safe slug of the article's `source` (see `slug`); null when unknown."),
    col("year", pa.int32(), "Partition: year of the article's `published_date`; null (`__HIVE_DEFAULT_PARTITION__`) when unknown, never guessed."),
])

ARTICLES = pa.schema([
    col("article_id", pa.string(), "Deterministic id: first 32 hex digits of SHA-256 over the outlet and the body with typography folded (curly quotes, spacing). Same on every run and machine; a text and an HTML copy of one article share it.", False),
    col("source", pa.string(), "Outlet as shown, e.g. `KCNA.kp (En)`: from the metadata line's `Source:`, else the sidebar's `More From <outlet>`."),
    col("outlet", pa.string(), "Canonical outlet of `source` from `transforms/lexicon/outlets.json`: one name for its spellings (`Voice of Korea` and `Voice of Korea (En)` give `Voice of Korea`); group by it. Null when the outlet is not in the list."),
    col("title", pa.string(), "Headline from the page header; null when the page shows none (never taken from the body)."),
    col("published_date", pa.date32(), "Publication date: the metadata line's `Date: DD/MM/YYYY`, else the `www.kcna.kp (YYYY.MM.DD.)` footer (Juche years converted); null when neither is on the page."),
    col("published_date_origin", pa.string(), "Where `published_date` came from: `metadata`, `footer`, or null."),
    col("capture_date", pa.date32(), "Date the aggregator captured the page: the header's first line (`December 05, 2025Dec 05, 2025` reads as 2025-12-05); null when the page has no header."),
    col("dateline_place", pa.string(), "Place of the dateline opening the body (`Pyongyang, March 23 (KCNA) --` gives `Pyongyang`); null without a dateline."),
    col("dateline_agency", pa.string(), "Agency of the dateline (`KCNA`); null without one."),
    col("dateline_month", pa.int8(), "Month of the dateline (1-12), known even when the year is not."),
    col("dateline_day", pa.int8(), "Day of the dateline (1-31)."),
    col("body", pa.string(), "Article text: paragraphs joined by `\\n`, header, chrome, end mark `-0-` (Korean `(끝)`), footer and sidebar removed; text otherwise exactly as on the page (curly quotes and spacing kept, so mention offsets index it directly).", False),
    col("language", pa.string(), "Language of `body`: `ko` when at least half its letters are Hangul (`transforms/lexicon/korean.json`), else `en`. Mentions are read from `en` bodies only."),
    col("paragraph_count", pa.int32(), "Number of paragraphs in `body`.", False),
    col("word_count", pa.int32(), "Number of words in `body` (runs of letters/digits, with inner apostrophes, dots and hyphens).", False),
    col("layout", pa.string(), "Page layout: `header` (capture date and metadata on top, blank-line separated) or `plain` (no header)."),
    col("page_format", pa.string(), "`text` or `html` (either possibly gzip-compressed)."),
    col("sidebar_source", pa.string(), "Outlet named by the sidebar's `More From`; null when the page has no sidebar."),
    col("teaser_count", pa.int32(), "Number of teaser rows read from the sidebar."),
    col("raw_path", pa.string(), "Path of the page file relative to the input folder.", False),
    col("raw_sha256", pa.string(), "SHA-256 of the raw file bytes (before gzip): the page's identity for incremental runs.", False),
    col("pipeline_version", pa.string(), "Version of the transforms that produced the row."),
    col("story_id", pa.string(), "The news item this article tells: one id for the same item republished by several outlets (another title, a paragraph dropped or added, typography changed, the dateline removed). The `article_id` of the story's first article; assigned once, at the commit that writes the article, by shingled MinHash of the body against the stored articles (`story_bands`, docs/stories.md), never rewritten. Null in a warehouse written before stories were kept, until `backfill --full`."),
])

TEASERS = pa.schema([
    col("article_id", pa.string(), "The article of the page the teaser was on.", False),
    col("position", pa.int32(), "1-based position in the sidebar, in page order (repeated items keep their own positions).", False),
    col("source", pa.string(), "Outlet of the sidebar (`More From <outlet>`)."),
    col("title", pa.string(), "Teaser headline (printed twice on the page); null for untitled teasers."),
    col("snippet", pa.string(), "Teaser text as shown (truncated by the site).", False),
    col("teaser_date", pa.date32(), "Date printed under the snippet.", False),
])

MENTIONS = pa.schema([
    col("article_id", pa.string(), "The article whose body contains the mention.", False),
    col("entity_type", pa.string(), "`person`, `organization` or `place`.", False),
    col("entity", pa.string(), "Name of the entity. Organisations and places: the canonical name, aliases folded (`WPK` -> `Workers' Party of Korea`). Persons: the fullest form this article gives, short forms folded into it (`Putin` -> `Vladimir Vladimirovich Putin` when the article names him so; a surname alone takes the alias table's full name).", False),
    col("entity_id", pa.string(), "Stable id of the entity across articles: the alias table's id (`person:putin`) or, for a name in no list, `<type>:` plus a slug of the name. Count by this column."),
    col("surface", pa.string(), "Text as it appears in the body (possessive `'s` excluded).", False),
    col("start", pa.int32(), "Offset of the first character in `body` (Python string index: code points).", False),
    col("end", pa.int32(), "Offset after the last character: `body[start:end] == surface`.", False),
    col("role", pa.string(), "Appositive title after a person's name (`department director of the C.C., WPK`), else null."),
    col("rule", pa.string(), "The rule that found it: `alias` (the alias table), `korean-name`, `korean-pair`, `chinese-name` (name shapes), `title-before`, `role-after`, `speech-after` (context), `korean-misspelt` (a Korean name with a syllable the source misspelt, `Kim Jong ll`), `org-head`, `place-head` (organisation and place heads), `dateline`, `coordinated`, `same-name`, `title-list` (a name in a list after a shared plural title), `organ-cut-short`, `organ-of` (an organ before `of the` and an organisation found, or abbreviated before it: `C.C., the CPC`), `media-cue` (a newspaper or agency named right after a word for it: `the newspaper Patriot`), `place-before-place` (a place named after `in` right before a known place it is in: `in Malmo, Sweden`), `acronym`, `short-form`. `kcna-etl eval-mentions --errors` groups by it.", False),
])

APPEARANCES = pa.schema([
    col("article_id", pa.string(), "The article whose body holds the list.", False),
    col("list_number", pa.int32(), "The article's lists numbered 1, 2, … in body order.", False),
    col("position", pa.int32(), "1-based place of the person in the list, in the order the sentence names them: what NK watchers read rank from.", False),
    col("entity_id", pa.string(), "The person, as `mentions.entity_id`: follow a person's positions by it."),
    col("entity", pa.string(), "The person's name, as `mentions.entity`."),
    col("surface", pa.string(), "The name as written in the list.", False),
    col("start", pa.int32(), "Offset of the name in `body` (as the mention's).", False),
    col("end", pa.int32(), "Offset after the name: `body[start:end] == surface`.", False),
    col("role", pa.string(), "Role as given: the title right before the name (`Vice-Premier`), else the appositive after it (`Minister of Railways`); null when the list gives none."),
    col("cue", pa.string(), "The words that open or close the list: `Present there were`, `Present at the meeting were`, `Among the audience were`, `was accompanied by`, `were present`, ….", False),
], metadata={"doc": "Protocol order: one row per person named in a sentence that lists who attended or accompanied an "
                    "event (`transforms/protocol.py`, cues in `transforms/lexicon/protocol.json`). Derived from "
                    "each new article's body and the person mentions written for it (not validated by a suite), "
                    "in the partition of its article, and replaced with the article's other rows."})

STORY_BANDS = pa.schema([
    col("band_key", pa.int64(), "A band key of the article's MinHash signature (`transforms/stories.py`: the band's number and values hashed): articles sharing a key are compared.", False),
    col("article_id", pa.string(), "The article.", False),
    col("story_id", pa.string(), "Its story (as `articles.story_id`).", False),
], metadata={"doc": "The band index of the stories (not partitioned): one row per article and band, sorted by `band_key` "
                    "in each file. A run reads the rows of its new articles' keys to find the stored articles to compare "
                    "them with, and appends one file; rows are never rewritten, except those of an article processed again "
                    "(removed with its other rows, then assigned anew)."})

STORY_SIGNATURES = pa.schema([
    col("article_id", pa.string(), "The article.", False),
    col("story_id", pa.string(), "Its story (as `articles.story_id`).", False),
    col("shingles", pa.int32(), "Number of distinct word shingles of its body (what containment is estimated from).", False),
    col("signature", pa.binary(), "Its MinHash signature: `permutations` little-endian uint32 values (`transforms/lexicon/stories.json`).", False),
], metadata={"doc": "The MinHash signature of every article with a story (not partitioned), read for the articles a run's "
                    "band keys hit; one file appended per run, kept like `story_bands`."})

REJECTS = pa.schema([
    col("raw_path", pa.string(), "Path of the page file relative to the input folder.", False),
    col("raw_sha256", pa.string(), "SHA-256 of the raw bytes; null when the file could not be read at all."),
    col("stage", pa.string(), "Stage that refused the page: `ingest`, `clean`, `split`, `enrich` or `validate`.", False),
    col("reason", pa.string(), "Why, in one sentence.", False),
    col("pipeline_version", pa.string(), "Version of the transforms that refused it."),
])

ENTITIES = pa.schema([
    col("entity_id", pa.string(), "The entity: `entity_id` of its mentions (`person:putin`, `org:wpk`, `place:dprk`). One row per id.", False),
    col("entity_type", pa.string(), "`person`, `organization` or `place`.", False),
    col("entity", pa.string(), "Canonical name: the longest `entity` its mentions carry (a person's fullest form in any article), ties to the most frequent, then the first in sort order.", False),
    col("aliases", pa.list_(pa.string()), "Distinct surface forms seen in bodies, typography folded (curly apostrophe, no-break and repeated spaces), sorted.", False),
    col("first_seen", pa.date32(), "Earliest `published_date` of an article mentioning it; null when no such article has a date."),
    col("last_seen", pa.date32(), "Latest `published_date` of an article mentioning it; null when none has a date."),
    col("mention_count", pa.int64(), "Number of its rows in `mentions`.", False),
    col("article_count", pa.int64(), "Number of distinct articles mentioning it.", False),
], metadata={"doc": "Derived from `mentions` (and `articles` for the dates) in every snapshot a run publishes, "
                    "so it always equals a group-by of the snapshot's mentions by `entity_id`: a run adds its new "
                    "mentions' aggregates to the stored ones, and recounts from the mentions only the entities whose "
                    "mentions it removed (pages processed again). Beside it, `_entity_names/` keeps how often each "
                    "entity carries each name (what picks the canonical name), for the next run."})

ROLES = pa.schema([
    col("entity_id", pa.string(), "The person (`entity_id` of `entities` and `mentions`).", False),
    col("role", pa.string(), "A role the person was given: `mentions.role` (the appositive title after the name), typography folded as in `aliases` and without a closing `.`, `,`, `;` or `:`.", False),
    col("first_seen", pa.date32(), "Earliest date of an article giving the person that role: its `published_date`, else its `capture_date`; null when none has either."),
    col("last_seen", pa.date32(), "Latest such date; null when none has one."),
    col("mention_count", pa.int64(), "Number of `mentions` rows of the person with that role.", False),
    col("article_count", pa.int64(), "Number of distinct articles giving the person that role.", False),
], metadata={"doc": "The role history: one row per (`entity_id`, `role`), derived from `mentions` (and `articles` "
                    "for the dates) in every snapshot a run publishes, kept up like `entities` (a run adds its new "
                    "mentions' aggregates, and recounts the persons whose mentions it removed), so it always equals "
                    "a group-by of the snapshot's mentions with a role by `entity_id` and `role`."})

ENTITY_NAMES = pa.schema([
    col("entity_id", pa.string(), "The entity."),
    col("entity", pa.string(), "A name its mentions carry."),
    col("entity_count", pa.int64(), "How many of its mentions carry that name."),
], metadata={"doc": "State of `entities` (folder `_entity_names/` of a snapshot), not a table to query."})

MANIFEST = pa.schema([
    col("raw_sha256", pa.string(), "SHA-256 of the raw bytes of a processed page.", False),
    col("raw_path", pa.string(), "Path of the page when it was processed.", False),
    col("raw_size", pa.int64(), "Size of the file in bytes when it was read; null in warehouses written before it was kept."),
    col("raw_mtime_ns", pa.int64(), "Modification time of the file (ns since the epoch) when it was read. A later run skips a file whose path, size and modification time are unchanged without reading it; null when unknown."),
    col("outcome", pa.string(), "`article`, `duplicate` (same bytes or same article as another page), `rejected`, or `quarantined` (its article row failed an `error` expectation: in `quarantine/articles`).", False),
    col("article_id", pa.string(), "The article the page became, was quarantined as, or duplicates; null for rejects."),
    col("published_date", pa.date32(), "Publication date the page gave (as in `articles`): what `backfill --since/--until` selects on. Null for rejects and undated pages."),
    col("pipeline_version", pa.string(), "Version of the transforms that processed it (what `backfill --stale` compares).", False),
    col("run_id", pa.string(), "Run that processed it.", False),
])

RAW_PATH = col("raw_path", pa.string(), "Path of the page file relative to the input folder.", False)
FAILED = [
    col("failed_expectations", pa.list_(pa.string()), "The `error` expectations the row failed, as `<table>.<name>` (suites in `expectations/<table>.json`); a teaser or mention quarantined with its article lists the article's.", False),
    col("run_id", pa.string(), "Run that quarantined the row.", False),
]


def quarantined(table: str, schema: pa.Schema, *extra: pa.Field) -> pa.Schema:
    """A table's columns, nullable (a quarantined row may break any rule), then why it is held."""
    doc = (f"Rows of `{table}` that failed an `error` expectation of the validation suites, kept out of "
           f"`{table}` (not partitioned).")
    return pa.schema([f.with_nullable(True) for f in schema] + list(extra) + FAILED, metadata={"doc": doc})


QUARANTINE_ARTICLES = quarantined("articles", ARTICLES)
QUARANTINE_TEASERS = quarantined("teasers", TEASERS, RAW_PATH)
QUARANTINE_MENTIONS = quarantined("mentions", MENTIONS, RAW_PATH)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES, "teasers": TEASERS, "mentions": MENTIONS, "appearances": APPEARANCES,
    "entities": ENTITIES, "roles": ROLES, "story_bands": STORY_BANDS, "story_signatures": STORY_SIGNATURES,
    "rejects": REJECTS,
    "_manifest": MANIFEST,
    "quarantine/articles": QUARANTINE_ARTICLES, "quarantine/teasers": QUARANTINE_TEASERS,
    "quarantine/mentions": QUARANTINE_MENTIONS,
}
PARTITIONED = ("articles", "teasers", "mentions", "appearances")


def page_key(schema: pa.Schema) -> str | None:
    """The column that ties a table's rows to the page they came from, for replacing a page's rows.

    `raw_sha256`: the row belongs to that page (articles, rejects, the manifest). Else `article_id`:
    the row belongs to the page that made that article (teasers, mentions). None: a table derived
    from the others as a whole, rebuilt rather than replaced row by row.
    """
    return next((c for c in ("raw_sha256", "article_id") if c in schema.names), None)


_NON_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 60


@functools.lru_cache(maxsize=65536)  # every row of a page asks for its outlet's slug
def slug(text: str) -> str:
    """Filesystem- and Hive-safe partition value: `KCNA.kp (En)` -> `kcna-kp-en`.

    Only `[a-z0-9-]`, at most 60 characters; a name with nothing left, or cut
    short, gets a hash suffix so that distinct outlets stay apart.
    """
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = _NON_SLUG.sub("-", ascii_).strip("-")
    if not s or len(s) > MAX_SLUG:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        s = f"{s[:MAX_SLUG - 9].rstrip('-')}-{digest}".lstrip("-")
    return s


def partition_of(source: str | None, published: dt.date | None) -> tuple[str | None, int | None]:
    return (slug(source) if source else None), (published.year if published else None)


def with_partitions(schema: pa.Schema) -> pa.Schema:
    """The in-memory schema of a partitioned table: its columns plus the partition keys."""
    return pa.schema(list(schema) + list(PARTITIONING))


def schema_markdown() -> str:
    """Markdown reference of every table, generated from the schemas above."""
    out = ["# Tables", "", "Generated from `transforms/schema.py` by `kcna-etl schema-doc`; do not edit by hand.", ""]
    for name, schema in TABLES.items():
        parts = " Partitioned by `source_slug`, `year` (Hive folders)." if name in PARTITIONED else ""
        parts += f" {schema.metadata[b'doc'].decode()}" if schema.metadata and b"doc" in schema.metadata else ""
        out += [f"## `{name}`", "", f"Folder `{name}/` under the warehouse root.{parts}", "",
                "| column | type | null | meaning |", "|---|---|---|---|"]
        fields = list(schema) + (list(PARTITIONING) if name in PARTITIONED else [])
        for f in fields:
            doc = (f.metadata or {}).get(b"doc", b"").decode().replace("|", "\\|")
            out.append(f"| `{f.name}` | {f.type} | {'yes' if f.nullable else 'no'} | {doc} |")
        out.append("")
    return "\n".join(out)
