"""Faults of the scaled layout: each part stops, is slow or restarts; the citizen gets a
clear answer (the apology with a suggestion) within 5 seconds, no server crashes, and the
conversation goes on when the part is back."""

from __future__ import annotations

import signal
import time

from tests.e2e.conversation_sets import letters
from tests.e2e.socket_citizen import SocketCitizen
from tests.scale.conftest import FEE_ANSWER, FEE_QUESTION, all_running, answered, api, say

APOLOGY = "hệ thống đang gặp sự cố"


def apology_within_5s(stack, sender: str, text: str = FEE_QUESTION) -> None:
    started = time.monotonic()
    reply = " ".join(say(stack.url, sender, text, timeout=10))
    seconds = time.monotonic() - started
    assert APOLOGY in reply and "gặp nhân viên" in reply, reply
    assert seconds < 5, seconds


def recovers(stack, sender: str, seconds: float = 30) -> None:
    """The same conversation is answered again (the first try after a restart may still
    meet a connection the restart broke; a few seconds later it must work)."""
    deadline = time.monotonic() + seconds
    reply = ""
    while time.monotonic() < deadline:
        reply = " ".join(say(stack.url, sender, FEE_QUESTION, timeout=10))
        if FEE_ANSWER in reply:
            return
        time.sleep(1)
    raise AssertionError(f"not answered again: {reply}")


def conversation(stack) -> str:
    sender = f"fault-{letters(12)}"
    assert FEE_ANSWER in " ".join(say(stack.url, sender, FEE_QUESTION))
    return sender


def test_mot_may_chu_hanh_dong_tat_thi_may_kia_tra_loi(stack):
    sender = conversation(stack)
    stack.services["actions-1"].stop()
    try:
        for _ in range(4):  # nginx skips the stopped one
            assert FEE_ANSWER in " ".join(say(stack.url, sender, FEE_QUESTION))
    finally:
        stack.services["actions-1"].start()
        stack.services["actions-1"].wait(120)


def test_may_chu_hanh_dong_cham_hoac_tat_thi_xin_loi_roi_tiep_tuc(stack):
    sender = conversation(stack)
    actions = [stack.services[name] for name in stack.action_names]
    for service in actions:  # slower than the timeout: they take the call, never answer
        service.signal(signal.SIGSTOP)
    try:
        apology_within_5s(stack, sender)
    finally:
        for service in actions:
            service.signal(signal.SIGCONT)
    recovers(stack, sender)
    for service in actions:
        service.stop()
    try:
        apology_within_5s(stack, sender)
    finally:
        for service in actions:
            service.start()
        for service in actions:
            service.wait(120)
    recovers(stack, sender)
    all_running(stack)


def test_postgresql_dung_thi_bao_ro_roi_tiep_tuc(stack):
    sender = conversation(stack)
    stack.stop_postgres()
    try:
        apology_within_5s(stack, sender)
        apology_within_5s(stack, f"fault-{letters(12)}")  # a new conversation too
    finally:
        stack.start_postgres()
    # at once, on every process: pooled connections the restart closed are replaced
    for name in stack.rasa_names:
        assert FEE_ANSWER in " ".join(say(stack.rasa_url(name), sender, FEE_QUESTION, 10))
    all_running(stack)
    answered(stack)


def test_redis_dung_thi_bao_ro_roi_tiep_tuc(stack):
    sender = conversation(stack)
    widget = SocketCitizen(stack.rasa_url("rasa-1"), origin=stack.url)
    try:
        session_id = widget.request_session({})["session_id"]
        assert FEE_ANSWER in widget.say(FEE_QUESTION, session_id, FEE_ANSWER)
        redis = stack.services["redis"]
        redis.stop()
        try:
            apology_within_5s(stack, sender)
            # the widget's own process still reaches it, with the apology
            assert APOLOGY in widget.say(FEE_QUESTION, session_id, APOLOGY, seconds=5)
        finally:
            redis.start()
            redis.wait(30)
        recovers(stack, sender)
        # and messages from the other process reach the widget again once python-socketio
        # has reconnected to Redis (it retries with a growing pause)
        deadline, attempt = time.monotonic() + 40, 0
        while True:
            attempt += 1
            text = f"Cán bộ trả lời sau khi Redis trở lại ({attempt})."
            event = {"event": "bot", "text": text, "metadata": {"source": "staff"}}
            pushed = api(stack, "rasa-2", "POST", f"/conversations/{session_id}/tracker/events",
                         params={"output_channel": "latest", "execute_side_effects": "true"},
                         json=[event])  # fmt: skip
            assert pushed.status_code == 200, pushed.text
            time.sleep(1)
            if any(m.get("text") == text for m in widget.received):
                break
            assert time.monotonic() < deadline, "no delivery across processes after Redis"
    finally:
        widget.close()
    all_running(stack)
    answered(stack)


def test_rasa_khoi_dong_lai_giua_hoi_thoai_thi_tiep_tuc_tu_kho_hoi_thoai(stack):
    sender = f"fault-{letters(12)}"
    first = stack.rasa_url("rasa-1")
    assert "hộ chiếu" in " ".join(say(first, sender, "toi muon lam ho chieu")).lower()
    stack.services["rasa-1"].process.kill()  # a crash, mid-conversation
    stack.services["rasa-1"].process.wait()
    # nginx sends the next message to the other process, which reads the tracker store:
    # the procedure of the conversation is still known
    reply = " ".join(say(stack.url, sender, "het bao nhieu tien")).lower()
    assert "hộ chiếu" in reply and "đ" in reply, reply
    stack.restart("rasa-1")
    reply = " ".join(say(first, sender, "can giay to gi")).lower()
    assert "hộ chiếu" in reply, reply
    all_running(stack)
