"""Shared fixtures: the real knowledge base, loaded into a fresh SQLite file."""

from pathlib import Path

import pytest

from bot.db import session_scope
from bot.knowledge import loader
from bot.knowledge.catalog import Catalog
from bot.knowledge.resolver import ProcedureResolver

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kb_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'knowledge.db'}"
    with session_scope(url) as session:
        loader.write(session, loader.parse_sources(ROOT / "data" / "kb"))
    return url


@pytest.fixture(scope="session")
def catalog(kb_url) -> Catalog:
    return Catalog.from_database(kb_url)


@pytest.fixture(scope="session")
def resolver(catalog) -> ProcedureResolver:
    return ProcedureResolver.for_catalog(catalog)
