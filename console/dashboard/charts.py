"""Charts as plain SVG geometry computed on the server: readable without JavaScript,
allowed by a strict Content-Security-Policy (no inline styles or scripts), printable.
Templates draw the shapes; every label passes through autoescaping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Sequence, Tuple

# AA-contrast colours on white, one per channel
PALETTE = ["#1f5fa8", "#a3461a", "#2a7a3b", "#6b3fa0", "#555555"]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: List[Bar]
    labels: List[Tuple[float, float, str]]  # x, y, text
    legend: List[Tuple[str, str]]  # colour, name
    maximum: int


def stacked_days(per_day: Sequence[Tuple[date, Dict[str, int]]], channels: Sequence[str]) -> Chart:
    width, height, left, bottom = 720, 240, 40, 30
    plot_h = height - bottom - 10
    maximum = max([sum(counts.values()) for _, counts in per_day] + [1])
    step = (width - left) / max(len(per_day), 1)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(channels)}
    bars: List[Bar] = []
    labels: List[Tuple[float, float, str]] = [(0, 14, str(maximum)), (0, height - bottom, "0")]
    for i, (day, counts) in enumerate(per_day):
        base = height - bottom
        for name in channels:
            n = counts.get(name, 0)
            if not n:
                continue
            h = plot_h * n / maximum
            base -= h
            bars.append(
                Bar(left + i * step + 1, base, max(step - 2, 1), h, colours[name],
                    f"{day:%d/%m}: {name} {n}")
            )  # fmt: skip
        if len(per_day) <= 10 or i % max(len(per_day) // 8, 1) == 0:
            labels.append((left + i * step, height - 8, f"{day:%d/%m}"))
    return Chart(width, height, bars, labels, [(colours[n], n) for n in channels], maximum)


def horizontal(rows: Sequence[Tuple[str, int]], colour: str = PALETTE[0]) -> Chart:
    row_h, label_w, width = 26, 260, 720
    height = max(len(rows), 1) * row_h + 10
    maximum = max([n for _, n in rows] + [1])
    bars, labels = [], []
    for i, (name, n) in enumerate(rows):
        y = 5 + i * row_h
        w = (width - label_w - 60) * n / maximum
        bars.append(Bar(label_w, y, max(w, 1), row_h - 8, colour, f"{name}: {n}"))
        labels.append((4, y + row_h - 12, str(name)[:40]))
        labels.append((label_w + w + 6, y + row_h - 12, str(n)))
    return Chart(width, height, bars, labels, [], maximum)
