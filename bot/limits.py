"""Bounds on what anyone can send: body size, JSON depth, compressed size, message rate.

Shared by every server (channels, action server, public entry), so "too big", "too deep"
and "too fast" mean the same everywhere and are refused before any real work is done.
"""

from __future__ import annotations

import json
import time
import zlib
from collections import OrderedDict
from typing import Any, Optional


class RequestRefusedError(ValueError):
    """A body we refuse: answered with 400 (or 413) and a short reason, never a 500."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def json_depth(body: bytes) -> int:
    """The deepest nesting of brackets outside strings, in one pass over the bytes."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_json_object(body: bytes, max_bytes: int, max_depth: int) -> dict:
    """A JSON object from a request body, or RequestRefusedError: size and depth are checked before
    parsing, so a 10 MB or 50,000-deep body costs no more than reading it."""
    if len(body) > max_bytes:
        raise RequestRefusedError("body too large", status=413)
    if not body.strip():
        raise RequestRefusedError("empty body")
    opening = body.count(b"[") + body.count(b"{")  # C speed; most bodies stop here
    if opening > max_depth and json_depth(body) > max_depth:
        raise RequestRefusedError("JSON nested too deeply")
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise RequestRefusedError("body is not valid JSON") from error
    if not isinstance(value, dict):
        raise RequestRefusedError("body must be a JSON object")
    return value


def inflate(body: bytes, encoding: Optional[str], limit: int) -> bytes:
    """The body decompressed (deflate or gzip), refusing to produce more than `limit`
    bytes: a 190 KB deflate bomb stops at the limit instead of filling the memory."""
    encoding = (encoding or "identity").strip().lower()
    if encoding == "identity":
        return body
    if encoding not in ("deflate", "gzip"):
        raise RequestRefusedError(f"unsupported Content-Encoding {encoding[:20]}", status=415)
    wbits = zlib.MAX_WBITS | (16 if encoding == "gzip" else 0)
    decompressor = zlib.decompressobj(wbits)
    try:
        data = decompressor.decompress(body, limit + 1)
    except zlib.error as error:
        raise RequestRefusedError("body cannot be decompressed") from error
    if len(data) > limit or decompressor.unconsumed_tail:
        raise RequestRefusedError("decompressed body too large", status=413)
    return data


class RateLimiter:
    """At most `per_minute` events per key, with bursts up to a third of that; keys kept
    in a bounded LRU so a flood of new keys cannot grow the memory."""

    def __init__(self, per_minute: int, max_keys: int = 50_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, per_minute / 3)
        self.max_keys = max_keys
        self._buckets: OrderedDict[Any, tuple[float, float]] = OrderedDict()

    def allow(self, key: Any, now: Optional[float] = None) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed
