"""The public entry: the one server citizens, and anyone else, can reach.

`python -m bot.gateway` listens on PUBLIC_HOST:PUBLIC_PORT and forwards only the
channels to the Rasa server on the loopback: `/webhooks/<channel>/...` (REST, Zalo, the
widget's files) and `/socket.io/` (the widget's conversation, over WebSocket or
polling). Everything else, Rasa's HTTP API and its root and version pages included, and
any route a future Rasa adds, gets 404 here. Bodies are bounded and must not be
compressed, WebSocket messages are bounded, and each client address may make only so
many requests a minute, so one client cannot starve the rest.

In the scaled layout nginx takes this place with the same rule (deploy/nginx.conf.template,
docs/scale-out.md).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
from typing import Optional

import aiohttp
from aiohttp import web

from bot.limits import RateLimiter
from bot.privacy import install_log_masking
from bot.settings import settings

logger = logging.getLogger(__name__)

# a channel's routes; no segment may be "." or "..", nothing percent-encoded
CHANNEL_PATH = re.compile(
    r"^/(?:webhooks/[A-Za-z0-9_-]+(?:/(?![.]{1,2}(?:/|$))[A-Za-z0-9_.-]*)*|socket\.io/?)$"
)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})
REQUESTS_PER_MINUTE = 1200  # per client address: a one-stop centre shares one address
UNAVAILABLE = "Xin lỗi anh/chị, Trợ lý đang tạm gián đoạn. Anh/chị vui lòng thử lại sau ít phút."
TOO_MANY = "Có quá nhiều yêu cầu từ địa chỉ này. Anh/chị vui lòng thử lại sau ít phút."


def is_channel_path(raw_path: str) -> bool:
    """Does this path (as sent, before any decoding) name a channel route?"""
    return bool(CHANNEL_PATH.match(raw_path.split("?", 1)[0]))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class Gateway:
    def __init__(self, upstream: str, max_body: int, per_minute: int) -> None:
        self.upstream = upstream.rstrip("/")
        self.max_body = max_body
        self.addresses = RateLimiter(per_minute)
        self.session: Optional[aiohttp.ClientSession] = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_body)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        app.on_startup.append(self._open)
        app.on_cleanup.append(self._close)
        return app

    async def _open(self, _: web.Application) -> None:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=180)
        connector = aiohttp.TCPConnector(limit=200)
        self.session = aiohttp.ClientSession(
            timeout=timeout, connector=connector, auto_decompress=False
        )

    async def _close(self, _: web.Application) -> None:
        if self.session is not None:
            await self.session.close()

    def _forwarded_headers(self, request: web.Request) -> dict[str, str]:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = request.remote or ""
        headers["X-Forwarded-Proto"] = request.scheme
        headers["X-Forwarded-Host"] = request.host
        return headers

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not is_channel_path(request.raw_path):
            return _error(404, "not found")
        if request.method not in METHODS:
            return _error(405, "method not allowed")
        if not self.addresses.allow(request.remote):
            return _error(429, TOO_MANY)
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        return await self._forward(request)

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding != "identity":
            return _error(415, "compressed request bodies are not accepted")
        if request.content_length is not None and request.content_length > self.max_body:
            return _error(413, "body too large")
        body = await request.content.read(self.max_body + 1)
        if len(body) > self.max_body:
            return _error(413, "body too large")
        assert self.session is not None
        try:
            async with self.session.request(
                request.method,
                self.upstream + request.raw_path,
                headers=self._forwarded_headers(request),
                data=body if body else None,
                allow_redirects=False,
            ) as upstream:
                headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
                reply = web.StreamResponse(status=upstream.status, headers=headers)
                await reply.prepare(request)
                async for chunk in upstream.content.iter_chunked(64 * 1024):
                    await reply.write(chunk)
                await reply.write_eof()
                return reply
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("gateway: the bot did not answer (%s)", type(error).__name__)
            return _error(503, UNAVAILABLE)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        assert self.session is not None
        url = "ws" + self.upstream[len("http") :] + request.raw_path
        try:
            upstream = await self.session.ws_connect(
                url, headers=self._forwarded_headers(request), max_msg_size=self.max_body
            )
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return _error(503, UNAVAILABLE)
        client = web.WebSocketResponse(max_msg_size=self.max_body)
        await client.prepare(request)

        async def pump(source, target) -> None:
            async for message in source:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await target.send_str(message.data)
                elif message.type == aiohttp.WSMsgType.BINARY:
                    await target.send_bytes(message.data)
                else:
                    break

        tasks = [
            asyncio.ensure_future(pump(client, upstream)),
            asyncio.ensure_future(pump(upstream, client)),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await upstream.close()
            await client.close()
        return client


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Trợ lý Dịch vụ công: the public entry")
    parser.add_argument("--host", default=settings.public_host)
    parser.add_argument("--port", type=int, default=settings.public_port)
    parser.add_argument(
        "--upstream", default=f"http://{settings.rasa_interface}:{settings.rasa_port}"
    )
    args = parser.parse_args(argv)
    install_log_masking()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    gateway = Gateway(args.upstream, settings.max_body_bytes, REQUESTS_PER_MINUTE)
    logger.info("Public entry on http://%s:%s -> %s (channels only)", args.host, args.port,
                args.upstream)  # fmt: skip
    web.run_app(gateway.app(), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
