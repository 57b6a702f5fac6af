"""The SQLite store (the README's "The store" says what it keeps and why)."""

from .audit import ChainReport
from .core import BatchResult, Store, StoreError, StoreFull, TagResult, UnknownPost
from .schema import SCHEMA_VERSION, SchemaTooNew

__all__ = ["BatchResult", "ChainReport", "SCHEMA_VERSION", "SchemaTooNew", "Store", "StoreError", "StoreFull", "TagResult",
           "UnknownPost"]
