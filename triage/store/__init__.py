"""The SQLite store (see DESIGN.md, "Store")."""

from .audit import ChainReport
from .core import BatchResult, Store, StoreError, StoreFull, TagResult, UnknownPost
from .schema import SCHEMA_VERSION, SchemaTooNew

__all__ = ["BatchResult", "ChainReport", "SCHEMA_VERSION", "SchemaTooNew", "Store", "StoreError", "StoreFull", "TagResult",
           "UnknownPost"]
