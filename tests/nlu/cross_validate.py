"""K-fold cross-validation of the NLU pipeline on our own training data.

Each fold trains `config.yml`'s NLU pipeline on the other folds and predicts the held
fold; predictions from all folds are pooled and scored like the held-out evaluation
(intent macro-F1 overall and without diacritics, entity F1 on exact spans).
Folds are stratified by intent and deterministic (a hash of the normalised text picks
the fold, so spelling variants of one message never straddle train and test), so a run
can be repeated and compared.

Usage: python -m tests.nlu.cross_validate [--folds 5] [--gate] [--intents-only] [--extra DIR]
Prints which of the quality bars are met; with --gate the exit status is 1 when a figure
falls below FLOORS (the regression guard `make test` enforces).

--intents-only leaves out the components that only tag entities (DIET, EntitySpans): the
intent figures are the full run's, in about 2–3 minutes instead of 17–25, for trying changes
to intents, features or data. --extra adds examples to every training fold without ever
testing on them: whether new data makes the model better on the data we already had.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from bot.text import normalize
from tests.nlu.evaluate import _predict, print_table, summaries

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "results" / "nlu-cross-validation.json"
# the quality bars, reported on every run
BARS = {
    ("overall", "intent_macro_f1"): 0.93,
    ("overall", "entity_f1"): 0.90,
    ("without_diacritics", "intent_macro_f1"): 0.90,
}
# what `make test` enforces: the bars, met on the 6,850 examples (intent macro-F1
# 0.934 overall, 0.927 without diacritics), so a change that makes the NLU worse fails
FLOORS = {
    ("overall", "intent_macro_f1"): 0.93,
    ("overall", "entity_f1"): 0.90,
    ("without_diacritics", "intent_macro_f1"): 0.90,
}
# components that only tag entities: DIET runs with intent_classification false
ENTITY_ONLY = {"DIETClassifier", "bot.nlu.entity_spans.EntitySpans"}


def stratified_folds(examples: list[Any], folds: int) -> list[list[Any]]:
    """Split examples into `folds` parts with every intent spread evenly.

    Examples that normalise to the same text ("chào bạn" / "chao ban") always share a
    fold: the features see them as one message, so splitting them would test the model
    on what it was trained on."""
    by_intent: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for example in examples:
        key = normalize(example.get("text"))
        by_intent[example.get("intent")][key].append(example)
    parts: list[list[Any]] = [[] for _ in range(folds)]
    for intent in sorted(by_intent):
        groups = by_intent[intent]
        ordered = sorted(groups, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
        for i, key in enumerate(ordered):
            parts[i % folds].extend(groups[key])
    return parts


def intents_only_config(config: Path, work: Path) -> Path:
    """`config` without the components that only tag entities: same intents, faster."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in settings["pipeline"]:
        if component["name"] == "DIETClassifier" and component.get("intent_classification", True):
            raise ValueError("DIETClassifier classifies intents here: --intents-only would not")
    settings["pipeline"] = [c for c in settings["pipeline"] if c["name"] not in ENTITY_ONLY]
    path = work / "config-intents-only.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def _write(examples: list[Any], path: Path) -> Path:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    path.write_text(TrainingData(training_examples=examples).nlu_as_yaml(), encoding="utf-8")
    return path


def _run_fold(k: int, config: str, train_file: str, test_file: str, out: str) -> tuple:
    """Train on one fold and predict the held fold, in a worker process of its own.

    Each worker uses one TensorFlow thread and its own Rasa cache, so two folds train
    side by side on a two-core machine without contending."""
    os.environ["RASA_CACHE_DIRECTORY"] = str(Path(out) / "cache")
    from rasa.model_training import train_nlu

    started = time.monotonic()
    model = train_nlu(config, train_file, out, fixed_model_name=f"fold{k}")
    seconds = time.monotonic() - started
    rows = asyncio.run(_predict(Path(model), Path(test_file)))
    print(f"fold {k + 1}: trained in {seconds:.0f} s", flush=True)
    return k, seconds, rows


def cross_validate(
    folds: int = 5,
    config: Path = ROOT / "config.yml",
    workers: int = 2,
    data: Path = ROOT / "data" / "nlu",
    report_file: Path = REPORT,
    intents_only: bool = False,
    extra: Path | None = None,
) -> dict[str, Any]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(str(data)).intent_examples
    extra_examples = load_data(str(extra)).intent_examples if extra else []
    parts = stratified_folds(examples, folds)
    results: dict[int, tuple[float, list[dict[str, Any]]]] = {}
    single_thread = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}
    os.environ.update(single_thread if workers > 1 else {})
    with tempfile.TemporaryDirectory(prefix="nlu-cv-") as work:
        if intents_only:
            config = intents_only_config(config, Path(work))
        jobs = []
        for k, held in enumerate(parts):
            fold_dir = Path(work) / f"fold{k}"
            fold_dir.mkdir()
            train = [e for j, part in enumerate(parts) if j != k for e in part] + extra_examples
            jobs.append(
                (
                    k,
                    str(config),
                    str(_write(train, fold_dir / "train.yml")),
                    str(_write(held, fold_dir / "test.yml")),
                    str(fold_dir),
                )
            )
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for k, seconds, fold_rows in pool.map(_run_fold, *zip(*jobs)):
                results[k] = (seconds, fold_rows)
    seconds = [results[k][0] for k in sorted(results)]
    rows = [row for k in sorted(results) for row in results[k][1]]
    report = {
        "folds": folds,
        "workers": workers,
        "intents_only": intents_only,
        "extra_training_examples": len(extra_examples),
        "training_seconds_per_fold": [round(s) for s in seconds],
        **summaries(rows),
        "per_intent_errors": _errors_by_intent(rows),
        "errors": [r for r in rows if r["intent"] != r["predicted_intent"]],
        "entity_errors": [
            r for r in rows if _spans(r["gold_entities"]) != _spans(r["predicted_entities"])
        ],
    }
    report_file.parent.mkdir(exist_ok=True)
    report_file.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def _spans(entities: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    return sorted((e["entity"], e["start"], e["end"]) for e in entities)


def _errors_by_intent(rows: list[dict[str, Any]]) -> dict[str, str]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counts[row["intent"]][1] += 1
        counts[row["intent"]][0] += row["intent"] != row["predicted_intent"]
    return {intent: f"{wrong}/{total}" for intent, (wrong, total) in sorted(counts.items())}


def missed(report: dict[str, Any], bars: dict[tuple[str, str], float]) -> list[str]:
    return [
        f"{subset} {metric} {report[subset][metric]:.3f} < {bar}"
        for (subset, metric), bar in bars.items()
        if report[subset][metric] < bar
    ]


def print_report(report: dict[str, Any]) -> None:
    print(f"\nNLU {report['folds']}-fold cross-validation (pooled predictions)")
    if report.get("intents_only"):
        print("intents only: the entity figures are not measured in this run")
    if report.get("extra_training_examples"):
        print(f"{report['extra_training_examples']} extra examples in every training fold")
    print_table(report)
    print("errors per intent:", report["per_intent_errors"])
    for error in report["errors"][:25]:
        print(f"  ✗ {error['text']!r}: {error['intent']} → {error['predicted_intent']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--workers", type=int, default=2, help="folds trained side by side")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--report", type=Path, default=REPORT, help="where the JSON goes")
    parser.add_argument("--gate", action="store_true", help="exit 1 below the FLOORS")
    parser.add_argument(
        "--intents-only", action="store_true", help="without the entity-only components"
    )
    parser.add_argument("--extra", type=Path, help="examples for every training fold only")
    args = parser.parse_args()
    report = cross_validate(
        args.folds,
        args.config,
        args.workers,
        args.data,
        args.report,
        intents_only=args.intents_only,
        extra=args.extra,
    )
    print_report(report)
    measured = {k: v for k, v in BARS.items() if not (args.intents_only and k[1] == "entity_f1")}
    floors = {k: v for k, v in FLOORS.items() if k in measured}
    for line in missed(report, measured):
        print(f"bar not met yet: {line}")
    below = missed(report, floors)
    for line in below:
        print(f"BELOW THE FLOOR: {line}")
    return 1 if args.gate and below else 0


if __name__ == "__main__":
    sys.exit(main())
