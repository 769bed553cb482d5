"""The dashboard's figures as CSV, safe to open in a spreadsheet: a cell that starts with
= + - @ (or a tab / carriage return) is prefixed with an apostrophe, so citizen text such
as "=HYPERLINK(...)" is shown, never run as a formula."""

from __future__ import annotations

import csv
import io
from typing import Iterable, List

from dashboard.stats import Figures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows(figures: Figures) -> Iterable[List[object]]:
    yield ["bảng", "khóa", "giá trị"]
    yield ["tổng", "hội thoại", figures.total]
    yield ["tổng", "tự giải quyết (không cần cán bộ)", figures.contained]
    yield ["tổng", "có lượt Trợ lý không hiểu", figures.with_fallback]
    yield ["tổng", "chuyển cán bộ", figures.handoffs]
    yield ["tổng", "đánh giá hữu ích", figures.helpful]
    yield ["tổng", "đánh giá chưa hữu ích", figures.unhelpful]
    for day, counts in figures.per_day:
        for channel in figures.channels:
            yield ["theo ngày", f"{day:%Y-%m-%d} {channel}", counts.get(channel, 0)]
    for reason, n in figures.handoff_reasons:
        yield ["lý do chuyển cán bộ", reason, n]
    for procedure, n in figures.procedures:
        yield ["thủ tục", procedure, n]
    for text, n in figures.misunderstood:
        yield ["tin nhắn chưa hiểu", text, n]


def render(figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows(figures):
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + out.getvalue()  # BOM: spreadsheets then read Vietnamese as UTF-8
