"""Database tables of the knowledge base (SQLAlchemy 1.4, the version Rasa 3.6 ships).

The YAML files under data/kb are the source of truth; these tables are what they load
into, so the action server answers from an indexed store and staff tools can query it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class SourceRow(Base):
    __tablename__ = "kb_sources"

    key = Column(String(80), primary_key=True)
    title = Column(Text, nullable=False)
    url = Column(Text, nullable=False)
    legal_basis = Column(Boolean, nullable=False, default=True)


class ProcedureRow(Base):
    __tablename__ = "kb_procedures"

    id = Column(Integer, primary_key=True)
    key = Column(String(120), unique=True, nullable=False)
    code = Column(String(40), nullable=True)
    name = Column(Text, nullable=False)
    field = Column(Text, nullable=False)
    agency = Column(Text, nullable=True)
    processing_time = Column(Text, nullable=True)
    online = Column(String(10), nullable=False, default="none")
    portal_url = Column(Text, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)
    source_file = Column(Text, nullable=False)

    source = relationship(SourceRow)
    aliases = relationship("AliasRow", cascade="all, delete-orphan")
    documents = relationship(
        "DocumentRow", cascade="all, delete-orphan", order_by="DocumentRow.position"
    )
    steps = relationship("StepRow", cascade="all, delete-orphan", order_by="StepRow.position")
    fees = relationship("FeeRow", cascade="all, delete-orphan", order_by="FeeRow.position")
    parts = relationship("PartRow", cascade="all, delete-orphan", order_by="PartRow.position")
    cases = relationship("CaseRow", cascade="all, delete-orphan", order_by="CaseRow.position")
    fee_set_by = relationship("FeeAuthorityRow", uselist=False, cascade="all, delete-orphan")
    notes = relationship("NoteRow", cascade="all, delete-orphan", order_by="NoteRow.position")


class AliasRow(Base):
    __tablename__ = "kb_aliases"

    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    text = Column(Text, nullable=False)
    normalized = Column(Text, nullable=False, index=True)


class DocumentRow(Base):
    __tablename__ = "kb_documents"

    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    form = Column(String(40), nullable=True)
    copy = Column(String(10), nullable=False, default="either")
    quantity = Column(Integer, nullable=False, default=1)
    note = Column(Text, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)

    source = relationship(SourceRow)


class StepRow(Base):
    __tablename__ = "kb_steps"

    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class PartRow(Base):
    """One procedure joined in a "liên thông" bundle: what it gives back and who does it."""

    __tablename__ = "kb_parts"
    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    part_key = Column(String(120), nullable=True)  # our procedure's key, when we have it
    result = Column(Text, nullable=True)
    agency = Column(Text, nullable=True)
    note = Column(Text, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)

    source = relationship(SourceRow)


class FeeAuthorityRow(Base):
    """Who sets a procedure's fee when there is no national rate ("Hội đồng nhân dân cấp
    tỉnh": each province its own), so the answer says who instead of only "no rate"."""

    __tablename__ = "kb_fee_authorities"
    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, unique=True)
    authority = Column(Text, nullable=False)
    article = Column(Text, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)

    source = relationship(SourceRow)


class NoteRow(Base):
    """A sourced sentence about a procedure that answers a question of its own (`about`):
    how long the result stays valid ("hộ chiếu 10 năm, không được gia hạn"), who may file
    ("ông bà đi đăng ký thay không cần giấy ủy quyền")."""

    __tablename__ = "kb_notes"
    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    about = Column(String(20), nullable=False)
    text = Column(Text, nullable=False)
    article = Column(Text, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)

    source = relationship(SourceRow)


class CaseRow(Base):
    """A case of a procedure whose documents or rules differ (a child's passport, a late
    birth registration): how a message says it, and its own documents and notes."""

    __tablename__ = "kb_cases"
    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    key = Column(String(80), nullable=False)
    name = Column(Text, nullable=False)
    question = Column(Text, nullable=False)  # the short question (a button) that asks it
    said = Column(JSON, nullable=False)  # normalised phrases that state it
    min_age_days = Column(Integer, nullable=True)  # an age in the message states it too
    max_age_days = Column(Integer, nullable=True)

    facts = relationship(
        "CaseFactRow", cascade="all, delete-orphan", order_by="CaseFactRow.position"
    )


class CaseFactRow(Base):
    """A document (`kind` document: replaces the general list) or a note of a case."""

    __tablename__ = "kb_case_facts"
    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("kb_cases.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    kind = Column(String(10), nullable=False)
    text = Column(Text, nullable=False)
    form = Column(String(40), nullable=True)
    copy = Column(String(10), nullable=False, default="either")
    quantity = Column(Integer, nullable=False, default=1)
    note = Column(Text, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)

    source = relationship(SourceRow)


class FeeRow(Base):
    __tablename__ = "kb_fees"

    id = Column(Integer, primary_key=True)
    procedure_id = Column(Integer, ForeignKey("kb_procedures.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    case = Column(Text, nullable=False)
    amount = Column(Integer, nullable=False)
    unit = Column(String(20), nullable=False, default="lần")
    channel = Column(String(10), nullable=False)
    beneficiary = Column(Text, nullable=True)
    tiers = Column(JSON, nullable=True)
    cap = Column(Integer, nullable=True)
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=True)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)
    # keys of kb_conditions rows that must all hold for this rate (migration 4)
    conditions = Column(JSON, nullable=True)
    article = Column(Text, nullable=True)  # where in the source: "khoản 8 Điều 1"
    reduced_from = Column(Integer, nullable=True)  # the base a temporary reduction is cut from

    source = relationship(SourceRow)


class ConditionRow(Base):
    """A circumstance rates depend on ("nộp trực tuyến", "có VNeID mức 2 ..."), with its
    wording for citizens and the normalised phrases that state it in a message."""

    __tablename__ = "kb_conditions"

    key = Column(String(80), primary_key=True)
    position = Column(Integer, nullable=False)
    wording = Column(Text, nullable=False)
    yes_label = Column(Text, nullable=False)
    no_label = Column(Text, nullable=False)
    channel = Column(String(10), nullable=True)
    said_yes = Column(JSON, nullable=False, default=list)
    said_no = Column(JSON, nullable=False, default=list)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)
    source_file = Column(Text, nullable=False)

    source = relationship(SourceRow)


class GuideRow(Base):
    """A how-to the assistant explains (registering an account, paying online...), with
    the source it comes from; troubleshooting items carry the words that identify them."""

    __tablename__ = "kb_guides"

    id = Column(Integer, primary_key=True)
    key = Column(String(80), unique=True, nullable=False)
    title = Column(Text, nullable=False)
    intro = Column(Text, nullable=False)
    steps = Column(JSON, nullable=False, default=list)
    notes = Column(JSON, nullable=False, default=list)
    link = Column(Text, nullable=True)
    keywords = Column(JSON, nullable=False, default=list)
    verified = Column(Boolean, nullable=False)
    verified_on = Column(Date, nullable=False)
    source_key = Column(String(80), ForeignKey("kb_sources.key"), nullable=False)
    source_file = Column(Text, nullable=False)
    source = relationship(SourceRow)


class NotCoveredRow(Base):
    """A phrase naming a procedure we do not cover, so it is never answered with a
    neighbour ("thi bằng lái" is not "đổi bằng lái")."""

    __tablename__ = "kb_not_covered"

    id = Column(Integer, primary_key=True)
    phrase = Column(Text, nullable=False)
    note = Column(Text, nullable=True)
    source_file = Column(Text, nullable=False)


class MentionRow(Base):
    """How a citizen named a procedure, in their own words (data/kb/mentions): what the
    resolver's ranker learns from. No procedure: one the knowledge base does not have."""

    __tablename__ = "kb_mentions"

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    procedure_key = Column(String(120), nullable=True)
    source_file = Column(Text, nullable=False)


class SchemaVersion(Base):
    """One row per applied migration (bot.knowledge.schema): the database's history."""

    __tablename__ = "kb_schema_version"

    version = Column(Integer, primary_key=True)
    description = Column(Text, nullable=False)
    applied_at = Column(DateTime, nullable=False)


class LoadRecord(Base):
    """One row per successful load: what was loaded, from which files, when."""

    __tablename__ = "kb_loads"

    id = Column(Integer, primary_key=True)
    loaded_at = Column(DateTime, nullable=False)
    fingerprint = Column(String(64), nullable=False)
    procedures = Column(Integer, nullable=False)
