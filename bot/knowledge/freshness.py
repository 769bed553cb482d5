"""How old the facts are: fees and procedures change, so every fact carries the day it
was last checked, and facts not checked for too long are listed for staff to re-check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable


@dataclass(frozen=True)
class DatedFact:
    """One fact of the YAML sources and the day it was last checked."""

    file: str
    line: int
    what: str
    verified_on: date

    def age_on(self, today: date) -> int:
        return (today - self.verified_on).days


def stale(facts: Iterable[DatedFact], today: date, older_than_days: int) -> list[DatedFact]:
    """Facts last checked more than `older_than_days` days before `today`, oldest first."""
    old = [f for f in facts if f.age_on(today) > older_than_days]
    return sorted(old, key=lambda f: (f.verified_on, f.file, f.line))
