"""Delete conversations older than the retention period, from the console and from the
tracker store, except those staff marked "preserve"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import List, Optional

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from conversations.models import Conversation, Event
from conversations.tracker import TrackerStore

CHUNK = 500


@dataclass
class RetentionResult:
    conversations: int = 0
    tracker_events: int = 0
    tracker_cleaned: bool = False


def purge(days: int, tracker: Optional[TrackerStore]) -> RetentionResult:
    """Conversations whose last activity is older than `days`: their tracker events are
    deleted first (by sender and id range, one short transaction per chunk), then the
    console's rows. Without a writable tracker URL only the console forgets them."""
    cutoff = timezone.now() - timedelta(days=days)
    result = RetentionResult(tracker_cleaned=tracker is not None)
    old = Conversation.objects.filter(last_activity__lt=cutoff, preserve=False)
    while True:
        chunk: List[int] = list(old.values_list("pk", flat=True)[:CHUNK])
        if not chunk:
            return result
        if tracker is not None:
            ranges = (
                Event.objects.filter(conversation__in=chunk)
                .values("conversation")
                .annotate(low=Min("id"), high=Max("id"))
                .values_list("conversation__sender_id", "low", "high")
            )
            result.tracker_events += tracker.delete_ranges(list(ranges))
        with transaction.atomic():
            Event.objects.filter(conversation__in=chunk).delete()
            result.conversations += (
                Conversation.objects.filter(pk__in=chunk)
                .delete()[1]
                .get("conversations.Conversation", 0)
            )
