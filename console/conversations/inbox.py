"""The inbox query: filters as a form, newest activity first, keyset pagination.

Keyset pagination (`before=<last_activity>|<id>`) instead of page numbers: no COUNT over
100,000 conversations and no OFFSET scan, so page 40 costs what page 1 costs."""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from conversations import search
from conversations.models import Channel, Conversation, Event

REVIEW_STATES = [
    ("", "Tất cả"),
    ("new", "Chưa xem"),
    ("reviewed", "Đã rà soát"),
    ("later", "Xem sau"),
]


@lru_cache(maxsize=1)
def domain_names() -> Dict[str, List[str]]:
    """Intents and actions the bot knows (read from domain/*.yml, no Rasa import), for
    the filter suggestions and to check corrections. Empty when the domain is absent."""
    found: Dict[str, set] = {"intents": set(), "actions": set()}
    for path in sorted(Path(settings.ROOT, "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for intent in data.get("intents") or []:
            found["intents"].add(next(iter(intent)) if isinstance(intent, dict) else intent)
        found["actions"].update(data.get("actions") or [])
        found["actions"].update((data.get("responses") or {}).keys())
    if found["intents"]:
        found["intents"].add("nlu_fallback")
    return {key: sorted(values) for key, values in found.items()}


@lru_cache(maxsize=1)
def procedure_names() -> Dict[str, str]:
    """Knowledge-base code → procedure name (data/kb/*.yml), so staff read "Đăng ký
    thường trú" where the `procedure` slot holds "1.004222". Empty without the data."""
    names: Dict[str, str] = {}
    for path in sorted(Path(settings.ROOT, "data", "kb").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for procedure in data.get("procedures") or []:
            if isinstance(procedure, dict) and procedure.get("code"):
                names[str(procedure["code"])] = str(procedure.get("name") or procedure["code"])
    return names


class InboxFilter(forms.Form):
    date_from = forms.DateField(required=False, label="Từ ngày")
    date_to = forms.DateField(required=False, label="Đến ngày")
    channel = forms.ChoiceField(
        required=False, label="Kênh", choices=[("", "Tất cả"), *Channel.choices]
    )
    intent = forms.CharField(required=False, max_length=100, label="Ý định")
    action = forms.CharField(required=False, max_length=100, label="Hành động")
    low_confidence = forms.BooleanField(required=False, label="Độ tin cậy thấp")
    fallback = forms.BooleanField(required=False, label="Trợ lý không hiểu")
    handoff = forms.BooleanField(required=False, label="Cần cán bộ")
    negative_feedback = forms.BooleanField(required=False, label="Đánh giá chưa hữu ích")
    procedure = forms.CharField(required=False, max_length=128, label="Thủ tục")
    tag = forms.CharField(required=False, max_length=40, label="Thẻ")
    review = forms.ChoiceField(required=False, choices=REVIEW_STATES, label="Trạng thái rà soát")
    test = forms.ChoiceField(
        required=False,
        label="Hội thoại thử nghiệm",
        choices=[("", "Tất cả"), ("exclude", "Bỏ qua"), ("only", "Chỉ thử nghiệm")],
    )
    q = forms.CharField(required=False, max_length=200, label="Tìm trong tin nhắn")

    def apply(self, conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
        """The filtered query set (call after is_valid())."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            start = timezone.make_aware(datetime.combine(data["date_from"], time.min), zone)
            conversations = conversations.filter(last_activity__gte=start)
        if data.get("date_to"):
            end = timezone.make_aware(datetime.combine(data["date_to"], time.max), zone)
            conversations = conversations.filter(started_at__lte=end)
        if data.get("channel"):
            conversations = conversations.filter(channel=data["channel"])
        if data.get("intent"):
            conversations = conversations.filter(
                id__in=Event.objects.filter(intent=data["intent"]).values("conversation_id")
            )
        if data.get("action"):
            conversations = conversations.filter(
                id__in=Event.objects.filter(name=data["action"], kind=Event.Kind.ACTION).values(
                    "conversation_id"
                )
            )
        if data.get("low_confidence"):
            conversations = conversations.filter(min_confidence__lt=settings.LOW_CONFIDENCE)
        if data.get("fallback"):
            conversations = conversations.filter(n_fallback__gt=0)
        if data.get("handoff"):
            conversations = conversations.filter(handoff_requested=True)
        if data.get("negative_feedback"):
            conversations = conversations.filter(negative_feedback=True)
        if data.get("procedure"):
            conversations = conversations.filter(procedure=data["procedure"])
        if data.get("tag"):
            conversations = conversations.filter(tags__tag__name=data["tag"])
        state = data.get("review")
        if state == "new":
            conversations = conversations.filter(Q(review__isnull=True) | Q(review__state="new"))
        elif state:
            conversations = conversations.filter(review__state=state)
        if data.get("test") == "exclude":
            conversations = conversations.filter(is_test=False)
        elif data.get("test") == "only":
            conversations = conversations.filter(is_test=True)
        if data.get("q"):
            conversations = search.matching(conversations, data["q"])
        return conversations


def parse_cursor(value: str) -> Optional[Tuple[datetime, int]]:
    when, _, pk = (value or "").rpartition("|")
    moment = parse_datetime(when) if when else None
    if moment is None or not pk.isdigit():
        return None
    return moment, int(pk)


def cursor_of(conversation: Conversation) -> str:
    return f"{conversation.last_activity.isoformat()}|{conversation.pk}"


def page(
    conversations: QuerySet[Conversation], before: str = "", size: Optional[int] = None
) -> Tuple[List[Conversation], Optional[str]]:
    """One page, newest activity first, and the cursor of the next page (or None)."""
    size = size or settings.INBOX_PAGE_SIZE
    cursor = parse_cursor(before)
    if cursor:
        moment, pk = cursor
        conversations = conversations.filter(
            Q(last_activity__lt=moment) | Q(last_activity=moment, id__lt=pk)
        )
    rows = list(conversations.order_by("-last_activity", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (cursor_of(rows[-1]) if more and rows else None)


def inbox(params: Dict[str, Any]) -> Tuple[InboxFilter, QuerySet[Conversation]]:
    form = InboxFilter(params)
    conversations = Conversation.objects.all()
    return form, (form.apply(conversations) if form.is_valid() else conversations.none())
