"""Review rules (annotation, the two-person rule), the NLU export's YAML, saving a story
through Rasa's API (a stand-in server on loopback checks the JWT), and the dashboard."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import jwt
import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from console import rasa_api
from conversations.models import Conversation, Event
from dashboard.csv_export import neutralise
from review import export, stories
from review.annotation import AnnotationError, annotate, check
from review.models import Correction
from tests.helpers import ingest_all

pytestmark = pytest.mark.django_db
REAL_REQUEST = rasa_api.request
INTENTS = ["ask_fee", "ask_documents", "inform_procedure", "greet", "request_human"]


@pytest.fixture
def message(rasa):
    rasa.session("web:r")
    rasa.turn("web:r", "làm hộ chiếu hết bao nhiêu", "ask_documents", "Hồ sơ gồm", confidence=0.4)
    ingest_all()
    return Event.objects.get(kind="user")


def test_annotation_follows_the_writers_convention():
    text = "làm hộ chiếu cho con hết bao nhiêu"
    spans = check("làm [hộ chiếu cho con](procedure) hết bao nhiêu", text)
    assert [(s.start, s.end, s.entity, s.value) for s in spans] == [
        (4, 20, "procedure", "hộ chiếu cho con")
    ]
    assert annotate(text, [s.as_dict() for s in spans]) == (
        "làm [hộ chiếu cho con](procedure) hết bao nhiêu"
    )
    for bad, why in (
        ("làm [hộ chiếu cho con](procedure) hết bao nhiêu nữa", "giữ nguyên"),
        ("làm [hộ chi](procedure)ếu cho con hết bao nhiêu", "âm tiết"),
        ("làm [hộ chiếu ](procedure)cho con hết bao nhiêu", "khoảng trắng"),
        ("làm [hộ chiếu cho con](thu_tuc) hết bao nhiêu", "không có"),
    ):
        with pytest.raises(AnnotationError, match=why):
            check(bad, text)
    with pytest.raises(AnnotationError, match="dấu câu"):
        check("[hộ chiếu?](procedure)", "hộ chiếu?")


def test_a_correction_needs_a_second_person(message, staff):
    correction = Correction.propose(
        message, "ask_fee", "làm [hộ chiếu](procedure) hết bao nhiêu", staff["reviewer"], INTENTS
    )
    assert correction.original_intent == "ask_documents"
    with pytest.raises(PermissionDenied):
        correction.decide(staff["reviewer"], accept=True)
    correction.decide(staff["reviewer2"], accept=True)
    assert correction.status == "accepted" and correction.checked_by == staff["reviewer2"]
    with pytest.raises(ValidationError):
        correction.decide(staff["supervisor"], accept=False)
    with pytest.raises(ValidationError, match="domain"):
        Correction.propose(message, "not_an_intent", message.text, staff["reviewer"], INTENTS)


def test_the_correction_pages_enforce_the_rule_too(message, login, staff):
    reviewer = login("reviewer")
    page = reviewer.get(f"/su-kien/{message.pk}/dinh-chinh/")
    assert page.status_code == 200 and "làm hộ chiếu hết bao nhiêu" in page.content.decode()
    bad = reviewer.post(
        f"/su-kien/{message.pk}/dinh-chinh/", {"intent": "ask_fee", "annotated": "khác"}
    )
    assert bad.status_code == 400 and "giữ nguyên" in bad.content.decode()
    reviewer.post(
        f"/su-kien/{message.pk}/dinh-chinh/",
        {"intent": "ask_fee", "annotated": "làm [hộ chiếu](procedure) hết bao nhiêu"},
    )
    correction = Correction.objects.get()
    reviewer.post(f"/dinh-chinh/{correction.pk}/quyet-dinh/", {"decision": "accept"})
    correction.refresh_from_db()
    assert correction.status == "proposed"  # refused: the proposer cannot accept
    login("reviewer2").post(f"/dinh-chinh/{correction.pk}/quyet-dinh/", {"decision": "accept"})
    correction.refresh_from_db()
    assert correction.status == "accepted"


def test_export_writes_rasa_nlu_yaml_and_leaves_masked_messages_out(rasa, staff, tmp_path):
    rasa.session("web:e")
    rasa.user("web:e", "lam ho chieu het bn", "ask_documents", 0.3)
    rasa.user("web:e", "số của tôi là [số định danh]", "greet", 0.3)
    rasa.user("web:e", 'cho hỏi: "đăng ký khai sinh" - cần gì?', "greet", 0.3)
    ingest_all()
    first, masked, quoted = Event.objects.filter(kind="user").order_by("id")
    for event, intent, annotated in (
        (first, "ask_fee", "lam [ho chieu](procedure) het bn"),
        (masked, "inform_procedure", masked.text),
        (quoted, "ask_documents", 'cho hỏi: "[đăng ký khai sinh](procedure)" - cần gì?'),
    ):
        Correction.propose(event, intent, annotated, staff["reviewer"], INTENTS).decide(
            staff["reviewer2"], accept=True
        )
    result = export.export(tmp_path / "nlu")
    assert result.path.parent == tmp_path / "nlu" and result.path.name.startswith("console-")
    assert len(result.exported) == 2 and len(result.skipped_masked) == 1
    document = yaml.safe_load(result.path.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    assert document["nlu"] == [
        {
            "intent": "ask_documents",
            "examples": '- cho hỏi: "[đăng ký khai sinh](procedure)" - cần gì?\n',
        },
        {"intent": "ask_fee", "examples": "- lam [ho chieu](procedure) het bn\n"},
    ]
    assert set(Correction.objects.values_list("status", flat=True)) == {"exported", "accepted"}
    assert export.export(tmp_path / "nlu") is None  # nothing new to export


class FakeRasaApi(BaseHTTPRequestHandler):
    story = ""
    seen: ClassVar[list] = []

    def do_GET(self):
        FakeRasaApi.seen.append((self.path, self.headers.get("Authorization", "")))
        body = FakeRasaApi.story.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def rasa_api_server(settings, monkeypatch):
    monkeypatch.setattr(rasa_api, "request", REAL_REQUEST)
    server = HTTPServer(("127.0.0.1", 0), FakeRasaApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.RASA_INTERNAL_URL = f"http://127.0.0.1:{server.server_port}"
    settings.RASA_JWT_SECRET = "s3cret"
    FakeRasaApi.seen = []
    yield FakeRasaApi
    server.shutdown()


STORY = """version: "3.1"
stories:
- story: earlier session
  steps:
  - user: |
      xin chào
    intent: greet
  - action: utter_greet
- story: this session
  steps:
  - user: |
      làm [hộ chiếu](procedure) hết bao nhiêu
    intent: ask_fee
  - action: action_answer_fee
  - slot_was_set:
    - procedure: cap_ho_chieu
  - user: |
      cho gặp cán bộ
    intent: request_human
  - action: action_request_human
  - slot_was_set:
    - handoff_requested: true
  - user: |
      alo
    intent: greet
  - user: |
      có ai không
    intent: greet
"""


def test_saving_a_story_asks_rasa_with_a_short_jwt_and_trims_the_waiting_part(
    rasa, login, rasa_api_server, staff
):
    rasa.session("web:s/1")
    rasa.turn("web:s/1", "làm hộ chiếu hết bao nhiêu", "ask_fee", "200.000đ")
    ingest_all()
    conversation = Conversation.objects.get()
    rasa_api_server.story = STORY
    response = login("reviewer").post(f"/hoi-thoai/{conversation.pk}/kich-ban/")
    assert response.status_code == 302

    path, authorization = rasa_api_server.seen[0]
    assert path.startswith("/conversations/web:s%2F1/story?all_sessions=true&until=")
    claims = jwt.decode(authorization.removeprefix("Bearer "), "s3cret", algorithms=["HS256"])
    assert claims["user"] == {"username": f"console:{staff['reviewer'].pk}", "role": "admin"}
    assert 0 < claims["exp"] - time.time() <= 60

    saved = conversation.stories.get()
    document = yaml.safe_load(saved.content)
    steps = document["stories"][0]["steps"]
    assert [s.get("intent") or s.get("action") for s in steps if "slot_was_set" not in s] == [
        "ask_fee", "action_answer_fee", "request_human", "action_request_human"
    ]  # fmt: skip
    assert steps[-1] == {"slot_was_set": [{"handoff_requested": True}]}
    assert document["stories"][0]["story"].startswith(f"bảng điều khiển #{conversation.pk}")


def test_rasa_unreachable_is_reported_not_a_crash(rasa, login):
    rasa.session("web:x")
    rasa.turn("web:x", "xin chào", "greet", "Chào")
    ingest_all()
    conversation = Conversation.objects.get()
    client = login("reviewer")
    response = client.post(f"/hoi-thoai/{conversation.pk}/kich-ban/", follow=True)
    assert "Không lưu được kịch bản" in response.content.decode()
    with pytest.raises(stories.StoryError):
        stories.build(conversation, {"steps": [{"action": "action_listen"}]})


def test_csv_cells_that_start_like_a_formula_are_neutralised(rasa, login):
    for value, expected in (
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("bình thường", "bình thường"),
        (5, "5"),
    ):
        assert neutralise(value) == expected
    rasa.session("web:f")
    rasa.turn("web:f", "=cmd|' /C calc'!A0", "nlu_fallback", "Xin lỗi", confidence=0.1)
    ingest_all()
    response = login("supervisor").get("/so-lieu/csv/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    misunderstood = [r for r in rows if r[0] == "tin nhắn chưa hiểu"]
    assert misunderstood == [["tin nhắn chưa hiểu", "'=cmd|' /C calc'!A0", "1"]]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_dashboard_leaves_test_conversations_out_and_draws_svg(rasa, login):
    for i, (channel, handoff) in enumerate((("rest", False), ("socketio", True), ("zalo", False))):
        sender = f"s{i}"
        rasa.session(sender)
        rasa.turn(sender, "làm hộ chiếu", "inform_procedure", "...", channel=channel)
        rasa.slot(sender, "procedure", "cap_ho_chieu")
        if handoff:
            rasa.slot(sender, "handoff_requested", True)
            rasa.slot(sender, "handoff_reason", "requested")
        rasa.slot(sender, "answer_feedback", "helpful" if i else "unhelpful")
    ingest_all()
    Conversation.objects.filter(sender_id="s2").update(is_test=True)
    response = login("supervisor").get("/so-lieu/")
    figures = response.context["f"]
    assert figures.total == 2 and figures.handoffs == 1 and figures.contained == 1
    assert figures.channels == ["rest", "socketio"]
    assert figures.procedures == [("cap_ho_chieu", 2)]
    assert figures.helpful_rate == 0.5
    html = response.content.decode()
    assert html.count("<svg") >= 3 and "<rect" in html and "<script>" not in html
    assert json.dumps(figures.handoff_reasons) == '[["requested", 1]]'
