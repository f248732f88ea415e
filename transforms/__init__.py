"""Pure transforms of kcna-etl: page bytes and text in, records out.

Nothing here touches Prefect, the file system or global state. The data that
drives the parsing (chrome patterns, outlets, month names, entity aliases) is
passed in as a `Rules` object built by `kcna_etl.transforms.rules.rules_from` from the
versioned files in `transforms/lexicon/`.
"""

PIPELINE_VERSION = "1.8.0"
"""Bump when a change alters what the transforms produce for the same page."""
