"""Rasa's inline entity syntax, checked against docs/annotation.md.

A reviewer writes the corrected message as Rasa training data writes it:
"làm [hộ chiếu](procedure) hết bao nhiêu". The rules the writers follow are enforced
here: the text without the brackets is the citizen's message, unchanged; only our
entities; a span never starts or ends inside a syllable and never includes punctuation
or spaces at its edges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List

ENTITIES = ("procedure", "beneficiary", "quantity", "dossier_code")
_ANNOTATION = re.compile(r"\[([^\[\]]+)\]\(([a-z_]+)\)")


class AnnotationError(ValueError):
    pass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    value: str

    def as_dict(self) -> Dict[str, object]:
        return {"start": self.start, "end": self.end, "entity": self.entity, "value": self.value}


def parse(annotated: str) -> tuple:
    """(plain text, spans) of an annotated message."""
    plain: List[str] = []
    spans: List[Span] = []
    position = 0
    length = 0
    for match in _ANNOTATION.finditer(annotated):
        before = annotated[position : match.start()]
        plain.append(before)
        length += len(before)
        value, entity = match.group(1), match.group(2)
        spans.append(Span(length, length + len(value), entity, value))
        plain.append(value)
        length += len(value)
        position = match.end()
    plain.append(annotated[position:])
    return "".join(plain), spans


def check(annotated: str, original: str) -> List[Span]:
    """The spans of `annotated`, or AnnotationError saying which rule is broken."""
    text, spans = parse(annotated)
    if "](" in text:
        raise AnnotationError("Chú thích chưa đúng cú pháp [cụm từ](thực_thể).")
    if text != original:
        raise AnnotationError(
            "Nội dung sau khi bỏ chú thích phải giữ nguyên tin nhắn của người dân."
        )
    for span in spans:
        if span.entity not in ENTITIES:
            raise AnnotationError(
                f"Thực thể «{span.entity}» không có; dùng: {', '.join(ENTITIES)}."
            )
        if span.value != span.value.strip() or not span.value.strip():
            raise AnnotationError("Cụm từ được đánh dấu không bắt đầu/kết thúc bằng khoảng trắng.")
        if not (span.value[0].isalnum() and span.value[-1].isalnum()):
            raise AnnotationError("Cụm từ được đánh dấu không chứa dấu câu ở hai đầu.")
        inside_before = span.start > 0 and text[span.start - 1].isalnum()
        inside_after = span.end < len(text) and text[span.end].isalnum()
        if inside_before or inside_after:
            raise AnnotationError(
                f"«{span.value}» bắt đầu hoặc kết thúc giữa một âm tiết; hãy đánh dấu trọn âm tiết."
            )
    return spans


def annotate(text: str, entities: List[Dict[str, object]]) -> str:
    """The inline form of `text` with `entities` (start/end offsets), for editing."""
    out: List[str] = []
    position = 0
    for entity in sorted(entities or [], key=lambda e: int(e.get("start") or 0)):
        start, end = int(entity.get("start") or 0), int(entity.get("end") or 0)
        if start < position or end > len(text) or start >= end:
            continue
        out.append(text[position:start])
        out.append(f"[{text[start:end]}]({entity.get('entity')})")
        position = end
    out.append(text[position:])
    return "".join(out)
