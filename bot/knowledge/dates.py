"""The day a fee question is about: "tháng 1 năm sau", "từ 01/01/2027", "sau 31/12/2026".

Fees change on fixed days, so a citizen asking "tháng 1 năm sau làm hộ chiếu hết bao
nhiêu" wants the rate of 01/01 next year, not today's. Only clear expressions of a day
are read; anything else means today (the caller's default).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Optional

from bot.text import count_value, fold, nfc, normalize

_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.-])")
_AFTER = re.compile(r"\bsau(?: ngay)?$")
_NEXT = r"(?:nam sau|nam toi|sang nam|nam ke tiep)"
_DAY_MONTH_YEAR = re.compile(r"\bngay (\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?\b")
_MONTH_YEAR = re.compile(rf"\bthang (\d{{1,2}})(?: (?:nam )?(\d{{4}})| ({_NEXT}))?\b")
_YEAR = re.compile(rf"(?<!viet )\b(?:nam (\d{{4}})|({_NEXT}))\b")


def _safe(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(month: int, day: int, today: date) -> Optional[date]:
    """The next `day`/`month` on or after today (a date without a year means that)."""
    this_year = _safe(today.year, month, day)
    if this_year is None or this_year >= today:
        return this_year
    return _safe(today.year + 1, month, day)


def _year(written: str, today: date) -> int:
    return int(written) + 2000 if len(written) == 2 else int(written)


def _numeric(text: str, today: date) -> Optional[date]:
    lowered = nfc(text).lower()
    for match in _NUMERIC.finditer(lowered):
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        found = _safe(_year(year, today), month, day) if year else _upcoming(month, day, today)
        if found is None:
            continue
        if _AFTER.search(fold(lowered[: match.start()])):
            found += timedelta(days=1)  # "sau 31/12/2026": the first day after
        return found
    return None


def _month(month: int, year: Optional[int], next_year: bool, today: date) -> Optional[date]:
    if not 1 <= month <= 12:
        return None
    if year is not None or next_year:
        return _safe(year or today.year + 1, month, 1)
    if month == today.month:
        return today
    return _safe(today.year + (month < today.month), month, 1)


def day_asked(text: str, today: date) -> Optional[date]:
    """The day a message asks about, or None when it names none (then: today)."""
    numeric = _numeric(text or "", today)
    if numeric is not None:
        return numeric
    folded = fold(text or "")
    match = _DAY_MONTH_YEAR.search(folded)
    if match:
        day, month, year = (int(g) if g else None for g in match.groups())
        return _safe(year, month, day) if year else _upcoming(month, day, today)
    match = _MONTH_YEAR.search(folded)
    if match:
        year = int(match.group(2)) if match.group(2) else None
        return _month(int(match.group(1)), year, bool(match.group(3)), today)
    if re.search(r"\bthang (?:sau|toi)\b", folded):
        first = today.replace(day=1)
        return (first + timedelta(days=32)).replace(day=1)
    match = _YEAR.search(folded)
    if match:
        year = int(match.group(1)) if match.group(1) else today.year + 1
        return today if year == today.year else _safe(year, 1, 1)
    if re.search(r"\bngay mai\b", folded):
        return today + timedelta(days=1)
    return None


# "8 tuổi", "5 tháng", "hai tuần", "mười ngày" (normalised): an age, in days
_AGE = re.compile(r"\b(\d{1,3}|[a-z]+) (tuoi|thang|tuan|ngay)\b")
# "con gái mình 10t": tuổi, typed short
_YEARS_OLD_SHORT = re.compile(r"\b(\d{1,2})t\b")
_DAYS_IN = {"tuoi": 365, "thang": 30, "tuan": 7, "ngay": 1}
# before these words a number of months or days is a duration to come, not an age
_NOT_AN_AGE = ("mat", "trong", "sau", "khoang", "mat khoang", "den", "toi da", "con lai")


def ages_in_days(text: str) -> list[int]:
    """The ages a message states, in days ("con trai em 8 tuổi" → [2920]; "bé sinh được
    5 tháng" → [150]; "con gái 10t" → [3650]). A bare duration ("mất 5 ngày", "trong 60
    ngày") is not an age."""
    said = _YEARS_OLD_SHORT.sub(r"\1 tuoi", normalize(text))
    ages = []
    for match in _AGE.finditer(said):
        before = said[: match.start()].split()[-2:]
        if before and (before[-1] in _NOT_AN_AGE or " ".join(before) in _NOT_AN_AGE):
            continue
        number = count_value(match.group(1))
        if number is not None:
            ages.append(number * _DAYS_IN[match.group(2)])
    return ages
