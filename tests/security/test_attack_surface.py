"""What an attacker on the network reaches, and what each probe of the security review
gets now. Every probe goes to the running servers; after each one the next citizen must
still be answered within 5 seconds."""

from __future__ import annotations

import hashlib
import json
import re
import time
import zlib
from pathlib import Path

import jwt
import pytest
import requests

from bot.channels.zalo import compute_signature
from bot.gateway import is_channel_path
from tests.e2e.socket_citizen import SocketCitizen
from tests.security.conftest import FEE_QUESTION, ZALO_ENV, listening_addresses, still_serving

PROBE_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def concrete(path: str) -> str:
    return re.sub(r"<[^>]+>", "probe-id", path)


def say(bot, sender: str, text: str, timeout: float = 60) -> list:
    reply = requests.post(
        f"{bot.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
        timeout=timeout,
    )  # fmt: skip
    assert reply.status_code == 200, reply.text
    return reply.json()


def texts(messages: list) -> str:
    return "\n".join(m.get("text", "") for m in messages)


# ------------------------------------------------------------------ the public surface


def test_moi_duong_dan_khong_phai_kenh_deu_404_o_cong_cong_khai(stack, routes):
    listed = routes["rasa"] + routes["actions"]
    api = [r for r in listed if not is_channel_path(concrete(r["path"]))]
    assert {"/conversations/<conversation_id:path>/tracker", "/model", "/status"} <= {
        r["path"] for r in api
    }, "the route listing missed the API: the test would prove nothing"
    extra = ["/", "/auth", "/auth/me", "/metrics", "/docs", "/webhooks/../status",
             "/webhooks/rest/../../conversations/x/tracker", "/socket.io/../model"]  # fmt: skip
    for path in [concrete(r["path"]) for r in api] + extra:
        for method in PROBE_METHODS:
            status = requests.request(method, stack.url + path, timeout=10).status_code
            assert status in (403, 404, 405), f"{method} {path} answered {status}"


def test_cac_kenh_van_mo_o_cong_cong_khai(stack, routes):
    channel_paths = {concrete(r["path"]) for r in routes["rasa"]} - {
        concrete(r["path"]) for r in routes["rasa"] if not is_channel_path(concrete(r["path"]))
    }
    assert {"/webhooks/rest/webhook", "/webhooks/zalo/webhook", "/socket.io"} <= channel_paths
    for health in (
        "/webhooks/rest/",
        "/webhooks/zalo/",
        "/webhooks/widget/",
        "/webhooks/socketio/",
    ):
        assert requests.get(stack.url + health, timeout=10).status_code == 200, health
    polling = requests.get(f"{stack.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert polling.status_code == 200 and polling.text.startswith("0{")


def test_rasa_va_may_chu_hanh_dong_chi_nghe_tren_loopback(stack):
    for port in (stack.env["RASA_PORT"], stack.env["ACTIONS_PORT"]):
        addresses = listening_addresses(int(port))
        assert addresses, f"nothing listens on {port}"
        assert addresses <= {"127.0.0.1", "0000000000000000FFFF00000100007F"}, addresses


def test_api_cua_rasa_can_jwt_hop_le(stack):
    victim = "victim-conversation"
    say(stack, victim, "xin chào")
    secret = stack.env["RASA_JWT_SECRET"]
    now = int(time.time())
    admin = {"user": {"username": "console:1", "role": "admin"}}
    bad_tokens = {
        "none": None,
        "wrong key": jwt.encode({**admin, "exp": now + 60}, "not-the-secret", algorithm="HS256"),
        # sanic-jwt allows 60 s of clock leeway
        "expired": jwt.encode({**admin, "exp": now - 600}, secret, algorithm="HS256"),
        "garbage": "abc.def.ghi",
    }
    calls = [("GET", f"/conversations/{victim}/tracker"), ("GET", "/status"),
             ("DELETE", "/model"), ("PUT", "/model"), ("GET", "/domain"),
             ("POST", f"/conversations/{victim}/tracker/events"),
             ("POST", "/model/parse")]  # fmt: skip
    for name, token in bad_tokens.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for method, path in calls:
            answer = requests.request(method, stack.api_url + path, headers=headers, timeout=10)
            assert answer.status_code == 401, f"{name}: {method} {path} -> {answer.status_code}"
    citizen = jwt.encode({"user": {"username": "someone-else", "role": "user"}, "exp": now + 60},
                         secret, algorithm="HS256")  # fmt: skip
    other = requests.get(f"{stack.api_url}/conversations/{victim}/tracker",
                         headers={"Authorization": f"Bearer {citizen}"}, timeout=10)  # fmt: skip
    assert other.status_code == 403
    assert stack.api("GET", "/status").status_code == 200  # the console's own token works
    assert stack.api("GET", f"/conversations/{victim}/tracker").json()["sender_id"] == victim
    still_serving(stack)


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def test_may_chu_hanh_dong_chi_tra_loi_rasa_va_khong_nhai_lai_du_lieu(stack):
    url = f"{stack.actions_url}/webhook"
    token = {"X-Action-Token": stack.env["ACTION_SERVER_TOKEN"]}
    call = {"next_action": "action_not_there", "sender_id": "x", "version": "3.6.21",
            "tracker": {"sender_id": "x", "latest_message": {"text": "sđt 0912 387 654"}},
            "domain": {}}  # fmt: skip
    assert requests.post(url, json=call, timeout=10).status_code == 401
    assert (
        requests.post(url, json=call, headers={"X-Action-Token": "x"}, timeout=10).status_code
        == 401
    )

    missing = requests.post(url, json=call, headers=token, timeout=10)
    assert missing.status_code == 404 and "0912" not in missing.text
    broken = requests.post(url, data=b"{not json", headers=token, timeout=10)
    assert broken.status_code == 400 and "not json" not in broken.text

    pid = stack.processes["actions"].pid
    before = _rss_kb(pid)
    bomb = zlib.compress(b"{" + b" " * 200_000_000, 9)
    inflated = requests.post(url, data=bomb, timeout=30,
                             headers={**token, "Content-Encoding": "deflate"})  # fmt: skip
    assert inflated.status_code == 413
    assert _rss_kb(pid) - before < 100_000, "the bomb was inflated"
    still_serving(stack)


# ------------------------------------------------------------------ probes, one by one


def test_tin_nhan_1mb_va_than_10mb_bi_tu_choi_ngay(stack):
    for size in (1_000_000, 10_000_000):
        body = json.dumps({"sender": "big", "message": "a" * size})
        started = time.monotonic()
        answer = requests.post(f"{stack.url}/webhooks/rest/webhook", data=body, timeout=30,
                               headers={"Content-Type": "application/json"})  # fmt: skip
        assert answer.status_code == 413
        assert time.monotonic() - started < 5
        still_serving(stack)


def test_bom_nen_gui_vao_cong_cong_khai_bi_tu_choi(stack):
    bomb = zlib.compress(json.dumps({"sender": "b", "message": "a" * 50_000_000}).encode(), 9)
    answer = requests.post(f"{stack.url}/webhooks/rest/webhook", data=bomb, timeout=30,
                           headers={"Content-Type": "application/json",
                                    "Content-Encoding": "deflate"})  # fmt: skip
    assert answer.status_code == 415
    still_serving(stack)


def test_json_long_sau_va_than_sai_dang_duoc_tra_loi_400(stack):
    deep = b'{"sender": "d", "message": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    for body in (deep, b"", b"[]", b'"chuoi"', b"{broken", b'{"sender": "x", "message": 5}',
                 b'{"sender": "x", "message": {"a": 1}}', b'{"message": "xin chao"}',
                 b'{"sender": null, "message": "xin chao"}', b'{"sender": "", "message": "a"}'):  # fmt: skip
        answer = requests.post(f"{stack.url}/webhooks/rest/webhook", data=body, timeout=10,
                               headers={"Content-Type": "application/json"})  # fmt: skip
        assert answer.status_code == 400, (body[:40], answer.status_code, answer.text)
        assert "error" in answer.json()
    still_serving(stack)


def test_chuoi_40000_chu_cai_duoc_tra_loi_lich_su_va_nhanh(stack):
    for text in ("a" * 40_000, "a" * 40_000 + "@b.vn", "1" * 40_000):
        started = time.monotonic()
        reply = texts(say(stack, "long-run", text, timeout=10))
        assert "dài quá" in reply and "anh/chị" in reply
        assert time.monotonic() - started < 5
    still_serving(stack)


def test_nguoi_gui_zalo_qua_rest_bi_tu_choi(stack):
    for sender in ("zalo:2468458835296117922", "web:abcdefgh12345678"):
        answer = requests.post(f"{stack.url}/webhooks/rest/webhook", timeout=10,
                               json={"sender": sender, "message": "/request_human"})  # fmt: skip
        assert answer.status_code == 403
    tracker = stack.tracker("zalo:2468458835296117922")
    assert not tracker["paused"] and not [e for e in tracker["events"] if e["event"] == "user"]
    still_serving(stack)


def test_su_kien_zalo_cu_da_ky_bi_bo_qua(stack):
    user = "2468458835296117999"
    old = str(int(time.time() * 1000) - 6 * 3600 * 1000)  # six hours ago, signed correctly
    event = {"app_id": ZALO_ENV["ZALO_APP_ID"], "event_name": "user_send_text",
             "timestamp": old, "sender": {"id": user}, "recipient": {"id": "1"},
             "message": {"text": "/request_human", "msg_id": "replayed-1"}}  # fmt: skip
    body = json.dumps(event).encode()
    signature = compute_signature(
        ZALO_ENV["ZALO_APP_ID"], body, old, ZALO_ENV["ZALO_OA_SECRET_KEY"]
    )
    answer = requests.post(f"{stack.url}/webhooks/zalo/webhook", data=body, timeout=10,
                           headers={"X-ZEvent-Signature": f"mac={signature}"})  # fmt: skip
    assert answer.status_code == 200 and answer.json() == {"status": "stale"}
    time.sleep(1)
    tracker = stack.tracker(f"zalo:{user}")
    assert not [e for e in tracker["events"] if e["event"] == "user"]
    still_serving(stack)


def test_socket_khac_khong_chiem_duoc_phien_cua_nguoi_dan(stack):
    victim = SocketCitizen(stack.url)
    attacker = SocketCitizen(stack.url)
    try:
        session = victim.request_session({})
        assert session["session_id"].startswith("web:") and len(session["session_token"]) == 32
        assert "20.000đ" in victim.say(FEE_QUESTION, session["session_id"], "20.000đ")

        # knowing the id is not enough: without the signature, a new conversation
        stolen = attacker.request_session({"session_id": session["session_id"]})
        assert stolen["session_id"] != session["session_id"]
        forged = attacker.request_session(
            {"session_id": session["session_id"], "session_token": "0" * 32}
        )
        assert forged["session_id"] != session["session_id"]
        # and a message into the victim's conversation is refused
        refused = attacker.say("lệ phí bao nhiêu", session["session_id"], "tải lại", 10)
        assert "tải lại trang" in refused

        before = len(victim.received)
        victim.say("le phi bao nhieu", session["session_id"], "20.000đ")
        assert "20.000đ" in " ".join(m.get("text", "") for m in victim.received[before:])
        assert not any("20.000đ" in m.get("text", "") for m in attacker.received)
        user_texts = [e["text"] for e in stack.tracker(session["session_id"])["events"]
                      if e["event"] == "user"]  # fmt: skip
        assert "lệ phí bao nhiêu" not in user_texts
    finally:
        victim.close()
        attacker.close()
    still_serving(stack)


def test_socket_tin_nhan_qua_dai_duoc_tra_loi_lich_su(stack):
    citizen = SocketCitizen(stack.url)
    try:
        session = citizen.request_session({})
        assert "dài quá" in citizen.say("a" * 40_000, session["session_id"], "dài quá", 10)
    finally:
        citizen.close()
    still_serving(stack)


def test_gui_doan_tin_qua_nhanh_bi_cham_lai_nguoi_khac_khong_anh_huong(stack):
    replies = [texts(say(stack, "flooder", "xin chào", timeout=30)) for _ in range(25)]
    assert any("nhanh quá" in reply for reply in replies)
    still_serving(stack)


# ------------------------------------------------------------------ personal data


SECRETS = ["0912 387 654", "0912387654", "001203012345", "0012 0301 2345", "C7654321",
           "nguyen.an@example.vn", "(+84) 987 111 222", "9704 1234 5678 9012"]  # fmt: skip


def _compact(secret: str) -> str:
    return re.sub(r"[^0-9A-Za-z@.]", "", secret)


def test_du_lieu_ca_nhan_khong_nam_trong_csdl_hay_log(stack):
    import sqlite3

    phone_sender = "0987654321"  # a REST client that uses a phone number as sender id
    say(stack, phone_sender, f"sđt của tôi {SECRETS[0]}, cccd {SECRETS[3]}")
    say(stack, "pd-rest", f"số {SECRETS[2]} và hộ chiếu {SECRETS[4]}, mail {SECRETS[5]}")
    say(stack, "pd-rest", f"gọi {SECRETS[6]} hoặc chuyển vào thẻ {SECRETS[7]}")
    citizen = SocketCitizen(stack.url)
    try:
        session = citizen.request_session({})
        citizen.say(f"cmnd cũ {SECRETS[1]} làm lại căn cước", session["session_id"], " ")
    finally:
        citizen.close()
    time.sleep(1)
    with sqlite3.connect(stack.work / "tracker.db") as db:
        rows = db.execute("SELECT sender_id, data FROM events").fetchall()
    stored = "\n".join(f"{sender} {data}" for sender, data in rows)
    logs = "\n".join(stack.log(name) for name in ("rasa", "actions", "gateway"))
    for secret in [*SECRETS, phone_sender]:
        for place, text in (("database", stored), ("logs", logs)):
            assert secret not in text and _compact(secret) not in text, (secret, place)
    digest = hashlib.sha256(phone_sender.encode()).hexdigest()
    assert digest not in stored  # pseudonyms are keyed, not a plain hash


def test_mot_cuoc_tro_chuyen_binh_thuong_khong_ghi_loi(stack):
    log_before = len(stack.log("rasa"))
    sender = f"normal-{time.monotonic_ns()}"
    for text in ("xin chào", "làm hộ chiếu hết bao nhiêu tiền", "cần giấy tờ gì",
                 "Đăng ký khai sinh cần giấy tờ gì?", "cảm ơn"):  # fmt: skip
        assert say(stack, sender, text)
    time.sleep(1)
    new = stack.log("rasa")[log_before:]
    assert "ERROR" not in new and "Traceback" not in new, new[-3000:]


@pytest.fixture(scope="module")
def debug_stack(tmp_path_factory, kb_url):
    from tests.e2e.launcher import launch_bot

    with launch_bot(tmp_path_factory.mktemp("debug"), kb_url, debug=True) as bot:
        yield bot


def test_ngay_ca_log_debug_cung_khong_lo_du_lieu_ca_nhan(debug_stack):
    say(debug_stack, "debug-citizen", f"sđt {SECRETS[0]}, lệ phí đăng ký thường trú bao nhiêu")
    say(debug_stack, "debug-citizen", "5000 trang " + "9" * 1900)  # once made an action raise
    time.sleep(1)
    log = debug_stack.log("rasa") + debug_stack.log("actions")
    assert "DEBUG" in log, "the server did not log at debug level: the test proves nothing"
    assert SECRETS[0] not in log and _compact(SECRETS[0]) not in log
    assert "9" * 20 not in log
