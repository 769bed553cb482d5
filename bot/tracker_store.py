"""Rasa's SQL tracker store, storing every event with personal data masked.

Configured in endpoints.yml (`type: bot.tracker_store.MaskingSQLTrackerStore`); any SQL
dialect Rasa supports (SQLite by default, PostgreSQL in production).

`bot.server` also makes reading a conversation strict (`ReadFailsTrackerStore`): when the
database cannot be read (PostgreSQL stopped, SQLite locked), Rasa would start the
conversation anew in memory and answer without its context, storing nothing; here the
turn fails instead, and the channel sends the apology (`bot.channels.answered`).
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import mask_everywhere


class MaskingSQLTrackerStore(SQLTrackerStore):
    """Only new events pass through here on their way to the database, so masking them
    keeps raw CCCD numbers, phone numbers and emails out of storage while the live
    conversation (in memory) still sees what the citizen typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # test each pooled connection before use (SQLAlchemy's pool_pre_ping, which Rasa
        # does not pass): after the database restarts, the next turn gets a fresh
        # connection instead of failing on one the restart closed
        self.engine.pool._pre_ping = True

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for event in super()._additional_events(session, tracker):
            masked = Event.from_parameters(mask_everywhere(event.as_dict()))
            yield masked if masked is not None else event


class ReadFailsTrackerStore(FailSafeTrackerStore):
    """Rasa's fail-safe wrapper, except that a conversation that cannot be read is not
    taken for a new one: the error goes up, the turn fails, the citizen gets the apology
    and asks again once the database is back, in the conversation they had. Saving still
    falls back to memory, as in Rasa: by then the answer has been sent."""

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._tracker_store.retrieve_full_tracker(sender_id)


def install_strict_reads() -> None:
    """Rasa's agent wraps every tracker store in FailSafeTrackerStore: use ours instead."""
    import rasa.core.agent

    rasa.core.agent.FailSafeTrackerStore = ReadFailsTrackerStore  # type: ignore[misc]
