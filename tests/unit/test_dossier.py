"""Mã hồ sơ công dân gõ vào: tìm được, chuẩn hoá, và báo rõ khi sai dạng."""

from datetime import date

from bot.knowledge.dossier import find_dossier_code, looks_like_a_code


def test_tim_ma_ho_so_trong_cau():
    code = find_dossier_code("tra giúp em hồ sơ G22.99-260915-0012 với ạ")
    assert code.text == "G22.99-260915-0012"
    assert code.filed_on == date(2026, 9, 15)
    assert code.problem is None


def test_ma_viet_thuong_co_khoang_trang_duoc_chuan_hoa():
    code = find_dossier_code("ma ho so 000.00.20.h56 - 261003 - 0007")
    assert code.text == "000.00.20.H56-261003-0007"


def test_ngay_khong_co_that_bi_bao_loi():
    code = find_dossier_code("G22.99-261345-0012")
    assert code.filed_on is None
    assert "ngày" in code.problem


def test_so_dien_thoai_khong_phai_ma_ho_so():
    assert find_dossier_code("sdt cua em 0912345678") is None
    assert find_dossier_code("hồ sơ nộp ngày 12-10-2026") is None


def test_ma_thieu_phan_van_duoc_nhan_ra_la_co_gang_nhap_ma():
    assert find_dossier_code("ma ho so G22.99-2609150012") is None
    assert looks_like_a_code("ma ho so G22.99-2609150012") == "G22.99-2609150012"
    assert looks_like_a_code("hồ sơ của tôi đến đâu rồi") is None


def test_vi_tri_ma_ho_so_ca_khi_sai_dang():
    from bot.knowledge.dossier import code_spans

    text = "mã G22.99-260915-0012 và mã G22.99-2609-12"
    assert [(text[s:e], ok) for s, e, ok in code_spans(text)] == [
        ("G22.99-260915-0012", True),
        ("G22.99-2609-12", False),
    ]
