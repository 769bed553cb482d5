"""From what a citizen types to the procedure they mean, on the real knowledge base."""

import pytest


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("lam ho chieu het bao nhieu", "1.001456"),
        ("Làm hộ chiếu", "1.001456"),
        ("passport", "1.001456"),
        ("đăng ký thường trú", "1.004222"),
        ("dang ky thuong tru", "1.004222"),
        ("cap lai cccd", "2.000200"),
        ("đổi gplx", "3.000346"),
        ("bang lai xe het han", "3.000346"),
        ("xin lltp", "3.000333"),
        ("giấy khai sinh cho con", "1.001193"),
    ],
)
def test_nhan_ra_thu_tuc_theo_ma(resolver, typed, code):
    best = resolver.resolve(typed).best
    assert best is not None and best.procedure.code == code


@pytest.mark.parametrize(
    ("typed", "name_part"),
    [
        ("dk tam tru onl", "tạm trú"),
        ("tách hộ", "Tách hộ"),
        ("chung thuc ban sao", "Chứng thực bản sao"),
    ],
)
def test_nhan_ra_thu_tuc_khong_co_ma(resolver, typed, name_part):
    best = resolver.resolve(typed).best
    assert best is not None and name_part in best.procedure.name


@pytest.mark.parametrize("typo", ["lam ho chiu", "dang ky thuong chu", "ly lich tu phap"])
def test_go_sai_chinh_ta_van_tim_duoc(resolver, typo):
    assert resolver.resolve(typo).best is not None


@pytest.mark.parametrize(
    "unknown", ["giấy phép xây dựng", "visa đi Mỹ", "", "😀", "<script>alert(1)</script>"]
)
def test_thu_tuc_khong_co_trong_du_lieu_thi_khong_doan(resolver, unknown):
    assert resolver.resolve(unknown).best is None


def test_chi_noi_dang_ky_thi_khong_chon_bua(resolver):
    resolution = resolver.resolve("dang ky")
    assert resolution.best is None or resolution.is_ambiguous


def test_diem_so_giam_dan(resolver):
    candidates = resolver.resolve("đăng ký tạm trú hay thường trú").candidates
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(candidates) >= 2
