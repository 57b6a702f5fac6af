"""The worst post the tester found (issue 15): 1 MB of text with 62,000 rule hits. Rendering its
evidence in the post view and in a case report must stay linear in the hits (it took 12 minutes
and 229 s when each hit re-scanned the text or every other hit)."""

from __future__ import annotations

import time

UNIT = "kill them "
HITS = 62_000


def hostile_post_figures() -> list[tuple[str, float]]:
    """(figure, seconds) for the post view's highlighting and the report's evidence runs."""
    from triage.export.prepared import Span
    from triage.export.report import evidence_runs
    from triage.screens.formatting import post_text
    from triage.store.queries import HitRow, PostDetail

    text = UNIT * 100_000
    hits = [HitRow(indicator="threat", score=0.9, start=i * len(UNIT), end=i * len(UNIT) + 4, text="kill", rule="r",
                   origin="rule") for i in range(HITS)]
    detail = PostDetail(id=1, source="s", external_id="e", text=text, created_at=0, created_raw="", collected_at=0,
                        url=None, reply_to=None, lang=None, lat=None, lon=None, place=None, score=0.9, flagged=True,
                        indicators=["threat"], detector_version="v", disposition=None, author_id=1,
                        author_handle="a", author_name=None, author_posts=1, raw_sha256="", hits=hits)
    started = time.perf_counter()
    post_text(detail, len(text))  # the whole post at once: the worst case (the view pages it)
    view = time.perf_counter() - started
    spans = [Span("threat", h.start, h.end, "r", "rule", 0.9) for h in hits]
    started = time.perf_counter()
    evidence_runs(text, spans)
    report = time.perf_counter() - started
    return [("post view: highlight a 1 MB post with 62,000 hits", view),
            ("case report: evidence runs of that post", report)]
