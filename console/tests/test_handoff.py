"""Live handoff in the console: tickets from the ingest, claim, reply, hand back."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, OperationalError, close_old_connections, transaction
from django.utils import timezone

from console import rasa_api
from conversations.models import Conversation
from handoff import models as rules
from handoff import rasa_calls
from handoff.models import HAND_BACK_TEXT, HandoffError, HandoffTicket, StaffReply
from tests.helpers import ingest_all


def ask_for_person(rasa, sender: str, channel: str = "socketio") -> None:
    rasa.session(sender)
    rasa.user(sender, "cho tôi gặp cán bộ", "request_human", channel=channel)
    rasa.action(sender, "action_request_human")
    rasa.bot(sender, "Cán bộ sẽ đọc lại nội dung và trả lời anh/chị tại đây")
    rasa.slot(sender, "handoff_requested", True)
    rasa.slot(sender, "handoff_reason", "requested")
    rasa.add(sender, {"event": "pause"})


@pytest.fixture
def calls(monkeypatch):
    sent = []

    def fake(method, path, staff_id, params=None, body=None):
        sent.append({"method": method, "path": path, "params": params, "body": body})
        return b"{}"

    monkeypatch.setattr(rasa_api, "request", fake)
    return sent


@pytest.fixture
def ticket(rasa, staff):
    ask_for_person(rasa, "web-1")
    ingest_all()
    return HandoffTicket.objects.get(sender_id="web-1")


def test_a_pause_for_a_person_opens_one_pending_ticket(rasa, staff):
    ask_for_person(rasa, "web-1")
    ask_for_person(rasa, "zalo-1", channel="zalo")
    ask_for_person(rasa, "rest-1", channel="rest")
    ingest_all()
    tickets = {t.sender_id: t for t in HandoffTicket.objects.all()}
    assert set(tickets) == {"web-1", "zalo-1"}  # REST cannot receive replies: no ticket
    assert tickets["web-1"].status == "pending" and tickets["web-1"].reason == "requested"
    assert tickets["zalo-1"].channel == "zalo"
    # the same conversation pausing again (session expiry re-pause) keeps its one ticket
    rasa.session("web-1")
    rasa.slot("web-1", "handoff_requested", True)
    rasa.add("web-1", {"event": "pause"})
    ingest_all()
    assert HandoffTicket.objects.filter(sender_id="web-1").count() == 1


def test_the_database_holds_one_open_ticket_per_conversation(ticket):
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoffTicket.objects.create(sender_id="web-1", channel="socketio")
    ticket.status = "resolved"
    ticket.save()
    HandoffTicket.objects.create(sender_id="web-1", channel="socketio")  # a new request later


def test_claim_only_one_officer_wins(ticket, staff):
    rules.claim(ticket.pk, staff["officer"])
    with pytest.raises(HandoffError, match="officer"):
        rules.claim(ticket.pk, staff["supervisor"])
    ticket.refresh_from_db()
    assert ticket.claimed_by == staff["officer"] and ticket.status == "assigned"


@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_at_once_one_wins():
    from django.contrib.auth.models import User

    users = [User.objects.create_user(f"o{i}") for i in range(2)]
    t = HandoffTicket.objects.create(sender_id="web-x", channel="socketio")
    results, barrier = [], threading.Barrier(2)

    def attempt(user):
        barrier.wait()
        try:
            for _ in range(50):  # SQLite's shared cache may answer "table is locked"
                try:
                    rules.claim(t.pk, user)
                    results.append("won")
                    return
                except HandoffError as error:
                    results.append(str(error))
                    return
                except OperationalError:
                    time.sleep(0.02)
            results.append("locked")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("won") == 1, results
    assert any("đã nhận yêu cầu này" in r for r in results)


def test_claim_through_the_page_and_the_loser_is_told(login, ticket):
    first, second = login("officer"), login("supervisor")
    assert first.post(f"/hang-cho/{ticket.pk}/nhan/").status_code == 302
    answer = second.post(f"/hang-cho/{ticket.pk}/nhan/", follow=True)
    assert "Cán bộ officer đã nhận yêu cầu này." in answer.content.decode()


def test_logout_releases_claims(login, ticket, staff):
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    client.post("/tai-khoan/dang-xuat/")
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.claimed_by is None


def test_queue_page_and_json(login, ticket):
    client = login("officer")
    page = client.get("/hang-cho/").content.decode()
    assert "Người dân yêu cầu gặp cán bộ" in page and "cho tôi gặp cán bộ" in page
    assert "handoff.js" in page and "<script>" not in page
    data = client.get("/api/hang-cho/").json()
    assert data["pending"] == 1
    row = data["tickets"][0]
    assert row["channel"] == "socketio" and row["reason"] == "Người dân yêu cầu gặp cán bộ"
    assert row["last_messages"][-1]["kind"] == "bot"


def test_an_officer_sees_pending_and_own_tickets_only(login, rasa, staff, ticket):
    ask_for_person(rasa, "web-2")
    ingest_all()
    other = HandoffTicket.objects.get(sender_id="web-2")
    rules.claim(other.pk, staff["supervisor"])
    officer = login("officer")
    assert [t["id"] for t in officer.get("/api/hang-cho/").json()["tickets"]] == [ticket.pk]
    assert officer.get(f"/hang-cho/{other.pk}/").status_code == 404
    supervisor = login("supervisor")
    assert len(supervisor.get("/api/hang-cho/").json()["tickets"]) == 2


def test_reply_goes_to_rasa_on_the_citizens_channel(login, ticket, calls, rasa):
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    client.post(f"/hang-cho/{ticket.pk}/tra-loi/", {"text": "Chào anh, tôi là cán bộ."})
    assert calls == [
        {
            "method": "POST",
            "path": "/conversations/web-1/tracker/events",
            "params": {"output_channel": "latest", "execute_side_effects": "true"},
            "body": [
                {
                    "event": "bot",
                    "text": "Chào anh, tôi là cán bộ.",
                    "metadata": {"source": "staff", "staff": "officer"},
                }
            ],
        }
    ]
    assert StaffReply.objects.get().sent is True
    # the staff message comes back through the ingest and shows in the live view
    rasa.bot("web-1", "Chào anh, tôi là cán bộ.", staff="officer")
    rasa.user("web-1", "cảm ơn cán bộ", "thank", channel="socketio")
    ingest_all()
    messages = client.get(f"/api/hang-cho/{ticket.pk}/").json()["messages"]
    assert [m["kind"] for m in messages[-2:]] == ["staff", "user"]
    assert messages[-2]["who"] == "officer"


def test_a_failed_send_is_shown_as_not_sent(login, ticket):
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    page = client.post(f"/hang-cho/{ticket.pk}/tra-loi/", {"text": "xin chào"}, follow=True)
    assert "Chưa gửi được" in page.content.decode()
    assert StaffReply.objects.get().sent is False


def test_only_the_claiming_officer_replies(login, ticket, calls):
    login("supervisor").post(f"/hang-cho/{ticket.pk}/nhan/")
    login("officer").post(f"/hang-cho/{ticket.pk}/tra-loi/", {"text": "x"})
    assert calls == [] and not StaffReply.objects.exists()


def test_reply_limits_rest_and_the_zalo_window(ticket, staff):
    rules.claim(ticket.pk, staff["officer"])
    ticket.refresh_from_db()
    with pytest.raises(HandoffError, match="2000"):
        ticket.check_reply(staff["officer"], "a" * 2001)
    assert ticket.check_reply(staff["officer"], " chào\x07 ") == "chào"
    ticket.channel = "rest"
    assert "không nhận được" in ticket.cannot_reply_reason()
    ticket.channel = "zalo"
    last = ticket.last_citizen_message_at()
    assert ticket.zalo_deadline() == last + timedelta(hours=48)
    assert ticket.cannot_reply_reason(now=last + timedelta(hours=47)) == ""
    assert "48 giờ" in ticket.cannot_reply_reason(now=last + timedelta(hours=49))


def test_rest_ticket_page_says_it_cannot_receive(login, staff):
    t = HandoffTicket.objects.create(sender_id="rest-1", channel="rest")
    rules.claim(t.pk, staff["officer"])
    page = login("officer").get(f"/hang-cho/{t.pk}/").content.decode()
    assert 'id="cannot-reply"' in page and 'id="reply-form"' not in page


def test_hand_back_needs_an_outcome_and_resumes_the_bot(login, ticket, calls):
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    client.post(f"/hang-cho/{ticket.pk}/ket-thuc/", {"outcome": "bogus"})
    ticket.refresh_from_db()
    assert ticket.status == "assigned" and calls == []
    client.post(f"/hang-cho/{ticket.pk}/ket-thuc/", {"outcome": "answered"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.outcome == "answered" and ticket.resolved_at
    assert calls[0]["body"] == [
        {"event": "resume"},
        {"event": "action", "name": "action_listen"},
        {"event": "slot", "name": "handoff_requested", "value": False},
        {"event": "bot", "text": HAND_BACK_TEXT, "data": {"buttons": rasa_calls.RATING_BUTTONS}},
    ]
    assert calls[0]["params"] == {"output_channel": "latest", "execute_side_effects": "true"}


def test_outcome_codes():
    assert set(HandoffTicket.Outcome.values) == {
        "answered",
        "referred",
        "no_response",
        "abusive",
        "test",
        "citizen_left",
    }


def test_hand_back_failing_keeps_the_ticket_open(login, ticket):
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    client.post(f"/hang-cho/{ticket.pk}/ket-thuc/", {"outcome": "answered"})
    ticket.refresh_from_db()
    assert ticket.status == "assigned"


def test_a_supervisor_reassigns(login, ticket, staff):
    rules.claim(ticket.pk, staff["officer"])
    login("supervisor").post(f"/hang-cho/{ticket.pk}/giao-lai/", {"to": staff["reviewer"].pk})
    ticket.refresh_from_db()
    assert ticket.claimed_by == staff["reviewer"]
    login("officer").post(f"/hang-cho/{ticket.pk}/giao-lai/", {"to": staff["officer"].pk})
    ticket.refresh_from_db()
    assert ticket.claimed_by == staff["reviewer"]


def test_every_handoff_route_is_listed():
    from tests.test_access import routes

    names = {name for _, _, name in routes()}
    for name in ("queue", "queue_json", "ticket", "ticket_json", "claim", "reply", "close",
                 "reassign"):  # fmt: skip
        assert f"handoff:{name}" in names


def test_json_is_valid_for_the_poller(login, ticket):
    body = login("officer").get(f"/api/hang-cho/{ticket.pk}/?after=0").content
    assert json.loads(body)["status"] == "pending"


def test_widget_ids_are_sent_as_rasa_reads_them():
    # Rasa 3.6 does not decode path parameters: "web%3Aabc" would be a new conversation
    assert rasa_api.conversation_path("web:abc", "tracker/events") == (
        "/conversations/web:abc/tracker/events"
    )


def test_a_rest_conversation_asking_for_a_person_shows_it_cannot_receive(rasa, login):
    ask_for_person(rasa, "rest-1", channel="rest")
    ask_for_person(rasa, "web-1")
    ingest_all()
    rest = Conversation.objects.get(sender_id="rest-1")
    web = Conversation.objects.get(sender_id="web-1")
    client = login("officer")
    assert 'id="cannot-receive"' in client.get(f"/hoi-thoai/{rest.pk}/").content.decode()
    assert 'id="cannot-receive"' not in client.get(f"/hoi-thoai/{web.pk}/").content.decode()


def test_an_unclaimed_ticket_goes_back_to_the_bot_with_an_honest_message(
    ticket, calls, settings, staff
):
    from handoff.sweep import expire_unclaimed

    settings.HANDOFF_UNCLAIMED_MINUTES = 10
    settings.SUPPORT_HOTLINE = "1900 1234"
    assert expire_unclaimed() == 0 and calls == []  # not yet
    later = timezone.now() + timedelta(minutes=11)
    assert expire_unclaimed(now=later) == 1
    ticket.refresh_from_db()
    assert ticket.status == "expired"
    body = calls[0]["body"]
    assert body[0] == {"event": "resume"} and body[1]["name"] == "action_listen"
    assert "chưa có cán bộ" in body[-1]["text"] and "1900 1234" in body[-1]["text"]
    assert "data" not in body[-1]  # nobody helped: nothing to rate
    assert expire_unclaimed(now=later) == 0  # once


def test_a_claimed_ticket_never_expires_and_a_refused_hand_back_waits(ticket, settings, staff):
    from handoff.sweep import expire_unclaimed

    settings.HANDOFF_UNCLAIMED_MINUTES = 10
    later = timezone.now() + timedelta(minutes=11)
    assert expire_unclaimed(now=later) == 0  # Rasa refuses in unit tests
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    rules.claim(ticket.pk, staff["officer"])
    assert expire_unclaimed(now=later) == 0
    ticket.refresh_from_db()
    assert ticket.status == "assigned"


def test_outside_office_hours_a_request_goes_straight_back_to_the_bot(ticket, calls, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from handoff.sweep import expire_unclaimed, in_office_hours

    settings.HANDOFF_OFFICE_HOURS = "07:30-17:00"
    settings.HANDOFF_OFFICE_DAYS = "1-5"
    vietnam = ZoneInfo("Asia/Ho_Chi_Minh")
    monday_morning = datetime(2026, 12, 7, 9, 0, tzinfo=vietnam)
    assert in_office_hours(monday_morning)
    assert not in_office_hours(datetime(2026, 12, 7, 17, 30, tzinfo=vietnam))
    assert not in_office_hours(datetime(2026, 12, 6, 9, 0, tzinfo=vietnam))  # Sunday
    ticket.queued_at = datetime(2026, 12, 7, 18, 0, tzinfo=vietnam)
    ticket.save()
    assert expire_unclaimed(now=datetime(2026, 12, 7, 18, 0, 2, tzinfo=vietnam)) == 1
    assert "ngoài giờ làm việc" in calls[0]["body"][-1]["text"]


def test_canned_replies_are_saved_and_offered_for_the_procedure(login, ticket, staff):
    from handoff.models import CannedReply

    CannedReply.objects.create(procedure="passport", title="Hộ chiếu", text="Xem mục hộ chiếu")
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    client.post(f"/hang-cho/{ticket.pk}/luu-mau/", {"title": "Chào", "text": "Chào anh/chị <b>"})
    page = client.get(f"/hang-cho/{ticket.pk}/").content.decode()
    assert 'data-text="Chào anh/chị &lt;b&gt;"' in page  # escaped, inserted by handoff.js
    assert "Hộ chiếu" not in page  # another procedure's reply is not offered
    assert CannedReply.objects.get(title="Chào").created_by == staff["officer"]


def test_a_claim_whose_officer_went_quiet_returns_to_the_queue(ticket, staff, login, settings):
    from handoff.sweep import expire_unclaimed, release_idle_claims

    settings.HANDOFF_IDLE_RELEASE_MINUTES = 2
    settings.HANDOFF_UNCLAIMED_MINUTES = 10
    rules.claim(ticket.pk, staff["officer"])
    assert release_idle_claims() == 0
    login("officer").get("/api/hang-cho/")  # any console page polls this: presence
    soon = timezone.now() + timedelta(minutes=1)
    assert release_idle_claims(now=soon) == 0
    later = timezone.now() + timedelta(minutes=3)
    assert release_idle_claims(now=later) == 1
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.claimed_by is None
    # back in the queue now: the unclaimed timeout counts from here
    assert expire_unclaimed(now=later + timedelta(minutes=5)) == 0


def test_a_citizen_who_goes_back_to_the_assistant_closes_the_ticket(rasa, login, ticket):
    client = login("officer")
    client.post(f"/hang-cho/{ticket.pk}/nhan/")
    rasa.user("web-1", "quay lại trợ lý", "greet")
    rasa.add("web-1", {"event": "resume"})
    rasa.add(
        "web-1",
        {
            "event": "bot",
            "text": "Dạ, anh/chị đã rời hàng chờ",
            "metadata": {"handoff": "citizen_left"},
        },
    )
    ingest_all()
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.outcome == "citizen_left"
    page = client.get(f"/hang-cho/{ticket.pk}/").content.decode()
    assert "Người dân quay lại trợ lý" in page
    # an officer cannot pick it when handing back
    assert 'value="citizen_left"' not in page
