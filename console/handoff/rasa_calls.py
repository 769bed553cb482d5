"""What the handoff sends to Rasa: staff replies and the hand-back, through
`tracker/events` (which never starts a new session, so it never un-pauses) with
`output_channel=latest`, so Rasa delivers on the citizen's own channel."""

from __future__ import annotations

from typing import Any, Dict, List

from console import rasa_api
from handoff.models import HAND_BACK_TEXT

DELIVER = {"output_channel": "latest", "execute_side_effects": "true"}


def post_events(sender_id: str, staff_id: object, events: List[Dict[str, Any]]) -> None:
    rasa_api.request(
        "POST",
        rasa_api.conversation_path(sender_id, "tracker/events"),
        staff_id,
        params=DELIVER,
        body=events,
    )


def send_reply(sender_id: str, staff_id: object, staff_name: str, text: str) -> None:
    post_events(
        sender_id,
        staff_id,
        [{"event": "bot", "text": text, "metadata": {"source": "staff", "staff": staff_name}}],
    )


# one tap to rate the help, answered by the bot's own feedback intents
RATING_BUTTONS = [
    {"title": "👍 Cán bộ đã giúp được", "payload": "/feedback_helpful"},
    {"title": "👎 Chưa giúp được", "payload": "/feedback_unhelpful"},
]


def hand_back(
    sender_id: str, staff_id: object, text: str = HAND_BACK_TEXT, ask_rating: bool = True
) -> None:
    """Resume the bot and tell the citizen; after an officer's help, offer the rating."""
    said: Dict[str, Any] = {"event": "bot", "text": text}
    if ask_rating:
        said["data"] = {"buttons": RATING_BUTTONS}
    post_events(
        sender_id,
        staff_id,
        [
            {"event": "resume"},
            {"event": "action", "name": "action_listen"},
            {"event": "slot", "name": "handoff_requested", "value": False},
            said,
        ],
    )
