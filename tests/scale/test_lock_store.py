"""The lock store the Rasa processes share (bot/lock_store.py), against the layout's
Redis: turns of one conversation from many processes at once never overlap, and none
fails to get the lock (Rasa's own RedisLockStore loses tickets here)."""

from __future__ import annotations

import asyncio
import threading
import time

from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import SharedRedisLockStore
from tests.e2e.conversation_sets import letters


def store(stack) -> SharedRedisLockStore:
    config = EndpointConfig(
        url="127.0.0.1", type="bot.lock_store.SharedRedisLockStore",
        port=int(stack.env["REDIS_PORT"]), password=stack.env["REDIS_PASSWORD"], db=1,
    )  # fmt: skip
    return SharedRedisLockStore(config)


def test_luot_cua_mot_hoi_thoai_tu_nhieu_tien_trinh_khong_chong_nhau(stack):
    conversation = f"lock-{letters(12)}"
    inside, entered, failures = [], [], []
    guard = threading.Lock()

    def process(number: int) -> None:
        lock_store = store(stack)  # its own connection, as a separate process has

        async def turns() -> None:
            for _ in range(5):
                async with lock_store.lock(conversation):
                    with guard:
                        inside.append(number)
                        assert len(inside) == 1, f"turns overlap: {inside}"
                        entered.append(number)
                    time.sleep(0.005)  # a turn's work (blocking, as Rasa's stores are)
                    with guard:
                        inside.remove(number)

        try:
            asyncio.run(turns())
        except Exception as error:
            failures.append(repr(error))

    threads = [threading.Thread(target=process, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(entered) == 40
    assert store(stack).get_lock(conversation) is None  # cleaned up after the last turn
