"""Saved views, the transcript's paging and slot values, and the append-only audit log."""

from __future__ import annotations

import pytest
from django.test import override_settings

from audit.models import AuditEntry
from conversations.models import Conversation
from tests.helpers import ingest_all

pytestmark = pytest.mark.django_db


def test_saved_views_belong_to_their_owner(login, staff):
    officer = login("officer")
    officer.post(
        "/bo-loc/luu/", {"name": "Cần cán bộ trên Zalo", "query": "handoff=on&channel=zalo"}
    )
    page = officer.get("/").content.decode()
    assert "Cần cán bộ trên Zalo" in page and "?handoff=on&amp;channel=zalo" in page
    assert "Cần cán bộ trên Zalo" not in login("reviewer").get("/").content.decode()
    view = staff["officer"].saved_views.get()
    assert login("reviewer").post(f"/bo-loc/{view.pk}/xoa/").status_code == 404
    officer.post(f"/bo-loc/{view.pk}/xoa/")
    assert not staff["officer"].saved_views.exists()


@override_settings(TRANSCRIPT_PAGE_SIZE=6)
def test_long_transcripts_show_the_latest_turns_first_with_slots_at_each_step(rasa, login):
    rasa.session("web:long")
    rasa.slot("web:long", "procedure", "1.004222")
    for i in range(5):
        rasa.turn("web:long", f"câu hỏi số {i}", "ask_fee", f"trả lời số {i}")
    ingest_all()
    conversation = Conversation.objects.get()
    client = login("officer")
    latest = client.get(f"/hoi-thoai/{conversation.pk}/")
    html = latest.content.decode()
    assert "câu hỏi số 4" in html and "câu hỏi số 3" in html and "câu hỏi số 2" not in html
    assert "Đăng ký thường trú (1.004222)" in html  # the procedure's name from data/kb
    events = latest.context["page"].events
    assert events[-1].text == "trả lời số 4"
    assert events[0].slots == {"procedure": "1.004222"}  # set before this page began
    older = latest.context["page"].older
    earlier = client.get(f"/hoi-thoai/{conversation.pk}/", {"before": older}).content.decode()
    assert "câu hỏi số 2" in earlier and "câu hỏi số 1" in earlier
    assert "câu hỏi số 3" not in earlier


def test_viewing_and_exporting_are_audited_and_the_log_is_append_only(rasa, login, staff):
    rasa.session("web:a")
    rasa.turn("web:a", "xin chào", "greet", "Chào")
    ingest_all()
    conversation = Conversation.objects.get()
    login("officer").get(f"/hoi-thoai/{conversation.pk}/")
    login("supervisor").get("/so-lieu/csv/")
    entries = list(AuditEntry.objects.order_by("id").values_list("username", "action", "object_id"))
    assert entries[0] == ("officer", "view_transcript", str(conversation.pk))
    assert entries[1][:2] == ("supervisor", "export_csv")
    entry = AuditEntry.objects.first()
    entry.action = "nothing happened"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    log = login("supervisor").get("/nhat-ky/").content.decode()
    assert "view_transcript" in log and "officer" in log
