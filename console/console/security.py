"""Response headers every page gets: a Content-Security-Policy without inline script
(the console's pages load one same-origin script file), and no caching of staff pages."""

from __future__ import annotations

from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith(f"/{settings.STATIC_URL}"):
            # transcripts hold citizens' messages: keep them out of shared caches
            response.setdefault("Cache-Control", "no-store")
        return response
