"""Retention (old conversations gone from the console and the tracker store, preserved
ones kept) and search folded by the project's normaliser."""

from __future__ import annotations

import sqlite3
import time

import pytest
from django.core.management import call_command

from conversations import search
from conversations.models import Conversation, Event, SearchDocument
from tests.helpers import ingest_all

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


def old_and_new(rasa) -> None:
    rasa.start = time.time() - 400 * DAY
    for sender in ("web:old", "web:old-preserved"):
        rasa.session(sender)
        rasa.turn(sender, "làm hộ chiếu", "inform_procedure", "Hộ chiếu ...")
    rasa.start, rasa.clock = time.time() - 60, iter(range(10_000))
    rasa.session("web:new")
    rasa.turn("web:new", "xin chào", "greet", "Chào anh/chị")
    ingest_all()
    Conversation.objects.filter(sender_id="web:old-preserved").update(preserve=True)


def tracker_senders(rasa) -> set:
    connection = sqlite3.connect(rasa.path)
    senders = {row[0] for row in connection.execute("SELECT sender_id FROM events")}
    connection.close()
    return senders


def test_retention_deletes_old_conversations_from_both_stores_but_keeps_preserved(
    rasa, settings, capsys
):
    old_and_new(rasa)
    settings.TRACKER_DB_WRITE_URL = rasa.url
    call_command("console_retention", days=180)
    assert set(Conversation.objects.values_list("sender_id", flat=True)) == {
        "web:old-preserved",
        "web:new",
    }
    assert tracker_senders(rasa) == {"web:old-preserved", "web:new"}
    assert not Event.objects.filter(conversation__sender_id="web:old").exists()
    assert (
        "1 conversations older than 180 days deleted and 7 tracker events"
        in capsys.readouterr().out
    )
    # nothing is read back in: the tracker rows are gone and the watermark is past them
    assert ingest_all() == 0


def test_without_a_writable_tracker_url_only_the_console_forgets(rasa, capsys):
    old_and_new(rasa)
    call_command("console_retention", days=180)
    assert not Conversation.objects.filter(sender_id="web:old").exists()
    assert "web:old" in tracker_senders(rasa)
    assert "tracker store untouched" in capsys.readouterr().out


def test_retention_also_removes_the_search_index_rows(rasa, settings):
    old_and_new(rasa)
    call_command("console_retention", days=180)
    assert not SearchDocument.objects.filter(conversation__sender_id="web:old").exists()
    assert (
        not search.matching(Conversation.objects.all(), "ho chieu")
        .filter(sender_id="web:old")
        .exists()
    )


@pytest.fixture
def chats(rasa):
    for sender, text in (
        ("web:1", "Đăng ký thường trú hết bao nhiêu tiền?"),
        ("web:2", "dk tam tru cho con"),
        ("web:3", "CẤP LẠI CCCD bị mất"),
        ("web:4", "đăng kiểm xe máy"),
        ("web:5", "Làm hộ chiếu ở đâu"),
    ):
        rasa.session(sender)
        rasa.turn(sender, text, "ask_fee", "Trả lời có chữ đăng ký và căn cước")
    ingest_all()


def found(query: str) -> set:
    return set(
        search.matching(Conversation.objects.all(), query).values_list("sender_id", flat=True)
    )


def test_search_folds_diacritics_and_d_and_abbreviations(chats):
    assert found("dang ky") == {"web:1", "web:2"}  # "Đăng ký" and "dk"
    assert found("Đăng ký") == {"web:1", "web:2"}
    assert found("DANG KY THUONG TRU") == {"web:1"}
    assert found("dk") == {"web:1", "web:2"}
    assert found("can cuoc") == {"web:3"}  # "CCCD" is căn cước công dân
    assert found("căn cước công dân") == {"web:3"}
    assert found("ho chieu") == {"web:5"}
    assert found("dang k") == {"web:1", "web:2", "web:4"}  # the last word as a prefix
    assert found("đăng kiểm") == {"web:4"}
    assert found("thuong tru ho chieu") == set()  # a phrase, not any word


def test_bot_answers_are_not_searched(chats):
    assert found("tra loi") == set()


def test_search_through_the_inbox_page(chats, login):
    page = login("officer").get("/", {"q": "dang ky thuong tru"}).content.decode()
    assert "Đăng ký thường trú hết bao nhiêu tiền?" in page
    assert "Làm hộ chiếu ở đâu" not in page
    assert login("officer").get("/", {"q": '"*) OR ('}).status_code == 200
