"""Versioned knowledge-base schema and the how-to guides it stores."""

import textwrap
from datetime import datetime

import pytest
from sqlalchemy import inspect, select

from bot.db import engine_for, session_scope
from bot.knowledge import loader
from bot.knowledge.catalog import Catalog
from bot.knowledge.models import Base, SchemaVersion
from bot.knowledge.schema import HEAD, MIGRATIONS, current_version, migrate

GUIDES = """\
sources:
  dvc:
    title: "Cổng Dịch vụ công quốc gia — hướng dẫn"
    url: "https://dichvucong.gov.vn/huong-dan"
    legal_basis: false
guides:
  - key: account_no_otp
    title: "Không nhận được mã OTP"
    intro: "Mã OTP gửi qua SMS tới số điện thoại đã khai."
    keywords: ["otp", "ma xac thuc"]
    source: dvc
    verified_on: 2026-11-22
  - key: account_captcha
    title: "Mã xác nhận (captcha) báo sai"
    intro: "Nhập mã xác nhận đúng như hiển thị."
    keywords: ["captcha", "ma xac nhan"]
    source: dvc
    verified_on: 2026-11-22
"""


def versions(url):
    with session_scope(url) as session:
        return [row.version for row in session.execute(select(SchemaVersion)).scalars()]


def test_co_so_du_lieu_moi_duoc_nang_len_phien_ban_moi_nhat(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    applied = migrate(engine_for(url))
    assert [m.version for m in applied] == [m.version for m in MIGRATIONS]
    assert versions(url) == list(range(1, HEAD + 1))
    assert migrate(engine_for(url)) == []  # chạy lại không làm gì


def test_co_so_du_lieu_tao_truoc_khi_co_phien_ban_duoc_coi_la_ban_1(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = engine_for(url)
    old_tables = [
        t
        for name, t in Base.metadata.tables.items()
        if name not in {"kb_guides", "kb_not_covered", "kb_schema_version"}
    ]
    Base.metadata.create_all(engine, tables=old_tables)
    with engine.connect() as connection:
        assert current_version(connection) == 1
    applied = migrate(engine)
    assert [m.version for m in applied] == list(range(2, HEAD + 1))
    assert "kb_guides" in inspect(engine).get_table_names()
    assert versions(url) == list(range(1, HEAD + 1))


def test_nap_lai_giu_lich_su_phien_ban(tmp_path):
    (tmp_path / "huong_dan.yml").write_text(textwrap.dedent(GUIDES), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    for _ in range(2):
        with session_scope(url) as session:
            loader.write(session, loader.parse_sources(tmp_path))
    assert versions(url) == list(range(1, HEAD + 1))


def test_huong_dan_duoc_nap_va_tim_theo_tu_khoa(tmp_path):
    (tmp_path / "huong_dan.yml").write_text(textwrap.dedent(GUIDES), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with session_scope(url) as session:
        loader.write(session, loader.parse_sources(tmp_path))
    catalog = Catalog.from_database(url)
    assert catalog.guide("account_no_otp").source.url == "https://dichvucong.gov.vn/huong-dan"
    found = catalog.troubleshooting("account_", "em ko nhan dc ma OTP")
    assert [g.key for g in found] == ["account_no_otp"]
    assert (
        catalog.troubleshooting("account_", "Mã xác nhận báo sai hoài")[0].key == "account_captcha"
    )
    assert catalog.troubleshooting("account_", "tôi quên hết rồi") == []


def test_huong_dan_thieu_nguon_bi_bao_loi_kem_dong(tmp_path):
    broken = GUIDES.replace(
        "    source: dvc\n    verified_on: 2026-11-22\n  - key: account_captcha",
        "    verified_on: 2026-11-22\n  - key: account_captcha",
    )
    (tmp_path / "huong_dan.yml").write_text(textwrap.dedent(broken), encoding="utf-8")
    with pytest.raises(loader.InvalidKnowledgeBaseError) as caught:
        loader.parse_sources(tmp_path)
    assert any(
        p.file == "huong_dan.yml" and p.line == 7 and "source" in p.message
        for p in caught.value.problems
    )


def test_co_so_du_lieu_phien_ban_3_duoc_them_cot_dieu_kien_cua_le_phi(tmp_path):
    """A database made before migration 4: kb_fees lacks conditions, article, reduced_from."""
    url = f"sqlite:///{tmp_path / 'v3.db'}"
    engine = engine_for(url)
    without = {"kb_fees", "kb_conditions", "kb_schema_version"}
    Base.metadata.create_all(
        engine, tables=[t for name, t in Base.metadata.tables.items() if name not in without]
    )
    old_columns = [
        c for c in Base.metadata.tables["kb_fees"].columns
        if c.name not in {"conditions", "article", "reduced_from"}
    ]  # fmt: skip
    with engine.begin() as connection:
        names = ", ".join(
            f'"{c.name}" {c.type.compile(dialect=connection.dialect)}' for c in old_columns
        )
        connection.exec_driver_sql(f"CREATE TABLE kb_fees ({names})")
    for migration in MIGRATIONS[:3]:
        with engine.begin() as connection:
            SchemaVersion.__table__.create(connection, checkfirst=True)
            connection.execute(
                SchemaVersion.__table__.insert().values(
                    version=migration.version, description="", applied_at=datetime(2026, 1, 1)
                )
            )
    with engine.connect() as connection:
        assert current_version(connection) == 3
    assert [m.version for m in migrate(engine)] == list(range(4, HEAD + 1))
    columns = {c["name"] for c in inspect(engine).get_columns("kb_fees")}
    assert {"conditions", "article", "reduced_from"} <= columns
    assert "kb_conditions" in inspect(engine).get_table_names()
