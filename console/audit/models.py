"""Who viewed, changed or exported what. Append-only: rows are never edited or deleted
through the application (retention of the log itself is an administrator's decision)."""

from __future__ import annotations

from typing import Any, Optional

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)  # kept when the account is deleted
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký truy cập"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")


def record(
    request: HttpRequest,
    action: str,
    obj: Optional[models.Model] = None,
    object_id: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append one entry for what `request.user` just did."""
    user = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else object_id,
        detail=detail,
        ip=request.META.get("REMOTE_ADDR"),
    )
