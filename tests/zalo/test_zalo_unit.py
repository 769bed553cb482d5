"""The Zalo channel's parts, against the fake Zalo server (no Rasa server needed)."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from pathlib import Path
from typing import List, Optional

import pytest
from rasa.core.channels.channel import UserMessage
from sqlalchemy import func, select

from bot.channels.zalo import (
    MAX_TEXT,
    StaffMessageNotDeliveredError,
    ZaloInput,
    ZaloOutput,
    build_messages,
    compute_signature,
    event_timestamp,
    sender_id_for,
    split_text,
    verify_signature,
    zalo_button,
    zalo_user_id,
)
from bot.channels.zalo_tokens import (
    OAuthRefresher,
    SeenEvents,
    SharedSession,
    TokenStore,
    seen_table,
)
from bot.privacy import mask_personal_data
from tests.zalo.fake_zalo import FakeZalo

APP_ID = "1234567890123456789"
OA_SECRET = "oa-secret-key"
APP_SECRET = "app-secret"
HUGE_ID = "3815426271234567890123"  # larger than 2**64: a float or int64 would change it


def now() -> str:
    """An event stamped now: older ones are replays (taken when the event is made, as a
    test may run minutes after this module is imported)."""
    return str(int(time.time() * 1000))


@pytest.fixture
def fake():
    with FakeZalo(app_id=APP_ID, app_secret_key=APP_SECRET) as server:
        yield server


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'zalo.db'}"


def make_store(db_url: str, fake: FakeZalo, secret: str = APP_SECRET) -> TokenStore:
    return TokenStore(db_url, OAuthRefresher(fake.url, APP_ID, secret, SharedSession()))


def make_output(store: TokenStore, api_base: str, **timeouts) -> ZaloOutput:
    """An output channel sharing one HTTP session with its token store, as in the bot."""
    http = SharedSession(**timeouts)
    store._refresher._http = http
    return ZaloOutput(api_base, store, http)


def event_body(user_id: str = "2468458835296117922", text: str = "xin chào", msg_id="m-1") -> bytes:
    event = {
        "event_name": "user_send_text",
        "app_id": APP_ID,
        "sender": {"id": user_id},
        "recipient": {"id": "579745863508352884"},
        "message": {"text": text, "msg_id": msg_id},
        "timestamp": now(),
        "user_id_by_app": "552177279717587730",
    }
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def sign(body: bytes, timestamp: Optional[str] = None, secret: str = OA_SECRET) -> str:
    """Zalo's signature of `body`, over its own timestamp unless another is given."""
    stamp = event_timestamp(body) if timestamp is None else timestamp
    return compute_signature(APP_ID, body, stamp, secret)


# ------------------------------------------------------------------ signature


def test_signature_is_sha256_of_app_id_body_timestamp_secret():
    import hashlib

    body = event_body()
    stamp = event_timestamp(body).encode()
    expected = hashlib.sha256(APP_ID.encode() + body + stamp + OA_SECRET.encode())
    assert sign(body) == expected.hexdigest()


@pytest.mark.parametrize("prefix", ["", "mac=", "MAC="])
def test_signature_accepted_with_or_without_mac_prefix(prefix):
    body = event_body()
    assert verify_signature(prefix + sign(body), APP_ID, body, event_timestamp(body), OA_SECRET)
    assert verify_signature(
        prefix + sign(body).upper(), APP_ID, body, event_timestamp(body), OA_SECRET
    )


@pytest.mark.parametrize(
    "header",
    [None, "", "mac=", "0" * 64, "mac=" + "f" * 64, "not hex at all", "chữ ký giả"],
)
def test_missing_or_wrong_signature_rejected(header):
    body = event_body()
    assert not verify_signature(header, APP_ID, body, event_timestamp(body), OA_SECRET)


def test_signature_binds_body_timestamp_app_and_secret():
    body = event_body()
    good = sign(body)
    assert not verify_signature(
        good, APP_ID, body.replace(b"xin", b"XIN"), event_timestamp(body), OA_SECRET
    )
    assert not verify_signature(good, APP_ID, body, "1718000000001", OA_SECRET)
    assert not verify_signature(good, "999", body, event_timestamp(body), OA_SECRET)
    assert not verify_signature(good, APP_ID, body, event_timestamp(body), "other-secret")
    assert not verify_signature(
        sign(body, secret="other"), APP_ID, body, event_timestamp(body), OA_SECRET
    )


def test_timestamp_is_read_from_the_raw_bytes_before_parsing():
    raw = b'{"event_name": "user_send_text", "sender": {"id": 3815426271234567890123}, "timestamp": 1718000000000}'
    assert event_timestamp(raw) == "1718000000000"
    assert event_timestamp(b'{"timestamp": "1718000000000", broken') == "1718000000000"
    assert event_timestamp(b"{not json") == ""
    assert event_timestamp(b"\xff\xfe") == ""


# ------------------------------------------------------------------ webhook logic


class Recorder:
    def __init__(self) -> None:
        self.messages: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)


def seen_rows(channel: ZaloInput) -> int:
    with channel.events.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(seen_table)).scalar_one()


def run_events(channel: ZaloInput, calls) -> tuple:
    """Feed (body, signature) pairs to the webhook logic; return statuses and deliveries."""
    recorder = Recorder()

    async def go():
        results = [await channel.handle_event(body, sig, recorder) for body, sig in calls]
        await channel.drain()
        return results

    return asyncio.run(go()), recorder.messages


@pytest.fixture
def channel(db_url, fake) -> ZaloInput:
    return ZaloInput(APP_ID, OA_SECRET, APP_SECRET, api_base=fake.url, oauth_base=fake.url,
                     token_db_url=db_url)  # fmt: skip


def test_bad_or_missing_signature_is_401_and_nothing_happens(channel):
    body = event_body()
    results, delivered = run_events(
        channel,
        [(body, None), (body, ""), (body, "mac=" + "0" * 64), (body, sign(body, secret="x"))],
    )
    assert [status for status, _ in results] == [401, 401, 401, 401]
    assert delivered == []
    assert seen_rows(channel) == 0  # not even recorded as seen


def test_malformed_json_with_valid_signature_is_400(channel):
    results, delivered = run_events(
        channel,
        [
            (b"{not json", sign(b"{not json", timestamp="")),
            (b"[1, 2]", sign(b"[1, 2]", timestamp="")),
            (b"[" * 40 + b"]" * 40, sign(b"[" * 40 + b"]" * 40, timestamp="")),
            (b"{broken", "mac=" + "1" * 64),  # unsigned garbage stays 401
        ],
    )
    assert [status for status, _ in results] == [400, 400, 400, 401]
    assert delivered == []


def test_user_text_is_delivered_once_with_namespaced_sender(channel):
    body = event_body(user_id=HUGE_ID, text="lệ phí hộ chiếu", msg_id="msg-42")
    results, delivered = run_events(channel, [(body, sign(body)), (body, "mac=" + sign(body))])
    assert results == [(200, {"status": "accepted"}), (200, {"status": "duplicate"})]
    assert len(delivered) == 1
    message = delivered[0]
    assert message.sender_id == f"zalo:{HUGE_ID}"
    assert message.text == "lệ phí hộ chiếu"
    assert message.input_channel == "zalo"
    assert isinstance(message.output_channel, ZaloOutput)
    assert message.metadata["zalo"]["msg_id"] == "msg-42"


def test_huge_id_sent_as_a_bare_json_number_stays_exact(channel):
    body = event_body(user_id="PLACEHOLDER").replace(b'"PLACEHOLDER"', HUGE_ID.encode())
    assert json.loads(body)["sender"]["id"] == int(HUGE_ID)
    results, delivered = run_events(channel, [(body, sign(body))])
    assert results[0][0] == 200
    assert delivered[0].sender_id == "zalo:" + HUGE_ID


def test_other_events_are_acknowledged_and_ignored(channel, caplog):
    body = json.dumps({"event_name": "follow", "app_id": APP_ID, "timestamp": now()}).encode()
    no_sender = event_body(user_id="")
    with caplog.at_level(logging.INFO, logger="bot.channels.zalo"):
        results, delivered = run_events(channel, [(body, sign(body)), (no_sender, sign(no_sender))])
    assert [status for status, _ in results] == [200, 400]
    assert results[0][1] == {"status": "ignored"}
    assert delivered == []
    assert "ignored event 'follow'" in caplog.text


def test_message_text_is_not_logged_at_info(channel, caplog):
    body = event_body(text="số điện thoại 0912345678, cccd 001099012345, a.b@example.vn")
    with caplog.at_level(logging.DEBUG, logger="bot.channels.zalo"):
        run_events(channel, [(body, sign(body))])
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not any("0912345678" in line or "số điện thoại" in line for line in info)
    assert "0912345678" not in caplog.text and "001099012345" not in caplog.text
    assert "a.b@example.vn" not in caplog.text


def test_mask_personal():
    masked = mask_personal_data(
        "gọi 0912 345 678 hoặc 0912345678, cccd 001099012345, x@y.vn, năm 2024"
    )
    assert "345" not in masked and "001099012345" not in masked and "x@y.vn" not in masked
    assert "năm 2024" in masked


def test_an_old_signed_event_is_acknowledged_and_dropped(channel):
    old = str(int(time.time() * 1000) - 3600 * 1000)  # stamped an hour ago
    body = event_body(msg_id="replayed")
    body = body.replace(event_timestamp(body).encode(), old.encode())
    results, delivered = run_events(channel, [(body, sign(body, timestamp=old))])
    assert results == [(200, {"status": "stale"})]
    assert delivered == [] and seen_rows(channel) == 0


def test_a_question_without_msg_id_is_refused_so_retries_cannot_repeat_it(channel):
    body = event_body(msg_id="")
    results, delivered = run_events(channel, [(body, sign(body)), (body, sign(body))])
    assert [status for status, _ in results] == [400, 400]
    assert delivered == []


def test_size_is_checked_before_the_signature_and_the_signature_before_parsing(channel):
    huge = b'{"timestamp": "' + now().encode() + b'", "x": "' + b"a" * 200_000 + b'"}'
    deep = b'{"timestamp": "' + now().encode() + b'", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    results, _ = run_events(channel, [(huge, sign(huge)), (deep, "mac=" + "0" * 64)])
    assert [status for status, _ in results] == [413, 401]


def test_a_timestamp_other_than_the_events_own_is_refused(channel):
    body = json.loads(event_body())
    body["message"]["note"] = '"timestamp": "1"'  # a decoy the raw read must not be fooled by
    raw = json.dumps({"decoy": {"timestamp": "1"}, **body}).encode()
    results, delivered = run_events(channel, [(raw, sign(raw, timestamp="1"))])
    assert results[0][0] == 400 and delivered == []


# ------------------------------------------------------------------ splitting and buttons


def test_short_text_is_one_message():
    assert split_text("Lệ phí: 20.000đ.") == ["Lệ phí: 20.000đ."]
    assert split_text("") == []


def test_long_text_is_split_at_paragraphs_lines_and_sentences_never_mid_word():
    paragraph = " ".join(f"Câu số {i} nói về thủ tục đăng ký thường trú." for i in range(30))
    text = "\n\n".join([paragraph] * 6)  # about 8,000 characters
    parts = split_text(text)
    assert len(parts) > 1
    assert all(0 < len(part) <= MAX_TEXT for part in parts)
    assert " ".join(parts).split() == text.split()  # no word lost or cut
    assert all(part.endswith(".") for part in parts)  # cut after a sentence, never mid-word


def test_split_prefers_line_breaks():
    lines = [f"- Giấy tờ thứ {i}: bản sao có chứng thực" for i in range(120)]
    parts = split_text("\n".join(lines))
    assert all(len(part) <= MAX_TEXT for part in parts)
    assert [line for part in parts for line in part.split("\n")] == lines


def test_split_without_spaces_cuts_only_the_overlong_word():
    word = "x" * 4500
    parts = split_text(f"Đầu. {word} cuối")
    assert all(len(part) <= MAX_TEXT for part in parts)
    assert "".join(parts).replace(" ", "") == f"Đầu.{word}cuối"
    assert parts[0] == "Đầu."


def test_split_counts_emoji_as_zalo_does():
    parts = split_text("😀" * 1500)
    assert all(len(part.encode("utf-16-le")) // 2 <= MAX_TEXT for part in parts)
    assert "".join(parts) == "😀" * 1500


def test_buttons_map_to_zalo_template_buttons():
    payload = '/ask_fee{"procedure": "Đăng ký thường trú"}'
    assert zalo_button({"title": "Lệ phí bao nhiêu?", "payload": payload}) == {
        "title": "Lệ phí bao nhiêu?",
        "type": "oa.query.show",
        "payload": payload,
    }
    assert zalo_button({"title": "Cổng DVC", "payload": "https://dichvucong.gov.vn/x"}) == {
        "title": "Cổng DVC",
        "type": "oa.open.url",
        "payload": {"url": "https://dichvucong.gov.vn/x"},
    }
    assert zalo_button({"title": "Web", "url": "http://a.vn", "type": "web_url"})["payload"] == {
        "url": "http://a.vn"
    }
    assert zalo_button({"title": "Gọi", "payload": "tel:19001234"}) == {
        "title": "Gọi",
        "type": "oa.open.phone",
        "payload": {"phone_code": "19001234"},
    }
    assert zalo_button({"title": "Trống"}) is None


def test_message_with_buttons_has_the_template_attachment():
    buttons = [{"title": f"Nút {i}", "payload": f"/intent_{i}"} for i in range(7)]
    messages = build_messages("Anh/chị muốn hỏi gì?", buttons)
    assert messages[0]["text"] == "Anh/chị muốn hỏi gì?"
    attachment = messages[0]["attachment"]
    assert attachment["type"] == "template"
    assert [b["payload"] for b in attachment["payload"]["buttons"]] == [
        f"/intent_{i}" for i in range(5)
    ]
    assert all(b["type"] == "oa.query.show" for b in attachment["payload"]["buttons"])
    assert len(messages) == 2 and len(messages[1]["attachment"]["payload"]["buttons"]) == 2


def test_long_text_with_buttons_puts_buttons_on_the_last_part():
    text = "\n".join(f"Dòng {i} của câu trả lời dài." for i in range(200))
    messages = build_messages(text, [{"title": "Lệ phí", "payload": "/ask_fee"}])
    assert len(messages) > 1
    assert all("attachment" not in m for m in messages[:-1])
    assert messages[-1]["attachment"]["payload"]["buttons"][0]["payload"] == "/ask_fee"


def test_sender_ids_are_namespaced_and_exact():
    assert sender_id_for(HUGE_ID) == "zalo:3815426271234567890123"
    assert zalo_user_id(sender_id_for(HUGE_ID)) == HUGE_ID
    assert zalo_user_id("12345") == "12345"


# ------------------------------------------------------------------ output and tokens


def test_output_sends_text_and_buttons_with_exact_recipient(db_url, fake):
    store = make_store(db_url, fake)
    store.seed(fake.initial_access_token, fake.initial_refresh_token)
    output = make_output(store, fake.url)

    async def go():
        await output.send_response(f"zalo:{HUGE_ID}", {"text": "Lệ phí là 20.000đ."})
        await output.send_response(
            f"zalo:{HUGE_ID}",
            {"text": "Hỏi thêm?", "buttons": [{"title": "Giấy tờ", "payload": "/ask_documents"}]},
        )
        await output.send_text_message(f"zalo:{HUGE_ID}", "a " * 3000)
        await output.http.close()

    asyncio.run(go())
    sent = fake.messages(HUGE_ID)
    assert [m.recipient_id for m in sent] == [HUGE_ID] * len(sent)  # a JSON string, exact
    assert sent[0].message == {"text": "Lệ phí là 20.000đ."}
    assert sent[1].buttons == [
        {"title": "Giấy tờ", "type": "oa.query.show", "payload": "/ask_documents"}
    ]
    assert len(sent) == 2 + 3  # 6,000 characters in three parts, none refused


def test_expired_token_is_refreshed_and_message_resent(db_url, fake, caplog):
    store = make_store(db_url, fake)
    store.seed(fake.initial_access_token, fake.initial_refresh_token)
    output = make_output(store, fake.url)
    fake.expire_access_token()

    async def go():
        ok = await output.send_message("zalo:42", {"text": "xin chào"})
        await output.http.close()
        return ok

    with caplog.at_level(logging.DEBUG):
        assert asyncio.run(go()) is True
    assert fake.refresh_requests == 1
    assert [m.text for m in fake.messages("42")] == ["xin chào"]
    row = store.read()
    assert (row.access_token, row.refresh_token) == fake.current_tokens
    assert row.expires_at is not None and row.version == 3  # seeded 1, claimed 2, stored 3
    assert not any(token in caplog.text for token in fake.issued_tokens)
    assert "AT-" not in repr(row) and "RT-" not in repr(row)


def test_failed_refresh_and_refused_messages_never_raise(db_url, fake, caplog):
    store = make_store(db_url, fake, secret="wrong-app-secret")
    store.seed(fake.initial_access_token, fake.initial_refresh_token)
    output = make_output(store, fake.url)
    fake.refuse_user("777")

    async def go():
        refused = await output.send_message("zalo:777", {"text": "a"})
        fake.expire_access_token()
        no_token = await output.send_message("zalo:778", {"text": "b"})
        await output.send_text_message("zalo:779", "c")  # does not raise either
        await output.http.close()
        return refused, no_token

    with caplog.at_level(logging.INFO):
        assert asyncio.run(go()) == (False, False)
    assert "error -207" in caplog.text
    assert "refresh failed" in caplog.text and "Invalid secret key" in caplog.text
    assert fake.messages() == []
    assert store.read().refreshing_until is None  # the claim was released
    assert not any(token in caplog.text for token in fake.issued_tokens)


def test_a_staff_message_zalo_refuses_raises_so_the_console_shows_it_not_sent(db_url, fake):
    store = make_store(db_url, fake)
    store.seed(fake.initial_access_token, fake.initial_refresh_token)
    output = make_output(store, fake.url)
    fake.refuse_user("777")

    async def go():
        try:
            await output.send_text_message("zalo:777", "bot: no raise")
            with pytest.raises(StaffMessageNotDeliveredError):
                await output.send_text_message("zalo:777", "cán bộ", source="staff", staff="An")
            await output.send_text_message("zalo:778", "cán bộ", source="staff", staff="An")
        finally:
            await output.http.close()

    asyncio.run(go())
    assert [m.text for m in fake.messages()] == ["cán bộ"]


def test_unreachable_api_is_logged_not_raised(db_url, fake, caplog):
    store = make_store(db_url, fake)
    store.seed("AT-x", "RT-x")
    output = make_output(store, "http://127.0.0.1:9", total_timeout=2)

    async def go():
        ok = await output.send_message("zalo:1", {"text": "a"})
        await output.http.close()
        return ok

    assert asyncio.run(go()) is False
    assert "unreachable" in caplog.text


def test_token_is_refreshed_before_it_expires(db_url, fake):
    store = make_store(db_url, fake)
    store.seed(fake.initial_access_token, fake.initial_refresh_token, expires_in=120)

    async def go():
        token = await store.access_token()
        again = await store.access_token()
        await store._refresher._http.close()
        return token, again

    token, again = asyncio.run(go())
    assert fake.refresh_requests == 1  # 2 minutes left < 5-minute margin; then 25 hours
    assert token.value == again.value == fake.current_tokens[0]


def test_two_refreshers_race_only_one_refresh_reaches_zalo(db_url, fake):
    """Two processes (two stores, two threads, two event loops) see the same expired
    token at once: the single-use refresh token must be spent exactly once."""
    first, second = make_store(db_url, fake), make_store(db_url, fake)
    first.seed(fake.initial_access_token, fake.initial_refresh_token)
    seen = first.read().version
    fake.set_refresh_delay(0.5)  # a slow Zalo widens the race window
    barrier = threading.Barrier(2)
    results = {}

    def process(name: str, store: TokenStore) -> None:
        async def go():
            barrier.wait()
            token = await store.refresh(seen)
            await store._refresher._http.close()
            return token

        results[name] = asyncio.run(go())

    threads = [threading.Thread(target=process, args=item) for item in
               (("a", first), ("b", second))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert fake.refresh_requests == 1
    new_access, new_refresh = fake.current_tokens
    assert results["a"].value == results["b"].value == new_access
    row = second.read()
    assert (row.access_token, row.refresh_token, row.version) == (new_access, new_refresh, seen + 2)


def test_loser_of_a_race_rereads_instead_of_refreshing(db_url, fake):
    store = make_store(db_url, fake)
    store.seed(fake.initial_access_token, fake.initial_refresh_token)
    stale = store.read().version

    async def go():
        first = await store.refresh(stale)  # refreshes
        second = await store.refresh(stale)  # same stale version: someone already did it
        await store._refresher._http.close()
        return first, second

    first, second = asyncio.run(go())
    assert fake.refresh_requests == 1
    assert first.value == second.value == fake.current_tokens[0]


def test_seed_keeps_refreshed_tokens_but_takes_new_ones(db_url, fake):
    store = make_store(db_url, fake)
    assert store.seed("AT-one", "RT-one") is True
    assert store.seed("AT-one", "RT-one") is False  # restart with the same credentials
    assert make_store(db_url, fake).seed("AT-one", "RT-one") is False  # another process
    assert store.read().access_token == "AT-one"
    assert store.seed("AT-two", "RT-two") is True  # the officer pasted a new pair
    assert (store.read().access_token, store.read().refresh_token) == ("AT-two", "RT-two")


def test_seen_events_are_shared_and_pruned(db_url):
    clock = [1_000_000.0]
    first = SeenEvents(db_url, clock=lambda: clock[0])
    second = SeenEvents(db_url, clock=lambda: clock[0])
    assert first.first_time("abc") is True
    assert second.first_time("abc") is False  # another process agrees it is a retry
    assert first.first_time("def") is True
    clock[0] += 8 * 24 * 3600
    assert first.prune() == 2
    assert second.first_time("abc") is True
