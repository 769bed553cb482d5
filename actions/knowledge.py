"""The action server's handle on the knowledge base: one catalog, one resolver per load."""

from __future__ import annotations

import threading
from typing import Optional

from bot.knowledge.catalog import Catalog, CatalogCache
from bot.knowledge.resolver import ProcedureResolver

_cache = CatalogCache()
_lock = threading.Lock()
_resolver: Optional[tuple[int, ProcedureResolver]] = None


def catalog() -> Catalog:
    return _cache.get()


def resolver() -> ProcedureResolver:
    """The resolver for the current catalog, rebuilt only when staff load new data."""
    global _resolver
    current = catalog()
    with _lock:
        if _resolver is None or _resolver[0] != current.load_id:
            _resolver = (current.load_id, ProcedureResolver.for_catalog(current))
        return _resolver[1]
