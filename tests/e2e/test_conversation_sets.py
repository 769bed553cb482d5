"""The frozen conversations of fresh writers, end to end over REST (tests/e2e/conversations).

Reported on every run (results/conversations-test.json lists every miss with the answer
given) and held above a floor: the score of the first run after this session's fee facts
were merged. The target is 95%; the floor only stops a change from making things
worse without anyone noticing. Never tune on this set: tune on dev.yml.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conversation_sets import evaluate, load, summary

REPORT = Path(__file__).resolve().parents[2] / "results" / "conversations-test.json"
# First run, before any change aimed at these conversations (a573aa7): 0.233 of
# conversations, 0.523 of checked turns. With the December fee facts and follow-ups that
# keep the question (003bba5): 0.393 and 0.636. With compound questions, hidden
# instructions, suggestions, cases and the guards (tuned on dev.yml only): 0.560 and 0.747.
# With the asking clause, follow-ups out of scope, the fees each province sets and more
# question words (tuned on dev, dev2 and dev3 only): 0.627 and 0.796; 0.600 and 0.776 once a
# review took out question words that were homophones and context answers that were
# guesses (clean clone of 4b58358). With questions no field answered (validity, who may
# file, deadlines, amounts, conditions), the December procedures in the NLU and misses
# answered from their words (tuned on dev to dev4 only): 0.613 and 0.787 (clean clone of
# 0f36bc4). With the resolver's learned ranker: 0.620 and 0.790 (clean clone of fc96b54);
# with ended reductions said without their amount and questions no longer read as small
# talk: 0.627 and 0.793 (clean clone of 33809a3). The floor is that, less a margin for dated facts that lapse
# and for a model trained on another machine.
FLOOR = 0.60


def test_hoi_thoai_cua_nguoi_viet_doc_lap_duoc_bao_cao_va_khong_tut(servers):
    report = evaluate(load("test"), servers.url)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print("\n" + summary("frozen conversations", report))
    assert report["conversations"] == 150
    assert report["correct"] >= FLOOR, f"{report['correct']} < {FLOOR}; see {REPORT}"
