"""The action server's answers are validated as Rasa validates them, the schema checked once."""

import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import action_responses
from bot.action_responses import response_validator, validate_action_result

RASA_VALIDATE = RemoteAction._validate_action_result  # Rasa's own, kept before any install

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "procedure", "value": "dang_ky_thuong_tru"},
            {"event": "action_execution_rejected", "name": "action_fee"},
        ],
        "responses": [
            {"text": "Lệ phí 20.000đ", "buttons": [{"title": "Có", "payload": "/affirm"}]}
        ],
    },
]
BAD = [
    {"events": "slot"},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [], "responses": ["text"]},
]


def action() -> RemoteAction:
    return RemoteAction("action_fee", EndpointConfig("http://127.0.0.1:5055/webhook"))


@pytest.mark.parametrize("answer", GOOD)
def test_cau_tra_loi_dung_duoc_nhan_nhu_rasa(answer):
    assert RASA_VALIDATE(action(), answer) is True
    assert validate_action_result(action(), answer) is True


@pytest.mark.parametrize("answer", BAD)
def test_cau_tra_loi_sai_bi_tu_choi_voi_cung_thong_bao_nhu_rasa(answer):
    with pytest.raises(ValidationError) as rasa:
        RASA_VALIDATE(action(), answer)
    with pytest.raises(ValidationError) as ours:
        validate_action_result(action(), answer)
    assert ours.value.message == rasa.value.message
    assert list(ours.value.path) == list(rasa.value.path)
    assert "Failed to validate Action server response" in ours.value.message


def test_luoc_do_chi_kiem_tra_mot_lan(monkeypatch):
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    checked = []
    check = cls.check_schema
    monkeypatch.setattr(
        cls, "check_schema", classmethod(lambda c, s: checked.append(s) or check(s))
    )
    response_validator.cache_clear()
    for answer in GOOD * 3:
        validate_action_result(action(), answer)
    assert len(checked) == 1


def test_may_chu_rasa_dung_ban_kiem_tra_nay(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASA_VALIDATE)
    action_responses.install()
    assert RemoteAction._validate_action_result is validate_action_result
    with pytest.raises(ValidationError):
        action()._validate_action_result({"events": "slot"})
