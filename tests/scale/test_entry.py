"""nginx, the scaled layout's public entry, keeps bot/gateway.py's rule: only the
channels' routes reach Rasa; Rasa's API and everything else is 404; bodies are bounded
and must not be compressed."""

from __future__ import annotations

import zlib

import requests

from bot.settings import settings
from tests.scale.conftest import answered

NOT_CHANNELS = [
    "/", "/status", "/version", "/model", "/model/parse", "/conversations/x/tracker",
    "/conversations/x/tracker/events", "/conversations/x/execute", "/domain", "/auth",
    "/metrics", "/webhooks/../status", "/webhooks/rest/../../conversations/x/tracker",
    "/socket.io/../model", "/webhooks/rest/%2e%2e/%2e%2e/status", "/webhooks",
    "/socket.iox", "/WEBHOOKS/rest/webhook",
]  # fmt: skip


def test_chi_cac_kenh_qua_duoc_cong_nginx(stack):
    for path in NOT_CHANNELS:
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            status = requests.request(method, stack.url + path, timeout=10).status_code
            assert status in (403, 404, 405), f"{method} {path} answered {status}"
    for path in ("/webhooks/rest/", "/webhooks/zalo/", "/webhooks/widget/", "/webhooks/socketio/"):
        assert requests.get(stack.url + path, timeout=10).status_code == 200, path
    polling = requests.get(f"{stack.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert polling.status_code == 200 and polling.text.startswith("0{")


def test_than_qua_lon_hoac_nen_bi_tu_choi(stack):
    url = f"{stack.url}/webhooks/rest/webhook"
    big = b'{"sender": "a", "message": "' + b"a" * settings.max_body_bytes + b'"}'
    assert requests.post(url, data=big, timeout=10).status_code == 413
    packed = zlib.compress(b'{"sender": "a", "message": "xin chao"}')
    headers = {"Content-Encoding": "deflate", "Content-Type": "application/json"}
    assert requests.post(url, data=packed, headers=headers, timeout=10).status_code == 415
    answered(stack)
