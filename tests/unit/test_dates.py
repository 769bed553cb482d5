"""The day a fee question is about: explicit in the message, else today."""

from datetime import date

import pytest

from bot.knowledge.dates import day_asked

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("message", "day"),
    [
        ("tháng 1 năm sau làm hộ chiếu hết bao nhiêu", date(2027, 1, 1)),
        ("thang 1 nam sau lam ho chieu het bn", date(2027, 1, 1)),
        ("năm sau làm căn cước bao nhiêu tiền", date(2027, 1, 1)),
        ("từ 01/01/2027 lệ phí hộ chiếu là bao nhiêu", date(2027, 1, 1)),
        ("sau 31/12/2026 làm hộ chiếu hết bao nhiêu", date(2027, 1, 1)),  # the day after
        ("sau ngày 28/02/2027 còn miễn phí không", date(2027, 3, 1)),
        ("ngày 1 tháng 3 năm 2027 làm lý lịch tư pháp bao nhiêu", date(2027, 3, 1)),
        ("tháng 3/2027 đổi bằng lái hết bao nhiêu", date(2027, 3, 1)),
        ("tháng sau làm hộ chiếu có rẻ hơn không", date(2027, 1, 1)),
        ("tháng 2 làm hộ chiếu bao nhiêu", date(2027, 2, 1)),  # a past month means next year
        ("tháng 12 này làm hộ chiếu bao nhiêu", TODAY),  # this month: today
        ("15/1 làm căn cước hết bao nhiêu", date(2027, 1, 15)),
        ("năm 2024 làm hộ chiếu hết bao nhiêu", date(2024, 1, 1)),
        ("ngày mai đi làm căn cước mất bao nhiêu", date(2026, 12, 6)),
    ],
)
def test_ngay_cong_dan_hoi(message, day):
    assert day_asked(message, TODAY) == day


@pytest.mark.parametrize(
    "message",
    [
        "làm hộ chiếu hết bao nhiêu tiền",
        "con được 3 tháng mới đi khai sinh có mất phí không",
        "người Việt Nam sau khi định cư ở nước ngoài xin lý lịch tư pháp",
        "mã hồ sơ G22.99-260915-0012",
        "tháng 13 làm hộ chiếu",
        "31/02 làm hộ chiếu",
    ],
)
def test_khong_noi_ngay_thi_la_hom_nay(message):
    assert day_asked(message, TODAY) is None
