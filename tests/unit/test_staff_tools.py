"""Staff commands: `kb stale` (facts not re-checked for too long), `kb calendar` (fee
windows that open or close soon), and the warning `kb check` gives about old facts."""

import textwrap
from datetime import date

from bot import cli
from bot.knowledge.freshness import DatedFact, stale
from tests.conftest import ROOT

OLD_AND_NEW = """\
sources:
  tt75:
    title: "Thông tư 75/2022/TT-BTC"
    url: "https://example.gov.vn/tt75"
procedures:
  - code: "1.004222"
    name: "Đăng ký thường trú"
    field: "Cư trú"
    source: tt75
    verified_on: 2026-11-22
    fees:
      - case: "Đăng ký thường trú"
        amount: 20000
        valid_from: 2023-02-05
        source: tt75
        verified_on: 2025-01-10
      - case: "Tách hộ"
        amount: 10000
        valid_from: 2023-02-05
        source: tt75
        verified_on: 2026-03-01
"""


def test_su_that_cu_nhat_dung_dau():
    facts = [
        DatedFact("a.yml", 3, "mới", date(2026, 12, 1)),
        DatedFact("a.yml", 9, "cũ nhất", date(2025, 1, 1)),
        DatedFact("b.yml", 1, "cũ", date(2026, 1, 1)),
    ]
    found = stale(facts, date(2026, 12, 5), 90)
    assert [f.what for f in found] == ["cũ nhất", "cũ"]
    assert found[0].age_on(date(2026, 12, 5)) == 703


def test_kb_stale_liet_ke_su_that_qua_han_kiem_tra(tmp_path, capsys):
    (tmp_path / "cu_tru.yml").write_text(textwrap.dedent(OLD_AND_NEW), encoding="utf-8")
    code = cli.main(
        ["kb", "stale", "--source", str(tmp_path), "--older-than", "90", "--today", "2026-12-05"]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "lệ phí «Đăng ký thường trú»" in out[0] and "2025-01-10" in out[0]
    assert "lệ phí «Tách hộ»" in out[1]
    assert out[-1].startswith("2 fact(s) last checked more than 90 days")


def test_kb_check_canh_bao_nhung_khong_that_bai(tmp_path, capsys, monkeypatch):
    (tmp_path / "cu_tru.yml").write_text(textwrap.dedent(OLD_AND_NEW), encoding="utf-8")
    monkeypatch.setattr(cli.answers, "today", lambda: date(2026, 12, 5))
    assert cli.main(["kb", "check", "--source", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("OK: 1 procedures")
    assert "warning: 2 fact(s) last checked more than" in captured.err
    assert "kb stale" in captured.err


def test_du_lieu_that_khong_co_su_that_qua_han_hom_nay(capsys, monkeypatch):
    monkeypatch.setattr(cli.answers, "today", lambda: date(2026, 12, 5))
    assert cli.main(["kb", "check", "--source", str(ROOT / "data" / "kb")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_kb_calendar_60_ngay_toi(kb_url, capsys):
    code = cli.main(
        ["kb", "calendar", "--database", kb_url, "--today", "2026-12-05", "--days", "60"]
    )
    out = capsys.readouterr().out
    assert code == 0
    passport = [
        line
        for line in out.splitlines()
        if line.startswith("31/12/2026  hết hạn") and "hộ chiếu" in line and "Cấp mới" in line
    ]
    assert passport and "dự kiến mức gốc 200.000đ (chưa xác nhận)" in passport[0]
    assert "01/01/2027  bắt đầu   Cấp, cấp đổi, cấp lại thẻ căn cước" in out
    assert "28/02/2027" not in out  # 85 days away: outside the window
    later = cli.main(["kb", "calendar", "--database", kb_url, "--today", "2027-02-01"])
    assert later == 0 and "28/02/2027  hết hạn" in capsys.readouterr().out


def test_kb_verification_dem_su_that_da_va_chua_xac_minh(tmp_path, capsys):
    (tmp_path / "cu_tru.yml").write_text(textwrap.dedent(OLD_AND_NEW), encoding="utf-8")
    assert cli.main(["kb", "verification", "--source", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("1 procedures: 3 facts verified, 0 unverified")
    assert any("Đăng ký thường trú" in line for line in out)
