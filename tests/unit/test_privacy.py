"""Personal data never reaches storage or logs in clear."""

import pytest

from bot.privacy import mask_everywhere, mask_personal_data


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("CCCD của tôi là 001203004567", "001203004567"),
        ("cmnd 123456789", "123456789"),
        ("sđt 0912345678 nhé", "0912345678"),
        ("gọi 0912 345 678", "0912 345 678"),
        ("số +84912345678", "+84912345678"),
        ("mail nguyen.van.a@gmail.com", "nguyen.van.a@gmail.com"),
    ],
)
def test_du_lieu_ca_nhan_bi_che(text, hidden):
    masked = mask_personal_data(text)
    assert hidden not in masked
    assert "[" in masked


@pytest.mark.parametrize(
    "text",
    ["lệ phí 200.000đ", "chứng thực 5 trang", "mã thủ tục 1.004222", "ngày 31/12/2025"],
)
def test_so_tien_ngay_thang_ma_thu_tuc_giu_nguyen(text):
    assert mask_personal_data(text) == text


def test_che_ca_trong_cau_truc_su_kien():
    event = {"text": "sdt 0912345678", "parse_data": {"text": "sdt 0912345678", "n": 1}}
    masked = mask_everywhere(event)
    assert "0912345678" not in str(masked)
    assert masked["parse_data"]["n"] == 1
