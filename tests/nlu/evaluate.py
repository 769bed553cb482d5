"""Evaluate the trained model's NLU on the held-out Vietnamese test set.

Reports intent accuracy and macro-F1 overall, with diacritics and without, and entity
F1 (exact span and label), prints them and writes results/nlu-evaluation.json.
Usage: python -m tests.nlu.evaluate MODEL [TEST_FILE ...]
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bot.text import has_diacritics

ROOT = Path(__file__).resolve().parents[2]
# procedure questions and chitchat; the how-to, tracking and feedback flows
TEST_FILES = (
    ROOT / "tests" / "nlu" / "test_nlu.yml",
    ROOT / "tests" / "nlu" / "test_nlu_flows.yml",
)
REPORT = ROOT / "results" / "nlu-evaluation.json"


def _macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = sorted({gold for gold, _ in pairs})
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def _entity_f1(rows: list[dict[str, Any]]) -> float:
    tp = fp = fn = 0
    for row in rows:
        gold = Counter((e["entity"], e["start"], e["end"]) for e in row["gold_entities"])
        predicted = Counter((e["entity"], e["start"], e["end"]) for e in row["predicted_entities"])
        tp += sum((gold & predicted).values())
        fp += sum((predicted - gold).values())
        fn += sum((gold - predicted).values())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    pairs = [(r["intent"], r["predicted_intent"]) for r in rows]
    return {
        "examples": len(rows),
        "intent_accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4) if pairs else 0.0,
        "intent_macro_f1": round(_macro_f1(pairs), 4),
        "entity_f1": round(_entity_f1(rows), 4),
    }


async def _predict(model: Path, test_file: Path) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model))
    rows = []
    for example in load_data(str(test_file)).intent_examples:
        text = example.get("text")
        parsed = await agent.parse_message(text)
        rows.append(
            {
                "text": text,
                "intent": example.get("intent"),
                "predicted_intent": parsed["intent"]["name"],
                "confidence": round(parsed["intent"]["confidence"], 4),
                "gold_entities": [
                    {k: e[k] for k in ("entity", "start", "end")}
                    for e in example.get("entities") or []
                ],
                "predicted_entities": [
                    {k: e[k] for k in ("entity", "start", "end")}
                    for e in parsed.get("entities", [])
                ],
            }
        )
    return rows


def evaluate(
    model: Path, test_files: tuple[Path, ...] = TEST_FILES, report_path: Path = REPORT
) -> dict[str, Any]:
    rows = [row for test_file in test_files for row in asyncio.run(_predict(model, test_file))]
    report = {
        "model": model.name,
        **summaries(rows),
        "errors": [r for r in rows if r["intent"] != r["predicted_intent"]],
    }
    report_path.parent.mkdir(exist_ok=True)
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(report)
    return report


SUBSETS = ("overall", "with_diacritics", "without_diacritics")


def summaries(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The scores of all rows, and of those typed with and without diacritics."""
    return {
        "overall": _summary(rows),
        "with_diacritics": _summary([r for r in rows if has_diacritics(r["text"])]),
        "without_diacritics": _summary([r for r in rows if not has_diacritics(r["text"])]),
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"{'subset':20} {'n':>5} {'accuracy':>9} {'macro-F1':>9} {'entity-F1':>10}")
    for subset in SUBSETS:
        s = report[subset]
        print(
            f"{subset:20} {s['examples']:>5} {s['intent_accuracy']:>9.3f} "
            f"{s['intent_macro_f1']:>9.3f} {s['entity_f1']:>10.3f}"
        )


def print_report(report: dict[str, Any]) -> None:
    print(f"\nNLU evaluation of {report['model']} on the held-out set")
    print_table(report)
    for error in report["errors"][:15]:
        print(f"  ✗ {error['text']!r}: {error['intent']} → {error['predicted_intent']}")


if __name__ == "__main__":
    evaluate(Path(sys.argv[1]), tuple(Path(p) for p in sys.argv[2:]) or TEST_FILES)
