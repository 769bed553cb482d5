"""Failed logins, kept to lock an account out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One failed login. Counted per user name (not per address: attackers rotate
    addresses, officers share an office NAT), cleared by a successful login."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "đăng nhập sai"
        verbose_name_plural = "đăng nhập sai"

    @classmethod
    def recent(cls, username: str) -> models.QuerySet[LoginFailure]:
        since = timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES)
        return cls.objects.filter(username__iexact=username, at__gte=since)

    @classmethod
    def is_locked(cls, username: str) -> bool:
        return cls.recent(username).count() >= settings.LOCKOUT_FAILURES

    @classmethod
    def clear(cls, username: str) -> None:
        cls.objects.filter(username__iexact=username).delete()
