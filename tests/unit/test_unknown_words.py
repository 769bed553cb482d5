"""Tin nhắn toàn từ lạ thì coi như không hiểu, dù bộ phân loại tự tin đến đâu."""

from bot.nlu.unknown_words import known_share

VOCABULARY = {"lam", "ho", "chieu", "het", "bao", "nhieu", "tra", "cuu"}


def test_cau_hoi_tieng_viet_khong_dau_la_tu_quen():
    assert known_share("lam ho chieu het bn", VOCABULARY) == 1.0


def test_chuoi_tan_cong_la_tu_la():
    assert known_share("'; DROP TABLE events; --", VOCABULARY) == 0.0


def test_chi_co_ma_ho_so_thi_de_bo_phan_loai_quyet():
    assert known_share("G22.99-260915-0012", VOCABULARY) is None


def test_chi_co_dau_cau_hoac_emoji_la_khong_hieu():
    assert known_share("???", VOCABULARY) == 0.0
    assert known_share("😀😀😀", VOCABULARY) == 0.0


def test_go_sai_mot_chu_van_hieu():
    assert known_share("tra cuu ho chiu", VOCABULARY) == 0.75
