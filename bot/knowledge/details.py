"""The procedure's own sentences that answer a detail question.

Citizens ask what no single field holds: "hạn nộp là bao lâu" (a deadline in a step),
"gia đình được bao nhiêu tiền" (a benefit in a document's note), "đóng bao nhiêu %",
"trường hợp nào thì được rút 1 lần" (the conditions in a document's note).
The knowledge base already states these, sourced, in steps, document notes and case
notes. `details_for` picks the ones that state the kind of fact asked and share the most
words with the question; the answer layer shows them with their sources, or says there
is no verified answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from bot.knowledge.catalog import Note, Procedure, Source
from bot.text import normalize, strip_diacritics

# what each kind of detail looks like in a sentence (folded: "%" and dates kept)
_DURATION = r"\d+ (ngay|thang|nam|gio)"
_STATES: dict[str, re.Pattern[str]] = {
    # "trong 90 ngày kể từ...", "chậm nhất 45 ngày", "đến hết 30/04/2027", "trong 03 tháng"
    "deadline": re.compile(
        rf"\b(trong|cham nhat|truoc|han|ke tu|den het|muon nhat)( \w+){{0,4}} ({_DURATION}"
        r"|\d{1,2}/\d{1,2}(/\d{4})?)\b"
    ),
    # "10 lần mức tham chiếu", "22% mức thu nhập", "70% mức đóng", "2.530.000 đồng"
    "amount": re.compile(r"\d+ ?%|\b\d+ lan muc\b|\b\d{1,3}(\.\d{3})+ dong\b|\bmuc (huong|dong)\b"),
    # "Điều kiện: …", "Đối tượng: công dân từ đủ 15 tuổi…", "được hưởng khi…"
    "conditions": re.compile(
        r"\b(dieu kien|doi tuong|duoc (huong|rut|tham gia|tro cap)|tu du \d+ tuoi)\b"
    ),
}

# a time to get the result is how long it takes, not a deadline to file
_ABOUT_THE_RESULT = re.compile(r"\b(ket qua|giai quyet|tra loi|xac minh)\b")

# words that say nothing about which sentence answers
_COMMON = frozenset([
    "anh", "chi", "em", "toi", "minh", "ban", "ad", "a", "ah", "ak", "nha", "nhe", "vay",
    "the", "thi", "la", "co", "khong", "ko", "k", "duoc", "dc", "bao", "nhieu", "lau", "gi",
    "nao", "sao", "ai", "dau", "roi", "ma", "va", "voi", "cua", "cho", "de", "den", "tu",
    "trong", "khi", "neu", "phai", "can", "lam", "nop", "ho", "so", "giay", "to", "thu", "tuc",
    "muon", "hoi", "xin",
])  # fmt: skip


@dataclass(frozen=True)
class Detail:
    """One sourced sentence of a procedure (a step, a document's note, a case note)."""

    text: str
    source: Source
    verified: bool
    verified_on: date
    article: Optional[str] = None


def sentences_of(procedure: Procedure) -> list[Detail]:
    """Every sourced sentence a procedure holds beyond its fields: its notes, its
    documents' notes, the notes of the citizen's case (not of other cases), and its steps.
    A step has no verification of its own (a procedure's flag is for its code, agency and
    time), so a step is shown as not verified."""
    notes: list[Note] = [*procedure.validity, *procedure.who_may_file]
    notes += procedure.case.notes if procedure.case else []
    found = [Detail(n.text, n.source, n.verified, n.verified_on, n.article) for n in notes]
    found += [
        Detail(d.note, d.source, d.verified, d.verified_on) for d in procedure.documents if d.note
    ]
    found += [
        Detail(step, procedure.source, False, procedure.verified_on) for step in procedure.steps
    ]
    return found


def _plain(text: str) -> str:
    """Lower case without diacritics, "%", dots and slashes kept ("22%", "30/04/2027")."""
    return strip_diacritics(text).lower().replace("đ", "d")


def details_for(procedure: Procedure, question: str, kind: str, most: int = 2) -> list[Detail]:
    """The sentences stating a `kind` of fact ("deadline", "amount", "conditions"), those
    sharing the
    most words with the question first; ties keep the knowledge base's order."""
    asked = set(normalize(question).split()) - _COMMON
    stating = [
        d
        for d in sentences_of(procedure)
        if _STATES[kind].search(_plain(d.text))
        and not (kind == "deadline" and _ABOUT_THE_RESULT.search(_plain(d.text)))
    ]
    ranked = sorted(
        enumerate(stating),
        key=lambda pair: (-len(asked & set(normalize(pair[1].text).split())), pair[0]),
    )
    return [detail for _, detail in ranked[:most]]
