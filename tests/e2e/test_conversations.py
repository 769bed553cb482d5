"""End to end over HTTP: a citizen chats with the real Rasa server and action server."""

from datetime import date

import pytest

from bot.answers import today
from tests.e2e.conftest import texts


@pytest.mark.parametrize(
    "question",
    [
        "lam ho chieu het bao nhieu tien",
        "Làm hộ chiếu hết bao nhiêu tiền?",
        "LE PHI HO CHIEU LA BN",
    ],
)
def test_hoi_le_phi_ho_chieu_co_dau_hay_khong_dau(conversation, question):
    # TT 64/2025 halves the passport fee to 31/12/2026 (read in NQ 66.22/2026); after that
    # nothing read says what applies, and the bot says the base is expected, not confirmed.
    answer = texts(conversation()(question))
    assert "Cấp hộ chiếu phổ thông" in answer
    if today() <= date(2026, 12, 31):
        assert "Cấp mới: 100.000đ" in answer and "đến hết 31/12/2026" in answer
    else:
        assert "mức gốc 200.000đ" in answer and "chưa có văn bản xác nhận" in answer
    assert "Nghị quyết 66.22/2026/NQ-CP" in answer


def test_le_phi_thuong_tru_re_hon_khi_nop_online(conversation):
    answer = texts(conversation()("dang ky thuong tru het bao nhieu tien"))
    assert "20.000đ" in answer and "10.000đ" in answer
    assert "75/2022/TT-BTC" in answer


def test_ho_so_dang_ky_khai_sinh(conversation):
    answer = texts(conversation()("Thủ tục làm giấy khai sinh cần gì?")).lower()
    assert "giấy chứng sinh" in answer
    assert "căn cứ" in answer or "nguồn" in answer


def test_nho_thu_tuc_dang_noi_de_tra_loi_cau_hoi_tiep(conversation):
    say = conversation()
    first = say("tôi muốn đăng ký thường trú")
    assert "thường trú" in texts(first).lower()
    assert first[-1].get("buttons"), "the bot offers what can be asked about the procedure"
    assert "20.000đ" in texts(say("lệ phí bao nhiêu?"))


def test_hoi_phi_truoc_roi_moi_noi_thu_tuc(conversation):
    say = conversation()
    assert "thủ tục nào" in texts(say("le phi bao nhieu vay")).lower()
    assert "10.000đ" in texts(say("thường trú"))


def test_thu_tuc_nao_re_hon_khi_nop_online_hom_nay(conversation):
    answer = texts(conversation()("những thủ tục nào nộp online được giảm phí?"))
    cheaper, _, waivers = answer.partition("Nộp trực tuyến miễn phí")
    assert "Đăng ký thường trú" in cheaper
    assert "hộ chiếu" not in cheaper.lower()  # its online reduction ended on 31/12/2025
    if today() <= date(2027, 2, 28):  # công dân số waivers (TT 117/2026)
        assert "Cấp hộ chiếu phổ thông ở trong nước" in waivers and "28/02/2027" in waivers


@pytest.mark.parametrize(
    ("message", "procedure", "not_procedure"),
    [
        # "gks cho con" alone reads as a birth registration; "xin lại" says it is a copy
        ("xin lại gks cho con cần gì", "Cấp bản sao trích lục hộ tịch", "Đăng ký khai sinh"),
        # a second procedure named in the message does not replace the one asked about
        (
            "tôi muốn làm hộ chiếu, cần mang cccd không",
            "Cấp hộ chiếu phổ thông",
            "Cấp, cấp đổi, cấp lại thẻ căn cước",
        ),
    ],
)
def test_ca_cau_noi_ro_thu_tuc_nao(conversation, message, procedure, not_procedure):
    answer = texts(conversation()(message))
    assert procedure in answer
    assert not_procedure not in answer


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("xin chào", "Trợ lý Dịch vụ công"),
        ("cảm ơn nhé", "không có gì"),
        ("tạm biệt", "Cảm ơn anh/chị"),
        ("bạn là người hay máy vậy", "trợ lý tự động"),
        ("hôm nay thời tiết Hà Nội thế nào", "ngoài phạm vi"),
        ("cho tôi gặp nhân viên", "cán bộ"),
    ],
)
def test_giao_tiep_co_ban(conversation, message, expected):
    assert expected in texts(conversation()(message))


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "a" * 5000,
        "hộ chiếu " * 560,
        "😀😀😀",
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "'; DROP TABLE events; --",
        "asdkjh qwe zxcmn",
    ],
)
def test_dau_vao_xau_duoc_tra_loi_lich_su_va_khong_mat_cuoc_tro_chuyen(conversation, junk):
    say = conversation()
    reply = say(junk)
    assert reply, "the citizen always gets an answer"
    assert all("anh/chị" in m.get("text", "").lower() or m.get("buttons") for m in reply)
    assert "20.000đ" in texts(say("đăng ký thường trú hết bao nhiêu tiền"))


def test_du_lieu_ca_nhan_khong_luu_nguyen_van(servers, conversation):
    import sqlite3

    say = conversation()
    say("CCCD của tôi là 001203004567, sđt 0912345678, email an.nguyen@gmail.com")
    assert "10.000đ" in texts(say("dang ky thuong tru het bao nhieu"))
    with sqlite3.connect(servers.work / "tracker.db") as db:
        stored = " ".join(
            row[0]
            for row in db.execute("SELECT data FROM events WHERE sender_id = ?", (say.sender,))
        )
    assert "dang ky thuong tru" in stored  # the conversation itself is kept
    for secret in ("001203004567", "0912345678", "an.nguyen@gmail.com"):
        assert secret not in stored
