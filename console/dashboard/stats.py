"""The dashboard's figures, computed in SQL over the console's tables. Conversations
marked as tests are always left out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Optional, Tuple

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from conversations.models import Conversation, Event


@dataclass
class Figures:
    start: date
    end: date
    total: int = 0
    per_day: List[Tuple[date, Dict[str, int]]] = field(default_factory=list)
    channels: List[str] = field(default_factory=list)
    contained: int = 0  # resolved without a person
    with_fallback: int = 0
    handoffs: int = 0
    handoff_reasons: List[Tuple[str, int]] = field(default_factory=list)
    helpful: int = 0
    unhelpful: int = 0
    procedures: List[Tuple[str, int]] = field(default_factory=list)
    misunderstood: List[Tuple[str, int]] = field(default_factory=list)

    @staticmethod
    def share(part: int, whole: int) -> Optional[float]:
        return part / whole if whole else None

    @property
    def contained_rate(self) -> Optional[float]:
        return self.share(self.contained, self.total)

    @property
    def fallback_rate(self) -> Optional[float]:
        return self.share(self.with_fallback, self.total)

    @property
    def handoff_rate(self) -> Optional[float]:
        return self.share(self.handoffs, self.total)

    @property
    def helpful_rate(self) -> Optional[float]:
        return self.share(self.helpful, self.helpful + self.unhelpful)


def period(start: Optional[date], end: Optional[date]) -> Tuple[date, date]:
    today = timezone.localdate()
    end = end or today
    start = start or end - timedelta(days=29)
    return (start, end) if start <= end else (end, start)


def conversations_in(start: date, end: date) -> QuerySet[Conversation]:
    zone = timezone.get_current_timezone()
    return Conversation.objects.filter(
        is_test=False,
        started_at__gte=timezone.make_aware(datetime.combine(start, time.min), zone),
        started_at__lte=timezone.make_aware(datetime.combine(end, time.max), zone),
    )


def compute(start: date, end: date) -> Figures:
    figures = Figures(start=start, end=end)
    conversations = conversations_in(start, end)
    totals = conversations.aggregate(
        total=Count("id"),
        contained=Count("id", filter=Q(handoff_requested=False)),
        with_fallback=Count("id", filter=Q(n_fallback__gt=0)),
        handoffs=Count("id", filter=Q(handoff_requested=True)),
        helpful=Count("id", filter=Q(feedback="helpful")),
        unhelpful=Count("id", filter=Q(feedback="unhelpful")),
    )
    for key, value in totals.items():
        setattr(figures, key, value)

    days: Dict[date, Dict[str, int]] = defaultdict(dict)
    channels = set()
    for row in (
        conversations.annotate(day=TruncDate("started_at"))
        .values("day", "channel")
        .annotate(n=Count("id"))
    ):
        days[row["day"]][row["channel"]] = row["n"]
        channels.add(row["channel"])
    figures.channels = sorted(channels)
    figures.per_day = [
        (start + timedelta(days=i), days.get(start + timedelta(days=i), {}))
        for i in range((end - start).days + 1)
    ]
    figures.handoff_reasons = [
        (row["handoff_reason"] or "khác", row["n"])
        for row in conversations.filter(handoff_requested=True)
        .values("handoff_reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    figures.procedures = [
        (row["procedure"], row["n"])
        for row in conversations.exclude(procedure="")
        .values("procedure")
        .annotate(n=Count("id"))
        .order_by("-n", "procedure")[:10]
    ]
    figures.misunderstood = [
        (row["text"], row["n"])
        for row in Event.objects.filter(
            conversation__in=conversations.values("id"), kind=Event.Kind.USER
        )
        .filter(Q(intent="nlu_fallback") | Q(confidence__lt=settings.LOW_CONFIDENCE))
        .values("text")
        .annotate(n=Count("id"))
        .order_by("-n", "text")[:10]
    ]
    return figures
