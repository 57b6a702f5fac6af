"""One call that brings every derived analytic up to date after posts or tags changed.

Import, tag, retag, collect and the demo build all call it, so the overview, trends and the
queue's behaviour-change badge and author concern never lag behind what the store holds. It is incremental: only
posts past the last watermark are indexed; behaviour change is re-tested per author.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .changes import ChangeRefresh, refresh_changes
from .concern import ConcernRefresh, refresh_concern
from .derived import RefreshCounts, refresh_derived


@dataclass
class AnalyticsRefresh:
    derived: RefreshCounts
    changes: ChangeRefresh
    concern: ConcernRefresh

    @property
    def seconds(self) -> float:
        return self.derived.seconds + self.changes.seconds + self.concern.seconds

    def as_detail(self) -> dict:
        return {"interactions": self.derived.interactions, "terms_posts": self.derived.posts_counted,
                "authors_checked": self.changes.authors_checked, "changes": self.changes.changes,
                "posts_marked": self.changes.posts_marked, "authors_of_concern": self.concern.of_concern,
                "concern_crossed": len(self.concern.crossed), "posts_lifted": self.concern.lifted}


def refresh_analytics(store, on_progress: Callable[[int, int], None] | None = None) -> AnalyticsRefresh:
    derived = refresh_derived(store, on_progress=on_progress)
    changes = refresh_changes(store)
    return AnalyticsRefresh(derived, changes, refresh_concern(store))  # concern reads the change points
