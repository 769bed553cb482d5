"""Idle logout: a session unused for CONSOLE_IDLE_MINUTES ends, whatever its age."""

from __future__ import annotations

import time
from typing import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "console_last_seen"


class IdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN, now)
            if now - last > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "Phiên làm việc đã hết hạn do không hoạt động.")
            else:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page and JSON endpoint needs a session; only the login pages opt out."""
