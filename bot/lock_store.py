"""Rasa's Redis lock store, safe when several Rasa processes share it.

Rasa's `RedisLockStore` keeps a conversation's ticket queue as one JSON value and
changes it by read, change, write: issuing a ticket, dropping expired ones, and the
clean-up after a turn ("finish serving, then delete the lock if nobody waits"). Within
one process nothing runs between the read and the write; across processes another one
can. Two processes issuing tickets at once then keep only one of them, and a clean-up
deletes the ticket another process has just issued: that process's message fails with
`LockError` ("Could not acquire lock"), which tests/scale/test_interleaving.py showed on
the first run. Here each change is one Redis transaction (WATCH/MULTI, retried when the
value changed in between), so tickets are never lost and turns of one conversation run
one at a time, in the order they arrived, whichever process took them.

Configured in endpoints.scaled.yml and endpoints.production.yml
(`type: bot.lock_store.SharedRedisLockStore`, with RedisLockStore's settings).
"""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
# a waiting turn checks the queue this often (Rasa: every second)
WAIT_SECONDS = 0.05
KEEP = object()  # a change that leaves the stored lock as it is


class SharedRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(
        self, conversation_id: str, change: Callable[[Optional[TicketLock]], Tuple[object, T]]
    ) -> T:
        """Apply `change` to the stored lock in one transaction. `change` returns what to
        store (a lock, None to delete it, or KEEP) and the result."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    current = TicketLock.from_dict(json.loads(raw)) if raw else None
                    stored, result = change(current)
                    pipe.multi()
                    if stored is None:
                        pipe.delete(key)
                    elif stored is not KEEP:
                        pipe.set(key, stored.dumps())  # type: ignore[union-attr]
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process changed the queue: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[object, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[object, None]:
            if lock is None:
                return KEEP, None
            lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[object, None]:
            if lock is None:
                return KEEP, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = WAIT_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as held:
            yield held
