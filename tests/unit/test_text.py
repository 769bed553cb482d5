"""The shared normaliser: every way a citizen types a phrase meets the same key."""

import pytest

from bot.text import fold, has_diacritics, negated_words, normalize, strip_diacritics


@pytest.mark.parametrize(
    "typed",
    [
        "Làm hộ chiếu hết bao nhiêu tiền?",
        "lam ho chieu het bao nhieu tien",
        "LÀM HỘ CHIẾU HẾT BAO NHIÊU TIỀN",
        "lam ho chieu het bn tien",
        "Làm  hộ   chiếu, hết bn tiền!!",
    ],
)
def test_cach_go_khac_nhau_cung_mot_khoa(typed):
    assert normalize(typed) == "lam ho chieu het bao nhieu tien"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("cccd", "can cuoc cong dan"),
        ("đổi GPLX", "doi giay phep lai xe"),
        ("xin lltp", "xin ly lich tu phap"),
        ("dkkd", "dang ky kinh doanh"),
        ("đk tạm trú onl dc ko", "dang ky tam tru online duoc khong"),
        ("làm ntn", "lam nhu the nao"),
        ("cần j", "can gi"),
        ("hok biết", "khong biet"),
        ("nộp trực tuyến", "nop online"),
        ("trích lục gks", "trich luc giay khai sinh"),
        ("xn tthn", "xac nhan tinh trang hon nhan"),
        ("lập cty", "lap cong ty"),
    ],
)
def test_viet_tat_va_teencode_duoc_mo_rong(typed, expected):
    assert normalize(typed) == expected


def test_chu_k_trong_so_tien_khong_bi_hieu_la_khong():
    assert normalize("phí 20k") == "phi 20k"


def test_dau_ket_hop_va_dung_san_cho_cung_ket_qua():
    combining = "Ho\u0300a"  # "Hòa" typed with a combining grave accent
    assert fold(combining) == fold("Hòa") == "hoa"


def test_bo_dau_giu_nguyen_do_dai_de_giu_vi_tri_thuc_the():
    text = "Đăng ký thường trú"
    assert len(strip_diacritics(text)) == len(text)
    assert strip_diacritics(text) == "Dang ky thuong tru"


def test_nhan_biet_cau_co_dau():
    assert has_diacritics("làm hộ chiếu")
    assert not has_diacritics("lam ho chieu")


@pytest.mark.parametrize(
    "junk", ["", "   ", "😀😀", "<script>alert(1)</script>", "'; DROP TABLE x; --"]
)
def test_dau_vao_la_khong_gay_loi(junk):
    assert isinstance(normalize(junk), str)


def test_so_trang_so_ban_bang_so_va_bang_chu():
    from bot.text import count_value, counts_in

    assert counts_in("chứng thực 5 trang hết bn") == [(5, 11, 12)]
    assert counts_in("chung thuc ba ban") == [(3, 11, 13)]
    assert counts_in("Năm bản sao") == [(5, 0, 3)]
    assert counts_in("năm nay có giảm phí không") == []
    assert counts_in("hết 20k hả") == []
    assert count_value("Ba") == 3 and count_value("12") == 12 and count_value("x") is None


@pytest.mark.parametrize(
    "typed, reached",
    [
        ("không dễ hiểu chút nào", ["de", "hieu", "chut"]),
        ("ko sai ti nao", ["sai", "ti", "nao"]),
        ("chẳng rõ ràng", ["ro", "rang"]),
        ("chưa nhận được OTP", ["nhan", "duoc", "otp"]),
        ("dễ hiểu quá", []),
    ],
)
def test_tu_phu_dinh_phu_toi_ba_tu_sau_no(typed, reached):
    assert negated_words(normalize(typed)) == reached
