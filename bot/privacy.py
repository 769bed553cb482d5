"""Personal data (CCCD/CMND, phone, passport, card and account numbers, e-mails) masked
before anything is stored or logged.

Citizens write numbers in every shape: "0012 0301 2345", "0012.0301.2345",
"(+84) 912 345 678", "+84 (0) 912…", "(024) 3825 1234", "C1234567". So a number is found
as a run of digits joined by spaces, dots, dashes, brackets or a plus sign, and classified
by its digit count and prefix; amounts ("1.200.000đ"), dates, procedure codes
("1.004222") and dossier codes ("G22.99-260915-0012") are left alone.

Every pattern runs in linear time: the masker sees every stored event and every log
record, so one long message must never freeze the server.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import traceback
from typing import Any, Optional

from bot.text import fold

EMAIL = "[email]"
PHONE = "[số điện thoại]"
ID_NUMBER = "[số định danh]"
PASSPORT = "[số hộ chiếu]"
ACCOUNT = "[số tài khoản]"
LONG_NUMBER = "[số]"

# A run of digits joined by at most three separators between two digits. Each repetition
# consumes a digit, so the match is linear; starting positions that are not a digit (or
# up to three opening brackets / plus signs before one) fail in constant time.
_NUMBER_RE = re.compile(r"[+(]{0,3}\d(?:[ \t\u00a0.,\-()+]{0,3}\d)*")
# the domain part of an e-mail, matched only right after an "@"
_DOMAIN_RE = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63})+")
_LOCAL_CHARS = frozenset("._%+-")
_MAX_LOCAL = 64
# words a number may be glued to and still be personal data ("sdt0912345678")
_LABELS = frozenset(
    {"sdt", "dt", "so", "sodt", "cccd", "cmnd", "cmt", "cc", "stk", "tk", "mst", "tel", "zalo"}
)
# the word right after an amount ("200.000đ", "1.500.000 dong"), folded
_CURRENCY = frozenset({"d", "vnd", "dong", "k", "nghin", "ngan", "trieu", "tr", "ty"})
_NEXT_WORD_RE = re.compile(r"\s?([^\W\d_]{1,6})")
# words before a number that make even a short one an account number
_ACCOUNT_WORDS = ("stk", "so tk", "tai khoan", "so tai khoan", "account", "the ngan hang")


def _mask_emails(text: str) -> str:
    """Find each "@", then the local part to its left (at most 64 characters, stopping at
    the previous "@") and the domain to its right: every character is read at most twice."""
    if "@" not in text:
        return text
    parts: list[str] = []
    done = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > done and at - start < _MAX_LOCAL:
            char = text[start - 1]
            if not (char.isalnum() or char in _LOCAL_CHARS):
                break
            start -= 1
        domain = _DOMAIN_RE.match(text, at + 1)
        if start < at and domain is not None:
            parts += [text[done:start], EMAIL]
            done = domain.end()
            at = text.find("@", done)
        else:
            at = text.find("@", at + 1)
    parts.append(text[done:])
    return "".join(parts)


def _glued_word(text: str, start: int) -> str:
    """The letters a number is written against on its left ("sdt" in "sdt0912…")."""
    end = start
    while start > 0 and end - start < 12 and text[start - 1].isalpha():
        start -= 1
    return text[start:end]


def _is_amount(run: str, digits: str, after: str) -> bool:
    """'200.000', '1.500.000đ': groups of three after a first group of one to three."""
    groups = re.split(r"[.,]", run)
    if len(groups) < 2 or any(not g.isdigit() for g in groups):
        return False
    first, rest = groups[0], groups[1:]
    if not 1 <= len(first) <= 3 or (first.startswith("0") and first != "0"):
        return False
    if any(len(g) != 3 for g in rest):
        return False
    unit = _NEXT_WORD_RE.match(after)
    with_currency = after[:1] == "₫" or (unit is not None and fold(unit.group(1)) in _CURRENCY)
    return len(digits) < 9 or with_currency


def _label_for(run: str, digits: str, context: str) -> Optional[str]:
    """What a run of digits is, or None when it is not personal data."""
    count = len(digits)
    if count >= 6 and "." not in run and any(word in context for word in _ACCOUNT_WORDS):
        return ACCOUNT
    if count < 9:
        return None
    if run.lstrip("(").startswith("+") or (digits.startswith("84") and count in (11, 12)):
        return PHONE
    if digits.startswith("0") and count in (10, 11):
        return PHONE
    if count in (9, 12):
        return ID_NUMBER
    if count <= 19:
        return ACCOUNT
    return LONG_NUMBER


def _mask_numbers(text: str) -> str:
    parts: list[str] = []
    done = 0
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        run = match.group()
        digits = "".join(c for c in run if c.isdigit())
        glued = _glued_word(text, start) if run[0] not in "+(" else ""
        label: Optional[str]
        if glued and fold(glued) not in _LABELS:
            # a code, not a number: passport "C1234567"; dossier "G22.99-260915-0012"
            token_start = start - len(glued)
            whole_token = (
                run.isdigit()
                and not text[end : end + 1].isalnum()
                and not (token_start and text[token_start - 1].isalnum())
            )
            is_passport = len(glued) <= 2 and len(digits) in (7, 8) and whole_token
            label = PASSPORT if is_passport else None
        elif _is_amount(run, digits, text[end : end + 8]):
            label = None
        else:
            context = fold(text[max(0, start - 24) : start])
            label = _label_for(run, digits, context)
        if label is not None:
            parts += [text[done : start - (len(glued) if label == PASSPORT else 0)], label]
            done = end
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def mask_personal_data(text: str) -> str:
    """'CCCD 0012 0301 2345, sđt (+84) 912 345 678'
    -> 'CCCD [số định danh], sđt [số điện thoại]'."""
    if not text or not isinstance(text, str):
        return text
    return _mask_numbers(_mask_emails(text))


def mask_everywhere(value: Any) -> Any:
    """Mask every string inside a JSON-like structure (an event's dict)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {key: mask_everywhere(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_everywhere(item) for item in value]
    return value


def contains_personal_data(text: str) -> bool:
    return mask_personal_data(text) != text


def pseudonym(value: str, key: str) -> str:
    """A stable stand-in for an identifier that is itself personal data (a phone number
    used as a sender id): keyed, so the number cannot be found by trying them all."""
    digest = hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256)
    return "h-" + digest.hexdigest()[:24]


def short_id(value: str) -> str:
    """A short, unkeyed tag to follow one user through the logs without naming them."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:10]


# ------------------------------------------------------------------------------- logs


def _mask_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the pieces, masked
        message = f"{record.msg} {record.args}"
    record.msg, record.args = mask_personal_data(message), ()
    if record.exc_info and not record.exc_text:
        lines = traceback.format_exception(*record.exc_info)
        record.exc_text = mask_personal_data("".join(lines).rstrip("\n"))
    if record.stack_info:
        record.stack_info = mask_personal_data(record.stack_info)


def install_log_masking() -> None:
    """Mask every log record when it is made, whichever logger or handler it goes to:
    Rasa logs a message's text when a client disconnects, tracebacks carry trackers, and
    `--debug` prints everything. Warnings are routed through logging too."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _mask_record(record)
        return record

    masked_record.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked_record)
    logging.captureWarnings(True)
