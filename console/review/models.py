"""What reviewers add to a conversation: a review state, tags, comments, flagged
messages, intent/entity corrections (two people: one proposes, another accepts) and
conversations saved as test stories. The rules live here; views only call them."""

from __future__ import annotations

from typing import Any, List

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from conversations.models import Conversation, Event
from review.annotation import AnnotationError, annotate, check

MASKED = ("[số định danh]", "[số điện thoại]", "[email]")


class Review(models.Model):
    class State(models.TextChoices):
        NEW = "new", "Chưa xem"
        REVIEWED = "reviewed", "Đã rà soát"
        LATER = "later", "Xem sau"

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="review", primary_key=True
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("review_conversation", "Rà soát hội thoại (trạng thái, thẻ, ghi chú)")]
        indexes = [models.Index(fields=["state"], name="review_state")]

    @classmethod
    def set_state(cls, conversation: Conversation, state: str, user: Any) -> Review:
        if state not in cls.State.values:
            raise ValidationError("Trạng thái không hợp lệ.")
        review, _ = cls.objects.update_or_create(
            conversation=conversation, defaults={"state": state, "updated_by": user}
        )
        return review


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError("Tên thẻ không được để trống.")


class ConversationTag(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="conversations")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "tag"], name="one_tag_per_conversation")
        ]
        indexes = [models.Index(fields=["tag", "conversation"], name="tag_conversation")]

    @classmethod
    def add(cls, conversation: Conversation, name: str, user: Any) -> ConversationTag:
        name = " ".join(name.split())[:40]
        if not name:
            raise ValidationError("Tên thẻ không được để trống.")
        tag, _ = Tag.objects.get_or_create(name=name)
        link, _ = cls.objects.get_or_create(
            conversation=conversation, tag=tag, defaults={"added_by": user}
        )
        return link


class Comment(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class MessageFlag(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class Correction(models.Model):
    """A citizen message with the intent and entities it should have had.

    Proposed by one reviewer, accepted (or rejected) by another, then exported with the
    other accepted ones as training data. Messages with masked personal data are kept
    out of exports: a placeholder would teach the model a word citizens never type."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Chờ duyệt"
        ACCEPTED = "accepted", "Đã chấp nhận"
        REJECTED = "rejected", "Từ chối"
        EXPORTED = "exported", "Đã xuất"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField()
    original_intent = models.CharField(max_length=100, blank=True)
    intent = models.CharField(max_length=100)
    entities = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    export_file = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("accept_correction", "Chấp nhận / từ chối đính chính của người khác"),
            ("export_corrections", "Xuất đính chính đã chấp nhận thành dữ liệu huấn luyện"),
        ]

    @property
    def annotated(self) -> str:
        return annotate(self.text, self.entities)

    @property
    def has_masked_data(self) -> bool:
        return any(mark in self.text for mark in MASKED)

    @classmethod
    def propose(
        cls, event: Event, intent: str, annotated: str, user: Any, known_intents: List[str]
    ) -> Correction:
        if event.kind != Event.Kind.USER:
            raise ValidationError("Chỉ đính chính được tin nhắn của người dân.")
        if known_intents and intent not in known_intents:
            raise ValidationError(f"Ý định «{intent}» không có trong domain của Trợ lý.")
        try:
            spans = check(annotated.strip(), event.text)
        except AnnotationError as error:
            raise ValidationError(str(error)) from error
        return cls.objects.create(
            event=event,
            text=event.text,
            original_intent=event.intent,
            intent=intent,
            entities=[s.as_dict() for s in spans],
            proposed_by=user,
        )

    def decide(self, user: Any, accept: bool) -> None:
        """The two-person rule: whoever proposed a correction cannot be its checker."""
        if self.status != self.Status.PROPOSED:
            raise ValidationError("Đính chính này đã được xử lý.")
        if self.proposed_by_id == user.pk:
            raise PermissionDenied("Người đề xuất không tự duyệt đính chính của mình.")
        self.status = self.Status.ACCEPTED if accept else self.Status.REJECTED
        self.checked_by = user
        self.checked_at = timezone.now()
        self.save(update_fields=["status", "checked_by", "checked_at"])

    @classmethod
    def exportable(cls) -> models.QuerySet[Correction]:
        return cls.objects.filter(status=cls.Status.ACCEPTED).order_by("intent", "id")

    @classmethod
    @transaction.atomic
    def mark_exported(cls, ids: List[int], path: str) -> None:
        cls.objects.filter(pk__in=ids, status=cls.Status.ACCEPTED).update(
            status=cls.Status.EXPORTED, export_file=path[:300]
        )


class SavedStory(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, related_name="stories"
    )
    path = models.CharField(max_length=300)
    content = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ("add", "view")
