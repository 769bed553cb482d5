"""From what a citizen typed to the procedures they most likely mean, with a score.

Stages over `bot.text.normalize`d text, so diacritics and abbreviations never matter:
1. anchors: exact alias spans, found in one pass by spaCy's PhraseMatcher (token-boundary
   aware, longest span wins): "lam ho chieu het bn" -> "ho chieu"; when nothing matches
   exactly, fuzzy similarity of each alias against windows of about its length, for typos
   such as "ho chiu" or "thuong chu" (letters dropped or misheard, never a word replaced:
   "dang ky nuoi" is not "dang ky cuoi");
2. specific over generic: a procedure whose own names hold the distinctive words (and
   pairs of them) of another procedure's anchor ("tạm trú" is inside "tạm trú theo danh
   sách") starts just below that anchor, so the words that set it apart ("công nhân",
   "ký túc xá") can lift it above the generic one;
3. distinctive words: every procedure gains from the rare words of its names that the
   text contains (IDF-weighted); a procedure with no anchor is found by words alone only
   when most of one of its names is in the text, in any order;
4. not ours: a phrase naming a neighbouring procedure the knowledge base does not have
   ("thi bằng lái", "giải thể", "visa") rules out every procedure whose own names lack
   it, so "thi bằng lái" gets no procedure instead of "đổi bằng lái"; and when the only
   procedures the text names are ruled out, words alone do not stand in for them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

import spacy
from rapidfuzz.fuzz import ratio as similarity
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.knowledge.catalog import Catalog, Procedure
from bot.text import normalize

FUZZY_THRESHOLD = 0.78
FUZZY_WEIGHT = 0.95  # a fuzzy anchor scores its similarity times this, below any exact one
AMBIGUITY_MARGIN = 0.04
WORD_BONUS = 0.02  # per unit of IDF of a shared distinctive word
WORDS_ONLY_BASE = 0.70  # a procedure found by distinctive words alone starts here
WORDS_ONLY_MIN_IDF = 5.0  # ... and only when the shared words are this distinctive
WORDS_ONLY_COVERAGE = 0.5  # ... and hold this share of one name's distinctive weight
SPECIFIC_GAP = 0.06  # a procedure containing another's anchor starts this far below it
TRIGRAM_SHARE = 0.5  # an alias is compared only if the text has half of its trigrams
# Words that say nothing about which procedure is meant; a fuzzy window of only these
# never counts ("dang ky" alone is not a procedure). Function words are here too: "o"
# (ở), "co" (có), "moi" (mới) are in some names but in almost every message.
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
        "o",
        "a",
        "e",
        "co",
        "ve",
        "tren",
        "tai",
        "trong",
        "ra",
        "moi",
        "het",
        "da",
        "nam",
        "may",
        "theo",
        "de",
        "va",
        "voi",
        "cua",
        "la",
        "thi",
        "roi",
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


@dataclass(frozen=True)
class _Anchor:
    """A name of one procedure found in the text: its score, the span, its core words."""

    key: str
    score: float
    matched: str
    core: frozenset[str]


@dataclass(frozen=True)
class _Alias:
    """One normalised name of a procedure, with what the fuzzy stage compares."""

    key: str
    text: str
    words: tuple[str, ...]
    word_set: frozenset[str]
    rare: tuple[str, ...]  # its distinctive (non-generic) words
    features: frozenset[str]
    core: frozenset[str]

    @classmethod
    def of(cls, key: str, name: str) -> _Alias:
        words = tuple(name.split())
        rare = tuple(w for w in words if w not in GENERIC_WORDS)
        features = frozenset(_word_features(words))
        return cls(key, name, words, frozenset(words), rare, features, _core(words))


def _blank_vietnamese() -> spacy.language.Language:
    # Whitespace syllables are exactly what `normalize` produces; pyvi is not needed.
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


class ProcedureResolver:
    """Built once per catalog; `resolve` is cheap and safe for any input.

    `not_covered`: phrases naming procedures the knowledge base lacks (data/kb/chua_co.yml);
    a text naming one is never resolved to a neighbour whose names lack the phrase."""

    @classmethod
    def for_catalog(cls, catalog: Catalog) -> ProcedureResolver:
        return cls(catalog.procedures, catalog.not_covered)

    def __init__(self, procedures: Sequence[Procedure], not_covered: Sequence[str] = ()) -> None:
        self._nlp = _blank_vietnamese()
        self._matcher = PhraseMatcher(self._nlp.vocab)
        self._procedures = {p.key: p for p in procedures}
        self._aliases: list[_Alias] = []
        self._words: dict[str, frozenset[str]] = {}
        self._others = _phrase_pattern(not_covered)
        self._own_others: dict[str, frozenset[str]] = {}
        for procedure in procedures:
            names = {normalize(a) for a in (procedure.name, *procedure.aliases)}
            names.discard("")
            aliases = [_Alias.of(procedure.key, name) for name in sorted(names)]
            self._aliases.extend(aliases)
            self._matcher.add(procedure.key, [self._nlp.make_doc(a.text) for a in aliases])
            self._words[procedure.key] = frozenset().union(*(a.features for a in aliases))
            self._own_others[procedure.key] = frozenset(
                phrase for name in names for phrase in self._others.findall(name)
            )
        self._alias_trigrams = [_trigrams(alias.text) for alias in self._aliases]
        self._trigram_index: dict[str, list[int]] = {}
        for position, grams in enumerate(self._alias_trigrams):
            for gram in grams:
                self._trigram_index.setdefault(gram, []).append(position)
        count = max(len(procedures), 1)
        document_frequency = Counter(word for words in self._words.values() for word in words)
        self._idf = {w: math.log(count / df) for w, df in document_frequency.items()}
        # Every name as its distinctive features and their total weight, for words alone.
        self._name_features: dict[str, list[tuple[frozenset[str], float]]] = {}
        for alias in self._aliases:
            weight = sum(self._idf[f] for f in alias.features)
            if weight > 0:
                self._name_features.setdefault(alias.key, []).append((alias.features, weight))

    def rules_out(self, text: str, key: str) -> bool:
        """Does the text name a procedure we do not cover that `key` is not ("thi bằng lái"
        rules out "đổi bằng lái" even when only "bằng lái" was extracted as the mention)?"""
        others = frozenset(self._others.findall(normalize(text or "")[:2000]))
        return bool(others - self._own_others.get(key, frozenset()))

    def not_covered_in(self, text: str) -> Optional[str]:
        """The first phrase of a procedure we do not cover that the text names, if any."""
        found = self._others.search(normalize(text or "")[:2000])
        return found.group(0) if found else None

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        normalized = normalize(text or "")[:2000]
        if not normalized:
            return Resolution(())
        words = normalized.split()
        anchors = self._exact(normalized) or self._fuzzy(words)
        features = set(_word_features(words))
        others = frozenset(self._others.findall(normalized))
        scored: list[tuple[Candidate, bool]] = []
        for key in self._procedures:
            if others - self._own_others[key]:
                continue  # the text names a procedure we do not have, not this one
            found = self._score(key, anchors, features)
            if found is not None:
                scored.append(found)
        if anchors and not any(anchored for _, anchored in scored):
            # It names one of ours only to rule it out ("lý lịch tư pháp cho người nước
            # ngoài"): words alone must not stand in for it.
            return Resolution(())
        ranked = sorted((candidate for candidate, _ in scored), key=lambda c: -c.score)
        return Resolution(tuple(ranked[:limit]))

    def _score(
        self, key: str, anchors: dict[str, _Anchor], features: set[str]
    ) -> Optional[tuple[Candidate, bool]]:
        """Start from the procedure's own anchor, one it specialises, or its words alone;
        then add the weight of its distinctive words that the text contains. The flag is
        True when the start was an anchor."""
        procedure_words = self._words[key]
        shared = features & procedure_words
        evidence = sum(self._idf[w] for w in shared)
        starts = [(a.score, a.matched) for a in anchors.values() if a.key == key] + [
            (a.score - SPECIFIC_GAP, a.matched)
            for a in anchors.values()
            if a.key != key and a.core and a.core <= procedure_words
        ]
        if starts:
            base, matched = max(starts)
        elif evidence >= WORDS_ONLY_MIN_IDF and self._coverage(key, shared):
            base, matched = WORDS_ONLY_BASE, " ".join(sorted(shared))
        else:
            return None
        score = round(base + WORD_BONUS * evidence, 4)
        return Candidate(self._procedures[key], score, matched), bool(starts)

    def _coverage(self, key: str, shared: set[str]) -> bool:
        """True when the text holds most of the distinctive weight of one of the names."""
        return any(
            sum(self._idf[f] for f in features & shared) >= WORDS_ONLY_COVERAGE * weight
            for features, weight in self._name_features.get(key, ())
        )

    def _exact(self, normalized: str) -> dict[str, _Anchor]:
        doc = self._nlp.make_doc(normalized)
        matches = self._matcher(doc)
        spans = [doc[start:end] for _, start, end in matches]
        kept = {(s.start, s.end) for s in filter_spans(spans)}
        best: dict[str, _Anchor] = {}
        for match_id, start, end in matches:
            key = self._nlp.vocab.strings[match_id]
            # A span swallowed by a longer alias of another procedure does not count.
            covered = (start, end) not in kept and any(
                s <= start and end <= e and (s, e) != (start, end) for s, e in kept
            )
            length = end - start
            score = round((1.0 if not covered else 0.9) + min(length, 6) * 0.01, 4)
            if key not in best or score > best[key].score:
                text = doc[start:end].text
                best[key] = _Anchor(key, score, text, _core(text.split()))
        return best

    def _fuzzy(self, words: list[str]) -> dict[str, _Anchor]:
        """Best similarity of each plausible alias to a window of about its length.

        A character-trigram index keeps only aliases that share at least half of their
        trigrams with the text (a typo leaves most of them intact), a multi-word alias is
        compared only with windows sharing one of its words, and rapidfuzz's `ratio`
        (normalised Indel similarity, in C++) stops early below the threshold. A window
        that passes must still look like a typo of the alias word by word (`_typo_of`)."""
        shared = Counter(
            position
            for gram in _trigrams(" ".join(words))
            for position in self._trigram_index.get(gram, ())
        )
        best: dict[str, _Anchor] = {}
        cutoff = FUZZY_THRESHOLD * 100
        windows: dict[int, list[tuple[str, frozenset[str]]]] = {}
        for position, count in shared.items():
            if count < TRIGRAM_SHARE * len(self._alias_trigrams[position]):
                continue
            alias = self._aliases[position]
            for width in {max(len(alias.words) - 1, 1), len(alias.words), len(alias.words) + 1}:
                if width not in windows:
                    windows[width] = _windows(words, width)
                for window_text, window_words in windows[width]:
                    # a typo rarely breaks every word: a multi-word alias needs one intact
                    if len(alias.words) > 1 and alias.word_set.isdisjoint(window_words):
                        continue
                    # only a window that beats this procedure's best so far is checked
                    found = best.get(alias.key)
                    floor = max(cutoff, found.score / FUZZY_WEIGHT * 100) if found else cutoff
                    percent = similarity(alias.text, window_text, score_cutoff=floor)
                    score = round(percent / 100 * FUZZY_WEIGHT, 4)
                    if not percent or (found and score <= found.score):
                        continue
                    if _typo_of(alias.rare, window_words):
                        best[alias.key] = _Anchor(alias.key, score, window_text, alias.core)
        return best


# Letters Vietnamese speakers confuse when typing by ear ("thuong chu", "xac nhan cu chu").
_SOUND_ALIKE = (("tr", "ch"), ("gi", "d"), ("r", "d"), ("s", "x"))


@lru_cache(maxsize=4096)
def _sounds_like(word: str) -> str:
    """The word as heard: initial tr/gi/r/s as ch/d/d/x, final y as i ("cong ti")."""
    for written, heard in _SOUND_ALIKE:
        if word.startswith(written):
            word = heard + word[len(written) :]
            break
    return word[:-1] + "i" if word.endswith("y") else word


def _is_subsequence(short: str, long: str) -> bool:
    """True when `long` is `short` with letters added ("sinhh", "kethon")."""
    letters = iter(long)
    return all(letter in letters for letter in short)


def _typo_of(rare: Sequence[str], window_words: frozenset[str]) -> bool:
    """True when the window could be the alias mistyped: letters dropped, doubled, swapped
    or misheard inside words ("chiu" for "chieu", "cuco" for "cuoc", "chu" for "tru"),
    words run together ("kethon"), but no distinctive word replaced by another, so
    "dang ky nuoi" is not "dang ky cuoi"."""
    return all(any(_looks_like(word, other) for other in window_words) for word in rare)


def _looks_like(word: str, other: str) -> bool:
    return (
        _is_subsequence(word, other)
        or _is_subsequence(other, word)
        or sorted(word) == sorted(other)
        or _sounds_like(word) == _sounds_like(other)
    )


def _word_features(words: Sequence[str]) -> list[str]:
    """Distinctive single words and every adjacent pair ("danh sach", "nuoc ngoai")."""
    singles = [w for w in words if w not in GENERIC_WORDS]
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:]) if not {a, b} <= GENERIC_WORDS]
    return singles + pairs


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern[str]:
    """One regex finding any of the (normalised) phrases as whole words."""
    normalized = sorted({normalize(p) for p in phrases} - {""}, key=lambda p: -len(p))
    if not normalized:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in normalized) + r")(?!\w)")


def _core(words: Sequence[str]) -> frozenset[str]:
    """What makes a name what it is: its distinctive words and pairs of them ("tam tru")."""
    return frozenset(f for f in _word_features(words) if not GENERIC_WORDS.intersection(f.split()))


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
