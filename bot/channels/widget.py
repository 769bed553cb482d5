"""The web chat widget's files, served by the Rasa server itself.

Messages do not pass through this channel: the widget talks to Rasa's socket.io channel
(`socketio:` in credentials.yml). This channel only serves the widget's static files from
`widget/` at the repository root, and a demo portal page that embeds it:

    GET /webhooks/widget/            health
    GET /webhooks/widget/widget.js   the widget; a portal embeds it with one <script> tag
    GET /webhooks/widget/widget.css  its styles (widget.js adds them itself)
    GET /webhooks/widget/demo        a demo public-services portal page embedding the widget
    GET /webhooks/widget/demo.css    the demo page's styles

Register it in credentials.yml with `bot.channels.widget.WidgetInput:` (optional settings:
`widget_dir`, `max_age` in seconds for the widget's files).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

WIDGET_DIR = Path(__file__).resolve().parents[2] / "widget"
DEFAULT_MAX_AGE = 300  # seconds; the widget's URL is not fingerprinted, so keep it short

# The demo page loads only its own files and talks only to its own origin ('self' covers
# ws:// and wss:// to the same host in CSP Level 3). No inline script or style anywhere.
DEMO_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}


@dataclass(frozen=True)
class Asset:
    file: str
    content_type: str
    page: bool = False  # an HTML page: revalidate every time, strict security headers


ASSETS: Dict[str, Asset] = {
    "widget.js": Asset("widget.js", "text/javascript; charset=utf-8"),
    "widget.css": Asset("widget.css", "text/css; charset=utf-8"),
    "demo": Asset("demo.html", "text/html; charset=utf-8", page=True),
    "demo.css": Asset("demo.css", "text/css; charset=utf-8"),
}


@dataclass(frozen=True)
class _Loaded:
    stamp: Tuple[int, int]  # (mtime_ns, size): reloaded when the file changes
    body: bytes
    gzipped: bytes
    etag: str


class WidgetInput(InputChannel):
    """Serves the chat widget and its demo page; conversations go through socket.io."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = credentials or {}
        widget_dir = credentials.get("widget_dir")
        return cls(
            widget_dir=Path(widget_dir) if widget_dir else None,
            max_age=int(credentials.get("max_age", DEFAULT_MAX_AGE)),
        )

    def __init__(self, widget_dir: Optional[Path] = None, max_age: int = DEFAULT_MAX_AGE) -> None:
        self.widget_dir = widget_dir or WIDGET_DIR
        self.max_age = max_age
        self._cache: Dict[str, _Loaded] = {}

    def _load(self, asset: Asset) -> Optional[_Loaded]:
        path = self.widget_dir / asset.file
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = self._cache.get(asset.file)
            if cached and cached.stamp == stamp:
                return cached
            body = path.read_bytes()
        except OSError:
            logger.error("Widget file %s is missing.", path)
            return None
        loaded = _Loaded(
            stamp=stamp,
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        )
        self._cache[asset.file] = loaded
        return loaded

    def _headers(self, asset: Asset, etag: str) -> Dict[str, str]:
        headers = {**COMMON_HEADERS, "ETag": etag}
        if asset.page:
            headers.update(
                {
                    "Cache-Control": "no-cache",
                    "Content-Security-Policy": DEMO_CSP,
                    "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY",
                    "Cross-Origin-Opener-Policy": "same-origin",
                    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
                }
            )
        else:
            headers.update(
                {
                    "Cache-Control": f"public, max-age={self.max_age}",
                    # any portal may embed the widget
                    "Cross-Origin-Resource-Policy": "cross-origin",
                }
            )
        return headers

    def _serve(self, request: Request, asset: Asset) -> HTTPResponse:
        loaded = self._load(asset)
        if loaded is None:
            return response.text("Not found", status=404, headers=dict(COMMON_HEADERS))
        headers = self._headers(asset, loaded.etag)
        matches = [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]
        if loaded.etag in matches:
            return response.empty(status=304, headers=headers)
        body = loaded.body
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            body = loaded.gzipped
            headers["Content-Encoding"] = "gzip"
        return response.raw(body, headers=headers, content_type=asset.content_type)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        widget_webhook = Blueprint("widget_webhook", __name__)

        @widget_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json(
                {"status": "ok"}, headers={**COMMON_HEADERS, "Cache-Control": "no-store"}
            )

        def handler(asset: Asset) -> Callable[[Request], Awaitable[HTTPResponse]]:
            async def serve(request: Request) -> HTTPResponse:
                return self._serve(request, asset)

            return serve

        for route, asset in ASSETS.items():
            widget_webhook.add_route(
                handler(asset),
                f"/{route}",
                methods=["GET"],
                name=f"widget_{route.replace('.', '_')}",
            )
        return widget_webhook
