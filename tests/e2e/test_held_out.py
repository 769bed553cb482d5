"""The held-out citizen messages, end to end over REST against the running bot.

Each message (after its `before` messages, in one conversation) must get an answer that
contains every fact listed for it. The bar: at least 90% answered correctly.
Every miss is written to results/held-out-e2e.json with the answer the bot gave.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.text import fold
from tests.e2e.conftest import rest_conversation, texts

HERE = Path(__file__).resolve().parent
REPORT = HERE.parents[1] / "results" / "held-out-e2e.json"
BAR = 0.90


def missing_facts(answer: str, facts: list[str]) -> list[str]:
    """The facts the answer does not state (case and diacritics do not matter)."""
    said = fold(answer)
    return [fact for fact in facts if fold(fact) not in said]


def test_tin_nhan_giu_lai_duoc_tra_loi_dung_it_nhat_90_phan_tram(servers):
    cases = yaml.safe_load((HERE / "held_out_messages.yml").read_text(encoding="utf-8"))
    misses = []
    for case in cases["messages"]:
        say = rest_conversation(servers.url)
        for earlier in case.get("before") or []:
            say(earlier)
        answer = texts(say(case["text"]))
        missing = missing_facts(answer, case["must_contain"])
        if missing:
            misses.append({"text": case["text"], "missing": missing, "answer": answer})
    total = len(cases["messages"])
    correct = (total - len(misses)) / total
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {"messages": total, "correct": round(correct, 4), "misses": misses},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    print(
        f"\nheld-out end-to-end: {total - len(misses)}/{total} answered correctly ({correct:.3f})"
    )
    for miss in misses:
        print(f"  ✗ {miss['text']!r}: missing {miss['missing']}")
    assert total >= 100
    assert correct >= BAR, f"{correct:.3f} < {BAR}; see {REPORT}"
