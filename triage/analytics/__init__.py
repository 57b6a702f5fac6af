"""Author and store-wide analytics (issue: author profile and overview). No Textual here.

One module per job; each function takes a Store (or a bare sqlite3 connection for reads) and
returns plain dataclasses that the CLI prints, the screens render and ``--json`` serialises.
SQL lives in ``triage.store.analytics_queries``.

    profile       author_profile(store, "source:handle") -> AuthorProfile (everything below, one author)
    timeline      indicator counts per week/day/month, with post counts
    hours         posting hours (UTC, a zone), weekday x hour
    tzinfer       most likely UTC offset, with confidence and evidence
    changes       behaviour change points; refresh_changes() writes behavior_change hits
    network       interlocutors both ways, hashtags, links, domains
    graph_export  edge list as CSV / GEXF / GraphML
    sentiment     VADER sentiment toward a named target, by week
    places        place names and geotags with counts and time range
    identity      same person on other sources: suggestions, audited link/unlink
    trends        terms and hashtags spiking this week against their baseline
    overview      heat map, per-source counts, riskiest authors, trends (cached)
    derived       refresh_derived(): bring the incremental analytics tables up to date
    bench         timings against the targets (make bench)
"""

from .authors import AuthorLookupError, AuthorRef, resolve_author
from .changes import ChangePoint, refresh_changes
from .derived import refresh_derived
from .graph_export import Edge, Graph, Node, interaction_edges, interaction_graph, write_graph
from .identity import IdentityCandidate, link_identities, suggest_identities, unlink_identities
from .overview import Overview, overview
from .profile import AuthorProfile, author_profile
from .sentiment import SentimentTrend, sentiment_trend
from .trends import TrendReport, trends

__all__ = [
    "AuthorLookupError", "AuthorProfile", "AuthorRef", "ChangePoint", "Edge", "Graph", "IdentityCandidate", "Node",
    "Overview", "SentimentTrend", "TrendReport", "author_profile", "interaction_edges", "interaction_graph",
    "link_identities", "overview",
    "refresh_changes", "refresh_derived", "resolve_author", "sentiment_trend", "suggest_identities", "trends",
    "unlink_identities", "write_graph",
]
