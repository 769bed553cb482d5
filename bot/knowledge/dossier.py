"""Dossier codes (mã hồ sơ) as citizens type them: find one in a message, check its shape.

Portals number dossiers as agency code, filing date and a serial, joined by hyphens
(e.g. "G22.99-260915-0012", "000.00.20.H56-261003-0007"). Provinces format the agency
part differently, so only the shape is checked: the portal itself is the authority on
whether a dossier exists. A date part that is not a real date, or a code without the
three parts, is reported so the citizen can re-read it before searching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

# agency part (letters, digits, dots), then yymmdd, then a serial of 3-6 digits
_CODE = re.compile(
    r"(?<![\w.-])([A-Za-z0-9][A-Za-z0-9.]{1,24})\s*-\s*(\d{6})\s*-\s*(\d{3,6})(?![\w-])"
)
# something that looks like an attempt at a code: a long run of letters/digits with - or .
_ATTEMPT = re.compile(r"(?<![\w.-])(?=[\w.-]*\d)(?=[\w.-]*[-.])[A-Za-z0-9][\w.-]{5,40}(?![\w-])")


@dataclass(frozen=True)
class DossierCode:
    text: str
    agency: str
    filed_on: Optional[date]
    serial: str

    @property
    def problem(self) -> Optional[str]:
        """What looks wrong, in Vietnamese, or None when the shape is right."""
        if self.filed_on is None:
            return "6 chữ số ở giữa (năm-tháng-ngày nộp) không phải là một ngày có thật"
        return None


def _filed_on(yymmdd: str) -> Optional[date]:
    try:
        return date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None


def find_dossier_code(text: str) -> Optional[DossierCode]:
    """The first dossier code in a message, normalised (upper case, no spaces)."""
    match = _CODE.search(text or "")
    if not match:
        return None
    agency, yymmdd, serial = match.groups()
    agency = agency.upper()
    return DossierCode(f"{agency}-{yymmdd}-{serial}", agency, _filed_on(yymmdd), serial)


def looks_like_a_code(text: str) -> Optional[str]:
    """A token that seems meant as a dossier code but lacks the agency-date-serial shape."""
    match = _ATTEMPT.search(text or "")
    return match.group(0) if match else None


def code_spans(text: str) -> list[tuple[int, int, bool]]:
    """Where dossier codes stand in a message: (start, end, well_formed) each; attempts
    that lack the agency-date-serial shape come with well_formed False."""
    spans = [(*m.span(), True) for m in _CODE.finditer(text or "")]
    for match in _ATTEMPT.finditer(text or ""):
        if not any(s < match.end() and match.start() < e for s, e, _ in spans):
            spans.append((*match.span(), False))
    return sorted(spans)
