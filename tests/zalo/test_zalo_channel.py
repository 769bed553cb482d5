"""The real bot (Rasa server + action server) with the Zalo channel, against the fake Zalo
API on loopback: signed webhook events in, OA v3 customer-service messages out."""

from __future__ import annotations

import json
import random
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.channels.zalo import compute_signature
from tests.e2e.launcher import launch_bot
from tests.zalo.fake_zalo import FakeZalo

APP_ID = "4001234567890123456"
OA_SECRET = "oa-secret-for-tests"
APP_SECRET = "app-secret-for-tests"
OA_ID = "579745863508352884"
FEE_QUESTION = "dang ky thuong tru het bao nhieu tien"
WAIT = 60.0  # bounded wait for the bot's answer to reach the fake Zalo API


@pytest.fixture(scope="module")
def zalo(tmp_path_factory, kb_url):
    work = tmp_path_factory.mktemp("zalo")
    token_db = work / "zalo-tokens.db"
    with FakeZalo(app_id=APP_ID, app_secret_key=APP_SECRET) as fake:
        credentials = work / "credentials.yml"
        credentials.write_text(
            "bot.channels.rest.ReliableRestInput:\n"
            "bot.channels.zalo.ZaloInput:\n"
            f'  app_id: "{APP_ID}"\n'
            f'  oa_secret_key: "{OA_SECRET}"\n'
            f'  app_secret_key: "{APP_SECRET}"\n'
            f'  api_base: "{fake.url}"\n'
            f'  oauth_base: "{fake.url}"\n'
            f'  token_db_url: "sqlite:///{token_db}"\n'
            f'  initial_access_token: "{fake.initial_access_token}"\n'
            f'  initial_refresh_token: "{fake.initial_refresh_token}"\n',
            encoding="utf-8",
        )
        with launch_bot(work, kb_url, credentials=credentials) as bot:
            yield bot, fake, token_db


def new_user_id() -> str:
    return str(random.randint(10**18, 10**19 - 1))


def event(user_id: str, text_: str, msg_id: str = "") -> bytes:
    body = {
        "app_id": APP_ID,
        "user_id_by_app": "552177279717587730",
        "event_name": "user_send_text",
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"text": text_, "msg_id": msg_id or uuid.uuid4().hex},
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def signature(body: bytes) -> str:
    timestamp = json.loads(body)["timestamp"]
    return "mac=" + compute_signature(APP_ID, body, timestamp, OA_SECRET)


def post(bot, body: bytes, sig) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if sig is not None:
        headers["X-ZEvent-Signature"] = sig
    return requests.post(f"{bot.url}/webhooks/zalo/webhook", data=body, headers=headers,
                         timeout=10)  # fmt: skip


def send(bot, body: bytes) -> float:
    started = time.monotonic()
    response = post(bot, body, signature(body))
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return elapsed


def ask(bot, fake, user_id: str, question: str, expect: str) -> str:
    """Send a signed question and wait for an answer containing `expect` (any case)."""
    send(bot, event(user_id, question))
    assert fake.wait_for(lambda: expect.lower() in fake.texts(user_id).lower(), WAIT), (
        f"no answer with {expect!r} for {user_id}; got {fake.texts(user_id)!r}\n"
        + bot.log("rasa")[-3000:]
    )
    return fake.texts(user_id)


def test_health(zalo):
    bot, _, _ = zalo
    assert requests.get(f"{bot.url}/webhooks/zalo/", timeout=10).status_code == 200


def test_signed_question_is_acknowledged_fast_and_answered_through_zalo(zalo):
    bot, fake, _ = zalo
    user = new_user_id()
    elapsed = send(bot, event(user, FEE_QUESTION))
    assert elapsed < 2.0, f"webhook took {elapsed:.2f}s; Zalo retries after about 2 s"
    assert fake.wait_for(lambda: "20.000đ" in fake.texts(user), WAIT), bot.log("rasa")[-3000:]
    assert all(m.recipient_id == user for m in fake.messages(user))


def test_bad_signature_is_401_and_nothing_is_answered(zalo):
    bot, fake, _ = zalo
    user = new_user_id()
    body = event(user, FEE_QUESTION)
    assert post(bot, body, None).status_code == 401
    assert post(bot, body, "mac=" + "0" * 64).status_code == 401
    assert post(bot, body, signature(body.replace(b"tien", b"tienn"))).status_code == 401
    malformed = b'{"timestamp": "1", broken'
    malformed_sig = compute_signature(APP_ID, malformed, "1", OA_SECRET)
    assert post(bot, malformed, malformed_sig).status_code == 400
    # A correctly signed question from someone else is answered meanwhile ...
    ask(bot, fake, new_user_id(), FEE_QUESTION, "20.000đ")
    # ... and for a few more seconds nothing ever reaches the rejected user.
    assert not fake.wait_for(lambda: bool(fake.messages(user)), timeout=5)


def test_retried_event_is_answered_exactly_once(zalo):
    bot, fake, _ = zalo
    control, retried = new_user_id(), new_user_id()
    send(bot, event(control, FEE_QUESTION, msg_id=f"ctl-{control}"))
    body = event(retried, FEE_QUESTION, msg_id=f"dup-{retried}")
    for _ in range(3):  # Zalo's retries carry the same msg_id
        send(bot, body)
    # A later message in each conversation: once its answer arrives, any answer to a
    # duplicate would have arrived before it (Rasa handles a conversation in order).
    follow_up = "Thủ tục làm giấy khai sinh cần gì?"
    for user in (control, retried):
        ask(bot, fake, user, follow_up, "giấy chứng sinh")
    control_texts = [m.text for m in fake.messages(control)]
    retried_texts = [m.text for m in fake.messages(retried)]
    assert sum("20.000đ" in t for t in retried_texts) == 1
    assert len(retried_texts) == len(control_texts)


def test_expired_token_is_refreshed_and_the_answer_delivered(zalo):
    bot, fake, token_db = zalo
    before = fake.refresh_requests
    fake.expire_access_token()
    ask(bot, fake, new_user_id(), FEE_QUESTION, "20.000đ")
    assert fake.refresh_requests == before + 1
    engine = create_engine(f"sqlite:///{token_db}")
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT access_token, refresh_token, expires_at FROM zalo_oa_token WHERE id = 1")
        ).one()
    engine.dispose()
    assert (row.access_token, row.refresh_token) == fake.current_tokens
    assert row.expires_at > time.time() + 24 * 3600


def test_huge_user_id_comes_back_exactly(zalo):
    bot, fake, _ = zalo
    user = "3815426271234567890123"
    ask(bot, fake, user, FEE_QUESTION, "20.000đ")
    assert {m.recipient_id for m in fake.messages(user)} == {user}
    tracker = bot.tracker(f"zalo:{user}")
    assert tracker["sender_id"] == f"zalo:{user}"
    assert tracker["latest_input_channel"] == "zalo"


def test_no_token_or_personal_number_in_the_logs(zalo):
    bot, fake, _ = zalo
    user = new_user_id()
    ask(bot, fake, user, "số của tôi là 0912345678, lệ phí thường trú bao nhiêu", "20.000đ")
    log = bot.log("rasa")
    assert not [token for token in fake.issued_tokens if token in log]
    assert "0912345678" not in log
