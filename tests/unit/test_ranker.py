"""The learned ranker: it learns from how citizens named procedures (data/kb/mentions),
re-orders and completes what the hand-written stages found, and never answers alone."""

import dataclasses
import textwrap

import pytest

from bench.lookup import mentions, resolver_for
from bot.db import session_scope
from bot.knowledge import loader
from bot.knowledge.catalog import Catalog
from bot.knowledge.resolver import ProcedureResolver
from bot.text import normalize
from tests.unit.test_loader import GOOD, problems, write

THAT_NGHIEP = "giai-quyet-huong-tro-cap-that-nghiep"


@pytest.fixture(scope="module")
def rules_alone(catalog) -> ProcedureResolver:
    return ProcedureResolver.for_catalog(dataclasses.replace(catalog, mentions=()))


def keys(resolver, text):
    return [c.procedure.key for c in resolver.resolve(text).candidates]


def test_ten_goi_doi_thuong_hoc_tu_cach_nguoi_dan_goi(catalog, rules_alone):
    # a sentence of new_dev2, read by a ranker that learned from the other files only
    learned = resolver_for(catalog, "new_dev2")
    text = "e moi nghi viec cty, lam ho so huong tn o dau a"
    assert THAT_NGHIEP not in keys(rules_alone, text)
    assert keys(learned, text)[0] == THAT_NGHIEP
    # what it adds is not a name found in the text
    assert not learned.resolve(text).best.anchored


def test_khong_cau_nao_cua_tap_giu_lai_nam_trong_du_lieu_hoc(catalog):
    learned = {normalize(m.text) for m in catalog.mentions}
    for name in ("test", "new_test"):
        assert not [r["text"] for r in mentions(name) if normalize(r["text"]) in learned]


def test_gioi_han_so_ung_vien_khong_doi_cau_tra_loi(resolver):
    for text in ("e mua xe sh moi tinh, dai ly bao tu di dang ky", "sao y bằng lái xe 2 bản"):
        assert resolver.resolve(text, limit=1).best == resolver.resolve(text).best


@pytest.mark.parametrize(
    "text", ["cảm ơn em nhiều nhé", "sao mà phức tạp quá vậy", "cần gì để xin visa"]
)
def test_khong_tu_minh_tim_ra_thu_tuc(resolver, rules_alone, text):
    assert rules_alone.resolve(text).best is None
    assert resolver.resolve(text).best is None


def test_khong_dua_vao_thu_tuc_bi_loai_vi_ten_thu_tuc_chua_co(resolver):
    # "thi bằng lái" is a procedure we do not have: nothing about licences is offered
    found = keys(resolver, "thi bằng lái xe máy ở đâu")
    assert not any(key in found for key in ("3.000347", "3.000348"))


def test_doi_tuong_cua_ten_khac_van_khong_phai_dieu_duoc_hoi(resolver):
    assert keys(resolver, "sao y bằng lái xe 2 bản")[0].startswith("chung-thuc-ban-sao")


MENTIONS = """\
mentions:
  - text: "nhập khẩu cho vợ về nhà chồng"
    procedure: "1.004222"
  - text: "xin visa đi Mỹ"
    procedure: null
"""


def test_cach_goi_duoc_nap_cung_co_so_tri_thuc(tmp_path):
    write(tmp_path, GOOD)
    (tmp_path / "mentions").mkdir()
    write(tmp_path / "mentions", MENTIONS, name="dev.yml")
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with session_scope(url) as session:
        loader.write(session, loader.parse_sources(tmp_path))
    mentions = Catalog.from_database(url).mentions
    assert [(m.text, m.procedure_key, m.file) for m in mentions] == [
        ("nhập khẩu cho vợ về nhà chồng", "1.004222", "mentions/dev.yml"),
        ("xin visa đi Mỹ", None, "mentions/dev.yml"),
    ]


@pytest.mark.parametrize(
    ("mention", "message"),
    [
        ('  - text: "làm sổ đỏ"\n    procedure: "khong-co"', "unknown procedure 'khong-co'"),
        ('  - text: ""\n    procedure: "1.004222"', "'text' of 1 to 500 characters"),
        ('  - text: "nhập khẩu"', "needs 'procedure'"),
        ('  - text: "nhập khẩu"\n    procedure: 1.004222', "a quoted key"),
        (
            '  - text: "nhập khẩu"\n    procedure: "1.004222"\n'
            '  - text: "Nhập Khẩu"\n    procedure: null',
            "the same words name '1.004222'",
        ),
        ('  - text: "nhập khẩu"\n    procedure: "1.004222"\n    note: "x"', "unknown key 'note'"),
    ],
)
def test_cach_goi_sai_bi_bao_loi_kem_tep(tmp_path, mention, message):
    write(tmp_path, GOOD)
    (tmp_path / "mentions").mkdir()
    write(tmp_path / "mentions", "mentions:\n" + textwrap.dedent(mention) + "\n", name="dev.yml")
    found = problems(tmp_path)
    assert any(p.file == "mentions/dev.yml" and message in p.message for p in found), found
