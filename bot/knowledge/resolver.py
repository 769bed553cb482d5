"""From what a citizen typed to the procedures they most likely mean, with a score.

Two stages over `bot.text.normalize`d text, so diacritics and abbreviations never matter:
1. exact alias spans, found in one pass by spaCy's PhraseMatcher (token-boundary aware,
   longest span wins): "lam ho chieu het bn" -> "ho chieu";
2. when nothing matches exactly, fuzzy similarity of each alias against same-length
   windows of the text, for typos such as "ho chiu" or "thuong chu".
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Iterable, Optional, Sequence

import spacy
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.knowledge.catalog import Procedure
from bot.text import normalize

FUZZY_THRESHOLD = 0.78
AMBIGUITY_MARGIN = 0.04
# Words that say nothing about which procedure is meant; a fuzzy window of only these
# never counts ("dang ky" alone is not a procedure).
GENERIC_WORDS = frozenset(
    [
        "dang",
        "ky",
        "cap",
        "lai",
        "doi",
        "thu",
        "tuc",
        "lam",
        "giay",
        "to",
        "ho",
        "so",
        "xin",
        "nop",
        "online",
        "khong",
        "duoc",
        "can",
        "gi",
        "bao",
        "nhieu",
        "tien",
        "phi",
        "le",
        "muon",
        "toi",
        "em",
        "minh",
        "cho",
        "hoi",
        "the",
        "nao",
        "nhu",
    ]
)


@dataclass(frozen=True)
class Candidate:
    procedure: Procedure
    score: float
    matched: str


@dataclass(frozen=True)
class Resolution:
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Optional[Candidate]:
        return self.candidates[0] if self.candidates else None

    @property
    def is_ambiguous(self) -> bool:
        """True when the top candidates are too close to pick one for the citizen."""
        if len(self.candidates) < 2:
            return False
        first, second = self.candidates[0], self.candidates[1]
        return first.score - second.score < AMBIGUITY_MARGIN

    def top(self, n: int = 3) -> tuple[Candidate, ...]:
        return self.candidates[:n]


def _blank_vietnamese() -> spacy.language.Language:
    # Whitespace syllables are exactly what `normalize` produces; pyvi is not needed.
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


class ProcedureResolver:
    """Built once per catalog; `resolve` is cheap and safe for any input."""

    def __init__(self, procedures: Sequence[Procedure]) -> None:
        self._nlp = _blank_vietnamese()
        self._matcher = PhraseMatcher(self._nlp.vocab)
        self._procedures = {p.key: p for p in procedures}
        self._aliases: list[tuple[str, tuple[str, ...]]] = []
        for procedure in procedures:
            names = {normalize(a) for a in (procedure.name, *procedure.aliases)}
            names.discard("")
            for name in names:
                self._aliases.append((procedure.key, tuple(name.split())))
            self._matcher.add(procedure.key, [self._nlp.make_doc(n) for n in sorted(names)])

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        normalized = normalize(text or "")[:2000]
        if not normalized:
            return Resolution(())
        exact = self._exact(normalized)
        if exact:
            return Resolution(tuple(exact[:limit]))
        return Resolution(tuple(self._fuzzy(normalized.split())[:limit]))

    def _exact(self, normalized: str) -> list[Candidate]:
        doc = self._nlp.make_doc(normalized)
        matches = self._matcher(doc)
        spans = [doc[start:end] for _, start, end in matches]
        kept = {(s.start, s.end) for s in filter_spans(spans)}
        best: dict[str, Candidate] = {}
        for match_id, start, end in matches:
            key = self._nlp.vocab.strings[match_id]
            # A span swallowed by a longer alias of another procedure does not count.
            covered = (start, end) not in kept and any(
                s <= start and end <= e and (s, e) != (start, end) for s, e in kept
            )
            length = end - start
            score = (1.0 if not covered else 0.9) + min(length, 6) * 0.01
            candidate = Candidate(self._procedures[key], round(score, 4), doc[start:end].text)
            if key not in best or candidate.score > best[key].score:
                best[key] = candidate
        return sorted(best.values(), key=lambda c: -c.score)

    def _fuzzy(self, words: list[str]) -> list[Candidate]:
        best: dict[str, Candidate] = {}
        for key, alias in self._aliases:
            for window in _windows(words, len(alias)):
                if all(w in GENERIC_WORDS for w in window):
                    continue
                ratio = SequenceMatcher(None, " ".join(alias), " ".join(window)).ratio()
                if ratio < FUZZY_THRESHOLD:
                    continue
                score = round(ratio * 0.95, 4)
                if key not in best or score > best[key].score:
                    best[key] = Candidate(self._procedures[key], score, " ".join(window))
        return sorted(best.values(), key=lambda c: -c.score)


def _windows(words: list[str], size: int) -> Iterable[tuple[str, ...]]:
    for width in {max(size - 1, 1), size, size + 1}:
        for start in range(0, max(len(words) - width + 1, 1)):
            window = tuple(words[start : start + width])
            if window:
                yield window
