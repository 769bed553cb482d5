"""Command line for staff and operators:
`python -m bot kb check|migrate|load|search|export|stale|calendar`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Optional, Sequence

import yaml

from bot import answers
from bot.db import engine_for, session_scope
from bot.knowledge import loader
from bot.knowledge.catalog import Catalog
from bot.knowledge.freshness import stale
from bot.knowledge.resolver import ProcedureResolver
from bot.knowledge.schema import HEAD, current_version, migrate
from bot.settings import settings


def _check(source_dir: Path) -> Optional[loader.ParsedSources]:
    try:
        return loader.parse_sources(source_dir)
    except loader.InvalidKnowledgeBaseError as invalid:
        for problem in invalid.problems:
            print(f"{source_dir / problem.file}:{problem.line}: {problem.message}", file=sys.stderr)
        print(f"{len(invalid.problems)} problem(s); nothing loaded.", file=sys.stderr)
        return None


def kb_check(args: argparse.Namespace) -> int:
    parsed = _check(args.source)
    if parsed is None:
        return 1
    fees = sum(len(p.get("fees") or []) for p in parsed.procedures)
    print(
        f"OK: {len(parsed.procedures)} procedures, {fees} fees, {len(parsed.conditions)} "
        f"conditions, {len(parsed.sources)} sources."
    )
    limit = settings.kb_stale_after_days
    old = stale(loader.dated_facts(parsed), answers.today(), limit)
    if old:
        oldest = old[0]
        print(
            f"warning: {len(old)} fact(s) last checked more than {limit} days ago, oldest "
            f"{oldest.verified_on} ({oldest.file}:{oldest.line} {oldest.what}); "
            f"list them with `python -m bot kb stale --older-than {limit}`.",
            file=sys.stderr,
        )
    return 0


def kb_stale(args: argparse.Namespace) -> int:
    """Facts whose `verified_on` is older than N days, the oldest first."""
    parsed = _check(args.source)
    if parsed is None:
        return 1
    today = date.fromisoformat(args.today) if args.today else answers.today()
    old = stale(loader.dated_facts(parsed), today, args.older_than)
    for fact in old:
        print(
            f"{fact.age_on(today):5d} ngày  {fact.verified_on}  "
            f"{args.source / fact.file}:{fact.line}  {fact.what}"
        )
    print(f"{len(old)} fact(s) last checked more than {args.older_than} days before {today}.")
    return 0


def kb_verification(args: argparse.Namespace) -> int:
    """Each procedure with how many of its facts (the procedure itself, documents, fees,
    who sets the fee, parts, validity and who may file, the documents and notes of its
    cases) are verified and how
    many are shown as «CHƯA XÁC MINH»: where to read next."""
    parsed = _check(args.source)
    if parsed is None:
        return 1
    total_yes = total_no = 0
    for procedure in parsed.procedures:
        facts = [
            procedure,
            *(procedure.get("documents") or []),
            *(procedure.get("fees") or []),
            *([procedure["fee_set_by"]] if procedure.get("fee_set_by") else []),
            *(procedure.get("parts") or []),
            *(procedure.get("validity") or []),
            *(procedure.get("who_may_file") or []),
            *(
                fact
                for case in procedure.get("cases") or []
                for fact in [*(case.get("documents") or []), *(case.get("notes") or [])]
            ),
        ]
        yes = sum(1 for fact in facts if fact.get("verified", True))
        no = len(facts) - yes
        total_yes, total_no = total_yes + yes, total_no + no
        print(f"{yes:3d} / {no:3d}  {procedure.get('code') or '—':9}  {procedure['name']}")
    print(
        f"{len(parsed.procedures)} procedures: {total_yes} facts verified, "
        f"{total_no} unverified (verified / unverified per procedure above)."
    )
    return 0


def kb_calendar(args: argparse.Namespace) -> int:
    """Every fee whose window starts or ends in the next N days, by day."""
    catalog = _loaded_catalog(args)
    if catalog is None:
        return 1
    first = date.fromisoformat(args.today) if args.today else answers.today()
    last = first + timedelta(days=args.days)
    edges = catalog.window_edges(first, last)
    for procedure, edge in edges:
        fee = edge.fee
        who = f" [{fee.beneficiary}]" if fee.beneficiary else ""
        needs = (
            f" [điều kiện: {', '.join(c.key for c in fee.conditions)}]" if fee.conditions else ""
        )
        what = (
            f"{procedure.name} — {fee.case}{who}: {answers.money(fee.amount)} "
            f"({fee.channel.value}){needs}"
        )
        if edge.starts:
            print(f"{answers.day_text(edge.day)}  bắt đầu   {what}")
            continue
        change = edge.change
        if change is not None and change.successor is not None:
            then = f"sau đó {answers.money(change.successor.amount)}"
        elif change is not None and change.expected_amount is not None:
            then = f"sau đó dự kiến mức gốc {answers.money(change.expected_amount)} (chưa xác nhận)"
        else:
            then = "sau đó: chưa có mức nào trong dữ liệu"
        print(f"{answers.day_text(edge.day)}  hết hạn   {what}; {then}")
    print(
        f"{len(edges)} fee window(s) start or end between {answers.day_text(first)} "
        f"and {answers.day_text(last)}."
    )
    return 0


def kb_load(args: argparse.Namespace) -> int:
    parsed = _check(args.source)
    if parsed is None:
        return 1
    with session_scope(args.database) as session:
        count = loader.write(session, parsed)
    print(f"Loaded {count} procedures into {args.database or settings.kb_database_url}.")
    return 0


def kb_migrate(args: argparse.Namespace) -> int:
    engine = engine_for(args.database or settings.kb_database_url)
    for migration in migrate(engine):
        print(f"applied {migration.version}: {migration.description}")
    print(f"Schema at version {HEAD}.")
    return 0


def _loaded_catalog(args: argparse.Namespace) -> Optional[Catalog]:
    """The loaded catalog, or None (with a message) when the database needs `kb load`."""
    engine = engine_for(args.database or settings.kb_database_url)
    with engine.connect() as connection:
        version = current_version(connection)
    if version < HEAD:
        print(
            f"The knowledge base database is at schema version {version} (latest {HEAD}): "
            "run `python -m bot kb load` first.",
            file=sys.stderr,
        )
        return None
    return Catalog.from_database(args.database)


def kb_search(args: argparse.Namespace) -> int:
    catalog = _loaded_catalog(args)
    if catalog is None:
        return 1
    day = date.fromisoformat(args.date) if args.date else answers.today()
    resolution = ProcedureResolver.for_catalog(catalog).resolve(args.text)
    if args.json:
        result = {
            "query": args.text,
            "date": day.isoformat(),
            "ambiguous": resolution.is_ambiguous,
            "candidates": [
                {
                    "key": c.procedure.key,
                    "code": c.procedure.code,
                    "name": c.procedure.name,
                    "score": c.score,
                    "matched": c.matched,
                    "fees": [
                        {
                            "case": q.case,
                            "in_person": q.in_person.amount if q.in_person else None,
                            "online": q.online.amount if q.online else None,
                            "verified": all(f.verified for f in (q.in_person, q.online) if f),
                            "until": min(
                                (
                                    f.valid_to.isoformat()
                                    for f in (q.in_person, q.online)
                                    if f and f.valid_to
                                ),
                                default=None,
                            ),
                            "conditional": [
                                {
                                    "amount": r.fee.amount,
                                    "conditions": [k.key for k in r.fee.conditions],
                                    "until": r.fee.valid_to.isoformat() if r.fee.valid_to else None,
                                }
                                for r in q.conditional
                            ],
                            "sources": sorted({f.source.url for f in q.fees}),
                        }
                        for q in c.procedure.fees.on(day).quotes
                        if q.has_rate
                    ],
                }
                for c in resolution.top(args.limit)
            ],
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0 if resolution.best else 3
    if resolution.best is None:
        print(answers.unknown_procedure_answer())
        return 3
    for candidate in resolution.top(args.limit):
        p = candidate.procedure
        print(f"{candidate.score:.3f}  {p.code or '-':10} {p.name}  (khớp: «{candidate.matched}»)")
    if resolution.is_ambiguous:
        print("(mơ hồ: bot sẽ hỏi lại bằng nút chọn)")
    print()
    procedure = resolution.best.procedure
    print(answers.fee_answer(procedure, procedure.fees.on(day)))
    return 0


def kb_export(args: argparse.Namespace) -> int:
    catalog = _loaded_catalog(args)
    if catalog is None:
        return 1

    def plain(value: object) -> object:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return getattr(value, "value", value)

    exported = []
    for p in catalog.procedures:
        record = {k: v for k, v in asdict(p).items() if k != "fees"}
        record["fees"] = [
            {**asdict(f), "conditions": [c.key for c in f.conditions]} for f in p.fees.fees
        ]
        exported.append(plain(record))
    yaml.safe_dump(exported, sys.stdout, allow_unicode=True, sort_keys=False)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)
    kb = groups.add_parser("kb", help="knowledge base").add_subparsers(
        dest="command", required=True
    )

    def command(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = kb.add_parser(name, help=help_text)
        sub.add_argument("--source", type=Path, default=settings.kb_source_dir)
        sub.add_argument("--database", default=None, help="SQLAlchemy URL (default: settings)")
        sub.set_defaults(handler=handler)
        return sub

    command("check", kb_check, "validate data/kb without loading")
    command("migrate", kb_migrate, "bring the database schema to the latest version")
    command("load", kb_load, "validate and load data/kb into the database (all or nothing)")
    search = command("search", kb_search, "resolve free text and show today's fees")
    search.add_argument("text")
    search.add_argument("--date", help="YYYY-MM-DD (default: today in Việt Nam)")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=3)
    command("export", kb_export, "print the loaded knowledge base as YAML")
    old = command("stale", kb_stale, "list facts not checked for N days, oldest first")
    old.add_argument("--older-than", type=int, default=settings.kb_stale_after_days)
    old.add_argument("--today", help="YYYY-MM-DD (default: today in Việt Nam)")
    command("verification", kb_verification, "verified / unverified facts per procedure")
    calendar = command("calendar", kb_calendar, "fees whose window starts or ends soon")
    calendar.add_argument("--days", type=int, default=60)
    calendar.add_argument("--today", help="YYYY-MM-DD (default: today in Việt Nam)")
    args = parser.parse_args(argv)
    return args.handler(args)
