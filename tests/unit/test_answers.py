"""Citizen-facing answers: computed for the date asked, with their sources."""

from datetime import date

from bot import answers


def _procedure(catalog, code):
    return next(p for p in catalog.procedures if p.code == code)


def _fee_answer(procedure, day, quantity=None):
    return answers.fee_answer(procedure, procedure.fees.on(day), quantity)


def test_le_phi_thuong_tru_hom_nay_co_nguon(catalog):
    text = _fee_answer(_procedure(catalog, "1.004222"), date(2026, 11, 22))
    assert "nộp trực tiếp 20.000đ" in text and "nộp trực tuyến 10.000đ" in text
    assert "Thông tư 75/2022/TT-BTC" in text and "https://" in text
    assert "kiểm tra ngày" in text


def test_ho_chieu_nam_2024_nop_online_duoc_giam(catalog):
    text = _fee_answer(_procedure(catalog, "1.001456"), date(2024, 6, 1))
    assert "200.000đ" in text and "180.000đ" in text


def test_ho_chieu_hom_nay_khong_dua_con_so_chua_kiem_chung(catalog):
    text = _fee_answer(_procedure(catalog, "1.001456"), date(2026, 11, 22))
    assert "chưa có mức lệ phí" in text
    assert "CHƯA XÁC MINH" in text  # the last known rates are flagged, never firm
    assert "dichvucong" in text


def test_chung_thuc_tinh_dung_so_trang(catalog):
    copy = next(p for p in catalog.procedures if p.name.startswith("Chứng thực bản sao"))
    text = _fee_answer(copy, date(2026, 11, 22), quantity=5)
    assert "5 trang: 7.000đ" in text


def test_ho_so_khai_sinh_co_giay_chung_sinh(catalog):
    text = answers.documents_answer(_procedure(catalog, "1.001193"))
    assert "giấy chứng sinh" in text.lower()


def test_thu_tuc_re_hon_khi_nop_online_tinh_tu_du_lieu(catalog):
    text = answers.cheaper_online_answer(catalog.online_savings_on(date(2026, 11, 22)))
    assert "Đăng ký thường trú" in text
    assert "hộ chiếu" not in text.lower()
    text_2024 = answers.cheaper_online_answer(catalog.online_savings_on(date(2024, 6, 1)))
    assert "hộ chiếu" in text_2024.lower()
