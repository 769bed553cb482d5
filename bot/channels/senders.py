"""Conversation ids: which channel owns which ids, and ids that are personal data.

A conversation belongs to the channel and connection that own it: Zalo conversations
are `zalo:<user id>` and web widget ones `web:<id the server issued>`, and no other
channel may use those prefixes. A sender id that is itself personal data (a phone
number typed as a REST sender) is replaced by a keyed pseudonym before anything stores
or logs it.
"""

from __future__ import annotations

from typing import Any

from bot.limits import RequestRefusedError
from bot.privacy import contains_personal_data, pseudonym
from bot.settings import settings

ZALO = "zalo:"
WEB = "web:"
RESERVED_PREFIXES = (ZALO, WEB)
MAX_SENDER_CHARS = 128
# channels a staff member's reply can be pushed to, outside a turn (REST only answers
# the request it was sent)
PUSH_CHANNELS = frozenset({"socketio", "zalo"})


def can_receive_pushed_messages(input_channel: Any) -> bool:
    return input_channel in PUSH_CHANNELS


def pseudonymous(sender_id: str) -> str:
    """The sender id as it may be stored: itself, or a pseudonym when it is personal data."""
    if contains_personal_data(sender_id):
        return pseudonym(sender_id, settings.derived_key("sender-pseudonym").hex())
    return sender_id


def api_sender_id(value: Any) -> str:
    """A sender id given by a REST client: present, short, printable, not another
    channel's, and never stored as personal data."""
    if not isinstance(value, str) or not value.strip():
        raise RequestRefusedError("sender must be a non-empty string")
    sender = value.strip()
    if len(sender) > MAX_SENDER_CHARS:
        raise RequestRefusedError(f"sender longer than {MAX_SENDER_CHARS} characters")
    if not sender.isprintable():
        raise RequestRefusedError("sender must be printable text")
    if sender.lower().startswith(RESERVED_PREFIXES):
        raise RequestRefusedError("this sender id belongs to another channel", status=403)
    return pseudonymous(sender)
