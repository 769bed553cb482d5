"""Fee rules: which fee applies on a given day, per channel and beneficiary group.

These are plain dataclasses with no database behind them, so the rules (reductions
that expire, channel-specific rows overriding `any`, quantity tiers with caps) are
unit-tested directly at their boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Iterable, Optional, Sequence

from bot.text import fold


class Channel(str, Enum):
    ANY = "any"
    IN_PERSON = "in_person"
    ONLINE = "online"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str
    legal_basis: bool = True


@dataclass(frozen=True)
class Tier:
    """Each unit from `from_unit` to `to_unit` (inclusive, None = no end) costs `amount`."""

    from_unit: int
    to_unit: Optional[int]
    amount: int

    def covers(self, unit: int) -> bool:
        return unit >= self.from_unit and (self.to_unit is None or unit <= self.to_unit)


@dataclass(frozen=True)
class Fee:
    case: str
    amount: int
    unit: str
    channel: Channel
    beneficiary: Optional[str]
    valid_from: date
    valid_to: Optional[date]
    source: Source
    verified_on: date
    verified: bool = True
    tiers: tuple[Tier, ...] = ()
    cap: Optional[int] = None

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_quantity_based(self) -> bool:
        return bool(self.tiers)

    def total_for(self, quantity: int = 1) -> int:
        """The amount for `quantity` units: the fixed part plus each unit's tier, capped."""
        if not self.tiers:
            return self.amount * max(quantity, 1)
        per_units = sum(
            next((t.amount for t in self.tiers if t.covers(unit)), 0)
            for unit in range(1, max(quantity, 1) + 1)
        )
        total = self.amount + per_units
        return min(total, self.cap) if self.cap is not None else total


@dataclass(frozen=True)
class CaseQuote:
    """What one case (e.g. "Cấp mới") costs on a day, in person and online."""

    case: str
    in_person: Optional[Fee]
    online: Optional[Fee]
    expired_reductions: tuple[Fee, ...] = ()

    @property
    def online_is_cheaper(self) -> bool:
        return (
            self.in_person is not None
            and self.online is not None
            and self.online.amount < self.in_person.amount
        )

    @property
    def same_on_both_channels(self) -> bool:
        """Both channels cost the same and are equally verified: one line says it all."""
        return (
            self.in_person is not None
            and self.online is not None
            and self.in_person.amount == self.online.amount
            and self.in_person.verified == self.online.verified
        )


def group_members(label: str) -> list[str]:
    """The groups a fee label lists: "miễn theo Điều 4 (trẻ em; hộ nghèo; ...)" → its
    members, folded; a plain label is its own single member."""
    inner = label[label.find("(") + 1 : label.rfind(")")] if "(" in label else label
    return [fold(part) for part in re.split(r"[;,]", inner) if fold(part)]


def belongs_to(beneficiary: str, label: str) -> bool:
    """Does the group the citizen named ("hộ nghèo", "nguoi co cong") fall under a fee's
    beneficiary label? Equal, or a listed member that starts with the citizen's words
    ("người có công" → "người có công với cách mạng và thân nhân")."""
    wanted = fold(beneficiary)
    if not wanted:
        return False
    if wanted == fold(label):
        return True
    prefix_ok = len(wanted.split()) >= 2  # "người" alone names no group
    return any(
        m == wanted or (prefix_ok and m.startswith(wanted + " ")) for m in group_members(label)
    )


def _same_group(fee_beneficiary: Optional[str], beneficiary: Optional[str]) -> bool:
    if fee_beneficiary is None or beneficiary is None:
        return fee_beneficiary is None and beneficiary is None
    return belongs_to(beneficiary, fee_beneficiary)


@dataclass
class FeeSchedule:
    """All fee rows of one procedure."""

    fees: Sequence[Fee] = field(default_factory=list)

    def cases(self) -> list[str]:
        seen: dict[str, None] = {}
        for fee in self.fees:
            seen.setdefault(fee.case, None)
        return list(seen)

    def group_named_in(self, text: str) -> Optional[str]:
        """The beneficiary group of this schedule a message names, if any: a listed member
        or its first words ("nhà em thuộc hộ nghèo" → "ho ngheo", "người có công" →
        "nguoi co cong"), the longest found. Independent of entity extraction."""
        padded = f" {fold(text or '')} "
        best: Optional[str] = None
        for label in {fee.beneficiary for fee in self.fees if fee.beneficiary}:
            for member in group_members(label):
                words = member.split()
                for size in range(len(words), 1, -1):
                    phrase = " ".join(words[:size])
                    if f" {phrase} " in padded and (best is None or len(phrase) > len(best)):
                        best = phrase
                        break
        return best

    def beneficiaries(self) -> list[str]:
        groups = {fee.beneficiary for fee in self.fees if fee.beneficiary}
        return sorted(groups)

    def _rows(self, case: str, beneficiary: Optional[str]) -> Iterable[Fee]:
        return (f for f in self.fees if f.case == case and _same_group(f.beneficiary, beneficiary))

    def fee_for(
        self, case: str, day: date, channel: Channel, beneficiary: Optional[str] = None
    ) -> Optional[Fee]:
        """The row that applies: a channel-specific row beats an `any` row; a group's
        own row beats the general one."""
        groups = [beneficiary, None] if beneficiary else [None]
        for group in groups:
            valid = [f for f in self._rows(case, group) if f.is_valid_on(day)]
            for wanted in (channel, Channel.ANY):
                match = next((f for f in valid if f.channel == wanted), None)
                if match is not None:
                    return match
        return None

    def quote_case(self, case: str, day: date, beneficiary: Optional[str] = None) -> CaseQuote:
        in_person = self.fee_for(case, day, Channel.IN_PERSON, beneficiary)
        online = self.fee_for(case, day, Channel.ONLINE, beneficiary)
        return CaseQuote(case, in_person, online, self._expired_reductions(case, day, in_person))

    def _expired_reductions(
        self, case: str, day: date, today_fee: Optional[Fee]
    ) -> tuple[Fee, ...]:
        """Past general rows cheaper than today's in-person rate: reductions that ended."""
        if today_fee is None:
            return ()
        return tuple(
            f
            for f in self._rows(case, None)
            if f.valid_to is not None and f.valid_to < day and f.amount < today_fee.amount
        )

    def applicable_on(self, day: date, beneficiary: Optional[str] = None) -> list[CaseQuote]:
        """One quote per case that has any fee on `day`."""
        quotes = [self.quote_case(case, day, beneficiary) for case in self.cases()]
        return [q for q in quotes if q.in_person or q.online]

    def last_known_before(self, day: date) -> tuple[Optional[date], list[CaseQuote]]:
        """When no general fee applies on `day`: the last day one did, and what it was."""
        ended = [
            f.valid_to
            for f in self.fees
            if f.beneficiary is None and f.valid_to is not None and f.valid_to < day
        ]
        if not ended:
            return None, []
        last_day = max(ended)
        return last_day, self.applicable_on(last_day)

    def cheaper_online_on(self, day: date) -> list[CaseQuote]:
        return [q for q in self.applicable_on(day) if q.online_is_cheaper]
