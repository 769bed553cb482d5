"""Loading staff-edited YAML: every problem reported with file and line, nothing half-loaded."""

import textwrap

import pytest
from sqlalchemy import func, select

from bot.db import session_scope
from bot.knowledge import loader
from bot.knowledge.models import FeeRow, ProcedureRow

GOOD = """\
sources:
  tt75:
    title: "Thông tư 75/2022/TT-BTC"
    url: "https://example.gov.vn/tt75"
procedures:
  - code: "1.004222"
    name: "Đăng ký thường trú"
    aliases: ["thường trú", "nhập hộ khẩu"]
    field: "Cư trú"
    agency: "Công an cấp xã"
    processing_time: "07 ngày làm việc"
    online: full
    verified: true
    source: tt75
    verified_on: 2026-11-22
    fees:
      - case: "Đăng ký thường trú"
        amount: 20000
        channel: in_person
        valid_from: 2023-02-05
        source: tt75
        verified_on: 2026-11-22
      - case: "Đăng ký thường trú"
        amount: 10000
        channel: online
        valid_from: 2023-02-05
        source: tt75
        verified_on: 2026-11-22
"""


def write(tmp_path, text, name="cu_tru.yml"):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def problems(tmp_path):
    with pytest.raises(loader.InvalidKnowledgeBaseError) as caught:
        loader.parse_sources(tmp_path)
    return caught.value.problems


def test_tep_hop_le_duoc_nap(tmp_path):
    parsed = loader.parse_sources(write(tmp_path, GOOD))
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with session_scope(url) as session:
        assert loader.write(session, parsed) == 1
    with session_scope(url) as session:
        assert session.execute(select(func.count(FeeRow.id))).scalar() == 2


def test_phi_am_bi_bao_loi_kem_dong(tmp_path):
    found = problems(write(tmp_path, GOOD.replace("amount: 10000", "amount: -10000")))
    assert len(found) == 1
    assert found[0].file == "cu_tru.yml"
    assert found[0].line == 23  # the fee entry that holds the bad amount
    assert "negative fee" in found[0].message


def test_hai_muc_phi_chong_thoi_gian_bi_bao_loi(tmp_path):
    found = problems(write(tmp_path, GOOD.replace("channel: online", "channel: in_person")))
    assert any("overlaps" in p.message for p in found)


def test_khoa_la_bi_bao_loi(tmp_path):
    found = problems(write(tmp_path, GOOD.replace("    online: full", "    onlin: full")))
    assert any("unknown key 'onlin'" in p.message for p in found)


def test_thieu_nguon_bi_bao_loi(tmp_path):
    text = GOOD.replace(
        "        source: tt75\n        verified_on: 2026-11-22\n      - case",
        "        verified_on: 2026-11-22\n      - case",
        1,
    )
    found = problems(write(tmp_path, text))
    assert any("missing 'source'" in p.message for p in found)


def test_nguon_khong_ton_tai_bi_bao_loi(tmp_path):
    found = problems(
        write(
            tmp_path,
            GOOD.replace("    source: tt75\n    verified_on", "    source: tt99\n    verified_on"),
        )
    )
    assert any("unknown source 'tt99'" in p.message for p in found)


def test_het_han_truoc_khi_bat_dau_bi_bao_loi(tmp_path):
    text = GOOD.replace(
        "valid_from: 2023-02-05\n        source: tt75\n        verified_on: 2026-11-22\n      - case",
        "valid_from: 2023-02-05\n        valid_to: 2022-01-01\n        source: tt75\n        verified_on: 2026-11-22\n      - case",
        1,
    )
    found = problems(write(tmp_path, text))
    assert any("before valid_from" in p.message for p in found)


def test_loi_thi_khong_nap_gi_ca(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    good_dir = tmp_path / "good"
    good_dir.mkdir()
    with session_scope(url) as session:
        loader.write(session, loader.parse_sources(write(good_dir, GOOD)))
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    with pytest.raises(loader.InvalidKnowledgeBaseError):
        loader.parse_sources(write(bad_dir, GOOD.replace("amount: 20000", "amount: -1")))
    with session_scope(url) as session:
        assert session.execute(select(func.count(ProcedureRow.id))).scalar() == 1


def test_loi_giua_chung_khi_ghi_thi_roll_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    parsed = loader.parse_sources(write(tmp_path, GOOD))
    with session_scope(url) as session:
        loader.write(session, parsed)
    with pytest.raises(RuntimeError), session_scope(url) as session:
        loader.write(session, parsed)
        raise RuntimeError("database went away mid-load")
    with session_scope(url) as session:
        assert session.execute(select(func.count(ProcedureRow.id))).scalar() == 1


def test_du_lieu_that_cua_du_an_hop_le():
    from tests.conftest import ROOT

    parsed = loader.parse_sources(ROOT / "data" / "kb")
    assert len(parsed.procedures) >= 3


CONDITIONS = """\
conditions:
  - key: files_online
    channel: online
    wording: "nộp hồ sơ trực tuyến"
    yes_label: "Nộp trực tuyến"
    no_label: "Nộp trực tiếp"
    said_yes: ["nộp online", "nộp trực tuyến"]
    said_no: ["nộp trực tiếp"]
    source: tt75
    verified_on: 2026-12-05
"""
WAIVER = """\
      - case: "Đăng ký thường trú"
        amount: 0
        channel: any
        conditions: [files_online]
        valid_from: 2026-08-15
        valid_to: 2027-02-28
        source: tt75
        verified_on: 2026-12-05
"""


def test_muc_mien_co_dieu_kien_duoc_nap_va_khong_trung_voi_muc_chung(tmp_path):
    parsed = loader.parse_sources(write(tmp_path, GOOD + WAIVER + CONDITIONS))
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with session_scope(url) as session:
        loader.write(session, parsed)
    from bot.knowledge.catalog import Catalog

    catalog = Catalog.from_database(url)
    waiver = catalog.procedures[0].fees.fees[-1]
    assert [c.key for c in waiver.conditions] == ["files_online"]
    assert catalog.circumstances_in("tôi nộp trực tuyến").get("files_online") is True
    assert catalog.circumstances_in("tôi nộp trực tiếp").get("files_online") is False


def test_dieu_kien_khong_dinh_nghia_bi_bao_loi(tmp_path):
    found = problems(write(tmp_path, GOOD + WAIVER.replace("[files_online]", "[vneid_muc_2]")))
    assert any("unknown condition 'vneid_muc_2'" in p.message for p in found)


def test_dieu_kien_nop_online_khong_di_voi_kenh_truc_tiep(tmp_path):
    text = GOOD + WAIVER.replace("channel: any", "channel: in_person") + CONDITIONS
    found = problems(write(tmp_path, text))
    assert any("condition 'files_online' is filing online" in p.message for p in found)


def test_muc_goc_phai_cao_hon_muc_giam(tmp_path):
    text = GOOD.replace("amount: 10000", "amount: 10000\n        reduced_from: 5000")
    found = problems(write(tmp_path, text))
    assert any("'reduced_from' must be a base amount above 'amount'" in p.message for p in found)


def test_dieu_kien_thieu_cau_nhan_biet_bi_bao_loi(tmp_path):
    text = GOOD + CONDITIONS.replace('    said_yes: ["nộp online", "nộp trực tuyến"]\n', "")
    found = problems(write(tmp_path, text))
    assert any("needs 'said_yes'" in p.message for p in found)


BUNDLE = (
    GOOD
    + """\
  - code: null
    name: "Liên thông khai sinh, thường trú"
    field: "Liên thông"
    agency: "UBND cấp xã"
    online: full
    source: tt75
    verified_on: 2026-12-05
    parts:
      - name: "Đăng ký thường trú"
        procedure: "1.004222"
        result: "Thông tin thường trú được cập nhật"
        agency: "Công an cấp xã"
        source: tt75
        verified_on: 2026-12-05
      - name: "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
        procedure: null
        result: "Thẻ BHYT của trẻ"
        source: tt75
        verified_on: 2026-12-05
        verified: false
"""
)


def test_thu_tuc_lien_thong_duoc_nap_cung_ket_qua_tung_phan(tmp_path):
    from bot.knowledge.catalog import Catalog

    parsed = loader.parse_sources(write(tmp_path, BUNDLE))
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    with session_scope(url) as session:
        loader.write(session, parsed)
    bundle = Catalog.from_database(url).get("lien-thong-khai-sinh-thuong-tru")
    assert bundle is not None and bundle.is_bundle
    assert [p.key for p in bundle.parts] == ["1.004222", None]
    assert bundle.parts[1].result == "Thẻ BHYT của trẻ" and not bundle.parts[1].verified


def test_phan_lien_thong_tro_den_thu_tuc_khong_co_bi_bao_loi(tmp_path):
    found = problems(write(tmp_path, BUNDLE.replace('procedure: "1.004222"', 'procedure: "9.9"')))
    assert any("no procedure '9.9'" in p.message for p in found)


def test_phan_lien_thong_thieu_nguon_bi_bao_loi(tmp_path):
    text = BUNDLE.replace(
        '        result: "Thẻ BHYT của trẻ"\n        source: tt75\n',
        '        result: "Thẻ BHYT của trẻ"\n',
    )
    assert any("source" in p.message for p in problems(write(tmp_path, text)))


def test_mau_qua_dai_cho_cot_du_lieu_bi_bao_loi_tren_moi_he_csdl(tmp_path):
    """SQLite would take it; PostgreSQL refuses a form longer than its column."""
    text = GOOD.replace(
        "    fees:\n",
        "    documents:\n"
        '      - name: "Tờ khai"\n'
        '        form: "02/QTT-TNCN (Phụ lục I Thông tư 89/2026/TT-BTC)"\n'
        "        source: tt75\n"
        "        verified_on: 2026-11-22\n"
        "    fees:\n",
        1,
    )
    assert any("'form' is longer than 40" in p.message for p in problems(write(tmp_path, text)))


def test_noi_quy_dinh_le_phi_phai_co_nguon(tmp_path):
    text = GOOD.replace(
        "    fees:\n",
        '    fee_set_by:\n      authority: "Hội đồng nhân dân cấp tỉnh"\n'
        "      verified_on: 2026-12-05\n    fees:\n",
        1,
    )
    found = problems(write(tmp_path, text))
    assert any("missing 'source'" in p.message for p in found)
