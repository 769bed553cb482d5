"""Benchmark: live handoff latency with the real bot and console (not a test assertion).

Starts the stack as the end-to-end test does (Rasa, action server, public entry, console
web + worker polling every 0.5 s), then, per run, a widget citizen (socket.io) asks for a
person and an officer (HTTP session) claims, replies and hands back. Prints p50/p95 of
(1) citizen request -> ticket visible in the console's queue API, and (2) officer send ->
the reply on the citizen's socket. The queue page itself polls every 1.5 s on top of (1).
Usage: TEST_MODEL=models/model-<fingerprint>.tar.gz .venv/bin/python -m bench.live_handoff
       [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.db import session_scope
from bot.knowledge import loader
from tests.e2e.launcher import ROOT, launch_bot
from tests.e2e.socket_citizen import SocketCitizen
from tests.e2e.test_live_handoff import csrf, officer, post, run_console


def percentile(values: list, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def until(condition, seconds: float = 30.0, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kb_url = f"sqlite:///{work / 'knowledge.db'}"
        with session_scope(kb_url) as session:
            loader.write(session, loader.parse_sources(ROOT / "data" / "kb"))
        (work / "console").mkdir()
        (work / "bot").mkdir()
        with launch_bot(work / "bot", kb_url) as bot, run_console(bot, work / "console") as console:
            an = officer(console, "can.bo.an")
            to_ticket, to_socket = [], []
            for _ in range(runs):
                citizen = SocketCitizen(bot.url)
                try:
                    sender = citizen.request_session({})["session_id"]
                    started = time.monotonic()
                    citizen.say("cho tôi gặp cán bộ", sender, "cán bộ")

                    def ticket(sender=sender):
                        rows = an.get(f"{console}/api/hang-cho/", timeout=10).json()
                        return next((r for r in rows["tickets"] if r["sender_id"] == sender), None)

                    pk = until(ticket)["id"]
                    to_ticket.append(time.monotonic() - started)
                    post(an, console, f"/hang-cho/{pk}/nhan/", "/hang-cho/")
                    page = f"/hang-cho/{pk}/"
                    mark = f"bench {time.monotonic()}"
                    before = len(citizen.received)
                    token = csrf(an, f"{console}{page}")
                    sent = time.monotonic()
                    an.post(
                        f"{console}/hang-cho/{pk}/tra-loi/",
                        data={"text": mark, "csrfmiddlewaretoken": token},
                        timeout=30,
                    )
                    until(
                        lambda mark=mark, before=before, citizen=citizen: any(
                            mark in m.get("text", "") for m in citizen.received[before:]
                        )
                    )
                    to_socket.append(time.monotonic() - sent)
                    post(an, console, f"/hang-cho/{pk}/ket-thuc/", page, outcome="test")
                finally:
                    citizen.close()
    for name, values in (("request -> ticket in queue API", to_ticket),
                         ("officer send -> citizen socket", to_socket)):  # fmt: skip
        print(
            f"{name}: p50 {statistics.median(values) * 1000:.0f} ms, "
            f"p95 {percentile(values, 0.95) * 1000:.0f} ms over {len(values)} runs"
        )


if __name__ == "__main__":
    main()
