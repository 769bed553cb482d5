"""A conversation as staff read it: the latest turns first (older ones on demand), each
citizen message with its intent, confidence and entities, each bot action and answer,
and the slot values as they stood at each step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from django.conf import settings

from conversations.models import Conversation, Event

HIDDEN_ACTIONS = ("action_listen",)


@dataclass
class Page:
    events: List[Event]
    older: Optional[int]  # `before` for the previous page, None at the start


def slots_before(conversation: Conversation, event_id: int) -> Dict[str, Any]:
    state: Dict[str, Any] = {}
    for name, value in (
        conversation.events.filter(kind=Event.Kind.SLOT, id__lt=event_id)
        .order_by("id")
        .values_list("name", "value")
    ):
        state[name] = value
    return state


def page(conversation: Conversation, before: Optional[int] = None) -> Page:
    size = settings.TRANSCRIPT_PAGE_SIZE
    events = conversation.events.exclude(kind=Event.Kind.OTHER).exclude(
        kind=Event.Kind.ACTION, name__in=HIDDEN_ACTIONS
    )
    if before:
        events = events.filter(id__lt=before)
    newest = list(events.order_by("-id")[: size + 1])
    more = len(newest) > size
    shown = list(reversed(newest[:size]))
    if not shown:
        return Page([], None)
    state = slots_before(conversation, shown[0].id)
    for event in shown:
        if event.kind == Event.Kind.SLOT:
            state[event.name] = event.value
        # what the bot knew when it acted
        event.slots = {k: v for k, v in state.items() if v not in (None, "", [], False)}
    return Page(shown, shown[0].id if more else None)
