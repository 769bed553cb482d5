"""VietnameseTokenizer: word boundaries from underthesea, offsets that always fit."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import VietnameseTokenizer, vietnamese_tokens


def _assert_offsets_fit(text):
    tokens = vietnamese_tokens(text)
    for token in tokens:
        assert text[token.start : token.end] == token.text
    starts = [t.start for t in tokens]
    assert starts == sorted(starts)
    return tokens


def test_tu_ghep_la_mot_token_va_lemma_khong_dau():
    tokens = _assert_offsets_fit("Làm hộ chiếu hết bao nhiêu tiền?")
    by_text = {t.text: t.lemma for t in tokens}
    assert by_text["hộ chiếu"] == "ho chieu"
    assert by_text["bao nhiêu"] == "bao nhieu"


def test_viet_tat_co_lemma_day_du():
    tokens = _assert_offsets_fit("đk tạm trú onl dc ko")
    assert [t.lemma for t in tokens][:1] == ["dang ky"]
    assert "online" in [t.lemma for t in tokens]


@pytest.mark.parametrize(
    "text",
    [
        "lam ho chieu het bao nhieu tien",  # underthesea mis-segments text without marks
        "Hoà bình và hòa bình",  # tone mark placed two ways
        "Ho\u0300a gia\u0309i",  # combining marks: NFC changes the length
        "  khoảng   trắng  thừa  ",
        "Cho em hỏi 😊 nhé!!!",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE events; --",
        "CCCD 001203004567, sđt 0912345678",
        "ﬁ ligature İstanbul",  # characters whose lower case changes length
    ],
)
def test_van_ban_kho_khong_lam_lech_vi_tri(text):
    _assert_offsets_fit(text)


def test_tin_nhan_rong_khong_co_token():
    assert vietnamese_tokens("") == []
    assert vietnamese_tokens("   ") == []


def test_tin_nhan_5000_ky_tu_van_tach_duoc():
    text = "hộ chiếu cần giấy tờ gì " * 220
    tokens = _assert_offsets_fit(text)
    assert tokens[-1].end > len(text) - 5


def test_thanh_phan_rasa_gan_token_cho_message():
    tokenizer = VietnameseTokenizer(VietnameseTokenizer.get_default_config())
    message = Message(data={"text": "đăng ký khai sinh cần gì"})
    tokenizer.process([message])
    tokens = message.get("text_tokens")
    assert [t.text for t in tokens][-1] == "gì"
    assert all(message.get("text")[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize(
    "text, word",
    [
        ("Đăng Ký Kết Hôn Ở Xã Nào Vậy Ad", "Kết Hôn"),
        ("Thanh Toán Phí Đăng Ký Tạm Trú Theo Danh Sách", "Phí"),
    ],
)
def test_chu_hoa_khong_lam_lech_ranh_gioi_tu(text, word):
    """Capitals are not names here: the words are those of the lower-case message."""
    tokens = _assert_offsets_fit(text)
    assert word in [t.text for t in tokens]
