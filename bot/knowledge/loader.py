"""Load the staff-edited YAML sources into the database: validated, then all or nothing.

Every problem is reported as `file:line: message`, all of them at once, so staff can
fix a file in one pass; when there is any problem nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from sqlalchemy.orm import Session

from bot.knowledge.freshness import DatedFact
from bot.knowledge.models import (
    AliasRow,
    Base,
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
    SchemaVersion,
    SourceRow,
    StepRow,
)
from bot.knowledge.schema import migrate
from bot.text import fold, normalize

LINE = "__line__"

SOURCE_KEYS = {"title", "url", "legal_basis"}
PROCEDURE_KEYS = {
    "code", "name", "aliases", "field", "agency", "processing_time", "online", "portal_url",
    "verified", "source", "verified_on", "documents", "steps", "fees", "parts", "cases",
    "fee_set_by", "validity", "who_may_file",
}  # fmt: skip
# sourced sentences that answer a question of their own (`NoteRow.about`)
NOTE_TOPICS = ("validity", "who_may_file")
NOTE_KEYS = {"text", "article", "source", "verified_on", "verified"}
FEE_AUTHORITY_KEYS = {"authority", "article", "source", "verified_on", "verified"}
CASE_KEYS = {"key", "name", "question", "said", "age_days", "documents", "notes"}
CASE_NOTE_KEYS = {"text", "source", "verified_on", "verified"}
AGE_KEYS = {"from", "to"}
PART_KEYS = {
    "name", "procedure", "result", "agency", "note", "source", "verified_on", "verified",
}  # fmt: skip
DOCUMENT_KEYS = {"name", "form", "copy", "quantity", "note", "source", "verified_on", "verified"}
FEE_KEYS = {
    "case", "amount", "unit", "channel", "beneficiary", "tiers", "cap", "valid_from",
    "valid_to", "source", "verified_on", "verified", "conditions", "article", "reduced_from",
}  # fmt: skip
CONDITION_KEYS = {
    "key", "wording", "yes_label", "no_label", "channel", "said_yes", "said_no", "source",
    "verified_on", "verified",
}  # fmt: skip
FILING_CHANNELS = {"in_person", "online"}
GUIDE_KEYS = {
    "key",
    "title",
    "intro",
    "steps",
    "notes",
    "link",
    "keywords",
    "source",
    "verified_on",
    "verified",
}
# history, not content: a reload keeps them
KEPT_ON_RELOAD = {LoadRecord.__tablename__, SchemaVersion.__tablename__}
TIER_KEYS = {"from", "to", "amount"}
ONLINE_LEVELS = {"full", "partial", "none"}
CHANNELS = {"any", "in_person", "online"}
COPY_KINDS = {"original", "copy", "either"}


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InvalidKnowledgeBaseError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ParsedSources:
    """Everything read from the YAML files, checked and ready to insert."""

    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    guides: list[dict[str, Any]] = field(default_factory=list)
    not_covered: list[dict[str, Any]] = field(default_factory=list)
    # how citizens named procedures (mentions/*.yml), for the resolver's ranker
    mentions: list[dict[str, Any]] = field(default_factory=list)
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)
    fingerprint: str = ""


def source_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yml") if p.is_file())


MENTIONS = "mentions"  # the folder of mention files inside the knowledge base's
MENTION_MAX_CHARS = 500


def mention_files(directory: Path) -> list[Path]:
    return sorted(p for p in (directory / MENTIONS).glob("*.yml") if p.is_file())


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, file: str, item: dict[str, Any] | None, message: str) -> None:
        line = item.get(LINE, 0) if isinstance(item, dict) else 0
        self.problems.append(Problem(file, line, message))

    def keys(self, file: str, item: dict[str, Any], allowed: set[str], what: str) -> None:
        for key in sorted(set(item) - allowed - {LINE}):
            self.problem(file, item, f"unknown key '{key}' in {what}")

    def required(self, file: str, item: dict[str, Any], names: Iterable[str], what: str) -> None:
        for name in names:
            if item.get(name) in (None, ""):
                self.problem(file, item, f"{what} is missing '{name}'")

    def a_date(self, file: str, item: dict[str, Any], name: str) -> Optional[date]:
        value = item.get(name)
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(file, item, f"'{name}' is not a date (YYYY-MM-DD): {value!r}")
            return None

    def a_source(self, file: str, item: dict[str, Any], sources: dict[str, Any]) -> None:
        key = item.get("source")
        if key is None:
            self.problem(file, item, "missing 'source' (every fact cites one)")
        elif key not in sources:
            self.problem(file, item, f"unknown source '{key}'")
        if item.get("verified_on") is None:
            self.problem(file, item, "missing 'verified_on' (the date the fact was checked)")
        if not isinstance(item.get("verified", True), bool):
            self.problem(file, item, "'verified' must be true or false")


def parse_sources(directory: Path) -> ParsedSources:
    """Read and validate every YAML file; raise InvalidKnowledgeBaseError listing all problems."""
    check = _Checker()
    parsed = ParsedSources()
    digest = hashlib.sha256()
    files = source_files(directory)
    if not files:
        raise InvalidKnowledgeBaseError([Problem(str(directory), 0, "no *.yml source files")])
    documents: list[tuple[str, dict[str, Any]]] = []
    guides: list[tuple[str, dict[str, Any]]] = []
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw)
        name = path.name
        content = _yaml_of(check, name, raw)
        if content is None:
            continue
        if not isinstance(content, dict):
            check.problem(name, None, "top level must be a mapping with 'sources' and 'procedures'")
            continue
        check.keys(
            name, content, {"sources", "procedures", "guides", "not_covered", "conditions"}, "file"
        )
        for key, source in (content.get("sources") or {}).items():
            if key == LINE:
                continue
            if not isinstance(source, dict):
                check.problem(name, content, f"source '{key}' must be a mapping")
                continue
            check.keys(name, source, SOURCE_KEYS, f"source '{key}'")
            check.required(name, source, ("title", "url"), f"source '{key}'")
            if key in parsed.sources:
                check.problem(name, source, f"source '{key}' is defined twice")
            parsed.sources[key] = {**source, "file": name}
        for procedure in content.get("procedures") or []:
            documents.append((name, procedure))
        for guide in content.get("guides") or []:
            guides.append((name, guide))
        for group in content.get("not_covered") or []:
            _check_not_covered(check, name, group, parsed)
        for condition in content.get("conditions") or []:
            _read_condition(check, name, condition, parsed)
    for path in mention_files(directory):
        raw = path.read_bytes()
        digest.update(f"{MENTIONS}/{path.name}".encode() + b"\0" + raw)
        _read_mentions(check, f"{MENTIONS}/{path.name}", raw, parsed)
    parsed.fingerprint = digest.hexdigest()
    for condition in parsed.conditions.values():
        check.a_source(condition["file"], condition, parsed.sources)

    seen_keys: dict[str, str] = {}
    alias_owner: dict[str, str] = {}
    for name, procedure in documents:
        if not isinstance(procedure, dict):
            check.problem(name, None, "each procedure must be a mapping")
            continue
        _check_procedure(check, name, procedure, parsed.sources, parsed.conditions)
        key = procedure_key(procedure)
        if key in seen_keys:
            check.problem(name, procedure, f"procedure '{key}' already defined in {seen_keys[key]}")
        seen_keys[key] = name
        for alias in [procedure.get("name", ""), *(procedure.get("aliases") or [])]:
            folded = normalize(str(alias))
            owner = alias_owner.setdefault(folded, key)
            if owner != key:
                check.problem(name, procedure, f"alias '{alias}' is also used by '{owner}'")
        procedure["file"] = name
        parsed.procedures.append(procedure)
    _link_parts(check, parsed.procedures)
    said: dict[str, dict[str, Any]] = {}
    for mention in parsed.mentions:
        if mention["procedure"] is not None and mention["procedure"] not in seen_keys:
            check.problem(mention["file"], mention, f"unknown procedure '{mention['procedure']}'")
        first = said.setdefault(normalize(mention["text"]), mention)
        if first["procedure"] != mention["procedure"]:
            check.problem(
                mention["file"],
                mention,
                f"the same words name '{first['procedure']}' in {first['file']}",
            )
    guide_files: dict[str, str] = {}
    for name, guide in guides:
        if not isinstance(guide, dict):
            check.problem(name, None, "each guide must be a mapping")
            continue
        label = f"guide '{guide.get('key', '?')}'"
        check.keys(name, guide, GUIDE_KEYS, label)
        check.required(name, guide, ("key", "title", "intro", "source", "verified_on"), label)
        check.a_source(name, guide, parsed.sources)
        check.a_date(name, guide, "verified_on")
        for listed in ("steps", "notes", "keywords"):
            if not isinstance(guide.get(listed) or [], list):
                check.problem(name, guide, f"{label}: '{listed}' must be a list")
        if guide.get("key") in guide_files:
            check.problem(name, guide, f"{label} already defined in {guide_files[guide['key']]}")
        guide_files[guide.get("key")] = name
        guide["file"] = name
        parsed.guides.append(guide)
    if check.problems:
        raise InvalidKnowledgeBaseError(check.problems)
    return parsed


def _yaml_of(check: _Checker, name: str, raw: bytes) -> Any:
    """The file's content ({} when empty), or None with the problem recorded."""
    try:
        return yaml.load(raw.decode("utf-8"), Loader=_LineLoader) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        check.problems.append(Problem(name, mark.line + 1 if mark else 0, f"not YAML: {error}"))
        return None


def _read_mentions(check: _Checker, name: str, raw: bytes, parsed: ParsedSources) -> None:
    """A mention file: `mentions:`, each a `text` and the `procedure` key it names (null
    for a procedure the knowledge base does not have)."""
    content = _yaml_of(check, name, raw)
    if content is None:
        return
    if not isinstance(content, dict) or not isinstance(content.get("mentions"), list):
        check.problem(name, None, "a mention file is a mapping with a 'mentions' list")
        return
    check.keys(name, content, {"mentions"}, "file")
    for item in content["mentions"]:
        if not isinstance(item, dict):
            check.problem(name, None, "each mention must be a mapping")
            continue
        check.keys(name, item, {"text", "procedure"}, "mention")
        text, key = item.get("text"), item.get("procedure")
        if not isinstance(text, str) or not text.strip() or len(text) > MENTION_MAX_CHARS:
            check.problem(
                name, item, f"a mention needs a 'text' of 1 to {MENTION_MAX_CHARS} characters"
            )
            continue
        if "procedure" not in item or not isinstance(key, (str, type(None))):
            check.problem(
                name, item, "a mention needs 'procedure', a quoted key (null: one we do not have)"
            )
            continue
        parsed.mentions.append({"text": text, "procedure": key, "file": name, LINE: item.get(LINE)})


def _check_not_covered(check: _Checker, file: str, group: Any, parsed: ParsedSources) -> None:
    if not isinstance(group, dict):
        check.problem(file, None, "each not_covered entry must be a mapping")
        return
    check.keys(file, group, {"note", "phrases"}, "not_covered entry")
    phrases = group.get("phrases")
    if not isinstance(phrases, list) or not phrases:
        check.problem(file, group, "not_covered entry needs a non-empty 'phrases' list")
        return
    for phrase in phrases:
        words = normalize(str(phrase)).split()
        if not words or (len(words) == 1 and len(words[0]) < 4):
            # a lone short syllable ("thi", also "thì") would rule out far too much
            check.problem(file, group, f"phrase '{phrase}' is too short to name a procedure")
        parsed.not_covered.append({"phrase": str(phrase), "note": group.get("note"), "file": file})


def _read_condition(check: _Checker, file: str, condition: Any, parsed: ParsedSources) -> None:
    """A condition rates may require: wording, button labels, phrases that state it."""
    if not isinstance(condition, dict):
        check.problem(file, None, "each condition must be a mapping")
        return
    label = f"condition '{condition.get('key', '?')}'"
    check.keys(file, condition, CONDITION_KEYS, label)
    check.required(file, condition, ("key", "wording", "yes_label", "no_label"), label)
    check.a_date(file, condition, "verified_on")
    if condition.get("channel") not in (None, *FILING_CHANNELS):
        check.problem(
            file, condition, f"{label}: 'channel' must be one of {sorted(FILING_CHANNELS)}"
        )
    for listed in ("said_yes", "said_no"):
        phrases = condition.get(listed) or []
        if not isinstance(phrases, list) or not all(normalize(str(p)) for p in phrases):
            check.problem(file, condition, f"{label}: '{listed}' must be a list of phrases")
    if not condition.get("said_yes"):
        check.problem(file, condition, f"{label} needs 'said_yes' phrases to be read from messages")
    key = condition.get("key")
    if key in parsed.conditions:
        check.problem(
            file, condition, f"{label} already defined in {parsed.conditions[key]['file']}"
        )
    parsed.conditions[key] = {**condition, "file": file}


def procedure_key(procedure: dict[str, Any]) -> str:
    """A stable key: the official code when known, otherwise the folded name."""
    code = procedure.get("code")
    return str(code) if code else fold(str(procedure.get("name", ""))).replace(" ", "-")


def _check_procedure(
    check: _Checker,
    file: str,
    procedure: dict[str, Any],
    sources: dict[str, Any],
    conditions: dict[str, dict[str, Any]],
) -> None:
    label = f"procedure '{procedure.get('name', '?')}'"
    check.keys(file, procedure, PROCEDURE_KEYS, label)
    check.required(file, procedure, ("name", "field"), label)
    check.a_source(file, procedure, sources)
    check.a_date(file, procedure, "verified_on")
    if procedure.get("online", "none") not in ONLINE_LEVELS:
        check.problem(file, procedure, f"'online' must be one of {sorted(ONLINE_LEVELS)}")
    if not isinstance(procedure.get("aliases") or [], list):
        check.problem(file, procedure, "'aliases' must be a list")
    if len(str(procedure.get("code") or "")) > 40:
        check.problem(file, procedure, "'code' is longer than 40 characters")
    if len(procedure_key(procedure)) > 120:
        check.problem(file, procedure, "the name is too long for a key (120 characters folded)")
    for document in procedure.get("documents") or []:
        _check_document(check, file, document, sources)
    if not isinstance(procedure.get("parts") or [], list):
        check.problem(file, procedure, "'parts' must be a list")
    for part in procedure.get("parts") or []:
        check.keys(file, part, PART_KEYS, "part")
        check.required(file, part, ("name", "result"), "part")
        check.a_source(file, part, sources)
        check.a_date(file, part, "verified_on")
    if not all(isinstance(step, str) for step in procedure.get("steps") or []):
        check.problem(file, procedure, "'steps' must be a list of sentences")
    _check_fees(check, file, procedure.get("fees") or [], sources, conditions)
    _check_cases(check, file, procedure.get("cases") or [], sources)
    _check_fee_authority(check, file, procedure.get("fee_set_by"), sources)
    for topic in NOTE_TOPICS:
        _check_notes(check, file, topic, procedure.get(topic), sources)


def _check_notes(
    check: _Checker, file: str, topic: str, notes: Any, sources: dict[str, Any]
) -> None:
    """`validity`, `who_may_file`: sourced sentences, one fact each."""
    if notes is None:
        return
    if not isinstance(notes, list):
        check.problem(file, {}, f"'{topic}' must be a list of sourced sentences")
        return
    for note in notes:
        check.keys(file, note, NOTE_KEYS, topic)
        check.required(file, note, ("text",), topic)
        check.a_source(file, note, sources)
        check.a_date(file, note, "verified_on")


def _check_fee_authority(
    check: _Checker, file: str, authority: Any, sources: dict[str, Any]
) -> None:
    """`fee_set_by`: who sets the fee where no national rate exists, sourced like a fee."""
    if authority is None:
        return
    if not isinstance(authority, dict):
        check.problem(file, {}, "'fee_set_by' must be a mapping (authority, source, ...)")
        return
    check.keys(file, authority, FEE_AUTHORITY_KEYS, "fee_set_by")
    check.required(file, authority, ("authority",), "fee_set_by")
    check.a_source(file, authority, sources)
    check.a_date(file, authority, "verified_on")


def _check_document(
    check: _Checker, file: str, document: dict[str, Any], sources: dict[str, Any]
) -> None:
    check.keys(file, document, DOCUMENT_KEYS, "document")
    if len(str(document.get("form") or "")) > 40:
        check.problem(
            file, document, "'form' is longer than 40 characters (put the rest in 'note')"
        )
    check.required(file, document, ("name",), "document")
    check.a_source(file, document, sources)
    check.a_date(file, document, "verified_on")
    if document.get("copy", "either") not in COPY_KINDS:
        check.problem(file, document, f"'copy' must be one of {sorted(COPY_KINDS)}")
    quantity = document.get("quantity", 1)
    if not isinstance(quantity, int) or quantity < 1:
        check.problem(file, document, "'quantity' must be a positive whole number")


def _check_cases(
    check: _Checker, file: str, cases: list[dict[str, Any]], sources: dict[str, Any]
) -> None:
    """A case needs a key, a name, the question that asks it and a way to be stated
    (phrases or an age); its documents and notes carry sources like every fact."""
    if not isinstance(cases, list):
        check.problem(file, {}, "'cases' must be a list")
        return
    keys: set[str] = set()
    for case in cases:
        label = f"case '{case.get('key', '?')}'"
        check.keys(file, case, CASE_KEYS, label)
        check.required(file, case, ("key", "name", "question"), label)
        if len(str(case.get("key") or "")) > 80:
            check.problem(file, case, f"{label}: 'key' is longer than 80 characters")
        if case.get("key") in keys:
            check.problem(file, case, f"{label} is defined twice")
        keys.add(case.get("key"))
        said = case.get("said") or []
        if not isinstance(said, list) or not all(normalize(str(p)) for p in said):
            check.problem(file, case, f"{label}: 'said' must be a list of phrases")
        age = case.get("age_days")
        if age is not None and not isinstance(age, dict):
            check.problem(file, case, f"{label}: 'age_days' must be a mapping with from / to")
        elif age is not None:
            check.keys(file, age, AGE_KEYS, f"{label} age_days")
            if not all(isinstance(age.get(k), (int, type(None))) for k in AGE_KEYS):
                check.problem(file, case, f"{label}: 'age_days' bounds must be whole numbers")
        if not said and age is None:
            check.problem(file, case, f"{label} needs 'said' phrases or 'age_days'")
        for document in case.get("documents") or []:
            _check_document(check, file, document, sources)
        for note in case.get("notes") or []:
            check.keys(file, note, CASE_NOTE_KEYS, "case note")
            check.required(file, note, ("text",), "case note")
            check.a_source(file, note, sources)
            check.a_date(file, note, "verified_on")


def _link_parts(check: _Checker, procedures: list[dict[str, Any]]) -> None:
    """Each part of a bundle names our procedure by its key, or by its exact name when it
    has no code; a part we do not have keeps `procedure: null` and no link."""
    keys = {procedure_key(p) for p in procedures if isinstance(p, dict)}
    by_name = {p.get("name"): procedure_key(p) for p in procedures if isinstance(p, dict)}
    for procedure in procedures:
        for part in procedure.get("parts") or []:
            if not isinstance(part, dict):
                continue
            wanted = part.get("procedure")
            if wanted is not None and str(wanted) not in keys:
                check.problem(
                    procedure["file"], part, f"part '{part.get('name')}': no procedure '{wanted}'"
                )
            part["key"] = str(wanted) if wanted is not None else by_name.get(part.get("name"))


def _check_fees(
    check: _Checker,
    file: str,
    fees: list[dict[str, Any]],
    sources: dict[str, Any],
    conditions: dict[str, dict[str, Any]],
) -> None:
    windows: dict[tuple[Any, ...], list[tuple[date, Optional[date], dict[str, Any]]]] = {}
    for fee in fees:
        check.keys(file, fee, FEE_KEYS, "fee")
        check.required(file, fee, ("case", "valid_from"), "fee")
        check.a_source(file, fee, sources)
        check.a_date(file, fee, "verified_on")
        amount = fee.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool):
            check.problem(file, fee, "'amount' must be a whole number of đồng")
        elif amount < 0:
            check.problem(file, fee, f"negative fee: {amount}")
        if fee.get("channel", "any") not in CHANNELS:
            check.problem(file, fee, f"'channel' must be one of {sorted(CHANNELS)}")
        cap = fee.get("cap")
        if cap is not None and (not isinstance(cap, int) or cap < 0):
            check.problem(file, fee, "'cap' must be a non-negative whole number")
        base = fee.get("reduced_from")
        if base is not None and (
            not isinstance(base, int) or not isinstance(amount, int) or base <= amount
        ):
            check.problem(file, fee, "'reduced_from' must be a base amount above 'amount'")
        required = fee.get("conditions") or []
        if not isinstance(required, list):
            check.problem(file, fee, "'conditions' must be a list of condition keys")
            required = []
        for key in required:
            if key not in conditions:
                check.problem(file, fee, f"unknown condition '{key}'")
                continue
            needs = conditions[key].get("channel")
            if needs and fee.get("channel", "any") not in ("any", needs):
                check.problem(
                    file, fee, f"condition '{key}' is filing {needs}, the fee's channel is not"
                )
        for tier in fee.get("tiers") or []:
            check.keys(file, tier, TIER_KEYS, "tier")
            if not isinstance(tier.get("from"), int) or tier["from"] < 1:
                check.problem(file, tier, "tier 'from' must be a whole number from 1")
            if not isinstance(tier.get("amount"), int) or tier["amount"] < 0:
                check.problem(file, tier, "tier 'amount' must be a non-negative whole number")
        start, end = check.a_date(file, fee, "valid_from"), check.a_date(file, fee, "valid_to")
        if start is None:
            continue
        if end is not None and end < start:
            check.problem(file, fee, f"valid_to {end} is before valid_from {start}")
            continue
        group = (
            fee.get("case"),
            fee.get("channel", "any"),
            fold(str(fee.get("beneficiary") or "")),
            tuple(sorted(str(key) for key in required)),
        )
        for other_start, other_end, other in windows.get(group, []):
            if start <= (other_end or date.max) and other_start <= (end or date.max):
                check.problem(
                    file,
                    fee,
                    f"validity {start}..{end or 'open'} overlaps the fee on line "
                    f"{other.get(LINE, 0)} for the same case, channel, beneficiary and "
                    "conditions",
                )
        windows.setdefault(group, []).append((start, end, fee))


def _as_date(value: Any) -> Optional[date]:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def write(session: Session, parsed: ParsedSources) -> int:
    """Replace the knowledge base with `parsed`, inside the caller's transaction."""
    migrate(session.get_bind())
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_ON_RELOAD:
            session.execute(table.delete())
    for key, source in parsed.sources.items():
        session.add(
            SourceRow(
                key=key,
                title=source["title"],
                url=source["url"],
                legal_basis=bool(source.get("legal_basis", True)),
            )
        )
    session.flush()
    for position, (key, condition) in enumerate(parsed.conditions.items()):
        session.add(
            ConditionRow(
                key=key,
                position=position,
                wording=condition["wording"],
                yes_label=condition["yes_label"],
                no_label=condition["no_label"],
                channel=condition.get("channel"),
                said_yes=[normalize(str(p)) for p in condition.get("said_yes") or []],
                said_no=[normalize(str(p)) for p in condition.get("said_no") or []],
                verified=condition.get("verified", True),
                verified_on=_as_date(condition["verified_on"]),
                source_key=condition["source"],
                source_file=condition["file"],
            )
        )
    session.flush()
    for procedure in parsed.procedures:
        session.add(_procedure_row(procedure))
    for item in parsed.not_covered:
        session.add(
            NotCoveredRow(phrase=item["phrase"], note=item["note"], source_file=item["file"])
        )
    for mention in parsed.mentions:
        session.add(
            MentionRow(
                text=mention["text"],
                procedure_key=mention["procedure"],
                source_file=mention["file"],
            )
        )
    for guide in parsed.guides:
        session.add(
            GuideRow(
                key=guide["key"],
                title=guide["title"],
                intro=guide["intro"],
                steps=[str(step) for step in guide.get("steps") or []],
                notes=[str(note) for note in guide.get("notes") or []],
                link=guide.get("link"),
                keywords=[normalize(str(word)) for word in guide.get("keywords") or []],
                verified=guide.get("verified", True),
                verified_on=_as_date(guide["verified_on"]),
                source_key=guide["source"],
                source_file=guide["file"],
            )
        )
    session.add(
        LoadRecord(
            loaded_at=datetime.now(timezone.utc).replace(tzinfo=None),
            fingerprint=parsed.fingerprint,
            procedures=len(parsed.procedures),
        )
    )
    return len(parsed.procedures)


def _procedure_row(procedure: dict[str, Any]) -> ProcedureRow:
    names = [procedure["name"], *(procedure.get("aliases") or [])]
    unique_aliases = {normalize(str(alias)): str(alias) for alias in names}
    return ProcedureRow(
        key=procedure_key(procedure),
        code=str(procedure["code"]) if procedure.get("code") else None,
        name=procedure["name"],
        field=procedure["field"],
        agency=procedure.get("agency"),
        processing_time=procedure.get("processing_time"),
        online=procedure.get("online", "none"),
        portal_url=procedure.get("portal_url"),
        verified=procedure.get("verified", True),
        verified_on=_as_date(procedure["verified_on"]),
        source_key=procedure["source"],
        source_file=procedure["file"],
        aliases=[AliasRow(text=text, normalized=key) for key, text in unique_aliases.items()],
        documents=[
            DocumentRow(position=position, name=document["name"], **_document_columns(document))
            for position, document in enumerate(procedure.get("documents") or [])
        ],
        parts=[
            PartRow(
                position=position,
                name=part["name"],
                part_key=part.get("key"),
                result=part.get("result"),
                agency=part.get("agency"),
                note=part.get("note"),
                verified=part.get("verified", True),
                verified_on=_as_date(part["verified_on"]),
                source_key=part["source"],
            )
            for position, part in enumerate(procedure.get("parts") or [])
        ],
        cases=[
            _case_row(position, case) for position, case in enumerate(procedure.get("cases") or [])
        ],
        fee_set_by=_fee_authority_row(procedure.get("fee_set_by")),
        notes=[
            NoteRow(
                position=position,
                about=topic,
                text=note["text"],
                article=note.get("article"),
                verified=note.get("verified", True),
                verified_on=_as_date(note["verified_on"]),
                source_key=note["source"],
            )
            for position, (topic, note) in enumerate(
                (topic, note) for topic in NOTE_TOPICS for note in procedure.get(topic) or []
            )
        ],
        steps=[
            StepRow(position=position, text=text)
            for position, text in enumerate(procedure.get("steps") or [])
        ],
        fees=[
            FeeRow(
                position=position,
                case=fee["case"],
                amount=fee["amount"],
                unit=fee.get("unit", "lần"),
                channel=fee.get("channel", "any"),
                beneficiary=fee.get("beneficiary"),
                tiers=[
                    {"from": t["from"], "to": t.get("to"), "amount": t["amount"]}
                    for t in fee.get("tiers") or []
                ]
                or None,
                cap=fee.get("cap"),
                valid_from=_as_date(fee["valid_from"]),
                valid_to=_as_date(fee.get("valid_to")),
                verified=fee.get("verified", True),
                verified_on=_as_date(fee["verified_on"]),
                source_key=fee["source"],
                conditions=[str(key) for key in fee.get("conditions") or []] or None,
                article=fee.get("article"),
                reduced_from=fee.get("reduced_from"),
            )
            for position, fee in enumerate(procedure.get("fees") or [])
        ],
    )


def _document_columns(document: dict[str, Any]) -> dict[str, Any]:
    """The columns a document has wherever it is listed (a procedure or one of its cases)."""
    return {
        "form": document.get("form"),
        "copy": document.get("copy", "either"),
        "quantity": document.get("quantity", 1),
        "note": document.get("note"),
        "verified": document.get("verified", True),
        "verified_on": _as_date(document["verified_on"]),
        "source_key": document["source"],
    }


def _fee_authority_row(authority: Optional[dict[str, Any]]) -> Optional[FeeAuthorityRow]:
    if authority is None:
        return None
    return FeeAuthorityRow(
        authority=authority["authority"],
        article=authority.get("article"),
        verified=authority.get("verified", True),
        verified_on=_as_date(authority["verified_on"]),
        source_key=authority["source"],
    )


def _case_row(position: int, case: dict[str, Any]) -> CaseRow:
    age = case.get("age_days") or {}
    documents = [
        CaseFactRow(kind="document", text=d["name"], **_document_columns(d))
        for d in case.get("documents") or []
    ]
    notes = [
        CaseFactRow(
            kind="note",
            text=n["text"],
            verified=n.get("verified", True),
            verified_on=_as_date(n["verified_on"]),
            source_key=n["source"],
        )
        for n in case.get("notes") or []
    ]
    for number, fact in enumerate([*documents, *notes]):
        fact.position = number
    return CaseRow(
        position=position,
        key=str(case["key"]),
        name=case["name"],
        question=case["question"],
        said=[normalize(str(p)) for p in case.get("said") or []],
        min_age_days=age.get("from"),
        max_age_days=age.get("to"),
        facts=[*documents, *notes],
    )


def dated_facts(parsed: ParsedSources) -> list[DatedFact]:
    """Every procedure, document, fee, guide and condition with its `verified_on`."""

    def fact(item: dict[str, Any], file: str, what: str) -> DatedFact:
        return DatedFact(file, item.get(LINE, 0), what, _as_date(item["verified_on"]))

    facts = []
    for procedure in parsed.procedures:
        name, file = procedure["name"], procedure["file"]
        facts.append(fact(procedure, file, f"thủ tục «{name}»"))
        for document in procedure.get("documents") or []:
            facts.append(fact(document, file, f"«{name}» — giấy tờ «{document['name']}»"))
        for part in procedure.get("parts") or []:
            facts.append(fact(part, file, f"«{name}» — phần «{part['name']}»"))
        for case in procedure.get("cases") or []:
            where = f"«{name}» — trường hợp «{case['name']}»"
            for document in case.get("documents") or []:
                facts.append(fact(document, file, f"{where} — giấy tờ «{document['name']}»"))
            for note in case.get("notes") or []:
                facts.append(fact(note, file, f"{where} — ghi chú"))
        if procedure.get("fee_set_by"):
            facts.append(fact(procedure["fee_set_by"], file, f"«{name}» — nơi quy định lệ phí"))
        for topic, label in (("validity", "thời hạn sử dụng"), ("who_may_file", "ai được nộp")):
            for note in procedure.get(topic) or []:
                facts.append(fact(note, file, f"«{name}» — {label}"))
        for fee in procedure.get("fees") or []:
            group = f", {fee['beneficiary']}" if fee.get("beneficiary") else ""
            facts.append(fact(fee, file, f"«{name}» — lệ phí «{fee['case']}»{group}"))
    facts += [fact(g, g["file"], f"hướng dẫn «{g['title']}»") for g in parsed.guides]
    facts += [fact(c, c["file"], f"điều kiện «{k}»") for k, c in parsed.conditions.items()]
    return facts
