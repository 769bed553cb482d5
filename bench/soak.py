"""Soak benchmark: ours at a moderate load for minutes; memory growth per 1,000 messages.

Starts ours as `make run` does (or uses `--url`, with `--pid name=PID` for the processes
to measure), then N citizens (bench.throughput's conversations, a new conversation id
each time) talk to it with a pause between messages, for `--minutes`. Every `--sample`
seconds it records the RSS of each server process and the messages answered so far, and
prints the samples, the growth per 1,000 messages (least-squares slope after the first
minute, and last minus first sample), errors and latency. A benchmark, not a test: nothing
is asserted.
Usage: .venv/bin/python -m bench.soak [--minutes 10] [--citizens 10] [--think 1.0]
       [--sample 30] [--url URL --pid rasa=PID ...]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List, Tuple

from bench.throughput import (
    Level,
    Target,
    citizen_address,
    converse,
    letters,
    messages_for,
    parse_pids,
    rss_mb,
    run_ours,
    warm_up,
)

Sample = Tuple[float, int, Dict[str, float]]  # seconds since start, messages, RSS MB


def slope(points: List[Tuple[float, float]]) -> float:
    """Least-squares slope of y over x (0 when x does not vary)."""
    n = len(points)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var if var else 0.0


async def soak(target: Target, minutes: float, citizens: int, think: float, turns: int,
               every: float, tag: str) -> Tuple[Level, List[Sample]]:  # fmt: skip
    level = Level(target.name, citizens)
    samples: List[Sample] = []
    started = time.monotonic()
    deadline = started + minutes * 60

    async def citizen(index: int) -> None:
        await asyncio.sleep(index * think / max(1, citizens))  # spread the first messages
        for round_ in range(10**6):
            if time.monotonic() >= deadline:
                return
            sender = f"soak{tag}{letters(index)}{letters(round_)}"
            await converse(
                target, level, sender, messages_for(index + round_, turns),
                citizen_address(index), think, timeout=60,
            )  # fmt: skip

    async def sampler() -> None:
        while True:
            rss = {name: rss_mb(pid) for name, pid in target.pids.items()}
            samples.append((time.monotonic() - started, level.messages, rss))
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(every)

    sampling = asyncio.ensure_future(sampler())
    await asyncio.gather(*(citizen(i) for i in range(citizens)))
    level.seconds = time.monotonic() - started
    await sampling
    rss = {name: rss_mb(pid) for name, pid in target.pids.items()}
    samples.append((level.seconds, level.messages, rss))
    return level, samples


def print_report(level: Level, samples: List[Sample], every_minute: float = 60.0) -> None:
    names = list(samples[0][2]) if samples else []
    print(f"\n{'minute':>6} {'messages':>9} " + " ".join(f"{n + ' MB':>12}" for n in names))
    shown = -every_minute
    for seconds, messages, rss in samples:
        if seconds - shown >= every_minute - 1 or (seconds, messages, rss) == samples[-1]:
            shown = seconds
            values = " ".join(f"{rss[n]:>12.1f}" for n in names)
            print(f"{seconds / 60:>6.1f} {messages:>9} {values}")
    print(
        f"\n{level.messages} messages in {level.seconds / 60:.1f} min ({level.rate:.1f} msg/s), "
        f"p50 {level.percentile(0.5):.0f} ms, p95 {level.percentile(0.95):.0f} ms, "
        f"p99 {level.percentile(0.99):.0f} ms, errors {level.errors}"
        + (f" {level.error_kinds}" if level.error_kinds else "")
    )
    settled = [s for s in samples if s[0] >= 60] or samples
    print("RSS growth per 1,000 messages (slope after the first minute; last - first sample):")
    for name in names:
        per_message = slope([(messages, rss[name]) for _, messages, rss in settled])
        first, last = samples[0], samples[-1]
        total = last[2][name] - first[2][name]
        per_1000 = total / max(1, last[1] - first[1]) * 1000
        print(
            f"  {name:<8} {per_message * 1000:+7.2f} MB  ({per_1000:+.2f} MB; "
            f"{first[2][name]:.0f} -> {last[2][name]:.0f} MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--citizens", type=int, default=10)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between messages")
    parser.add_argument("--turns", type=int, default=10, help="messages per conversation")
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--url", help="ours, already running: its public entry's URL")
    parser.add_argument("--pid", action="append", default=[], help="with --url: rasa=PID ...")
    args = parser.parse_args()
    tag = letters(int(time.time()) % 26**3, 3)
    with ExitStack() as stack:
        if args.url:
            url = args.url.rstrip("/") + "/webhooks/rest/webhook"
            target = Target("ours", url, True, parse_pids(args.pid))
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-soak-")))
            print("ours: starting the action server, Rasa and the public entry", flush=True)
            target = stack.enter_context(run_ours(tmp))[0]
        warm_up(target, tag)
        print(
            f"soak: {args.citizens} citizens, {args.think:g} s between messages, "
            f"{args.minutes:g} min",
            flush=True,
        )
        level, samples = asyncio.run(
            soak(target, args.minutes, args.citizens, args.think, args.turns, args.sample, tag)
        )
    print_report(level, samples)


if __name__ == "__main__":
    main()
