"""One-tap feedback on answers, kept in the conversation for staff to review."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

FEEDBACK_BUTTONS = [
    {"title": "👍 Hữu ích", "payload": "/feedback_helpful"},
    {"title": "👎 Chưa hữu ích", "payload": "/feedback_unhelpful"},
]
NOT_ANSWERS = {"action_listen", "action_store_feedback", "action_session_start"}
RATINGS = {"feedback_helpful": "helpful", "feedback_unhelpful": "unhelpful"}


def last_answer(tracker: Tracker) -> Optional[str]:
    """The action that produced the answer being rated: the latest bot answer before now."""
    for event in reversed(tracker.events[:-1]):
        name = event.get("name") or ""
        is_answer = name.startswith(("action_", "utter_")) and name not in NOT_ANSWERS
        if event.get("event") == "action" and is_answer:
            return name
    return None


class ActionStoreFeedback(Action):
    """Record helpful / unhelpful with the answer it is about (the rules then thank the
    citizen or offer a person)."""

    def name(self) -> str:
        return "action_store_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        rating = RATINGS.get(tracker.latest_message.get("intent", {}).get("name"), "unhelpful")
        return [SlotSet("answer_feedback", rating), SlotSet("feedback_on", last_answer(tracker))]


class ActionStoreSuggestion(Action):
    """Record a suggestion for the service ("góp ý: nên có video hướng dẫn"); the message
    itself stays in the conversation, and staff find it by this mark."""

    def name(self) -> str:
        return "action_store_suggestion"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return [SlotSet("answer_feedback", "suggestion")]
