"""Random and malformed bodies to every channel through the public entry (nginx in front
of two Rasa processes): REST, Zalo (unsigned, and signed so the body is parsed) and
socket.io (Engine.IO polling bodies, and events from a connected client). Bounded: 200
examples in all, a deadline per example, the same examples on every run. No answer is
a 5xx (none is documented for these routes), no server stops, and afterwards the next
citizen is answered within 5 seconds, on REST and on the widget's channel."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.zalo import SIGNATURE_HEADER, compute_signature
from tests.e2e.socket_citizen import SocketCitizen
from tests.scale.conftest import FEE_ANSWER, FEE_QUESTION, all_running, answered
from tests.security.conftest import ZALO_ENV

FUZZ = settings(
    max_examples=70,
    deadline=timedelta(seconds=15),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=4),
    max_leaves=12,
)  # fmt: skip
texts = st.text(max_size=300) | st.sampled_from(["", " ", "\x00", "{{", "<b>x</b>", "🙂" * 50])
rest_bodies = st.one_of(
    st.binary(max_size=600),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"sender": st.one_of(st.text(max_size=40), json_values), "message": texts | json_values},
        optional={"metadata": json_values, "input_channel": st.text(max_size=20)},
    ).map(lambda v: json.dumps(v).encode()),
)
content_types = st.sampled_from(
    [
        None,
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
)


def no_server_error(response: requests.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:200]}"


@FUZZ
@given(body=rest_bodies, content_type=content_types)
def test_rest_than_ngau_nhien(stack, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    reply = requests.post(f"{stack.url}/webhooks/rest/webhook", data=body, headers=headers,
                          timeout=15)  # fmt: skip
    no_server_error(reply, f"REST {body[:80]!r}")


zalo_events = st.fixed_dictionaries(
    {
        "app_id": st.just(ZALO_ENV["ZALO_APP_ID"]) | st.text(max_size=20),
        "event_name": st.sampled_from(["user_send_text", "user_send_image", "follow", "x"])
        | st.text(max_size=20),
    },
    optional={
        "sender": st.fixed_dictionaries({"id": st.text(max_size=20) | json_values}) | json_values,
        "message": st.fixed_dictionaries({"text": texts, "msg_id": st.text(max_size=20)})
        | json_values,
        "recipient": json_values,
    },
)


@FUZZ
@given(event=zalo_events, raw=st.binary(max_size=400), signed=st.booleans(),
       use_raw=st.booleans())  # fmt: skip
def test_zalo_than_ngau_nhien(stack, event, raw, signed, use_raw):
    if use_raw:
        body = raw
        timestamp = ""
    else:
        timestamp = str(int(time.time() * 1000))
        body = json.dumps({**event, "timestamp": timestamp}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        headers[SIGNATURE_HEADER] = "mac=" + compute_signature(
            ZALO_ENV["ZALO_APP_ID"], body, timestamp, ZALO_ENV["ZALO_OA_SECRET_KEY"]
        )
    reply = requests.post(f"{stack.url}/webhooks/zalo/webhook", data=body, headers=headers,
                          timeout=15)  # fmt: skip
    no_server_error(reply, f"Zalo {body[:80]!r}")


engine_io_bodies = st.one_of(
    st.binary(max_size=400),
    st.sampled_from([b"4", b"40", b"42", b'42["user_uttered"', b"1", b"6", b"5", b"\x00" * 8]),
    json_values.map(lambda v: b"42" + json.dumps(["user_uttered", v]).encode()),
    json_values.map(lambda v: b"42" + json.dumps(["session_request", v]).encode()),
)


@FUZZ
@given(body=engine_io_bodies, with_session=st.booleans())
def test_socketio_polling_than_ngau_nhien(stack, body, with_session):
    url = f"{stack.url}/socket.io/?EIO=4&transport=polling"
    if with_session:
        handshake = requests.get(url, timeout=10)
        no_server_error(handshake, "Engine.IO handshake")
        sid = json.loads(handshake.text[1:])["sid"]
        url += f"&sid={sid}"
    reply = requests.post(url, data=body, headers={"Content-Type": "text/plain"}, timeout=15)
    no_server_error(reply, f"socket.io polling {body[:80]!r}")


def test_sau_khi_fuzz_van_tra_loi_va_khong_tien_trinh_nao_dung(stack):
    all_running(stack)
    answered(stack)
    citizen = SocketCitizen(stack.url)
    try:
        session_id = citizen.request_session({})["session_id"]
        # events of any shape from a connected widget
        for data in [None, 1, "x", [], {"message": None}, {"message": ["a"]},
                     {"session_id": "web:other", "message": "x"}, {"message": "a" * 3000}]:  # fmt: skip
            citizen.client.emit("user_uttered", data)
            citizen.client.emit("session_request", data)
        time.sleep(1)
        session_id = citizen.request_session({})["session_id"] or session_id
        started = time.monotonic()
        assert FEE_ANSWER in citizen.say(FEE_QUESTION, session_id, FEE_ANSWER, seconds=10)
        assert time.monotonic() - started < 5
    finally:
        citizen.close()
    all_running(stack)
