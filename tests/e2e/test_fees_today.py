"""Today's fees over REST: passport, căn cước, LLTP and trích lục, with and without the
conditions of the công dân số waiver ("nộp online", "có VNeID mức 2") in the message.

The bot answers for today in Việt Nam, so the expectations are computed from that day
with the legal calendar the knowledge base holds: TT 64/2025's 50% to 31/12/2026, the
công dân số waiver (TT 117/2026) from 15/08/2026 to 28/02/2027. Each expectation says
what holds on every day, so the tests keep their meaning after those dates.
"""

from datetime import date

import pytest

from bot.answers import today
from bot.knowledge.dates import day_asked
from tests.e2e.conftest import texts

HALF_PRICE_LAST_DAY = date(2026, 12, 31)  # TT 64/2025/TT-BTC
WAIVER_FIRST_DAY, WAIVER_LAST_DAY = date(2026, 8, 15), date(2027, 2, 28)  # TT 117/2026/TT-BTC
WAIVER = "0đ (miễn phí)"


def waiver_runs(day: date) -> bool:
    return WAIVER_FIRST_DAY <= day <= WAIVER_LAST_DAY


def passport_new(day: date) -> list[str]:
    """Cấp mới: half of 200.000đ to 31/12/2026, then the base is only expected."""
    if day <= HALF_PRICE_LAST_DAY:
        return ["Cấp mới", "100.000đ", "giảm 50% so với mức gốc 200.000đ, đến hết 31/12/2026"]
    return ["trở lại mức gốc 200.000đ, nhưng chưa có văn bản xác nhận"]


def id_card_renewal(day: date) -> list[str]:
    """Cấp đổi thẻ căn cước: 25.000đ to 31/12/2026, then the TT 73/2024 base 50.000đ."""
    if day <= HALF_PRICE_LAST_DAY:
        return [
            "Cấp đổi thẻ căn cước",
            "25.000đ/thẻ",
            "đến hết 31/12/2026",
            "Từ 01/01/2027: 50.000đ",
        ]
    return ["Cấp đổi thẻ căn cước", "50.000đ/thẻ"]


CASES = {
    "hộ chiếu": ("làm hộ chiếu hết bao nhiêu tiền", passport_new),
    "căn cước": ("đổi thẻ căn cước hết bao nhiêu tiền", id_card_renewal),
    "lý lịch tư pháp": (
        "xin lý lịch tư pháp hết bao nhiêu tiền",
        lambda day: ["Cấp Phiếu lý lịch tư pháp", "200.000đ", "TT 16/2025/TT-BTC"],
    ),
    "trích lục": (
        "xin bản sao trích lục khai sinh mất bao nhiêu tiền",
        lambda day: ["8.000đ/bản", "Thông tư 281/2016/TT-BTC"],
    ),
}


def assert_has(answer: str, expected: list[str]) -> None:
    for part in expected:
        assert part in answer, f"«{part}» is missing from:\n{answer}"


@pytest.mark.parametrize("procedure", list(CASES))
def test_le_phi_hom_nay_chua_noi_dieu_kien_thi_bao_ca_muc_mien_va_hoi_lai(conversation, procedure):
    message, expected = CASES[procedure]
    reply = conversation()(message)
    answer = texts(reply)
    day = today()
    assert_has(answer, expected(day))
    titles = [b["title"] for m in reply for b in m.get("buttons") or []]
    if waiver_runs(day):
        assert_has(answer, [f"{WAIVER} nếu anh/chị nộp hồ sơ trực tuyến", "mức 2", "28/02/2027"])
        assert "không ạ?" in answer  # one short question ...
        assert "Nộp trực tiếp" in titles  # ... answered with a button
    else:
        assert WAIVER not in answer and "không ạ?" not in answer


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("có vneid mức 2, đổi thẻ căn cước nộp online thì hết bao nhiêu", "Điều 1 khoản 4"),
        ("tôi có VNeID mức 2, làm lý lịch tư pháp nộp online hết bao nhiêu", "Điều 1 khoản 5"),
        ("co vneid muc 2 xin trich luc khai sinh nop onl mat bao nhieu tien", "Điều 1 khoản 2"),
    ],
)
def test_noi_nop_online_va_co_vneid_muc_2_thi_mien_phi(conversation, message, expected):
    answer = texts(conversation()(message))
    if waiver_runs(today()):
        assert_has(answer, ["nộp trực tuyến 0đ (miễn phí", "đến hết 28/02/2027", expected])
        assert "không ạ?" not in answer  # nothing left to ask
    else:
        assert WAIVER not in answer


def test_ho_chieu_cong_dan_so_con_can_tich_hop_ho_chieu(conversation):
    answer = texts(conversation()("tôi có vneid mức 2, làm hộ chiếu nộp online hết bao nhiêu"))
    assert_has(answer, passport_new(today()))
    if waiver_runs(today()):
        assert_has(answer, [f"{WAIVER} nếu anh/chị đã tích hợp thông tin hộ chiếu trên VNeID"])
        assert "nộp hồ sơ trực tuyến và" not in answer  # what was said is not asked again


def test_chi_noi_nop_online_thi_con_hoi_vneid(conversation):
    # asked as a fee or as an online question, the answer gives the fee and what is missing
    answer = texts(conversation()("làm lý lịch tư pháp nộp online hết bao nhiêu tiền"))
    assert_has(answer, ["Cấp Phiếu lý lịch tư pháp", "200.000đ"])
    if waiver_runs(today()):
        assert f"{WAIVER} nếu anh/chị có tài khoản định danh điện tử mức 2" in answer


def test_noi_nop_truc_tiep_thi_khong_hoi_dieu_kien_mien_online(conversation):
    reply = conversation()("tôi nộp trực tiếp, đổi thẻ căn cước hết bao nhiêu tiền")
    answer = texts(reply)
    assert_has(answer, id_card_renewal(today()))
    assert WAIVER not in answer and "không ạ?" not in answer


def test_tra_loi_bang_nut_duoc_nho_cho_ca_cuoc_tro_chuyen(conversation):
    if not waiver_runs(today()):
        pytest.skip(
            "the công dân số waiver (TT 117/2026) ended on 28/02/2027: no question to answer"
        )
    say = conversation()
    reply = say("đổi thẻ căn cước hết bao nhiêu tiền")
    yes = next(b for m in reply for b in m.get("buttons") or [] if b["title"].startswith("Có, "))
    answered = texts(say(yes["payload"]))
    assert_has(answered, ["nộp trực tuyến 0đ (miễn phí", "Theo thông tin anh/chị đã cho biết"])
    later = texts(say("xin lý lịch tư pháp hết bao nhiêu tiền"))
    assert "nộp trực tuyến 0đ (miễn phí" in later  # remembered, not asked again
    assert "không ạ?" not in later


def test_hoi_le_phi_ho_chieu_thang_1_nam_sau(conversation):
    message = "tháng 1 năm sau làm hộ chiếu hết bao nhiêu"
    day = day_asked(message, today())
    answer = texts(conversation()(message))
    assert f"ngày {day:%d/%m/%Y}" in answer
    if day == date(2027, 1, 1):
        assert_has(answer, passport_new(day))
        assert_has(answer, [f"{WAIVER} nếu anh/chị", "28/02/2027"])
    else:  # a later January: nothing read says what applies then
        assert "chưa có mức lệ phí" in answer and "chưa có văn bản xác nhận" in answer


def test_cau_hoi_tiep_noi_doi_thu_tuc_giu_nguyen_cau_hoi(conversation):
    say = conversation()
    assert "Cấp hộ chiếu" in texts(say("lam ho chieu het bao nhieu tien"))
    answer = texts(say("thế còn căn cước thì sao"))
    assert "Lệ phí «Cấp, cấp đổi, cấp lại thẻ căn cước" in answer, answer
    where = texts(say("dang ky thuong tru nop o dau"))
    assert "Công an" in where
    assert "Đăng ký tạm trú" in texts(say("à nhầm, ý tôi là tạm trú"))
