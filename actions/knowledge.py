"""The action server's handle on the knowledge base: one catalog, one resolver per load."""

from __future__ import annotations

import logging
import threading
from typing import Optional

from bot.knowledge.catalog import Catalog, CatalogCache
from bot.knowledge.resolver import ProcedureResolver

logger = logging.getLogger(__name__)

_cache = CatalogCache()
_lock = threading.Lock()
_resolver: Optional[tuple[int, ProcedureResolver]] = None
_building: Optional[int] = None  # the load whose resolver is being trained


def catalog() -> Catalog:
    return _cache.get()


def resolver() -> ProcedureResolver:
    """The resolver for the current catalog, rebuilt only when staff load new data.

    Building one trains the ranker (seconds, longer than a turn may take), so after a
    load the one before keeps answering until the new one is ready."""
    global _resolver, _building
    current = catalog()
    with _lock:
        if _resolver is None:
            _resolver = (current.load_id, ProcedureResolver.for_catalog(current))
        elif _resolver[0] != current.load_id and _building != current.load_id:
            _building = current.load_id
            threading.Thread(target=_rebuild, args=(current,), daemon=True).start()
        return _resolver[1]


def _rebuild(current: Catalog) -> None:
    global _resolver, _building
    try:
        built: Optional[ProcedureResolver] = ProcedureResolver.for_catalog(current)
    except Exception:  # the old resolver keeps answering; the next call tries again
        logger.exception("could not build the resolver for knowledge base load %s", current.load_id)
        built = None
    with _lock:
        if built is not None:
            _resolver = (current.load_id, built)
        _building = None
