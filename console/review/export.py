"""Accepted corrections → a Rasa NLU training file (`version: "3.1"`) under data/nlu/.

Developers review the file in git and run `rasa data validate` and the cross-validation
before training; the console never trains or deploys the bot itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from django.conf import settings
from django.utils import timezone

from review.models import Correction

HEADER = (
    "# Exported from the support-staff console: citizen messages whose intent and\n"
    "# entities a reviewer corrected and a second person accepted (docs/annotation.md).\n"
)


@dataclass
class ExportResult:
    path: Path
    exported: List[int] = field(default_factory=list)
    skipped_masked: List[int] = field(default_factory=list)


def example_line(annotated: str) -> str:
    # one line per example; the block scalar keeps quotes and colons as they are
    return " ".join(annotated.split())


def render(corrections: List[Correction]) -> str:
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for correction in corrections:
        line = example_line(correction.annotated)
        if line not in by_intent[correction.intent]:
            by_intent[correction.intent].append(line)
    out = [HEADER, 'version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        out.append(f"- intent: {intent}")
        out.append("  examples: |")
        out.extend(f"    - {line}" for line in by_intent[intent])
    return "\n".join(out) + "\n"


def export(directory: Path | None = None) -> ExportResult | None:
    """Write every accepted correction without masked data to a new file; mark them
    exported. None when there is nothing to export."""
    directory = Path(directory or settings.NLU_EXPORT_DIR)
    accepted = list(Correction.exportable())
    usable = [c for c in accepted if not c.has_masked_data]
    if not usable:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"console-{stamp}.yml"
    suffix = 1
    while path.exists():
        suffix += 1
        path = directory / f"console-{stamp}-{suffix}.yml"
    path.write_text(render(usable), encoding="utf-8")
    result = ExportResult(
        path=path,
        exported=[c.pk for c in usable],
        skipped_masked=[c.pk for c in accepted if c.has_masked_data],
    )
    Correction.mark_exported(result.exported, str(path))
    return result
