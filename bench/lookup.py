"""Benchmark: resolve a citizen's free text and compute today's fees (the action's hot path).

Prints p50/p99 per lookup and the top-1 and top-3 accuracy of the resolver on the chosen
set: `dev`, `dev2` (harder, written later), `dev3` (written later still), `new_dev`,
`new_dev2` and `new_dev3` (the procedures added in December 2026) while tuning, `devs` for all six;
`test` and `new_test` (held out, `tests` for both) only to report figures, `all` for every
set.
`--misses` lists the development mentions whose top-1 answer is wrong (never the test
set's).
Usage: .venv/bin/python -m bench.lookup
       [--set dev|new_dev|new_dev2|new_dev3|devs|test|new_test|tests|all]
       [--repeat 20] [--misses]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from bot.answers import today
from bot.db import session_scope
from bot.knowledge import loader
from bot.knowledge.catalog import Catalog
from bot.knowledge.resolver import ProcedureResolver

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    name: ROOT / "tests" / "kb" / f"resolution_{name}.yml"
    for name in ("dev", "dev2", "dev3", "test", "new_dev", "new_dev2", "new_dev3", "new_test")
}
# the writers of the new-procedure sets named procedures by their own keys
WRITERS_KEYS = ROOT / "tests" / "kb" / "new_procedure_keys.yml"
DEVELOPMENT = (
    "dev",
    "dev2",
    "dev3",
    "new_dev",
    "new_dev2",
    "new_dev3",
)  # the only sets whose misses may be listed
GROUPS = {
    "both": ("dev", "test"),
    "devs": DEVELOPMENT,
    "tests": ("test", "new_test"),
    "all": (*DEVELOPMENT, "test", "new_test"),
}


def mentions(name: str) -> list[dict]:
    rows = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))["mentions"]
    keys = (
        yaml.safe_load(WRITERS_KEYS.read_text(encoding="utf-8")) if name.startswith("new") else {}
    )
    return [{**row, "expected": keys.get(row["expected"], row["expected"])} for row in rows]


def accuracy(resolver: ProcedureResolver, rows: list[dict]) -> tuple[float, float]:
    top1 = top3 = 0
    for row in rows:
        keys = [c.procedure.key for c in resolver.resolve(row["text"]).candidates]
        expected = row["expected"]
        if expected is None:
            top1 += not keys
            top3 += not keys
        else:
            top1 += bool(keys) and keys[0] == expected
            top3 += expected in keys[:3]
    return top1 / len(rows), top3 / len(rows)


def print_misses(resolver: ProcedureResolver, rows: list[dict]) -> None:
    """One line per mention whose top-1 answer is wrong: text, expected, what came out."""
    for row in rows:
        candidates = resolver.resolve(row["text"]).top(3)
        keys = [c.procedure.key for c in candidates]
        if (keys[:1] or [None])[0] != row["expected"]:
            got = ", ".join(f"{c.procedure.key} {c.score:.3f} «{c.matched}»" for c in candidates)
            near = " (in top 3)" if row["expected"] in keys else ""
            print(f"  MISS{near} {row['text']!r}: expected {row['expected']} -> {got or 'nothing'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=(*SETS, *GROUPS), default="dev")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--misses", action="store_true", help="list wrong top-1 answers (development sets only)"
    )
    args = parser.parse_args()
    names = GROUPS.get(args.set, (args.set,))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/kb.db"
        started = time.perf_counter()
        with session_scope(url) as session:
            loader.write(session, loader.parse_sources(ROOT / "data" / "kb"))
        load_s = time.perf_counter() - started
        catalog = Catalog.from_database(url)
    started = time.perf_counter()
    resolver = ProcedureResolver.for_catalog(catalog)
    build_ms = (time.perf_counter() - started) * 1000
    texts = [row["text"] for name in names for row in mentions(name)]
    day = today()
    timings = []
    for _ in range(args.repeat):
        for text in texts:
            started = time.perf_counter()
            best = resolver.resolve(text).best
            if best is not None:
                best.procedure.fees.on(day)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p = lambda q: timings[min(int(q * len(timings)), len(timings) - 1)]  # noqa: E731
    for name in names:
        rows = mentions(name)
        first, within_three = accuracy(resolver, rows)
        n = len(rows)
        print(
            f"resolver accuracy, {name} ({n}): top-1 {first:.4f} ({round(first * n)}), "
            f"top-3 {within_three:.4f} ({round(within_three * n)})"
        )
        if args.misses and name in DEVELOPMENT:  # never look inside the held-out set
            print_misses(resolver, rows)
    print(f"knowledge base load (YAML -> SQLite): {load_s:.2f} s, resolver build {build_ms:.0f} ms")
    print(
        f"resolve + fees, {len(timings)} lookups: p50 {p(0.50):.3f} ms, p99 {p(0.99):.3f} ms, "
        f"max {timings[-1]:.3f} ms, mean {statistics.mean(timings):.3f} ms"
    )


if __name__ == "__main__":
    main()
