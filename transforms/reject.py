"""Why a page could not become an article.

`PageRejected(stage, reason)` is raised by a transform and caught by the
flow, which writes the page to the `rejects` table with both.
"""


class PageRejected(Exception):
    def __init__(self, stage: str, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason
