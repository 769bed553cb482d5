"""The procedures and how-to guides the assistant knows, read from the database as
plain objects."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.db import session_scope
from bot.knowledge.dates import ages_in_days
from bot.knowledge.fees import (
    Channel,
    Circumstances,
    Condition,
    ConditionalRate,
    Fee,
    FeeSchedule,
    Source,
    Tier,
    WindowEdge,
)
from bot.knowledge.models import (
    CaseFactRow,
    CaseRow,
    ConditionRow,
    DocumentRow,
    FeeAuthorityRow,
    FeeRow,
    GuideRow,
    LoadRecord,
    MentionRow,
    NotCoveredRow,
    NoteRow,
    PartRow,
    ProcedureRow,
    SourceRow,
)
from bot.text import normalize


@dataclass(frozen=True)
class Document:
    name: str
    form: Optional[str]
    copy: str
    quantity: int
    note: Optional[str]
    source: Source
    verified: bool
    verified_on: date


@dataclass(frozen=True)
class Part:
    """A procedure joined in a "liên thông" bundle: the citizen files the bundle once and
    gets each part's result back."""

    name: str
    key: Optional[str]  # our procedure's key, when the knowledge base has it
    result: Optional[str]
    agency: Optional[str]
    note: Optional[str]
    source: Source
    verified: bool
    verified_on: date


@dataclass(frozen=True)
class FeeAuthority:
    """Who sets the fee when there is no national rate ("Hội đồng nhân dân cấp tỉnh")."""

    authority: str
    article: Optional[str]
    source: Source
    verified: bool
    verified_on: date


@dataclass(frozen=True)
class Note:
    """One sourced sentence: a case's note, or how long a result stays valid."""

    text: str
    source: Source
    verified: bool
    verified_on: date
    article: Optional[str] = None


@dataclass(frozen=True)
class Case:
    """A case whose documents or rules differ from the procedure's general ones."""

    key: str
    name: str
    question: str
    said: tuple[str, ...]  # normalised phrases
    min_age_days: Optional[int]
    max_age_days: Optional[int]
    documents: tuple[Document, ...]
    notes: tuple[Note, ...]

    def stated_in(self, padded: str, ages: Sequence[int]) -> bool:
        """Does the message say this case: one of its phrases (in the normalised message,
        padded with spaces), or one of its ages in days in its range ("con trai em 8
        tuổi", "bé được 5 tháng")?"""
        if any(f" {phrase} " in padded for phrase in self.said):
            return True
        if self.min_age_days is None and self.max_age_days is None:
            return False
        low, high = self.min_age_days or 0, self.max_age_days
        return any(low <= age and (high is None or age <= high) for age in ages)


@dataclass(frozen=True)
class Procedure:
    key: str
    code: Optional[str]
    name: str
    field: str
    agency: Optional[str]
    processing_time: Optional[str]
    online: str
    portal_url: Optional[str]
    verified: bool
    verified_on: date
    source: Source
    aliases: tuple[str, ...]
    documents: tuple[Document, ...]
    steps: tuple[str, ...]
    fees: FeeSchedule = field(compare=False)
    parts: tuple[Part, ...] = ()
    cases: tuple[Case, ...] = ()
    # the case this answer is for (`in_case`); None: the general rules
    case: Optional[Case] = None
    # who sets the fee when no national rate exists (each province's HĐND)
    fee_set_by: Optional[FeeAuthority] = None
    # how long the result stays valid ("10 năm, không được gia hạn")
    validity: tuple[Note, ...] = ()
    # who may file for whom, with or without an authorisation, who must be present
    who_may_file: tuple[Note, ...] = ()

    @property
    def is_bundle(self) -> bool:
        return bool(self.parts)

    def case_stated_in(self, text: str) -> Optional[Case]:
        """The first of this procedure's cases the message states, if any."""
        if not self.cases:
            return None
        padded, ages = f" {normalize(text)} ", ages_in_days(text)
        return next((c for c in self.cases if c.stated_in(padded, ages)), None)

    def case_named(self, key: Optional[str]) -> Optional[Case]:
        return next((c for c in self.cases if c.key == key), None)

    def in_case(self, case: Optional[Case]) -> Procedure:
        """This procedure as it applies in `case`: the case's documents (when it lists
        its own) and its notes, so an answer formats one object."""
        if case is None:
            return self
        return replace(self, documents=case.documents or self.documents, case=case)


@dataclass(frozen=True)
class Guide:
    """A how-to (registering an account, paying online, tracking a dossier...)."""

    key: str
    title: str
    intro: str
    steps: tuple[str, ...]
    notes: tuple[str, ...]
    link: Optional[str]
    keywords: tuple[str, ...]
    source: Source
    verified: bool
    verified_on: date

    def matches(self, text: str) -> int:
        """How many of this guide's keywords a message contains (normalised, whole words)."""
        padded = f" {normalize(text)} "
        return sum(1 for word in self.keywords if word and f" {word} " in padded)


def _document(row: DocumentRow | CaseFactRow, name: str) -> Document:
    return Document(
        name=name,
        form=row.form,
        copy=row.copy,
        quantity=row.quantity,
        note=row.note,
        source=_source(row.source),
        verified=row.verified,
        verified_on=row.verified_on,
    )


def _case(row: CaseRow) -> Case:
    documents = tuple(_document(f, f.text) for f in row.facts if f.kind == "document")
    notes = tuple(
        Note(f.text, _source(f.source), f.verified, f.verified_on)
        for f in row.facts
        if f.kind == "note"
    )
    return Case(
        key=row.key,
        name=row.name,
        question=row.question,
        said=tuple(row.said or ()),
        min_age_days=row.min_age_days,
        max_age_days=row.max_age_days,
        documents=documents,
        notes=notes,
    )


def _guide(row: GuideRow) -> Guide:
    return Guide(
        key=row.key,
        title=row.title,
        intro=row.intro,
        steps=tuple(row.steps or ()),
        notes=tuple(row.notes or ()),
        link=row.link,
        keywords=tuple(row.keywords or ()),
        source=_source(row.source),
        verified=row.verified,
        verified_on=row.verified_on,
    )


def _source(row: SourceRow) -> Source:
    return Source(key=row.key, title=row.title, url=row.url, legal_basis=row.legal_basis)


def _condition(row: ConditionRow) -> Condition:
    return Condition(
        key=row.key,
        wording=row.wording,
        yes_label=row.yes_label,
        no_label=row.no_label,
        source=_source(row.source),
        verified_on=row.verified_on,
        verified=row.verified,
        channel=Channel(row.channel) if row.channel else None,
        said_yes=tuple(row.said_yes or ()),
        said_no=tuple(row.said_no or ()),
    )


def _fee(row: FeeRow, conditions: dict[str, Condition]) -> Fee:
    return Fee(
        case=row.case,
        amount=row.amount,
        unit=row.unit,
        channel=Channel(row.channel),
        beneficiary=row.beneficiary,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=_source(row.source),
        verified_on=row.verified_on,
        verified=row.verified,
        tiers=tuple(Tier(t["from"], t.get("to"), t["amount"]) for t in row.tiers or []),
        cap=row.cap,
        conditions=tuple(conditions[key] for key in row.conditions or []),
        article=row.article,
        reduced_from=row.reduced_from,
    )


def _procedure(row: ProcedureRow, conditions: dict[str, Condition]) -> Procedure:
    return Procedure(
        key=row.key,
        code=row.code,
        name=row.name,
        field=row.field,
        agency=row.agency,
        processing_time=row.processing_time,
        online=row.online,
        portal_url=row.portal_url,
        verified=row.verified,
        verified_on=row.verified_on,
        source=_source(row.source),
        aliases=tuple(alias.text for alias in row.aliases),
        documents=tuple(_document(d, d.name) for d in row.documents),
        steps=tuple(step.text for step in row.steps),
        fees=FeeSchedule([_fee(f, conditions) for f in row.fees]),
        cases=tuple(_case(c) for c in row.cases),
        parts=tuple(
            Part(
                name=p.name,
                key=p.part_key,
                result=p.result,
                agency=p.agency,
                note=p.note,
                source=_source(p.source),
                verified=p.verified,
                verified_on=p.verified_on,
            )
            for p in row.parts
        ),
        fee_set_by=_fee_authority(row.fee_set_by) if row.fee_set_by is not None else None,
        validity=_notes(row, "validity"),
        who_may_file=_notes(row, "who_may_file"),
    )


def _notes(row: ProcedureRow, about: str) -> tuple[Note, ...]:
    return tuple(
        Note(n.text, _source(n.source), n.verified, n.verified_on, n.article)
        for n in row.notes
        if n.about == about
    )


def _fee_authority(row: FeeAuthorityRow) -> FeeAuthority:
    return FeeAuthority(
        row.authority, row.article, _source(row.source), row.verified, row.verified_on
    )


@dataclass(frozen=True)
class OnlineSavings:
    """Procedures cheaper online on a day: standing online rates, and conditional waivers
    (each with the procedure and case it is for)."""

    day: date
    cheaper: list[tuple[Procedure, list]]
    waivers: list[tuple[Procedure, str, ConditionalRate]]


@dataclass(frozen=True)
class Mention:
    """How a citizen named a procedure (data/kb/mentions); `procedure_key` None: one we
    do not have."""

    text: str
    procedure_key: Optional[str]
    file: str


@dataclass(frozen=True)
class Catalog:
    """Every loaded procedure, in file order, and the how-to guides."""

    procedures: Sequence[Procedure]
    load_id: int = 0
    guides: Sequence[Guide] = ()
    # phrases of procedures we do not cover (data/kb/chua_co.yml)
    not_covered: Sequence[str] = ()
    # circumstances rates may depend on, in data order (data/kb/mien_giam.yml)
    conditions: Sequence[Condition] = ()
    # how citizens named procedures, for the resolver's ranker (data/kb/mentions)
    mentions: Sequence[Mention] = ()

    def get(self, key: str) -> Optional[Procedure]:
        return next((p for p in self.procedures if p.key == key), None)

    def guide(self, key: str) -> Optional[Guide]:
        return next((g for g in self.guides if g.key == key), None)

    def troubleshooting(self, prefix: str, text: str) -> list[Guide]:
        """Guides under `prefix` (e.g. "account_") whose keywords the message names, best first."""
        scored = [(g.matches(text), i, g) for i, g in enumerate(self.guides)]
        return [
            g
            for score, _, g in sorted(scored, key=lambda s: (-s[0], s[1]))
            if score and g.key.startswith(prefix)
        ]

    def circumstances_in(self, text: str) -> Circumstances:
        """The conditions a message states ("nộp online", "có vneid mức 2"), read through
        the phrases of the data."""
        stated = {}
        for condition in self.conditions:
            met = condition.stated_in(text)
            if met is not None:
                stated[condition.key] = met
        return Circumstances.of(stated)

    def online_savings_on(self, day: date) -> OnlineSavings:
        """What filing online saves on `day`: standing cheaper online rates, and waivers
        for online filing that need further conditions (công dân số)."""
        cheaper, waivers = [], []
        online = next((c for c in self.conditions if c.channel == Channel.ONLINE), None)
        said_online = Circumstances.of({online.key: True}) if online else Circumstances()
        for procedure in self.procedures:
            plain = procedure.fees.on(day)
            quotes = [q for q in plain.quotes if q.online_is_cheaper]
            if quotes:
                cheaper.append((procedure, quotes))
            for quote in procedure.fees.on(day, circumstances=said_online).quotes:
                for rate in quote.conditional:
                    waivers.append((procedure, quote.case, rate))
        return OnlineSavings(day, cheaper, waivers)

    def window_edges(self, first: date, last: date) -> list[tuple[Procedure, WindowEdge]]:
        """Fee windows that open or close between `first` and `last`, by day (staff calendar)."""
        edges = [(p, edge) for p in self.procedures for edge in p.fees.edges_between(first, last)]
        return sorted(edges, key=lambda pe: pe[1].day)

    @classmethod
    def from_database(cls, url: Optional[str] = None) -> Catalog:
        with session_scope(url) as session:
            load_id = session.execute(select(func.max(LoadRecord.id))).scalar() or 0
            rows = (
                session.execute(
                    select(ProcedureRow)
                    .options(
                        selectinload(ProcedureRow.source),
                        selectinload(ProcedureRow.aliases),
                        selectinload(ProcedureRow.documents).selectinload(DocumentRow.source),
                        selectinload(ProcedureRow.steps),
                        selectinload(ProcedureRow.parts).selectinload(PartRow.source),
                        selectinload(ProcedureRow.cases)
                        .selectinload(CaseRow.facts)
                        .selectinload(CaseFactRow.source),
                        selectinload(ProcedureRow.fees).selectinload(FeeRow.source),
                        selectinload(ProcedureRow.fee_set_by).selectinload(FeeAuthorityRow.source),
                        selectinload(ProcedureRow.notes).selectinload(NoteRow.source),
                    )
                    .order_by(ProcedureRow.id)
                )
                .scalars()
                .all()
            )
            guides = session.execute(
                select(GuideRow).options(selectinload(GuideRow.source)).order_by(GuideRow.id)
            ).scalars()
            guides = [_guide(g) for g in guides]
            not_covered = session.execute(select(NotCoveredRow.phrase)).scalars().all()
            condition_rows = session.execute(
                select(ConditionRow)
                .options(selectinload(ConditionRow.source))
                .order_by(ConditionRow.position)
            ).scalars()
            conditions = {row.key: _condition(row) for row in condition_rows}
            mentions = session.execute(select(MentionRow).order_by(MentionRow.id)).scalars()
            return cls(
                [_procedure(row, conditions) for row in rows],
                load_id,
                guides,
                tuple(not_covered),
                tuple(conditions.values()),
                tuple(Mention(m.text, m.procedure_key, m.source_file) for m in mentions),
            )


def latest_load_id(url: Optional[str] = None) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.max(LoadRecord.id))).scalar() or 0


class CatalogCache:
    """The action server's view of the knowledge base: reloaded when staff load new data.

    Checking costs one tiny query, made at most every `check_every` seconds.
    """

    def __init__(self, url: Optional[str] = None, check_every: float = 30.0) -> None:
        self._url = url
        self._check_every = check_every
        self._lock = threading.Lock()
        self._catalog: Optional[Catalog] = None
        self._checked_at = 0.0

    def get(self) -> Catalog:
        with self._lock:
            now = time.monotonic()
            if self._catalog is None:
                self._catalog = Catalog.from_database(self._url)
                self._checked_at = now
            elif now - self._checked_at > self._check_every:
                self._checked_at = now
                if latest_load_id(self._url) != self._catalog.load_id:
                    self._catalog = Catalog.from_database(self._url)
            return self._catalog
