"""A widget connected to one Rasa process receives what another process sends it: a
staff member's reply (the console's call: tracker/events with output_channel=latest) and
a bot message (execute an action). python-socketio's AsyncRedisManager carries them
between the processes (SOCKETIO_REDIS_URL); nginx keeps a client on one process."""

from __future__ import annotations

import time

import pytest

from tests.e2e.socket_citizen import SocketCitizen
from tests.scale.conftest import api

DELIVER = {"output_channel": "latest", "execute_side_effects": "true"}


def staff_reply(stack, rasa: str, session_id: str, text: str) -> None:
    event = {"event": "bot", "text": text, "metadata": {"source": "staff", "staff": "Cán bộ An"}}
    reply = api(stack, rasa, "POST", f"/conversations/{session_id}/tracker/events",
                params=DELIVER, json=[event])  # fmt: skip
    assert reply.status_code == 200, reply.text


def received(citizen: SocketCitizen, text: str, seconds: float = 10) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in citizen.received:
            if message.get("text") == text:
                return message
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never reached the widget: {citizen.received}")


@pytest.fixture
def citizen_on_first(stack):
    """A widget connected to rasa-1 itself, with a conversation started there."""
    # the portal's origin, as a widget on the portal page sends it
    citizen = SocketCitizen(stack.rasa_url("rasa-1"), origin=stack.url)
    try:
        session = citizen.request_session({})
        assert "Trợ lý Dịch vụ công" in citizen.say("xin chao", session["session_id"],
                                                     wait_for="Trợ lý")  # fmt: skip
        time.sleep(0.5)  # the Redis subscription of rasa-1 is up
        yield citizen, session["session_id"]
    finally:
        citizen.close()


def test_tin_nhan_can_bo_qua_tien_trinh_khac_den_widget(stack, citizen_on_first):
    citizen, session_id = citizen_on_first
    text = "Chào anh/chị, cán bộ An đây (gửi qua tiến trình 2)."
    started = time.monotonic()
    staff_reply(stack, "rasa-2", session_id, text)
    message = received(citizen, text)
    assert message.get("from") == "staff" and message.get("staff") == "Cán bộ An"
    assert time.monotonic() - started < 5


def test_tin_nhan_bot_qua_tien_trinh_khac_den_widget(stack, citizen_on_first):
    citizen, session_id = citizen_on_first
    before = len(citizen.received)
    reply = api(stack, "rasa-2", "POST", f"/conversations/{session_id}/execute",
                params={"output_channel": "latest"}, json={"name": "utter_thank"})  # fmt: skip
    assert reply.status_code == 200, reply.text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(citizen.received) == before:
        time.sleep(0.05)
    assert any("không có gì" in m.get("text", "") for m in citizen.received[before:])


def test_widget_qua_nginx_nhan_tin_tu_ca_hai_tien_trinh(stack):
    citizen = SocketCitizen(stack.url)
    try:
        session_id = citizen.request_session({})["session_id"]
        answer = citizen.say("dang ky thuong tru het bao nhieu tien", session_id, "20.000đ")
        assert "20.000đ" in answer
        time.sleep(0.5)
        for rasa in stack.rasa_names:  # one of them is not the widget's process
            text = f"Cán bộ trả lời qua {rasa}."
            staff_reply(stack, rasa, session_id, text)
            received(citizen, text)
    finally:
        citizen.close()
