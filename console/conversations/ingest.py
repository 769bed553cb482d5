"""Tail the tracker store into the console database, losing nothing and counting nothing
twice.

Each pass (1) re-checks a trailing window of ids below the watermark for rows that were
committed late (PostgreSQL hands out ids at insert and commits them in any order), then
(2) reads the rows above the watermark. Rows are keyed by the tracker's event id, so a
row seen twice is skipped, and the watermark is stored in the console database in the
same transaction as the rows: a restart at any moment resumes exactly where the last
committed pass ended.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional

from django.conf import settings
from django.db import transaction

from conversations.models import CITIZEN_LEFT, Conversation, Event, IngestState, SearchDocument
from conversations.tracker import TrackerRow, TrackerStore
from handoff.models import citizen_left, open_ticket

log = logging.getLogger(__name__)
STATE = "tracker"
SEARCHED_KINDS = (Event.Kind.USER, Event.Kind.STAFF)


@dataclass
class PassResult:
    new_events: int = 0
    late_events: int = 0
    watermark: int = 0


@dataclass
class _Batch:
    """Conversations touched by one pass, by primary key, and each sender's
    (start_event_id, pk) list, so one event finds its conversation without a query."""

    conversations: Dict[int, Conversation] = field(default_factory=dict)
    starts: Dict[str, List[tuple]] = field(default_factory=dict)
    search_text: Dict[int, List[str]] = field(default_factory=lambda: defaultdict(list))


class Ingest:
    def __init__(
        self,
        source: TrackerStore,
        batch_size: Optional[int] = None,
        rescan_ids: Optional[int] = None,
    ) -> None:
        self.source = source
        self.batch_size = batch_size or settings.INGEST_BATCH
        self.rescan_ids = settings.INGEST_RESCAN_IDS if rescan_ids is None else rescan_ids

    def run_once(self) -> PassResult:
        state, _ = IngestState.objects.get_or_create(name=STATE)
        watermark = state.watermark
        late: List[TrackerRow] = []
        if watermark and self.rescan_ids:
            low = max(0, watermark - self.rescan_ids)
            ids = set(self.source.ids_between(low, watermark))
            known = set(
                Event.objects.filter(id__gt=low, id__lte=watermark).values_list("id", flat=True)
            )
            if ids - known:
                late = self.source.rows_with_ids(sorted(ids - known))
        new = self.source.rows_after(watermark, self.batch_size)
        result = PassResult(watermark=watermark)
        if not late and not new:
            return result
        with transaction.atomic():
            stored = self._store(late + new)
            result.watermark = max([watermark, *(r.id for r in new)])
            IngestState.objects.filter(name=STATE).update(watermark=result.watermark)
        result.late_events = sum(1 for r in late if r.id in stored)
        result.new_events = len(stored) - result.late_events
        if result.late_events:
            log.info("ingest: %d late-committed events picked up", result.late_events)
        return result

    def run_until_idle(self) -> int:
        """Passes until nothing is new (tests, and the worker's catch-up after a pause)."""
        total = 0
        while True:
            result = self.run_once()
            total += result.new_events + result.late_events
            if result.new_events < self.batch_size:
                return total

    def _store(self, rows: List[TrackerRow]) -> set:
        rows = sorted({r.id: r for r in rows}.values(), key=lambda r: r.id)
        existing = set(
            Event.objects.filter(id__in=[r.id for r in rows]).values_list("id", flat=True)
        )
        batch = _Batch()
        events: List[Event] = []
        pauses: Dict[int, int] = {}  # conversation pk -> its latest pause event id
        left: set[str] = set()  # senders who said "quay lại trợ lý" while waiting
        for row in rows:
            if row.id in existing:
                continue
            try:
                data = json.loads(row.data) if row.data else {}
            except ValueError:
                data = {}
            ts = datetime.fromtimestamp(float(row.timestamp or 0), tz=timezone.utc)
            event = Event.from_tracker(row.id, ts, row.type_name or "", data)
            conversation = self._conversation_for(batch, row.sender_id, event)
            event.conversation = conversation
            conversation.apply(event)
            if event.kind in SEARCHED_KINDS and event.text_norm:
                batch.search_text[conversation.pk].append(event.text_norm)
            if event.kind == Event.Kind.PAUSE:
                pauses[conversation.pk] = max(event.id, pauses.get(conversation.pk, 0))
            if event.kind == Event.Kind.BOT and event.name == CITIZEN_LEFT:
                left.add(conversation.sender_id)
            events.append(event)
        Event.objects.bulk_create(events, batch_size=500)
        for conversation in batch.conversations.values():
            conversation.save()
        self._index(batch.search_text)
        for pk, pause_id in pauses.items():
            conversation = batch.conversations[pk]
            if conversation.paused and conversation.handoff_requested:
                open_ticket(conversation, pause_id)
        for sender in left:
            citizen_left(sender)
        return {e.id for e in events}

    def _conversation_for(self, batch: _Batch, sender: str, event: Event) -> Conversation:
        starts = batch.starts.get(sender)
        if starts is None:
            starts = sorted(
                Conversation.objects.filter(sender_id=sender).values_list("start_event_id", "pk")
            )
            batch.starts[sender] = starts
        position = bisect.bisect_right(starts, (event.id, float("inf")))
        current = self._load(batch, starts[position - 1][1]) if position else None

        opens = event.kind == Event.Kind.ACTION and event.name == "action_session_start"
        if event.kind == Event.Kind.SESSION and current is not None:
            # `session_started` follows `action_session_start` in the same session
            opens = current.session_started_seen or current.n_user > 0
        if current is not None and not opens:
            return current
        conversation = Conversation.objects.create(
            sender_id=sender[:255],
            start_event_id=event.id,
            started_at=event.ts,
            last_activity=event.ts,
        )
        batch.conversations[conversation.pk] = conversation
        bisect.insort(starts, (event.id, conversation.pk))
        return conversation

    @staticmethod
    def _load(batch: _Batch, pk: int) -> Conversation:
        if pk not in batch.conversations:
            batch.conversations[pk] = Conversation.objects.get(pk=pk)
        return batch.conversations[pk]

    @staticmethod
    def _index(texts: Dict[int, List[str]]) -> None:
        for pk, parts in texts.items():
            document, created = SearchDocument.objects.get_or_create(
                conversation_id=pk, defaults={"text": " ".join(parts)}
            )
            if not created:
                document.text = f"{document.text} {' '.join(parts)}".strip()
                document.save(update_fields=["text"])
