"""The resolver on whole mention sets: the held-out sets meet the bars, and the
development sets it was tuned on do not drop while procedures are added.

The held-out sets (`resolution_test.yml`, `resolution_new_test.yml`) were written by
people who never saw the knowledge base and were committed before the resolver first ran
on them; nothing is ever tuned on them (`python -m bench.lookup --misses` refuses to list
their misses)."""

import pytest

from bench.lookup import accuracy, mentions

# (set, top-1 floor, top-3 floor): the bars for the held-out sets; for the development
# sets the figures they reached, less one mention, so a new procedure cannot quietly
# take an old one's mentions
FLOORS = [
    ("test", 0.95, 0.99),
    ("dev", 0.98, 0.99),
    ("dev2", 0.98, 0.99),
    ("dev3", 0.99, 0.99),
]


@pytest.mark.parametrize(("name", "top1_floor", "top3_floor"), FLOORS)
def test_do_chinh_xac_tren_tap_nhac_ten_thu_tuc(resolver, name, top1_floor, top3_floor):
    top1, top3 = accuracy(resolver, mentions(name))
    assert top1 >= top1_floor, f"{name}: top-1 {top1:.4f} < {top1_floor}"
    assert top3 >= top3_floor, f"{name}: top-3 {top3:.4f} < {top3_floor}"
