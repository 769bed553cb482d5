from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import LoginFailure

LOCKED = (
    "Tài khoản tạm bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau "
    "hoặc liên hệ quản trị viên."
)


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a locked account before the password is even
    checked (so a locked account cannot be probed), and counting each failure."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị vô hiệu hóa.",
    }

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        if username and LoginFailure.is_locked(username):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                ip = self.request.META.get("REMOTE_ADDR") if self.request else None
                LoginFailure.objects.create(username=username, ip=ip)
            raise
        LoginFailure.clear(username)
        return cleaned
