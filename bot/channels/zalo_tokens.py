"""Zalo OA access tokens and webhook de-duplication, shared by every Rasa process.

Both live in a database (the knowledge base's by default) in tables of their own:

* `zalo_oa_token`: one row (id=1) with the access token, the single-use refresh token,
  when the access token expires, and a `version` that every change increments. A refresh
  first *claims* the row with a compare-and-swap on `version` (and a short lease), calls
  Zalo, then stores the new pair with a second compare-and-swap. A process that loses the
  claim waits for the winner and re-reads the new token, so the refresh token is spent
  exactly once even with several Rasa processes.
* `zalo_seen_event`: message ids already accepted from the webhook (primary key, so
  "insert or ignore" tells every process whether an event is a retry), pruned after a week.

Tokens are never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional

import aiohttp
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.db import engine_for

logger = logging.getLogger(__name__)

TOKEN_ROW_ID = 1
REFRESH_MARGIN_SECONDS = 300.0  # refresh when less than 5 minutes remain
REFRESH_LEASE_SECONDS = 30.0  # a claimed refresh older than this may be taken over
DEFAULT_EXPIRES_IN = 90000.0  # what Zalo gives an OA access token (25 hours)
SEEN_EVENTS_KEEP_SECONDS = 7 * 24 * 3600.0  # Zalo retries for hours, not days
PRUNE_EVERY_SECONDS = 3600.0

metadata = MetaData()

token_table = Table(
    "zalo_oa_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("access_token", Text, nullable=True),
    Column("refresh_token", Text, nullable=True),
    Column("expires_at", Float, nullable=True),  # epoch seconds; NULL = unknown
    Column("version", Integer, nullable=False),
    Column("refreshing_until", Float, nullable=True),  # lease of the process refreshing
    Column("seed_hash", String(64), nullable=True),  # which initial tokens were seeded
    Column("updated_at", Float, nullable=False),
)

seen_table = Table(
    "zalo_seen_event",
    metadata,
    Column("msg_id", String(128), primary_key=True),
    Column("seen_at", Float, nullable=False, index=True),
)


def create_tables(engine: Engine) -> None:
    """Create the Zalo tables if missing (safe when several processes start at once)."""
    try:
        metadata.create_all(engine, checkfirst=True)
    except DBAPIError:  # another process created them between the check and CREATE
        metadata.create_all(engine, checkfirst=True)


class TokenRefreshError(Exception):
    """Zalo did not issue a new token pair (the message never contains a token)."""


@dataclass(frozen=True)
class NewTokens:
    access_token: str
    refresh_token: str
    expires_in: float


@dataclass(frozen=True)
class AccessToken:
    """An access token and the row version it was read at (for compare-and-swap)."""

    value: str
    version: int

    def __repr__(self) -> str:  # never show the token in logs or test output
        return f"AccessToken(version={self.version})"


@dataclass(frozen=True)
class TokenRow:
    access_token: Optional[str]
    refresh_token: Optional[str]
    expires_at: Optional[float]
    version: int
    refreshing_until: Optional[float]
    seed_hash: Optional[str]

    def refreshing(self, now: float) -> bool:
        return self.refreshing_until is not None and self.refreshing_until > now

    def __repr__(self) -> str:
        return f"TokenRow(version={self.version}, expires_at={self.expires_at})"


Refresher = Callable[[str], Awaitable[NewTokens]]


class SharedSession:
    """One aiohttp ClientSession per event loop, created lazily, with timeouts."""

    def __init__(self, total_timeout: float = 10.0, connect_timeout: float = 5.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=total_timeout, connect=connect_timeout)
        self._session: Optional[aiohttp.ClientSession] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    async def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        session, same_loop = self._session, self._loop is asyncio.get_running_loop()
        if session is not None and not session.closed and same_loop:
            await session.close()
        self._session = None
        self._loop = None


class OAuthRefresher:
    """`POST {oauth_base}/v4/oa/access_token` with the single-use refresh token."""

    def __init__(
        self, oauth_base: str, app_id: str, app_secret_key: Optional[str], http: SharedSession
    ) -> None:
        self.url = f"{oauth_base.rstrip('/')}/v4/oa/access_token"
        self.app_id = app_id
        self._secret = app_secret_key
        self._http = http

    async def __call__(self, refresh_token: str) -> NewTokens:
        if not self._secret:
            raise TokenRefreshError("app_secret_key is not configured")
        form = {
            "refresh_token": refresh_token,
            "app_id": self.app_id,
            "grant_type": "refresh_token",
        }
        try:
            session = await self._http.get()
            async with session.post(self.url, data=form, headers={"secret_key": self._secret}) as r:
                status = r.status
                data = await r.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            reason = f"token endpoint unreachable ({type(error).__name__})"
            raise TokenRefreshError(reason) from None
        if not isinstance(data, dict):
            raise TokenRefreshError(f"token endpoint answered HTTP {status} without a JSON object")
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if not access or not refresh:
            raise TokenRefreshError(
                f"token endpoint refused (HTTP {status}, error {data.get('error')!r}: "
                f"{data.get('error_name') or data.get('message') or data.get('error_description')})"
            )
        try:
            expires_in = float(str(data.get("expires_in", DEFAULT_EXPIRES_IN)))
        except ValueError:
            expires_in = DEFAULT_EXPIRES_IN
        return NewTokens(str(access), str(refresh), expires_in)


def _seed_hash(access_token: Optional[str], refresh_token: Optional[str]) -> str:
    return hashlib.sha256(f"{access_token or ''}\0{refresh_token or ''}".encode()).hexdigest()


class TokenStore:
    """The OA token pair in the database; refreshes it at most once across processes."""

    def __init__(
        self,
        url: str,
        refresher: Refresher,
        *,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        lease_seconds: float = REFRESH_LEASE_SECONDS,
        poll_seconds: float = 0.2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine_for(url)
        self._refresher = refresher
        self._margin = refresh_margin
        self._lease = lease_seconds
        self._poll = poll_seconds
        self._clock = clock
        self._lock: Optional[asyncio.Lock] = None
        self._lock_loop: Optional[asyncio.AbstractEventLoop] = None
        create_tables(self.engine)

    # -- synchronous database operations (run in a worker thread from async code) --

    def read(self) -> Optional[TokenRow]:
        with self.engine.connect() as conn:
            row = conn.execute(select(token_table).where(token_table.c.id == TOKEN_ROW_ID)).first()
        if row is None:
            return None
        return TokenRow(
            row.access_token,
            row.refresh_token,
            row.expires_at,
            row.version,
            row.refreshing_until,
            row.seed_hash,
        )

    def seed(
        self,
        access_token: Optional[str],
        refresh_token: Optional[str],
        expires_in: Optional[float] = None,
    ) -> bool:
        """Store the initial tokens from the credentials unless these very tokens were
        stored before (then the refreshed pair in the database is newer). Returns True when
        the row was written."""
        if not access_token and not refresh_token:
            return False
        now = self._clock()
        digest = _seed_hash(access_token, refresh_token)
        values = {
            "access_token": access_token or None,
            "refresh_token": refresh_token or None,
            "expires_at": now + expires_in if expires_in else None,
            "refreshing_until": None,
            "seed_hash": digest,
            "updated_at": now,
        }
        for _ in range(3):
            current = self.read()
            if current is None:
                try:
                    with self.engine.begin() as conn:
                        conn.execute(
                            insert(token_table).values(id=TOKEN_ROW_ID, version=1, **values)
                        )
                    logger.info("Zalo: stored the initial OA tokens from the credentials.")
                    return True
                except IntegrityError:
                    continue  # another process seeded at the same moment: look again
            if current.seed_hash == digest:
                return False
            if self._swap(current.version, values):
                logger.info("Zalo: the credentials carry new initial OA tokens; stored them.")
                return True
        return False

    def _swap(self, seen_version: int, values: dict) -> bool:
        """`UPDATE ... SET ..., version=version+1 WHERE id=1 AND version=:seen`."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(token_table)
                .where(token_table.c.id == TOKEN_ROW_ID, token_table.c.version == seen_version)
                .values(version=token_table.c.version + 1, **values)
            )
            return result.rowcount == 1

    def _claim(self, seen_version: int) -> bool:
        now = self._clock()
        return self._swap(seen_version, {"refreshing_until": now + self._lease, "updated_at": now})

    def _release(self, claimed_version: int) -> bool:
        return self._swap(claimed_version, {"refreshing_until": None, "updated_at": self._clock()})

    def _store(self, claimed_version: int, tokens: NewTokens) -> bool:
        now = self._clock()
        return self._swap(
            claimed_version,
            {
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "expires_at": now + tokens.expires_in,
                "refreshing_until": None,
                "updated_at": now,
            },
        )

    # -- async API used by the output channel --

    def _process_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def access_token(self) -> Optional[AccessToken]:
        """The current access token, refreshed first when it expires within the margin."""
        row = await asyncio.to_thread(self.read)
        if row is None or not row.access_token:
            return None
        expiring = row.expires_at is not None and row.expires_at - self._clock() < self._margin
        if expiring and row.refresh_token:
            fresh = await self.refresh(row.version)
            if fresh is not None:
                return fresh
        return AccessToken(row.access_token, row.version)

    async def refresh(self, seen_version: int) -> Optional[AccessToken]:
        """Replace the token read at `seen_version`. If another process already replaced
        it (or is doing so right now) use its new token instead of refreshing again.
        Returns None when no new token could be obtained."""
        async with self._process_lock():
            return await self._refresh(seen_version)

    async def _refresh(self, seen_version: int) -> Optional[AccessToken]:
        deadline = time.monotonic() + self._lease + 5.0
        while True:
            row = await asyncio.to_thread(self.read)
            if row is None:
                logger.error("Zalo: no OA token stored; set initial tokens in credentials.yml.")
                return None
            now = self._clock()
            if row.refreshing(now):  # someone else holds the refresh lease: wait for it
                if time.monotonic() > deadline:
                    logger.error("Zalo: waited too long for another process's token refresh.")
                    return None
                await asyncio.sleep(self._poll)
                continue
            if row.version != seen_version:  # already refreshed by someone else: re-read
                if not row.access_token:
                    return None
                return AccessToken(row.access_token, row.version)
            if await asyncio.to_thread(self._claim, row.version):
                break
            # lost the claim to another process: loop, wait for it and re-read
        claimed = row.version + 1
        if not row.refresh_token:
            await asyncio.to_thread(self._release, claimed)
            logger.error("Zalo: no refresh token stored; cannot renew the OA access token.")
            return None
        try:
            tokens = await self._refresher(row.refresh_token)
        except TokenRefreshError as error:
            await asyncio.to_thread(self._release, claimed)
            logger.error("Zalo: OA access token refresh failed: %s", error)
            return None
        except BaseException:
            await asyncio.to_thread(self._release, claimed)
            raise
        if not await asyncio.to_thread(self._store, claimed, tokens):
            # Our lease expired and another process took over: the pair we got may be
            # the newest, but the database is the one place of truth. Re-read it.
            logger.error("Zalo: token refresh lease was lost; the stored pair may be stale.")
            current = await asyncio.to_thread(self.read)
            return AccessToken(current.access_token, current.version) if current else None
        logger.info("Zalo: OA access token refreshed (valid for %.0f s).", tokens.expires_in)
        return AccessToken(tokens.access_token, claimed + 1)


class SeenEvents:
    """Webhook message ids already accepted, shared by every process through the database."""

    def __init__(
        self,
        url: str,
        *,
        keep_seconds: float = SEEN_EVENTS_KEEP_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine_for(url)
        self._keep = keep_seconds
        self._clock = clock
        self._last_prune = 0.0
        create_tables(self.engine)

    def first_time(self, msg_id: str) -> bool:
        """Record `msg_id`; True if no process had recorded it before (insert or ignore)."""
        now = self._clock()
        values = {"msg_id": msg_id[:128], "seen_at": now}
        dialect = self.engine.dialect.name
        with self.engine.begin() as conn:
            if dialect in ("sqlite", "postgresql"):
                module = sqlite if dialect == "sqlite" else postgresql
                statement = module.insert(seen_table).values(**values).on_conflict_do_nothing()
                inserted = conn.execute(statement).rowcount == 1
            else:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(seen_table).values(**values))
                    inserted = True
                except IntegrityError:
                    inserted = False
        if now - self._last_prune > PRUNE_EVERY_SECONDS:
            self.prune(now)
        return inserted

    def prune(self, now: Optional[float] = None) -> int:
        now = self._clock() if now is None else now
        self._last_prune = now
        with self.engine.begin() as conn:
            result = conn.execute(delete(seen_table).where(seen_table.c.seen_at < now - self._keep))
            return result.rowcount or 0
