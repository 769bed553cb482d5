"""Fee rules: what a procedure costs on a given day, for the citizen's circumstances.

These are plain dataclasses with no database behind them, so the rules (temporary
reductions with end dates, channel-specific rows, beneficiary groups, waivers that need
conditions such as "files online with a level-2 VNeID account", quantity tiers with
caps) are unit-tested directly at their boundaries.

`FeeSchedule.on(day, ...)` is the one question the answer layer asks: it returns a
`FeeDay` holding, per case, the most favourable rate that applies, the cheaper rates
that would apply under conditions the citizen has not stated, when temporary rates end
and what follows them, and what ended before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import Iterable, Mapping, Optional, Sequence

from bot.text import NEGATION_WORDS, fold, normalize


class Channel(str, Enum):
    ANY = "any"
    IN_PERSON = "in_person"
    ONLINE = "online"


FILING_CHANNELS = (Channel.IN_PERSON, Channel.ONLINE)


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str
    legal_basis: bool = True


@dataclass(frozen=True)
class Condition:
    """A circumstance some rates depend on ("nộp trực tuyến", "có VNeID mức 2 ..."),
    defined once in data with its wording and the phrases citizens use to state it.

    A condition with a `channel` is filing on that channel: stating it (or its opposite)
    also says which channel's rates apply."""

    key: str
    wording: str  # completes "nếu anh/chị …"
    yes_label: str  # button: the citizen meets it
    no_label: str  # button: the citizen does not
    source: Source
    verified_on: date
    verified: bool = True
    channel: Optional[Channel] = None
    said_yes: tuple[str, ...] = ()  # normalised phrases
    said_no: tuple[str, ...] = ()

    def stated_in(self, text: str) -> Optional[bool]:
        """True / False when the message says the citizen meets / does not meet this
        condition ("nộp online", "chưa có vneid mức 2"); None when it says neither, or
        both ("nộp trực tiếp hay online rẻ hơn")."""
        padded = f" {normalize(text or '')} "
        said_no = any(f" {phrase} " in padded for phrase in self.said_no)
        said_yes = False
        for phrase in self.said_yes:
            for match in re.finditer(re.escape(f" {phrase} "), padded):
                if set(padded[: match.start()].split()[-2:]) & NEGATION_WORDS:
                    said_no = True  # "không nộp online", "chưa có vneid mức 2"
                else:
                    said_yes = True
        if said_yes == said_no:
            return None
        return said_yes


@dataclass(frozen=True)
class Circumstances:
    """What the citizen has told us about the conditions: key → met or not; a key that
    is absent has not been stated. Remembered for the conversation as `encode()`."""

    facts: tuple[tuple[str, bool], ...] = ()

    @classmethod
    def of(cls, facts: Mapping[str, bool]) -> Circumstances:
        return cls(tuple(sorted(facts.items())))

    def get(self, key: str) -> Optional[bool]:
        return dict(self.facts).get(key)

    def updated(self, newer: Circumstances) -> Circumstances:
        """These facts with `newer` ones winning (the latest message is believed)."""
        return Circumstances.of({**dict(self.facts), **dict(newer.facts)})

    def encode(self) -> str:
        return ",".join(f"{key}={int(met)}" for key, met in self.facts)

    @classmethod
    def decode(cls, text: Optional[str]) -> Circumstances:
        """Read `encode()`'s form; anything malformed is ignored, never guessed."""
        facts = {}
        for part in (text or "").split(","):
            key, _, value = part.strip().partition("=")
            if key and value in ("0", "1"):
                facts[key] = value == "1"
        return cls.of(facts)

    def __bool__(self) -> bool:
        return bool(self.facts)


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
    conditions: tuple[Condition, ...] = ()
    article: Optional[str] = None  # where in the source: "khoản 8 Điều 1", "Phụ lục II"
    reduced_from: Optional[int] = None  # the base ("mức gốc") a temporary reduction is cut from

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_quantity_based(self) -> bool:
        return bool(self.tiers)

    @property
    def filing_channel(self) -> Channel:
        """The channel this rate is for: its own, or the one a condition requires."""
        if self.channel != Channel.ANY:
            return self.channel
        return next((c.channel for c in self.conditions if c.channel), Channel.ANY)

    def fits(self, channel: Channel) -> bool:
        return self.filing_channel in (channel, Channel.ANY)

    @property
    def reduction_percent(self) -> Optional[int]:
        """50 for a rate that is half its base; None without a base or for odd fractions."""
        if not self.reduced_from or self.amount >= self.reduced_from:
            return None
        cut = (self.reduced_from - self.amount) * 100
        return cut // self.reduced_from if cut % self.reduced_from == 0 else None

    def unmet(self, circumstances: Circumstances) -> Optional[tuple[Condition, ...]]:
        """The conditions not yet stated; None when one is known not to be met."""
        if any(circumstances.get(c.key) is False for c in self.conditions):
            return None
        return tuple(c for c in self.conditions if circumstances.get(c.key) is None)

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


def _preference(fee: Fee) -> tuple[int, bool, bool, bool]:
    """Most favourable first (TT 117/2026 Điều 2.2: the citizen gets the best rate); at
    equal amounts a verified, channel-specific, group-specific row is the better answer."""
    return (fee.total_for(1), not fee.verified, fee.channel == Channel.ANY, not fee.beneficiary)


@dataclass(frozen=True)
class ConditionalRate:
    """A cheaper rate that applies only if the citizen meets conditions not stated yet."""

    fee: Fee
    unmet: tuple[Condition, ...]


@dataclass(frozen=True)
class NextChange:
    """What follows a temporary rate: the rate known to apply from the next day, or,
    when none is known, the base the reduction was cut from (expected, not confirmed)."""

    fee: Fee  # the temporary rate
    successor: Optional[Fee]

    @property
    def first_day(self) -> date:
        assert self.fee.valid_to is not None
        return self.fee.valid_to + timedelta(days=1)

    @property
    def expected_amount(self) -> Optional[int]:
        return self.fee.reduced_from if self.successor is None else None


@dataclass(frozen=True)
class CaseQuote:
    """What one case (e.g. "Cấp mới") costs on a day, for what the citizen has said."""

    case: str
    in_person: Optional[Fee]
    online: Optional[Fee]
    expired_reductions: tuple[Fee, ...] = ()
    conditional: tuple[ConditionalRate, ...] = ()
    next_changes: tuple[NextChange, ...] = ()
    # no rate applies on the day: the last one that did, and what is expected after it
    lapsed: Optional[NextChange] = None

    @property
    def has_rate(self) -> bool:
        return bool(self.in_person or self.online or self.conditional)

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

    @property
    def fees(self) -> list[Fee]:
        """Every rate this quote shows, for its sources."""
        shown = [self.in_person, self.online, *self.expired_reductions]
        shown += [rate.fee for rate in self.conditional]
        shown += [change.successor for change in self.next_changes]
        if self.lapsed is not None:
            shown.append(self.lapsed.fee)
        return list(dict.fromkeys(f for f in shown if f is not None))


@dataclass(frozen=True)
class FeeDay:
    """Everything the answer about one procedure's fees on one day needs."""

    day: date
    beneficiary: Optional[str]
    circumstances: Circumstances
    quotes: tuple[CaseQuote, ...]
    group_rates: tuple[Fee, ...] = ()  # groups' own rates, when no group was asked
    group_has_own_rate: bool = False  # the group asked has a rate of its own

    @property
    def has_rate(self) -> bool:
        return any(quote.has_rate for quote in self.quotes)

    @property
    def open_conditions(self) -> tuple[Condition, ...]:
        """Conditions not stated yet that would change a fee: the question worth asking."""
        seen: dict[str, Condition] = {}
        for quote in self.quotes:
            for rate in quote.conditional:
                for condition in rate.unmet:
                    seen.setdefault(condition.key, condition)
        return tuple(seen.values())

    @property
    def fees(self) -> list[Fee]:
        shown = [f for quote in self.quotes for f in quote.fees] + list(self.group_rates)
        return list(dict.fromkeys(shown))


@dataclass(frozen=True)
class WindowEdge:
    """A fee window that opens or closes: for the staff calendar."""

    day: date  # the first day of a window, or its last day
    starts: bool
    fee: Fee
    change: Optional[NextChange] = None  # for a closing window: what follows


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
        # abbreviations expanded ("sv" is "sinh vien") only for a whole group's name: the
        # "cong dan" that "cccd" expands to is not "công dân thường trú tại xã biên giới"
        expanded = f" {normalize(text or '')} "
        best: Optional[str] = None
        for label in {fee.beneficiary for fee in self.fees if fee.beneficiary}:
            for member in group_members(label):
                words = member.split()
                for size in range(len(words), 1, -1):
                    phrase = " ".join(words[:size])
                    found = f" {phrase} " in padded or (
                        size == len(words) and f" {phrase} " in expanded
                    )
                    if found and (best is None or len(phrase) > len(best)):
                        best = phrase
                        break
        return best

    def beneficiaries(self) -> list[str]:
        groups = {fee.beneficiary for fee in self.fees if fee.beneficiary}
        return sorted(groups)

    def conditions(self) -> list[Condition]:
        seen: dict[str, Condition] = {}
        for fee in self.fees:
            for condition in fee.conditions:
                seen.setdefault(condition.key, condition)
        return list(seen.values())

    def on(
        self,
        day: date,
        beneficiary: Optional[str] = None,
        circumstances: Circumstances = Circumstances(),
    ) -> FeeDay:
        """The fees on `day` for a citizen of `beneficiary`'s group (None: everyone) who
        has told us `circumstances`: the one result the answer layer formats."""
        quotes = [self._quote(case, day, beneficiary, circumstances) for case in self.cases()]
        quotes = [q for q in quotes if q.has_rate or q.lapsed is not None]
        group_rates: tuple[Fee, ...] = ()
        if not beneficiary:
            group_rates = tuple(self._group_rates(day, circumstances))
        own = bool(beneficiary) and any(
            f.beneficiary for q in quotes for f in (q.in_person, q.online) if f
        )
        return FeeDay(day, beneficiary, circumstances, tuple(quotes), group_rates, own)

    def edges_between(self, first: date, last: date) -> list[WindowEdge]:
        """Windows that open or close between `first` and `last` (inclusive), by day."""
        edges = []
        for fee in self.fees:
            if first <= fee.valid_from <= last:
                edges.append(WindowEdge(fee.valid_from, True, fee))
            if fee.valid_to is not None and first <= fee.valid_to <= last:
                successor = self._successor(fee)
                edges.append(WindowEdge(fee.valid_to, False, fee, NextChange(fee, successor)))
        return sorted(edges, key=lambda e: (e.day, e.fee.case, not e.starts))

    # --- the rules ---

    def _rows(self, case: str, day: date, beneficiary: Optional[str]) -> list[Fee]:
        """Rows of `case` valid on `day` that a citizen of the group may use."""
        return [
            f
            for f in self.fees
            if f.case == case
            and f.is_valid_on(day)
            and (f.beneficiary is None or (beneficiary and belongs_to(beneficiary, f.beneficiary)))
        ]

    def _best(
        self, rows: Iterable[Fee], channel: Channel, circumstances: Circumstances
    ) -> Optional[Fee]:
        """The most favourable row for `channel` whose conditions are all met."""
        usable = [f for f in rows if f.fits(channel) and f.unmet(circumstances) == ()]
        return min(usable, key=_preference, default=None)

    def _quote(
        self, case: str, day: date, beneficiary: Optional[str], circumstances: Circumstances
    ) -> CaseQuote:
        """Per channel the most favourable row whose conditions are met; the cheaper rows
        that wait on unstated conditions; what follows temporary rates; what ended."""
        rows = self._rows(case, day, beneficiary)
        channels = FILING_CHANNELS
        applied = {ch: self._best(rows, ch, circumstances) for ch in channels}
        conditional = []
        for fee in sorted(rows, key=_preference):
            unmet = fee.unmet(circumstances)
            fitting = [ch for ch in channels if fee.fits(ch)]
            if not unmet or not fitting:
                continue
            beats = [
                applied[ch] is None or fee.total_for(1) < applied[ch].total_for(1) for ch in fitting
            ]
            if any(beats):
                conditional.append(ConditionalRate(fee, unmet))
        shown = [f for f in applied.values() if f is not None]
        changes = [
            NextChange(fee, self._successor(fee, beneficiary, circumstances))
            for fee in dict.fromkeys(shown)
            if fee.valid_to is not None
        ]
        lapsed = None if shown else self._lapsed(case, day)
        return CaseQuote(
            case,
            applied.get(Channel.IN_PERSON),
            applied.get(Channel.ONLINE),
            self._expired_reductions(case, day, shown),
            tuple(conditional),
            tuple(changes),
            lapsed,
        )

    def _successor(
        self,
        fee: Fee,
        beneficiary: Optional[str] = None,
        circumstances: Circumstances = Circumstances(),
    ) -> Optional[Fee]:
        """The rate for the same case, channel and conditions on the day after `fee` ends."""
        assert fee.valid_to is not None
        next_day = fee.valid_to + timedelta(days=1)
        rows = [
            f
            for f in self._rows(fee.case, next_day, beneficiary or fee.beneficiary)
            if (f.beneficiary == fee.beneficiary or f.beneficiary is None)
            and {c.key for c in f.conditions} <= {c.key for c in fee.conditions}
        ]
        known = circumstances.updated(Circumstances.of({c.key: True for c in fee.conditions}))
        return self._best(rows, fee.filing_channel, known)

    def _lapsed(self, case: str, day: date) -> Optional[NextChange]:
        """The last unconditional general row of `case` that ended before `day`."""
        ended = [
            f
            for f in self.fees
            if f.case == case
            and f.beneficiary is None
            and not f.conditions
            and f.valid_to is not None
            and f.valid_to < day
        ]
        if not ended:
            return None
        last = max(ended, key=lambda f: (f.valid_to, -f.total_for(1)))
        return NextChange(last, None)

    def _expired_reductions(
        self, case: str, day: date, today_fees: Sequence[Fee]
    ) -> tuple[Fee, ...]:
        """Past unconditional general rows cheaper than today's dearest rate: reductions
        that ended (the citizen may remember them)."""
        if not today_fees:
            return ()
        dearest = max(f.amount for f in today_fees)
        return tuple(
            f
            for f in self.fees
            if f.case == case
            and f.beneficiary is None
            and not f.conditions
            and f.valid_to is not None
            and f.valid_to < day
            and f.amount < dearest
        )

    def _group_rates(self, day: date, circumstances: Circumstances) -> list[Fee]:
        """Each group's own rate per case on `day` (the most favourable of its rows)."""
        found = []
        for label in self.beneficiaries():
            for case in self.cases():
                rows = [
                    f
                    for f in self.fees
                    if f.case == case and f.beneficiary == label and f.is_valid_on(day)
                ]
                best = min(
                    (f for f in rows if f.unmet(circumstances) == ()), key=_preference, default=None
                )
                if best is not None:
                    found.append(best)
        return found
