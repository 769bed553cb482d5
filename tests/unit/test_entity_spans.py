"""Thực thể DIET đoán được đặt lại đúng ranh giới: cả tên thủ tục, không phải mẩu của nó."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entity_spans import EntitySpans
from bot.nlu.tokenizer import vietnamese_tokens

TRAINING = [
    ("làm [hộ chiếu](procedure) cần gì", "ask_documents"),
    ("[cấp lại cccd](procedure) hết bao nhiêu", "ask_fee"),
    ("[đăng ký tạm trú](procedure) ở đâu", "ask_agency"),
    ("[đăng ký khai sinh](procedure) mất bao lâu", "ask_processing_time"),
    ("thủ tục [khai sinh](procedure) có online không", "ask_how_to_file"),
    ("[xác nhận tình trạng hôn nhân](procedure) cần gì", "ask_documents"),
    ("[căn cước](procedure) cho [trẻ em](beneficiary) có mất phí không", "ask_fee"),
]


class _Storage:
    """Just enough of Rasa's model storage for train() to write into a temp folder."""

    @contextlib.contextmanager
    def write_to(self, resource):
        with tempfile.TemporaryDirectory() as folder:
            yield Path(folder)


def _message(text: str, entities: list[dict] | None = None, intent: str | None = None) -> Message:
    message = Message(
        {"text": text, "entities": entities or [], **({"intent": intent} if intent else {})}
    )
    message.set(TOKENS_NAMES["text"], vietnamese_tokens(text))
    return message


@pytest.fixture(scope="module")
def spans() -> EntitySpans:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    lines = "\n".join(
        f"- intent: {intent}\n  examples: |\n    - {text}" for text, intent in TRAINING
    )
    data: TrainingData = RasaYAMLReader().reads(f'version: "3.1"\nnlu:\n{lines}\n')
    for example in data.training_examples:
        example.set(TOKENS_NAMES["text"], vietnamese_tokens(example.get("text")))
    component = EntitySpans({}, _Storage(), None)
    component.train(data)
    return component


def _guess(text: str, words: str, entity: str = "procedure") -> dict:
    start = text.index(words)
    return {"entity": entity, "start": start, "end": start + len(words), "value": words}


def _after(spans: EntitySpans, text: str, *guesses: tuple[str, str]) -> list[tuple[str, str]]:
    message = _message(text, [_guess(text, words, entity) for words, entity in guesses])
    spans.process([message])
    return [(e["entity"], e["value"]) for e in message.get("entities")]


def test_manh_cua_ten_thu_tuc_duoc_mo_rong_thanh_ca_ten(spans):
    assert _after(spans, "lam ho chieu can giay to gi", ("chieu", "procedure")) == [
        ("procedure", "ho chieu")
    ]


def test_hai_manh_lien_nhau_gop_thanh_mot(spans):
    text = "cap lai cccd can mang gi"
    assert _after(spans, text, ("cap lai", "procedure"), ("cccd", "procedure")) == [
        ("procedure", "cap lai cccd")
    ]


def test_ten_bi_cut_duoi_duoc_noi_cho_du(spans):
    text = "xac nhan tinh trang hon nhan a"
    assert _after(spans, text, ("xac nhan tinh trang hon", "procedure")) == [
        ("procedure", "xac nhan tinh trang hon nhan")
    ]


def test_dong_tu_chung_chung_dung_mot_minh_khong_phai_thu_tuc(spans):
    assert _after(spans, "đăng ký tài khoản như nào", ("đăng ký", "procedure")) == []


def test_bi_tru_tien_khong_phai_tam_tru(spans):
    assert _after(spans, "tiền bị trừ mà chưa thanh toán", ("trừ", "procedure")) == []


def test_tu_thua_o_dau_duoc_cat_bo(spans):
    text = "ho so khai sinh cua be duyet chua"
    assert _after(spans, text, ("ho so khai sinh", "procedure")) == [("procedure", "khai sinh")]


def test_ten_moi_chua_gap_van_duoc_giu(spans):
    text = "đăng ký xe máy ở đâu"
    assert _after(spans, text, ("đăng ký xe máy", "procedure")) == [("procedure", "đăng ký xe máy")]


def test_nhom_doi_tuong_cung_duoc_dat_dung_ranh_gioi(spans):
    text = "cccd cho tre em bao lau"
    assert _after(spans, text, ("tre", "beneficiary")) == [("beneficiary", "tre em")]


def test_ma_ho_so_bi_cat_manh_duoc_lay_tron(spans):
    text = "xem giúp hồ sơ 000.00.12.H26-250928-0203 với"
    assert _after(spans, text, (".H26-250928-0203", "dossier_code")) == [
        ("dossier_code", "000.00.12.H26-250928-0203")
    ]


def test_ma_ho_so_dung_dang_duoc_them_khi_bi_bo_sot(spans):
    assert _after(spans, "hồ sơ G22.99-260915-0012 đến đâu rồi") == [
        ("dossier_code", "G22.99-260915-0012")
    ]


def test_so_tien_khong_phai_ma_ho_so(spans):
    assert _after(spans, "phí 1.000.000 đồng hả") == []


def test_so_trang_bo_sot_duoc_them(spans):
    text = "chứng thực 5 trang hết bn"
    assert ("quantity", "5") in _after(spans, text, ("chứng thực", "procedure"))


def test_so_ban_viet_bang_chu(spans):
    assert _after(spans, "chung thuc ba ban") == [("quantity", "ba")]
