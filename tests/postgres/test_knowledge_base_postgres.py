"""The knowledge base on PostgreSQL: same loader, migrations and answers as on SQLite."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.db import engine_for, session_scope
from bot.knowledge import loader
from bot.knowledge.catalog import Catalog
from bot.knowledge.models import Base, ProcedureRow, SchemaVersion
from bot.knowledge.resolver import ProcedureResolver
from bot.knowledge.schema import HEAD, migrate

ROOT = Path(__file__).resolve().parents[2]


def procedure_count(url: str) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.count(ProcedureRow.id))).scalar()


def test_lenh_nap_cua_can_bo_chay_tren_postgresql(postgres_url):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "load", "--database", postgres_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with session_scope(postgres_url) as session:
        versions = session.execute(select(SchemaVersion.version)).scalars().all()
    assert sorted(versions) == list(range(1, HEAD + 1))
    catalog = Catalog.from_database(postgres_url)
    assert len(catalog.procedures) >= 25 and catalog.guide("track_dossier") is not None
    thuong_tru = ProcedureResolver.for_catalog(catalog).resolve("dk thuong tru").best.procedure
    quote = thuong_tru.fees.on(date(2026, 11, 22)).quotes[0]
    assert (quote.in_person.amount, quote.online.amount) == (20000, 10000)


def test_loi_giua_chung_thi_khong_nap_nua_voi(postgres_url):
    parsed = loader.parse_sources(ROOT / "data" / "kb")
    with session_scope(postgres_url) as session:
        loader.write(session, parsed)
    before = procedure_count(postgres_url)
    parsed.procedures[-1] = {**parsed.procedures[-1], "field": None}  # NOT NULL violated
    with pytest.raises(IntegrityError), session_scope(postgres_url) as session:
        loader.write(session, parsed)
    assert procedure_count(postgres_url) == before  # the old data is all still there


def test_co_so_du_lieu_cu_chua_danh_so_phien_ban_duoc_nang_cap(postgres_url):
    url = postgres_url
    engine = engine_for(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        old = [
            t
            for n, t in Base.metadata.tables.items()
            if n not in {"kb_guides", "kb_not_covered", "kb_schema_version"}
        ]
        Base.metadata.create_all(connection, tables=old)
    assert [m.version for m in migrate(engine)] == list(range(2, HEAD + 1))
