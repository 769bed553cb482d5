"""From what a citizen typed to the procedures they most likely mean, with a score.

Stages over `bot.text.normalize`d text, so diacritics and abbreviations never matter:
1. exact alias spans, found in one pass by spaCy's PhraseMatcher (token-boundary aware,
   longest span wins): "lam ho chieu het bn" -> "ho chieu";
2. when nothing matches exactly, fuzzy similarity of each alias against same-length
   windows of the text, for typos such as "ho chiu" or "thuong chu";
3. distinctive words: every procedure gains from the rare words of its name and aliases
   that the text contains (IDF-weighted), which separates "đăng ký tạm trú theo danh
   sách" from "đăng ký tạm trú", and finds "hợp đồng ... chứng thực" with no alias phrase.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Optional, Sequence

import spacy
from rapidfuzz.fuzz import ratio as similarity
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.knowledge.catalog import Procedure
from bot.text import normalize

FUZZY_THRESHOLD = 0.78
AMBIGUITY_MARGIN = 0.04
WORD_BONUS = 0.02  # per unit of IDF of a shared distinctive word
WORDS_ONLY_BASE = 0.70  # a procedure found by distinctive words alone starts here
WORDS_ONLY_MIN_IDF = 5.0  # ... and only when the shared words are this distinctive
TRIGRAM_SHARE = 0.5  # an alias is compared only if the text has half of its trigrams
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
        self._words: dict[str, frozenset[str]] = {}
        for procedure in procedures:
            names = {normalize(a) for a in (procedure.name, *procedure.aliases)}
            names.discard("")
            for name in names:
                self._aliases.append((procedure.key, tuple(name.split())))
            self._matcher.add(procedure.key, [self._nlp.make_doc(n) for n in sorted(names)])
            self._words[procedure.key] = frozenset(
                feature for name in names for feature in _word_features(name.split())
            )
        self._alias_trigrams = [_trigrams(" ".join(alias)) for _, alias in self._aliases]
        self._trigram_index: dict[str, list[int]] = {}
        for position, grams in enumerate(self._alias_trigrams):
            for gram in grams:
                self._trigram_index.setdefault(gram, []).append(position)
        count = max(len(procedures), 1)
        document_frequency: dict[str, int] = {}
        for words in self._words.values():
            for word in words:
                document_frequency[word] = document_frequency.get(word, 0) + 1
        self._idf = {w: math.log(count / df) for w, df in document_frequency.items()}

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        normalized = normalize(text or "")[:2000]
        if not normalized:
            return Resolution(())
        words = normalized.split()
        found = {c.procedure.key: c for c in self._exact(normalized) or self._fuzzy(words)}
        ranked = self._with_word_evidence(found, set(_word_features(words)))
        return Resolution(tuple(ranked[:limit]))

    def _with_word_evidence(self, found: dict[str, Candidate], words: set[str]) -> list[Candidate]:
        scored = []
        for key, procedure_words in self._words.items():
            evidence = sum(self._idf[w] for w in words & procedure_words)
            if key in found:
                candidate = found[key]
                scored.append(
                    Candidate(
                        candidate.procedure,
                        round(candidate.score + WORD_BONUS * evidence, 4),
                        candidate.matched,
                    )
                )
            elif evidence >= WORDS_ONLY_MIN_IDF:
                shared = " ".join(sorted(words & procedure_words))
                score = round(WORDS_ONLY_BASE + WORD_BONUS * evidence, 4)
                scored.append(Candidate(self._procedures[key], score, shared))
        return sorted(scored, key=lambda c: -c.score)

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
        """Best similarity of each plausible alias to a window of about its length.

        A character-trigram index keeps only aliases that share at least half of their
        trigrams with the text (a typo leaves most of them intact), a multi-word alias is
        compared only with windows sharing one of its words, and rapidfuzz's `ratio`
        (normalised Indel similarity, in C++) stops early below the threshold."""
        shared = Counter(
            position
            for gram in _trigrams(" ".join(words))
            for position in self._trigram_index.get(gram, ())
        )
        best: dict[str, Candidate] = {}
        cutoff = FUZZY_THRESHOLD * 100
        windows: dict[int, list[tuple[str, frozenset[str]]]] = {}
        for position, count in shared.items():
            if count < TRIGRAM_SHARE * len(self._alias_trigrams[position]):
                continue
            key, alias = self._aliases[position]
            alias_words = set(alias)
            alias_text = " ".join(alias)
            for width in {max(len(alias) - 1, 1), len(alias), len(alias) + 1}:
                if width not in windows:
                    windows[width] = _windows(words, width)
                for window_text, window_words in windows[width]:
                    # a typo rarely breaks every word: a multi-word alias needs one intact
                    if len(alias) > 1 and alias_words.isdisjoint(window_words):
                        continue
                    percent = similarity(alias_text, window_text, score_cutoff=cutoff)
                    if not percent:
                        continue
                    score = round(percent / 100 * 0.95, 4)
                    if key not in best or score > best[key].score:
                        best[key] = Candidate(self._procedures[key], score, window_text)
        return sorted(best.values(), key=lambda c: -c.score)


def _word_features(words: list[str]) -> list[str]:
    """Distinctive single words and every adjacent pair ("danh sach", "nuoc ngoai")."""
    singles = [w for w in words if w not in GENERIC_WORDS]
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:]) if not {a, b} <= GENERIC_WORDS]
    return singles + pairs


def _trigrams(text: str) -> frozenset[str]:
    padded = f" {text} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _windows(words: list[str], width: int) -> list[tuple[str, frozenset[str]]]:
    """Every run of `width` words that is not only generic words: (text, its words)."""
    runs = (words[start : start + width] for start in range(max(len(words) - width + 1, 1)))
    return [
        (" ".join(run), frozenset(run))
        for run in runs
        if run and not all(w in GENERIC_WORDS for w in run)
    ]
