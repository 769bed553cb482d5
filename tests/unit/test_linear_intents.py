"""Ý định đoán bằng mô hình tuyến tính trên đặc trưng câu: khen và chê chỉ khác nhau ở
chữ "không", và mô hình lưu vào, nạp lại cho cùng một kết quả."""

from __future__ import annotations

from typing import Callable

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.linear_intents import LinearIntentClassifier
from bot.nlu.negation import NegationScopeFeaturizer
from bot.nlu.tokenizer import VietnameseTokenizer

EXAMPLES = {
    "feedback_helpful": ["dễ hiểu quá", "rõ ràng lắm", "trả lời đúng rồi", "hay lắm", "dễ hiểu"],
    "feedback_unhelpful": [
        "không dễ hiểu",
        "chẳng rõ ràng gì",
        "không đúng rồi",
        "không hay",
        "khó hiểu quá",
    ],
    "ask_fee": ["làm hộ chiếu hết bao nhiêu", "lệ phí cccd", "phí bao nhiêu tiền"],
}


def _context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


def _trained(
    storage: LocalModelStorage, examples: dict[str, list[str]]
) -> tuple[LinearIntentClassifier, Callable[[str], Message]]:
    """The classifier trained on `examples` behind our tokenizer and featurizers, and a
    function that featurizes a message the same way."""
    lines = "\n".join(
        f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {t}\n" for t in texts)
        for intent, texts in examples.items()
    )
    data = RasaYAMLReader().reads(f'version: "3.1"\nnlu:\n{lines}')
    tokenizer = VietnameseTokenizer.create(
        VietnameseTokenizer.get_default_config(), storage, Resource("tokens"), _context("t")
    )
    words = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("words"), _context("w")
    )
    negation = NegationScopeFeaturizer.create({}, storage, Resource("negation"), _context("n"))
    classifier = LinearIntentClassifier.create({}, storage, Resource("intents"), _context("c"))
    tokenizer.process_training_data(data)
    for featurizer in (words, negation):
        featurizer.train(data)
        featurizer.process_training_data(data)
    classifier.train(data)

    def featurize(text: str) -> Message:
        message = Message({"text": text})
        tokenizer.process([message])
        words.process([message])
        negation.process([message])
        return message

    return classifier, featurize


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    classifier, featurize = _trained(storage, EXAMPLES)
    return storage, classifier, featurize


def _intent(classifier: LinearIntentClassifier, message: Message) -> dict:
    return classifier.process([message])[0].get("intent")


def test_khen_va_che_chi_khac_chu_khong(trained):
    _, classifier, featurize = trained
    assert _intent(classifier, featurize("dễ hiểu lắm"))["name"] == "feedback_helpful"
    assert _intent(classifier, featurize("không dễ hiểu lắm"))["name"] == "feedback_unhelpful"


def test_xep_hang_y_dinh_la_xac_suat(trained):
    _, classifier, featurize = trained
    message = classifier.process([featurize("phi lam ho chieu bao nhieu")])[0]
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == "ask_fee"
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])


def test_nap_lai_mo_hinh_cho_cung_ket_qua(trained):
    storage, classifier, featurize = trained
    loaded = LinearIntentClassifier.load({}, storage, Resource("intents"), _context("c"))
    text = "trả lời chẳng rõ ràng"
    assert _intent(loaded, featurize(text)) == _intent(classifier, featurize(text))


def test_chua_huan_luyen_thi_khong_doan(tmp_path):
    storage = LocalModelStorage(tmp_path)
    untrained = LinearIntentClassifier.load({}, storage, Resource("none"), _context("c"))
    assert _intent(untrained, Message({"text": "chào"})) == {"name": None, "confidence": 0.0}


def test_y_dinh_chi_co_mot_cau_mau_van_huan_luyen_duoc(tmp_path):
    """Độ tin cậy được hiệu chỉnh trên các phần tách riêng của dữ liệu; một ý định chỉ có
    một câu mẫu thì không tách được, mô hình vẫn phải học và đoán được."""
    examples = {"greet": ["xin chào"], "ask_fee": ["lệ phí bao nhiêu", "phí bao nhiêu tiền"]}
    classifier, featurize = _trained(LocalModelStorage(tmp_path), examples)
    assert _intent(classifier, featurize("phí bao nhiêu"))["name"] == "ask_fee"
