"""Masking personal data (CCCD/CMND numbers, phone numbers, emails) in what we store and log."""

from __future__ import annotations

import re
from typing import Any

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese mobile/landline numbers: 0xx or +84xx, 9-10 digits after the prefix, with
# optional spaces, dots or dashes between groups.
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
# CCCD (12 digits), CMND (9 digits) and any other long run of digits
_ID_RE = re.compile(r"(?<!\d)\d{9,16}(?!\d)")


def mask_personal_data(text: str) -> str:
    """'CCCD 001203004567, sđt 0912 345 678' -> 'CCCD [số định danh], sđt [số điện thoại]'."""
    if not text:
        return text
    text = _EMAIL_RE.sub("[email]", text)
    text = _PHONE_RE.sub("[số điện thoại]", text)
    return _ID_RE.sub("[số định danh]", text)


def mask_everywhere(value: Any) -> Any:
    """Mask every string inside a JSON-like structure (an event's dict)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {key: mask_everywhere(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_everywhere(item) for item in value]
    return value
