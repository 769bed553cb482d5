"""Where a turn's time goes: ours under a fixed load, both servers profiled (cProfile).

Starts ours as `make run` does, with the Rasa server and the action server each run by
`bench.profiled` (cProfile switched on by a signal once the bot is up and warmed up, off
after the load, so model loading and imports are not in the profile), sends N concurrent
citizens' conversations (bench.throughput's), and prints, per process, the wall time of
the profiled window split by component: the time spent inside a component's functions,
entered from outside it (its callees included), per turn and as a share of the window.
The rest of the window is the event loop waiting (idle) and what no component claims
(Sanic, asyncio, JSON, the channel).

cProfile slows Python code more than C code (TensorFlow, NumPy, SQLite), so the shares are
a map, not exact figures; the throughput under the profiler is printed for comparison.
Usage: .venv/bin/python -m bench.profile_turn [--citizens 20] [--turns 10] [--conversations 2]
       (or .venv/bin/python -m bench.throughput --profile)
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import pstats
import signal
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable, Iterable, List, Set, Tuple

from bench.throughput import ROOT, Level, letters, print_table, run_level, run_ours, warm_up

Key = Tuple[str, int, str]  # pstats: file, first line, function name
Predicate = Callable[[Key], bool]


def functions(*qualified: str) -> Predicate:
    """Exactly these functions ("package.module:Class.method"), found by importing them."""
    keys: Set[Tuple[str, int, str]] = set()
    for name in qualified:
        module_name, _, attribute = name.partition(":")
        try:
            target: object = importlib.import_module(module_name)
            for part in attribute.split("."):
                target = getattr(target, part)
            code = inspect.unwrap(target).__code__  # type: ignore[arg-type]
        except (ImportError, AttributeError):
            print(f"  (profile: {name} not found, left out)")
            continue
        keys.add((os.path.realpath(code.co_filename), code.co_firstlineno, code.co_name))
    return lambda key: (os.path.realpath(key[0]), key[1], key[2]) in keys


def files(*fragments: str) -> Predicate:
    """Every function defined in a file whose path contains one of these fragments."""
    return lambda key: any(fragment in key[0] for fragment in fragments)


def any_of(*predicates: Predicate) -> Predicate:
    return lambda key: any(p(key) for p in predicates)


# (label, functions of the component); indented labels are parts of the line above
RASA_COMPONENTS: List[Tuple[str, Predicate]] = []
ACTION_COMPONENTS: List[Tuple[str, Predicate]] = []


def _components() -> None:
    """Resolved lazily: importing Rasa's classes takes seconds (TensorFlow)."""
    if RASA_COMPONENTS:
        return
    warnings.simplefilter("ignore")  # the deprecation notices of importing Rasa's modules
    sparse = "rasa.nlu.featurizers.sparse_featurizer"
    RASA_COMPONENTS.extend([
        ("whole turns (our channel's handler)", files("/bot/channels/")),
        ("lock store", files("rasa/core/lock_store.py")),
        ("tracker store: reads", functions(
            "rasa.core.tracker_store:SQLTrackerStore.retrieve",
            "rasa.core.tracker_store:SQLTrackerStore.retrieve_full_tracker",
            "rasa.core.tracker_store:SQLTrackerStore._retrieve")),
        ("tracker store: writes", functions(
            "rasa.core.tracker_store:SQLTrackerStore.save",
            "rasa.core.tracker_store:SQLTrackerStore._additional_events",
            "bot.tracker_store:MaskingSQLTrackerStore._additional_events")),
        ("  of which masking events", functions("bot.privacy:mask_everywhere")),
        ("NLU pipeline (whole graph)", functions(
            "rasa.core.processor:MessageProcessor._parse_message_with_graph")),
        ("  VietnameseTokenizer (underthesea)", functions(
            "rasa.nlu.tokenizers.tokenizer:Tokenizer.process")),
        ("  LexicalSyntacticFeaturizer", functions(
            f"{sparse}.lexical_syntactic_featurizer:LexicalSyntacticFeaturizer.process")),
        ("  CountVectorsFeaturizer x3", functions(
            f"{sparse}.count_vectors_featurizer:CountVectorsFeaturizer.process")),
        ("  NegationScopeFeaturizer", functions(
            "bot.nlu.negation:NegationScopeFeaturizer.process")),
        ("  LinearIntentClassifier", functions(
            "bot.nlu.linear_intents:LinearIntentClassifier.process")),
        ("  DIETClassifier (entities)", functions(
            "rasa.nlu.classifiers.diet_classifier:DIETClassifier.process")),
        ("  EntitySpans", functions("bot.nlu.entity_spans:EntitySpans.process")),
        ("  FallbackClassifier", functions(
            "rasa.nlu.classifiers.fallback_classifier:FallbackClassifier.process")),
        ("  UnknownWordsFallback", functions(
            "bot.nlu.unknown_words:UnknownWordsFallback.process")),
        ("policies (whole graph)", functions(
            "rasa.core.processor:MessageProcessor._predict_next_with_tracker")),
        ("  MemoizationPolicy", functions(
            "rasa.core.policies.memoization:MemoizationPolicy.predict_action_probabilities")),
        ("  RulePolicy", functions(
            "rasa.core.policies.rule_policy:RulePolicy.predict_action_probabilities")),
        ("action server call (Rasa side: request, JSON)", functions(
            "rasa.core.actions.action:RemoteAction.run",
            "rasa.core.actions.action:RemoteAction._action_call_format",
            "rasa.utils.endpoints:EndpointConfig.request")),
        ("masking log records", functions("bot.privacy:_mask_record")),
        ("logging (records, handlers)", files("/logging/__init__.py")),
    ])  # fmt: skip
    ACTION_COMPONENTS.extend([
        ("request: token, body, JSON", functions("bot.action_server:_action_call")),
        ("rasa_sdk executor (whole action run)", functions(
            "rasa_sdk.executor:ActionExecutor.run")),
        ("  knowledge base (bot/knowledge, actions/knowledge.py)", files(
            "/bot/knowledge/", "/actions/knowledge.py")),
        ("    of which resolver", functions(
            "bot.knowledge.resolver:ProcedureResolver.resolve")),
        ("  answer wording (bot/answers.py)", files("/bot/answers.py")),
        ("  normaliser (bot/text.py)", files("/bot/text.py")),
        ("  tracker from JSON (rasa_sdk Tracker)", functions(
            "rasa_sdk.interfaces:Tracker.from_dict")),
        ("masking log records", functions("bot.privacy:_mask_record")),
        ("response JSON", files("/sanic/response.py")),
    ])  # fmt: skip


def inclusive(stats: pstats.Stats, member: Predicate) -> Tuple[float, int]:
    """Seconds spent in the group's functions when entered from outside the group (their
    callees included, recursion and calls within the group counted once), and the calls."""
    table = stats.stats  # type: ignore[attr-defined]
    inside = {key for key in table if member(key)}
    seconds, calls = 0.0, 0
    for key in inside:
        _cc, nc, _tt, ct, callers = table[key]
        if not callers:  # a root (the profile started inside it)
            seconds += ct
            calls += nc
            continue
        for caller, edge in callers.items():
            if caller not in inside:
                seconds += edge[3]
                calls += edge[1]
    return seconds, calls


def window_seconds(stats: pstats.Stats) -> float:
    return stats.total_tt  # type: ignore[attr-defined]


def top_self(stats: pstats.Stats, count: int) -> Iterable[Tuple[float, str]]:
    rows = []
    for (file, line, name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = name if file == "~" else f"{name} ({_short(file)}:{line})"
        rows.append((tt, where))
    return sorted(rows, reverse=True)[:count]


def _short(file: str) -> str:
    for marker in ("site-packages/", "/lib/python3.10/", "/wt-bench/", "/work/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def report(title: str, path: Path, components: List[Tuple[str, Predicate]], level: Level,
           process: str) -> None:  # fmt: skip
    stats = pstats.Stats(str(path))
    window = window_seconds(stats)
    turns = level.messages
    print(
        f"\n{title}: load {level.seconds:.1f} s wall, {level.cpu.get(process, 0):.1f} s CPU, "
        f"{window:.1f} s inside profiled calls (main thread; the share column), {turns} turns"
    )
    header = f"{'component':<52} {'ms/turn':>8} {'share':>6} {'calls':>8}"
    print(header)
    print("-" * len(header))
    for label, member in components:
        seconds, calls = inclusive(stats, member)
        print(f"{label:<52} {seconds / turns * 1000:>8.2f} {seconds / window:>6.1%} {calls:>8}")
    print(f"{'whole window':<52} {window / turns * 1000:>8.2f} {1:>6.0%}")
    print("  most self time:")
    for tt, where in top_self(stats, 12):
        print(f"    {tt / turns * 1000:7.2f} ms/turn  {where[:110]}")


def run(citizens: int = 20, turns: int = 10, conversations: int = 2,
        keep: Path = ROOT / "var" / "bench") -> None:  # fmt: skip
    tag = letters(int(time.time()) % 26**3, 3)
    keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        work = Path(tmp)
        out = {name: keep / f"profile-{name}.prof" for name in ("rasa", "actions")}
        for path in out.values():
            path.unlink(missing_ok=True)
        options = {name: ["-m", "bench.profiled", str(path)] for name, path in out.items()}
        print("ours: starting, Rasa and the action server under bench.profiled", flush=True)
        with run_ours(work, options) as (target, bot):
            warm_up(target, tag)
            processes = {name: bot.processes[name] for name in out}
            for process in processes.values():
                process.send_signal(signal.SIGUSR1)
            time.sleep(0.5)
            print(f"ours: {citizens} citizens x {conversations} conversations of {turns} turns")
            level: Level = run_level(target, citizens, turns, conversations, tag)
            for process in processes.values():
                process.send_signal(signal.SIGUSR2)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not all(p.exists() for p in out.values()):
                time.sleep(0.5)
            time.sleep(2)  # let the last write finish
        print_table([level], turns)
        _components()
        print(f"\nprofiles kept: {out['rasa']}, {out['actions']}")
        report("Rasa server", out["rasa"], RASA_COMPONENTS, level, "rasa")
        report("Action server", out["actions"], ACTION_COMPONENTS, level, "actions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citizens", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=2, help="per citizen")
    parser.add_argument("--keep", type=Path, default=ROOT / "var" / "bench",
                        help="where the .prof files are kept (pstats, snakeviz)")  # fmt: skip
    args = parser.parse_args()
    run(args.citizens, args.turns, args.conversations, args.keep)


if __name__ == "__main__":
    main()
