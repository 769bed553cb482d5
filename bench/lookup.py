"""Benchmark: resolve a citizen's free text and compute today's fees (the action's hot path).

Prints p50/p99 per lookup and the top-1 and top-3 accuracy of the resolver on the chosen
set, side by side for the hand-written stages alone and with the learned ranker: `dev`,
`dev2` (harder, written later), `dev3` (written later still), `new_dev`, `new_dev2` and
`new_dev3` (the procedures added in December 2026) are the ranker's training files
(data/kb/mentions), each scored by a ranker trained on all the others, `devs` for all six;
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
import dataclasses
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
from bot.text import normalize

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT = (
    "dev",
    "dev2",
    "dev3",
    "new_dev",
    "new_dev2",
    "new_dev3",
)  # the only sets whose misses may be listed; the ranker learns from them
HELD_OUT = ("test", "new_test")
SETS = {
    **{name: ROOT / "data" / "kb" / loader.MENTIONS / f"{name}.yml" for name in DEVELOPMENT},
    **{name: ROOT / "tests" / "kb" / f"resolution_{name}.yml" for name in HELD_OUT},
}
# the writers of the held-out new-procedure set named procedures by their own keys
WRITERS_KEYS = ROOT / "tests" / "kb" / "new_procedure_keys.yml"
GROUPS = {
    "both": ("dev", "test"),
    "devs": DEVELOPMENT,
    "tests": ("test", "new_test"),
    "all": (*DEVELOPMENT, "test", "new_test"),
}


def mentions(name: str) -> list[dict]:
    """The set's mentions, each a `text` and the procedure key `expected` (None: one the
    knowledge base does not have)."""
    rows = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))["mentions"]
    if name in DEVELOPMENT:
        return [{"text": row["text"], "expected": row["procedure"]} for row in rows]
    keys = yaml.safe_load(WRITERS_KEYS.read_text(encoding="utf-8")) if name == "new_test" else {}
    return [{**row, "expected": keys.get(row["expected"], row["expected"])} for row in rows]


def resolver_for(catalog: Catalog, name: str) -> ProcedureResolver:
    """The resolver that scores set `name` honestly: for a training file, its ranker
    learns from every other file."""
    if name not in DEVELOPMENT:
        return ProcedureResolver.for_catalog(catalog)
    left_out = f"{loader.MENTIONS}/{name}.yml"
    # nor the same words written in another file
    scored = {normalize(m.text) for m in catalog.mentions if m.file == left_out}
    kept = tuple(
        m for m in catalog.mentions if m.file != left_out and normalize(m.text) not in scored
    )
    return ProcedureResolver.for_catalog(dataclasses.replace(catalog, mentions=kept))


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
    rules = ProcedureResolver.for_catalog(dataclasses.replace(catalog, mentions=()))
    rules_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    resolver = ProcedureResolver.for_catalog(catalog)
    build_ms = (time.perf_counter() - started) * 1000
    texts = [row["text"] for name in names for row in mentions(name)]
    day = today()
    print(
        f"{'set':<10} {'n':>4}  {'rules top-1':>11} {'top-3':>6}  {'ranked top-1':>12} {'top-3':>6}"
    )
    for name in names:
        rows = mentions(name)
        ranked = resolver_for(catalog, name)
        alone, alone_three = accuracy(rules, rows)
        first, within_three = accuracy(ranked, rows)
        print(
            f"{name:<10} {len(rows):>4}  {alone:>11.4f} {alone_three:>6.4f}  "
            f"{first:>12.4f} {within_three:>6.4f}"
        )
        if args.misses and name in DEVELOPMENT:  # never look inside the held-out set
            print_misses(ranked, rows)
    print(
        f"knowledge base load (YAML -> SQLite): {load_s:.2f} s; resolver build: rules alone "
        f"{rules_ms:.0f} ms, with the ranker trained {build_ms:.0f} ms"
    )
    for label, timed in (("rules alone", rules), ("with the ranker", resolver)) * (args.repeat > 0):
        timings = []
        for _ in range(args.repeat):
            if timed._ranker is not None:  # every repeat asks the ranker, not its cache
                timed._ranker.probabilities.cache_clear()
            for text in texts:
                started = time.perf_counter()
                best = timed.resolve(text).best
                if best is not None:
                    best.procedure.fees.on(day)
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p50, p99 = (timings[min(int(q * len(timings)), len(timings) - 1)] for q in (0.5, 0.99))
        print(
            f"resolve + fees, {label}, {len(timings)} lookups: p50 {p50:.3f} ms, "
            f"p99 {p99:.3f} ms, max {timings[-1]:.3f} ms, mean {statistics.mean(timings):.3f} ms"
        )


if __name__ == "__main__":
    main()
