"""Conversations written by people who never saw the bot, its data or its tests, each
turn with the facts a correct answer must state; scored end to end over REST.

The sets (tests/e2e/conversations/):
- `test.yml`: frozen. Committed before the bot was first run on it and never tuned on;
  `test_conversation_sets.py` reports it in `make test` and fails below the floor there.
- `dev.yml` … `dev4.yml`: development sets, written the same way by other writers, for
  trying changes (dev2, dev3 and dev4 were committed before the bot was first run on
  them; dev3 dwells on the citizen's own case, everyday problems and compound questions;
  dev4 spreads over every pattern and the procedures added in December 2026).

Run either against a running bot (`make run`):
    .venv/bin/python -m tests.e2e.conversation_sets --set dev [--url http://localhost:5005]
"""

from __future__ import annotations

import argparse
import json
import random
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Optional

import requests
import yaml

from bot.text import fold

HERE = Path(__file__).resolve().parent / "conversations"


@dataclass
class TurnResult:
    say: str
    answer: str
    missing: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return not self.missing and not self.leaked


def load(name: str) -> list[dict]:
    return yaml.safe_load((HERE / f"{name}.yml").read_text(encoding="utf-8"))["conversations"]


def is_checked(turn: dict, today: date) -> bool:
    """A turn with facts to check, whose facts still hold today (`until`)."""
    until = turn.get("until")
    still_true = until is None or date.fromisoformat(str(until)) >= today
    return bool(turn.get("must_contain") or turn.get("must_not_contain")) and still_true


def check(turn: dict, answer: str) -> TurnResult:
    said = fold(answer)
    return TurnResult(
        say=turn["say"],
        answer=answer,
        missing=[f for f in turn.get("must_contain") or [] if fold(f) not in said],
        leaked=[f for f in turn.get("must_not_contain") or [] if fold(f) in said],
    )


def letters(count: int) -> str:
    """A random id of letters only: a run of digits in a sender id would be taken for a
    phone or ID number and stored as a pseudonym."""
    return "".join(random.choices(string.ascii_lowercase, k=count))


def rest_say(url: str) -> Callable[[str], str]:
    sender = f"eval-{letters(12)}"

    def say(text: str) -> str:
        reply = requests.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120
        )
        reply.raise_for_status()
        return "\n".join(m.get("text", "") for m in reply.json())

    return say


def evaluate(conversations: list[dict], url: str, today: Optional[date] = None) -> dict:
    """Each conversation in its own REST conversation; correct when every checked turn is."""
    today = today or date.today()
    results = []
    for conversation in conversations:
        say = rest_say(url)
        turns = []
        for turn in conversation["turns"]:
            answer = say(turn["say"])
            if is_checked(turn, today):
                turns.append(check(turn, answer))
        if turns:
            results.append({"id": conversation["id"], "pattern": conversation.get("pattern"),
                            "turns": turns})  # fmt: skip
    checked = [t for r in results for t in r["turns"]]
    correct = [r for r in results if all(t.correct for t in r["turns"])]
    by_pattern: dict[str, list[int]] = {}
    for result in results:
        tally = by_pattern.setdefault(result["pattern"] or "?", [0, 0])
        tally[0] += all(t.correct for t in result["turns"])
        tally[1] += 1
    return {
        "conversations": len(results),
        "correct": round(len(correct) / max(len(results), 1), 4),
        "turns": len(checked),
        "turns_correct": round(sum(t.correct for t in checked) / max(len(checked), 1), 4),
        "by_pattern": {p: f"{ok}/{n}" for p, (ok, n) in sorted(by_pattern.items())},
        "misses": [
            {
                "id": r["id"],
                "say": t.say,
                "missing": t.missing,
                "leaked": t.leaked,
                "answer": t.answer[:600],
            }
            for r in results
            for t in r["turns"]
            if not t.correct
        ],
    }


def summary(name: str, report: dict) -> str:
    return (
        f"{name}: {report['correct']:.3f} of {report['conversations']} conversations "
        f"correct; {report['turns_correct']:.3f} of {report['turns']} checked turns; "
        f"by pattern {report['by_pattern']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="dev", choices=["dev", "dev2", "dev3", "dev4", "test"])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    report = evaluate(load(args.set), args.url)
    print(summary(args.set, report))
    if args.misses:
        print(json.dumps(report["misses"], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
