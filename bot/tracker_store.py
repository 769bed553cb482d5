"""Rasa's SQL tracker store, storing every event with personal data masked.

Configured in endpoints.yml (`type: bot.tracker_store.MaskingSQLTrackerStore`); any SQL
dialect Rasa supports (SQLite by default, PostgreSQL in production).
"""

from __future__ import annotations

from typing import Any, Iterator

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import mask_everywhere


class MaskingSQLTrackerStore(SQLTrackerStore):
    """Only new events pass through here on their way to the database, so masking them
    keeps raw CCCD numbers, phone numbers and emails out of storage while the live
    conversation (in memory) still sees what the citizen typed."""

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for event in super()._additional_events(session, tracker):
            masked = Event.from_parameters(mask_everywhere(event.as_dict()))
            yield masked if masked is not None else event
