"""Handing over to a person: promised only where a person's reply can arrive, and kept
across a new session."""

import time

from tests.e2e.conftest import texts
from tests.e2e.socket_citizen import SocketCitizen


def test_qua_rest_khong_hua_tra_loi_tai_day_ma_chi_cach_lien_he(servers, conversation):
    say = conversation()
    answer = texts(say("cho tôi nói chuyện với người thật"))
    assert "không nhận được tin nhắn trả lời của cán bộ" in answer
    assert "trả lời anh/chị tại đây" not in answer and "dichvucong.gov.vn" in answer
    state = servers.tracker(say.sender)
    assert state["slots"]["handoff_requested"] is True and state["paused"] is False
    assert "20.000đ" in texts(say("đăng ký thường trú hết bao nhiêu tiền"))  # still answered


def _an_hour_and_more_ago(servers, sender: str) -> None:
    """Move the conversation's events two hours back: the next message starts a session."""
    events = servers.tracker(sender)["events"]
    for event in events:
        event["timestamp"] -= 2 * 3600
    replaced = servers.api("PUT", f"/conversations/{sender}/tracker/events", json=events)
    assert replaced.status_code == 200, replaced.text


def test_phien_moi_khong_mo_lai_cuoc_tro_chuyen_dang_cho_can_bo(servers):
    citizen = SocketCitizen(servers.url)
    try:
        session = citizen.request_session({})["session_id"]
        assert "cán bộ" in citizen.say("cho tôi gặp cán bộ", session, "cán bộ")
        assert servers.tracker(session)["paused"] is True
        _an_hour_and_more_ago(servers, session)
        later = citizen.say("alo, có ai không", session, "cán bộ", 30)
        assert "ghi lại cho cán bộ" in later
        state = servers.tracker(session)
        assert state["paused"] is True
        assert any(e["event"] == "session_started" for e in state["events"])
        time.sleep(0.5)
    finally:
        citizen.close()


def test_lenh_restart_khong_mo_lai_cuoc_tro_chuyen_dang_cho_can_bo(servers):
    citizen = SocketCitizen(servers.url)
    try:
        session = citizen.request_session({})["session_id"]
        assert "cán bộ" in citizen.say("cho tôi gặp cán bộ", session, "cán bộ")
        later = citizen.say("/restart", session, "cán bộ", 30)
        assert "ghi lại cho cán bộ" in later
        state = servers.tracker(session)
        assert state["paused"] is True
        assert not any(e["event"] == "restart" for e in state["events"])
        assert state["events"][-1]["event"] == "user" and state["events"][-1]["text"] == "/restart"
    finally:
        citizen.close()
