"""The ingest against a real SQLite tracker store written in Rasa's schema: summaries,
restarts in the middle, rows committed late, and reads that never block Rasa."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import transaction

from conversations import tracker
from conversations.ingest import Ingest
from conversations.models import Conversation, Event, IngestState
from tests.helpers import ingest_all

pytestmark = pytest.mark.django_db


def chat(rasa, sender: str, channel: str = "rest") -> None:
    rasa.session(sender)
    rasa.turn(sender, "Đăng ký thường trú hết bao nhiêu?", "ask_fee", "20.000đ", channel=channel)
    rasa.slot(sender, "procedure", "dang_ky_thuong_tru")


def test_events_become_a_conversation_summary(rasa):
    sender = "zalo:84123"
    rasa.session(sender)
    rasa.user(
        sender,
        "làm hộ chiếu cho con",
        "inform_procedure",
        0.42,
        entities=[{"entity": "procedure", "value": "hộ chiếu", "start": 4, "end": 12}],
        channel="zalo",
    )
    rasa.action(sender, "action_choose_procedure")
    rasa.slot(sender, "procedure", "cap_ho_chieu")
    rasa.bot(sender, "Hộ chiếu phổ thông: ...")
    rasa.action(sender, "action_listen")
    rasa.user(sender, "ko hieu", "nlu_fallback", 0.2, channel="zalo")
    rasa.action(sender, "action_handle_fallback")
    rasa.user(sender, "/feedback_unhelpful", "feedback_unhelpful", 1.0, channel="zalo")
    rasa.slot(sender, "answer_feedback", "unhelpful")
    rasa.action(sender, "action_request_human")
    rasa.slot(sender, "handoff_requested", True)
    rasa.slot(sender, "handoff_reason", "unhelpful_answer")
    rasa.add(sender, {"event": "pause"})
    rasa.bot(sender, "Chào anh, tôi là cán bộ hỗ trợ", staff="cb07")

    assert ingest_all() == 17
    c = Conversation.objects.get()
    assert c.sender_id == sender and c.channel == "zalo"
    assert (c.n_user, c.n_bot, c.n_fallback) == (3, 2, 1)
    assert c.min_confidence == pytest.approx(0.2)
    assert c.handoff_requested and c.handoff_reason == "unhelpful_answer" and c.paused
    assert c.feedback == "unhelpful" and c.negative_feedback
    assert c.procedure == "cap_ho_chieu"
    assert c.first_user_text == "làm hộ chiếu cho con"
    first = c.events.get(kind="user", intent="inform_procedure")
    assert first.entities == [{"entity": "procedure", "value": "hộ chiếu", "start": 4, "end": 12}]
    assert first.text_norm == "lam ho chieu cho con"
    staff = c.events.get(kind="staff")
    assert staff.name == "cb07" and staff.text.startswith("Chào anh")
    assert "ho chieu" in c.search.text


def test_channel_comes_from_the_message_not_from_the_sender_id(rasa):
    chat(rasa, "zalo:looks-like-zalo", channel="rest")
    chat(rasa, "any-rest-sender", channel="socketio")
    ingest_all()
    channels = dict(Conversation.objects.values_list("sender_id", "channel"))
    assert channels == {"zalo:looks-like-zalo": "rest", "any-rest-sender": "socketio"}


def test_a_new_session_of_the_same_sender_is_a_new_conversation(rasa):
    chat(rasa, "web:x")
    chat(rasa, "web:x")
    ingest_all()
    assert Conversation.objects.filter(sender_id="web:x").count() == 2
    assert all(c.n_user == 1 for c in Conversation.objects.all())


def test_restart_in_the_middle_loses_nothing_and_counts_nothing_twice(rasa):
    for i in range(30):
        chat(rasa, f"web:{i}")
    total = sum(1 for _ in tracker.reader().rows_after(0, 10_000))

    # a worker reads two small batches, then dies
    Ingest(tracker.reader(), batch_size=50).run_once()
    Ingest(tracker.reader(), batch_size=50).run_once()
    assert IngestState.objects.get().watermark == 100

    # a crash in the middle of a pass: nothing of it is kept, the watermark stays
    class CrashError(RuntimeError):
        pass

    broken = Ingest(tracker.reader(), batch_size=50)
    original = broken._index

    def crash(texts):
        original(texts)
        raise CrashError

    broken._index = crash
    with pytest.raises(CrashError):
        broken.run_once()
    assert IngestState.objects.get().watermark == 100
    assert Event.objects.count() == 100

    # more events arrive meanwhile; a new worker starts from the stored watermark
    chat(rasa, "web:late")
    ingest_all(batch_size=64)
    assert Event.objects.count() == total + 8
    assert sorted(Event.objects.values_list("id", flat=True)) == list(range(1, total + 9))
    assert Conversation.objects.count() == 31
    assert all(c.n_user == 1 and c.n_bot == 1 for c in Conversation.objects.all())
    assert ingest_all() == 0  # idempotent


def test_rows_committed_late_below_the_watermark_are_picked_up_once(rasa):
    """PostgreSQL hands out ids at insert time and commits in any order: id 7 may
    become visible after id 9 was read. The trailing window re-checks below the mark."""
    chat(rasa, "web:a")  # ids 1..8
    rasa.add("web:b", {"event": "action", "name": "action_session_start"}, event_id=10)
    rasa.add("web:b", {"event": "session_started"}, event_id=11)
    assert ingest_all() == 10
    assert IngestState.objects.get().watermark == 11

    # id 9 commits now, in the middle of web:a's conversation
    rasa.add("web:a", {"event": "bot", "text": "Muộn", "metadata": {}}, event_id=9)
    assert ingest_all() == 1
    late = Event.objects.get(pk=9)
    assert late.conversation.sender_id == "web:a" and late.text == "Muộn"
    assert Conversation.objects.get(sender_id="web:a").n_bot == 2
    assert ingest_all() == 0  # seen once, never again


def test_rows_later_than_the_window_are_not_rescanned(rasa, settings):
    chat(rasa, "web:a")
    ingest = Ingest(tracker.reader(), rescan_ids=2)
    ingest.run_until_idle()
    rasa.add("web:a", {"event": "bot", "text": "quá muộn"}, event_id=1000)
    ingest.run_until_idle()
    rasa.add("web:a", {"event": "bot", "text": "trong cửa sổ"}, event_id=999)
    rasa.add("web:a", {"event": "bot", "text": "ngoài cửa sổ"}, event_id=990)
    ingest.run_until_idle()
    assert Event.objects.filter(pk=999).exists()
    assert not Event.objects.filter(pk=990).exists()  # the window is the documented limit


def test_the_tracker_is_opened_read_only(rasa):
    reader = tracker.reader()
    connection = reader._connect()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("DELETE FROM events")
    connection.close()
    with pytest.raises(PermissionError):
        reader.delete_ranges([("web:a", 1, 2)])


def test_reading_never_leaves_a_lock_that_would_block_rasa(rasa):
    chat(rasa, "web:a")
    ingest = Ingest(tracker.reader())
    with transaction.atomic():
        ingest.run_once()
        # Rasa writes right after (and during) a pass: an exclusive lock is free at once
        writer = sqlite3.connect(rasa.path, timeout=0)
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("INSERT INTO events (sender_id, type_name, data) VALUES ('x','bot','{}')")
        writer.execute("COMMIT")
        writer.close()


def test_a_missing_tracker_database_is_reported_not_created(tmp_path, settings):
    settings.TRACKER_DB_URL = f"sqlite:///{tmp_path / 'absent.db'}"
    with pytest.raises(sqlite3.OperationalError):
        Ingest(tracker.reader()).run_once()
    assert not (tmp_path / "absent.db").exists()


def test_the_worker_command_catches_up_once(rasa, capsys):
    from django.core.management import call_command

    chat(rasa, "web:cron")
    call_command("console_worker", once=True)
    assert "ingested 8 events" in capsys.readouterr().out
    assert Conversation.objects.get().sender_id == "web:cron"


def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
