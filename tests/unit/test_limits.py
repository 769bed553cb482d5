"""What anyone may send is bounded before any real work is done."""

import json
import zlib

import pytest

from bot.channels.senders import api_sender_id, pseudonymous
from bot.gateway import is_channel_path
from bot.limits import RateLimiter, RequestRefusedError, inflate, json_depth, parse_json_object


def test_json_qua_sau_bi_tu_choi_truoc_khi_doc():
    deep = b"[" * 50_000 + b"]" * 50_000
    with pytest.raises(RequestRefusedError) as refused:
        parse_json_object(deep, max_bytes=1_000_000, max_depth=32)
    assert refused.value.status == 400
    assert (
        json_depth(b'{"a": "[[[[[[", "b": [1, {"c": 2}]}') == 3
    )  # brackets in strings do not count


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"", 400), (b"[]", 400), (b'"chuoi"', 400), (b"{broken", 400), (b"\xff\xfe", 400),
     (b"x" * 70_000, 413)],
)  # fmt: skip
def test_than_yeu_cau_sai_duoc_tra_loi_ro_rang(body, status):
    with pytest.raises(RequestRefusedError) as refused:
        parse_json_object(body, max_bytes=64 * 1024, max_depth=32)
    assert refused.value.status == status


def test_bom_nen_dung_lai_o_gioi_han():
    bomb = zlib.compress(b"\0" * 50_000_000, 9)
    assert len(bomb) < 100_000
    with pytest.raises(RequestRefusedError) as refused:
        inflate(bomb, "deflate", limit=1_000_000)
    assert refused.value.status == 413
    assert inflate(zlib.compress(b'{"a": 1}'), "deflate", limit=100) == b'{"a": 1}'
    with pytest.raises(RequestRefusedError):
        inflate(b"abc", "br", limit=100)


def test_gioi_han_toc_do_theo_nguoi_gui():
    limiter = RateLimiter(per_minute=30)
    allowed = [limiter.allow("a", now=0.0) for _ in range(15)]
    assert allowed.count(True) == 10  # a burst of a third of a minute's worth
    assert limiter.allow("b", now=0.0)  # another sender is not slowed down
    assert limiter.allow("a", now=2.0)  # one more every two seconds


def test_nguoi_gui_rest_khong_duoc_mao_nhan_kenh_khac():
    for sender in ("zalo:123456", "ZALO:1", "web:abc"):
        with pytest.raises(RequestRefusedError) as refused:
            api_sender_id(sender)
        assert refused.value.status == 403
    for missing in (None, "", "   ", 123, ["a"], "x" * 129, "a\x00b"):
        with pytest.raises(RequestRefusedError):
            api_sender_id(missing)
    assert api_sender_id("test-abc") == "test-abc"


def test_so_dien_thoai_lam_ma_nguoi_gui_duoc_thay_bang_ma_gia():
    sender = api_sender_id("0912345678")
    assert "0912345678" not in sender and sender.startswith("h-")
    assert pseudonymous("0912345678") == sender


@pytest.mark.parametrize(
    "path",
    ["/webhooks/rest/webhook", "/webhooks/rest/", "/webhooks/widget/widget.js",
     "/webhooks/zalo/webhook", "/socket.io/", "/socket.io/?EIO=4&transport=websocket"],
)  # fmt: skip
def test_cong_cong_khai_chi_mo_cac_kenh(path):
    assert is_channel_path(path)


@pytest.mark.parametrize(
    "path",
    ["/", "/status", "/version", "/model", "/conversations/x/tracker", "/webhooks",
     "/webhooks/../status", "/webhooks/rest/../../status", "/webhooks/rest/%2e%2e/x",
     "//webhooks/rest/webhook", "/socket.io/../status", "/webhooks/rest/./webhook",
     "/webhooks/rest\\webhook", "/WEBHOOKS/rest/webhook"],
)  # fmt: skip
def test_moi_duong_dan_khac_deu_bi_tu_choi(path):
    assert not is_channel_path(path)


def test_json_cua_nguoi_dan_doc_duoc():
    assert parse_json_object(json.dumps({"sender": "a", "message": "xin chào"}).encode(),
                             1000, 5) == {"sender": "a", "message": "xin chào"}  # fmt: skip
