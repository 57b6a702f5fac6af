"""The collector plugin API as it was first published: kept so that plugins written against it
keep working. New code imports from ``triage.collectors`` (the collector SDK); this module only
re-exports the same objects from there."""

from __future__ import annotations

from .collectors.api import ENTRY_POINT_GROUP, Collector, CollectorState, Option, PluginError
from .collectors.discovery import available_collectors, detect_format, file_importers, get_collector
from .records import ImportProblem, PostRecord

__all__ = ["ENTRY_POINT_GROUP", "Collector", "CollectorState", "ImportProblem", "Option", "PluginError",
           "PostRecord", "available_collectors", "detect_format", "file_importers", "get_collector"]
