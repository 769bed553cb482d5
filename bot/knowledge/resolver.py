"""From what a citizen typed to the procedures they most likely mean, with a score.

Stages over `bot.text.normalize`d text, so diacritics and abbreviations ("gks", "xn",
"cty": the same table the NLU uses) never matter; on top of it the resolver spells out
"hđ" (hợp đồng), reads "lí", "kí", "ti" as "lý", "ký", "ty", a person, guest or spouse named
by nationality ("người Nhật", "khách Hàn Quốc", "chồng Hàn Quốc", "quốc tịch Trung Quốc")
as a foreigner and a birth in a named country ("sinh ra ở Đài Loan") as one abroad:
1. anchors: exact alias spans, found in one pass by spaCy's PhraseMatcher (token-boundary
   aware, longest span wins): "lam ho chieu het bn" -> "ho chieu"; when nothing matches
   exactly, fuzzy similarity of each alias against windows of about its length, for typos
   such as "ho chiu" or "thuong chu" (letters dropped or misheard, never a word replaced,
   and never a common word taken for a name word: "dang ky nuoi" is not "dang ky cuoi",
   "khi sinh" is not "khai sinh"; a word without vowels is its word with them left out,
   "ket hn"). Before both, a word that cannot be a Vietnamese syllable is put right when
   that gives a word of a name: Telex keys left in ("thucj", "tuwr", "hoj chieeu"), two
   letters swapped ("bagn lai") or one left out, when only one word fits ("cong chug");
   and a count of copies inside a name ("chứng thực 10 bản sao") is left out;
2. specific over generic: a procedure whose own names hold the distinctive words (and
   pairs of them) of another procedure's anchor ("tạm trú" is inside "tạm trú theo danh
   sách") starts just below that anchor and is credited with its words, so a phrase
   that sets it apart, from a name of it that starts with the anchor ("tạm trú cho |
   công nhân", "ký túc xá"), lifts it above the generic one; without such a phrase (a
   lone "ngoại" of "bà ngoại" is not "nước ngoài"; "xác nhận | tạm trú" does not start
   with it) it stays well below, and with nothing of its own in the text (no word of
   such a name, no phrase of another: "khai sinh muộn cho con 3 tháng tuổi" is not the
   liên thông bundle) it is only a guess, ranked below every procedure the text names,
   and ruled out with the procedure it started from. A name joining the names of two
   procedures found apart in the text ("làm khai sinh, đăng ký thường trú và thẻ bhyt")
   starts just below the better of them, so that its words decide;
3. distinctive words: every procedure gains from the rare words of its names that the
   text contains (IDF-weighted); a procedure with no anchor is found by words alone only
   when most of one of its names is in the text, in any order, two of them side by side;
4. not ours: a phrase naming a neighbouring procedure the knowledge base does not have
   ("thi bằng lái", "giải thể", "visa") rules out every procedure whose own names lack
   it, so "thi bằng lái" gets no procedure instead of "đổi bằng lái"; and when the only
   procedures the text names are ruled out, words alone do not stand in for them;
5. what is asked, not the circumstances: a name found only in a side clause ("... để
   đăng ký kết hôn", "... vì đã lấy chồng", "khi bố mẹ chưa đăng ký kết hôn", "cưới vợ
   rồi muốn ...", "... có cần giấy xác nhận ... không") scores below a name in the main
   clause, the side clause adds no words, and a procedure we do not have named there
   ("lý lịch tư pháp để xin visa") rules nothing out. A name starting inside or right
   after another procedure's name is its object ("chứng thực bản sao | giấy khai sinh",
   "sao y | bằng lái xe"), or right after it and "cho" (who it is for: "đăng ký thường
   trú cho | em bé mới sinh"): it scores below that name and its words count for nothing.
   Both leave the lower procedure among the candidates.
6. learned: when the knowledge base holds mentions in citizens' words (data/kb/mentions),
   a ranker trained on them and on the names (`bot.knowledge.ranker`) adds its probability
   for each candidate to its score, and its likeliest other procedures join the
   candidates (below the fifth, unanchored: no name of theirs is in the text) and may
   rise above them; a guess stays below every procedure the text names, and a text the
   stages above find nothing in gets nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Optional, Sequence

import numpy as np
import spacy
from rapidfuzz.fuzz import ratio as similarity
from rapidfuzz.process import cdist
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.knowledge.catalog import Catalog, Mention, Procedure
from bot.knowledge.ranker import MentionRanker
from bot.text import fold, normalize

FUZZY_THRESHOLD = 0.78
FUZZY_WEIGHT = 0.95  # a fuzzy anchor scores its similarity times this, below any exact one
AMBIGUITY_MARGIN = 0.04
WORD_BONUS = 0.02  # per unit of IDF of a shared distinctive word
WORDS_ONLY_BASE = 0.70  # a procedure found by distinctive words alone starts here
WORDS_ONLY_MIN_IDF = 5.0  # ... and only when the shared words are this distinctive
WORDS_ONLY_COVERAGE = 0.5  # ... and hold this share of one name's distinctive weight
SPECIFIC_GAP = 0.06  # a procedure containing another's anchor starts this far below it
BARE_GAP = 0.15  # ... or this far when the text has no other phrase of its names
TRIGRAM_SHARE = 0.5  # an alias is compared only if the text has half of its trigrams
RANKER_WEIGHT = 0.4  # a candidate gains this times the ranker's probability for it (0.5 let
# it take "sao y | bằng lái xe" for the licence; 0.3 to 0.5 are within two of 1,385 dev mentions)
RANKER_JOINS = 3  # the ranker's most likely procedures that may join the candidates...
RANKER_JOIN_AT = 0.1  # ... when it gives them this probability, starting this far below
RANKER_JOIN_BELOW = 5  # ... the candidate at this place (or the last, when there are fewer)
SIDE_PENALTY = 0.15  # a name in a side clause, or the object of another name, scores less
# Words that say nothing about which procedure is meant; a fuzzy window of only these
# never counts ("dang ky" alone is not a procedure). Function words are here too: "o"
# (ở), "co" (có), "moi" (mới), "nha" (nhà), "nguoi" (người), "di" (đi), "do" (do, đó),
# "bi" (bị), "viet" (Việt Nam) are in some names but in almost every message, and "giam"
# is "giảm" (phí) far more often than "giám" (hộ).
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
        "nha",
        "nguoi",
        "di",
        "den",
        "len",
        "qua",
        "do",
        "bi",
        "khi",
        "viet",
        "giam",  # giảm (phí) in fee questions, folded like giám (hộ)
    ]
)


# "hđ" (hợp đồng) is expanded before folding, since "hd" without its đ is as often
# "hướng dẫn" (short forms that fold safely are in `bot.text.ABBREVIATIONS`).
_HOP_DONG_RE = re.compile(r"(?<!\w)hđ(?!\w)", re.IGNORECASE)
# "mất" asking a cost or a time ("có mất phí không", "mất bao lâu") is not "mất" (lost):
# left out before names are looked for
_COSTS_RE = re.compile(r"\bmat (?=(phi|tien|le phi|bao lau|bao nhieu|may ngay|thoi gian)\b)")
# A person or guest named by nationality is a foreigner ("người Nhật", "khách Hàn Quốc").
# Not "người Anh" (also an elder brother), "người Ý", "người Bỉ" ("người y tế", "người
# bị"), "người Tây", "người Thái", "người Hoa" (peoples of Viet Nam), "người lao động".
NATIONALITIES = (
    "my",
    "nhat",
    "nhat ban",
    "han",
    "han quoc",
    "trieu tien",
    "trung quoc",
    "dai loan",
    "hong kong",
    "phap",
    "duc",
    "nga",
    "uc",
    "tay ban nha",
    "bo dao nha",
    "ha lan",
    "thuy dien",
    "thuy si",
    "na uy",
    "dan mach",
    "phan lan",
    "ba lan",
    "sec",
    "canada",
    "thai lan",
    "lao",
    "campuchia",
    "singapore",
    "malaysia",
    "indonesia",
    "philippines",
    "an do",
    "chau au",
    "chau phi",
    "ngoai quoc",
)
_FOREIGNER_RE = re.compile(
    r"(?<!\w)(nguoi|khach|chong|vo) ("
    + "|".join(sorted(NATIONALITIES, key=len, reverse=True))
    + r")(?!\w)(?! dong| cong| rac)"
)
# ... and a child born in a named country was born abroad ("con sinh ra ở Hàn Quốc"); not
# a place in Viet Nam that starts like one ("Lào Cai", "Mỹ Tho", "Đức Hòa").
_BORN_ABROAD_RE = re.compile(
    r"(?<!\w)(sinh ra|sinh) (?:o|tai|ben) ("
    + "|".join(sorted(NATIONALITIES, key=len, reverse=True))
    + r")(?!\w)(?! (?:cai|tho|hao|xuyen|loc|hoa|trong|pho|linh|giang))"
)
# ... and so is one of a foreign nationality ("con dâu quốc tịch Trung Quốc").
_NATIONALITY_RE = re.compile(
    r"(?<!\w)quoc tich (" + "|".join(sorted(NATIONALITIES, key=len, reverse=True)) + r")(?!\w)"
)
# A count of copies or pages inside a name ("chứng thực 10 bản sao", "sao y 3 bản"): the
# number says how many, not which procedure, so it is left out of the comparison; not a
# number that is part of a name ("bằng cấp 3", "phiếu số 2", "hạng 2").
_COUNT_RE = re.compile(
    r"(?<!\w)(?<!cap )(?<!so )(?<!hang )\d{1,4} (?=(ban|trang|to|bo|phieu)(?!\w))"
)
# What a folded Vietnamese syllable can be: onset, one to three vowels, final consonant.
# A word that is none ("bagn", "thucj", "chieeu", "hn") is a typo or a short form.
_SYLLABLE_RE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?"
)
_TELEX_DOUBLES_RE = re.compile(r"([aeod])\1")
_TELEX_W_RE = re.compile(r"([aou])w")
_TELEX_TONE_RE = re.compile(r"^(.*[aeiouy](?:ch|ng|nh|[cmnpt])?)([sfrxj])((?:ch|ng|nh|[cmnpt])?)$")
_VOWELS = frozenset("aeiouy")
_LETTERS = "abcdeghiklmnopqrstuvxy"
# Side clauses. After "để" (purpose), "vì" (reason), "khi" (time), "có cần", "bắt buộc"
# (a requirement) comes a circumstance, up to the next "muốn"/"rồi"/"xong"; so do "đã" (done)
# and the two words after it. Before "muốn" (the wish), "rồi" or "xong" (done first)
# comes what happened first or what the wish is about.
_SIDE_AFTER = frozenset(["de", "vi", "khi"])
_DONE = "da"  # "đã" and the two words after it: "cho con gái đã lấy chồng ở tỉnh khác"
_SIDE_AFTER_PAIRS = frozenset([("co", "can"), ("bat", "buoc")])
_NOT_SIDE = frozenset([("de", "nghi"), ("vi", "pham"), ("vi", "tri"), ("vi", "du"), ("vi", "sao")])
_SIDE_BEFORE = frozenset(["muon", "roi", "xong"])
_FOR = "cho"  # "<procedure> cho <whom>": a name after it says who, not what
# whom a procedure is for, as names end: "khai sinh cho con", "căn cước cho bé"
_FAMILY = frozenset(["con", "be", "em", "chau", "me", "bo", "ba", "vo", "chong", "ong"])
_CIRCUMSTANCES = frozenset(["vi", _DONE])  # a reason, something done: never what is asked
# Generic words that only link others: a pair with one of them is no phrase of a name.
_FUNCTION_WORDS = frozenset(
    [
        "cho",
        "o",
        "va",
        "voi",
        "cua",
        "la",
        "thi",
        "de",
        "da",
        "khi",
        "tai",
        "trong",
        "ve",
        "tren",
        "theo",
        "co",
        "khong",
        "a",
        "e",
        "nao",
        "nhu",
        "gi",
        "ra",
        "roi",
        "duoc",
        "can",
    ]
)
# Words too common to be a mistyped name word ("khi" is not "khai", "an" is not "dan").
_NEVER_TYPOS = frozenset(
    ["khi", "thi", "cho", "nay", "nhu", "voi", "cua", "neu", "nen", "nao", "sao", "ma", "la"]
)


@dataclass(frozen=True)
class Candidate:
    procedure: Procedure
    score: float
    matched: str
    # False when found by shared words alone, with none of its names in the text
    anchored: bool = True


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
    start: int  # token span of the match in the text
    end: int

    @cached_property
    def words(self) -> frozenset[str]:
        """The features of the matched span ("tam tru", "ky tam", "tam", "tru")."""
        return frozenset(_word_features(self.matched.split()))


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

    def refines(self, core: frozenset[str]) -> bool:
        """Does this name hold every core word of another name, starting with one of
        them ("tạm trú theo danh sách" refines "tạm trú"; "xác nhận tạm trú" does not)?"""
        return core <= self.features and bool(self.rare) and self.rare[0] in core

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
        return cls(catalog.procedures, catalog.not_covered, catalog.mentions)

    def __init__(
        self,
        procedures: Sequence[Procedure],
        not_covered: Sequence[str] = (),
        mentions: Sequence[Mention] = (),
    ) -> None:
        self._nlp = _blank_vietnamese()
        self._matcher = PhraseMatcher(self._nlp.vocab)
        self._procedures = {p.key: p for p in procedures}
        self._aliases: list[_Alias] = []
        self._by_key: dict[str, list[_Alias]] = {}
        self._words: dict[str, frozenset[str]] = {}
        all_names = {
            p.key: {_expand(normalize(a)) for a in (p.name, *p.aliases)} for p in procedures
        }
        # "li", "ki", "ti" are spellings of "ly", "ky", "ty" ("lí lịch", "chữ kí", "công ti")
        vocabulary = {w for names in all_names.values() for name in names for w in name.split()}
        # words of names, also as typed before abbreviations are spelt out ("bang" of "bằng
        # lái"): what a mistyped word is put right to; other known words are left alone
        typed = {w for p in procedures for name in (p.name, *p.aliases) for w in fold(name).split()}
        self._known = frozenset(typed | vocabulary)
        self._vocabulary = frozenset(w for w in self._known if _is_syllable(w))
        self._spellings = {
            w[:-1] + "i": w
            for w in vocabulary
            if len(w) > 1 and w.endswith("y") and w[-2] not in "aeiouy"
        }
        self._others = _phrase_pattern([self._prepare(p) for p in not_covered])
        self._own_others: dict[str, frozenset[str]] = {}
        for procedure in procedures:
            names = {self._respell(n) for n in all_names[procedure.key]}
            names.discard("")
            aliases = [_Alias.of(procedure.key, name) for name in sorted(names)]
            self._aliases.extend(aliases)
            self._by_key[procedure.key] = aliases
            self._matcher.add(procedure.key, [self._nlp.make_doc(a.text) for a in aliases])
            self._words[procedure.key] = frozenset().union(*(a.features for a in aliases))
            self._own_others[procedure.key] = frozenset(
                phrase for name in names for phrase in self._others.findall(name)
            )
        alias_trigrams = [_trigrams(alias.text) for alias in self._aliases]
        postings: dict[str, list[int]] = {}
        for position, grams in enumerate(alias_trigrams):
            for gram in grams:
                postings.setdefault(gram, []).append(position)
        self._trigram_index = {gram: np.array(p, dtype=np.intp) for gram, p in postings.items()}
        # a name of only common words ("qua đời") is matched exactly, never as a typo
        self._trigrams_needed = np.array(
            [
                TRIGRAM_SHARE * len(g) if a.rare else np.inf
                for a, g in zip(self._aliases, alias_trigrams)
            ]
        )
        count = max(len(procedures), 1)
        document_frequency = Counter(word for words in self._words.values() for word in words)
        self._idf = {w: math.log(count / df) for w, df in document_frequency.items()}
        # the procedures whose names have a word, so a text is scored only against those
        self._holders: dict[str, set[str]] = {}
        for key, words in self._words.items():
            for word in words:
                self._holders.setdefault(word, set()).add(key)
        # Every name as its distinctive features and their total weight, for words alone.
        self._name_features: dict[str, list[tuple[frozenset[str], float]]] = {}
        for alias in self._aliases:
            weight = sum(self._idf[f] for f in alias.features)
            if weight > 0:
                self._name_features.setdefault(alias.key, []).append((alias.features, weight))
        self._ranker: Optional[MentionRanker] = None
        if mentions:
            names = [(self._asked(n), p.key) for p in procedures for n in (p.name, *p.aliases)]
            said = [
                (self._asked(m.text), m.procedure_key)
                for m in mentions
                if m.procedure_key in self._procedures
            ]
            self._ranker = MentionRanker.trained_on(names + said)

    def rules_out(self, text: str, key: str) -> bool:
        """Does the text name a procedure we do not cover that `key` is not ("thi bằng lái"
        rules out "đổi bằng lái" even when only "bằng lái" was extracted as the mention)?"""
        normalized = self._prepare(text)
        others = self._others_in(normalized, self._exact(normalized)[0])
        return bool(frozenset(others) - self._own_others.get(key, frozenset()))

    def not_covered_in(self, text: str) -> Optional[str]:
        """The first phrase of a procedure we do not cover that the text names, if any
        (outside side clauses when the main clause names one of ours)."""
        normalized = self._prepare(text)
        others = self._others_in(normalized, self._exact(normalized)[0])
        return others[0] if others else None

    def _prepare(self, text: str) -> str:
        """The text as compared: normalised, short forms expanded, spellings unified,
        mistyped words of names put right (`_corrected`), counts of copies left out."""
        normalized = normalize(_HOP_DONG_RE.sub("hợp đồng", text or ""))[:2000]
        corrected = self._corrected(normalized)
        if corrected != normalized:  # "bagn lai" is "bang lai": expand it again
            normalized = normalize(corrected)
        return _COSTS_RE.sub("", _COUNT_RE.sub("", self._respell(_expand(normalized))))

    def _corrected(self, normalized: str) -> str:
        """Words that cannot be Vietnamese syllables put right when that gives a word of
        a name: Telex keys left in ("thucj", "tuwr", "hoj chieeu": tone letters, w and
        doubled vowels) or two letters swapped ("bagn lai")."""
        words = normalized.split()
        if all(_is_syllable(w) or w in self._known for w in words):
            return normalized
        return " ".join(w if _is_syllable(w) or w in self._known else self._fixed(w) for w in words)

    def _fixed(self, word: str) -> str:
        if not word.isalpha() or len(word) < 3:
            return word
        untyped = _untelexed(word)
        if untyped != word and untyped in self._vocabulary:
            return untyped
        for i in range(len(word) - 1):
            # two vowels or two consonants swapped ("bagn", "ngheip"; not "atm", "time")
            if (word[i] in _VOWELS) != (word[i + 1] in _VOWELS):
                continue
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if swapped in self._vocabulary:
                return swapped
        # one letter left out ("chug", "thuog", "doah"), when only one word fits
        fits = {
            added
            for i in range(1, len(word) + 1)
            for letter in _LETTERS
            if (added := word[:i] + letter + word[i:]) in self._vocabulary
        }
        return fits.pop() if len(fits) == 1 else word

    def _respell(self, normalized: str) -> str:
        if not any(w in self._spellings for w in normalized.split()):
            return normalized
        return " ".join(self._spellings.get(w, w) for w in normalized.split())

    def _others_in(self, normalized: str, anchors: dict[str, _Anchor]) -> list[str]:
        """Phrases of procedures we do not have, in order; one in a side clause does not
        count when one of ours is named in the main clause ("lltp để xin visa")."""
        found = list(self._others.finditer(normalized))
        if found:
            words = normalized.split()
            side = _side_clauses(words)
            if self._main_and_side(words, anchors, side):
                found = [m for m in found if side[normalized.count(" ", 0, m.start())] != SIDE]
        return [m.group(0) for m in found]

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        normalized = self._prepare(text)
        if not normalized:
            return Resolution(())
        words, anchors, side, objects = self._read(normalized)
        features = set(_word_features(_main_words(words, side)))
        others = frozenset(self._others_in(normalized, anchors))
        scored: list[tuple[Candidate, bool, Optional[str]]] = []
        # only procedures sharing a word with the text or holding an anchor's core
        words_seen = features.union(*(a.core for a in anchors.values()))
        keys = set(anchors).union(*(self._holders.get(f, ()) for f in words_seen))
        for key in self._procedures:
            if key not in keys or others - self._own_others[key]:
                continue  # the text names a procedure we do not have, not this one
            found = self._score(key, anchors, features)
            if found is not None:
                scored.append(found)
        if anchors and not any(anchored for _, anchored, _ in scored):
            # It names one of ours only to rule it out ("lý lịch tư pháp cho người nước
            # ngoài"): words alone must not stand in for it.
            return Resolution(())
        # A procedure whose names hold another's anchor but nothing of the text sets it
        # apart ("lam khai sinh qua dich vu cong" is not the liên thông bundle) is only a
        # guess: it ranks below every procedure the text names, even in a side clause
        # ("khai sinh cho con khi bố mẹ chưa đăng ký kết hôn"), however many shared words
        # it has; and when the procedure it started from is ruled out, so is it.
        found = {candidate.procedure.key: candidate.score for candidate, _, _ in scored}
        scored = [s for s in scored if s[2] is None or s[2] in found]
        named = {
            c.procedure.key
            for c, _, below in scored
            if below is None and c.procedure.key in anchors
        }
        guesses = {c.procedure.key for c, _, below in scored if below is not None}
        ranked = _below_named(
            sorted((c for c, _, _ in scored), key=lambda c: -c.score), named, guesses
        )
        if self._ranker is not None and ranked:
            ranked = self._reranked(ranked, _without(words, objects), others, named, guesses)
        return Resolution(tuple(ranked[:limit]))

    def _reranked(
        self,
        ranked: list[Candidate],
        asked: str,
        others: frozenset[str],
        named: set[str],
        guesses: set[str],
    ) -> list[Candidate]:
        """The candidates with the ranker's opinion added to their scores, and its
        likeliest other procedures joining just below the fifth, unless the text names a
        procedure we do not have that they are not (the same rule as for every
        candidate); a guess still stays below every procedure the text names."""
        likely = self._ranker.probabilities(asked)
        floor = ranked[:RANKER_JOIN_BELOW][-1].score - RANKER_JOIN_AT
        found = {c.procedure.key for c in ranked}
        joining = [
            Candidate(self._procedures[key], floor, "", anchored=False)
            for key in sorted(likely, key=likely.get, reverse=True)[:RANKER_JOINS]
            if key not in found
            and likely[key] >= RANKER_JOIN_AT
            and not others - self._own_others[key]
        ]
        rescored = [
            replace(c, score=round(c.score + RANKER_WEIGHT * likely.get(c.procedure.key, 0), 4))
            for c in [*ranked, *joining]
        ]
        return _below_named(sorted(rescored, key=lambda c: -c.score), named, guesses)

    def _read(
        self, normalized: str
    ) -> tuple[list[str], dict[str, _Anchor], list[int], frozenset[int]]:
        """The text's words, the names found in it, which words are in side clauses or
        name the object of another name (SIDE) and which say what is asked (MAIN), and
        the positions of the objects."""
        words = normalized.split()
        anchors, objects = self._exact(normalized)
        if not anchors:
            anchors = self._fuzzy(words)
        side = _side_clauses(words)
        if self._main_and_side(words, anchors, side):
            # what the citizen asks for is named in the main clause: the side clauses
            # lower the names found there and add no words
            anchors = {
                k: _lowered(a) if all(side[a.start : a.end]) else a for k, a in anchors.items()
            }
        else:
            side = [MAIN] * len(words)
        # nor do the words naming the object of another procedure ("sao y | bằng lái xe"),
        # unless a name joins the two ("làm khai sinh | đăng ký thường trú" are parts)
        objects -= self._joined(anchors, words)
        for i in objects:
            side[i] = SIDE
        return words, anchors, side, objects

    def _asked(self, text: str) -> str:
        """What the ranker reads of a text: all of it but the words naming the object of
        another name ("sao y | bằng lái xe" asks for a copy, whatever bằng lái is)."""
        normalized = self._prepare(text)
        if not normalized:
            return ""
        words, _, _, objects = self._read(normalized)
        return _without(words, objects)

    def _joined(self, anchors: dict[str, _Anchor], words: list[str]) -> frozenset[int]:
        """The positions of names found apart in the text that one name of another
        procedure joins ("làm khai sinh | đăng ký thường trú": the liên thông bundle);
        not a name after "cho", who a procedure is for ("thường trú cho | con mới sinh")."""
        apart = [a for a in _apart(anchors) if not (a.start and words[a.start - 1] == _FOR)]
        if len(apart) < 2:
            return frozenset()
        positions: set[int] = set()
        for alias in self._aliases:
            joined = [a for a in apart if a.key != alias.key and a.core <= alias.features]
            if len({a.key for a in joined}) >= 2:
                positions.update(i for a in joined for i in range(a.start, a.end))
        return frozenset(positions)

    def _main_and_side(
        self, words: list[str], anchors: dict[str, _Anchor], side: list[int]
    ) -> bool:
        """True when the text has side clauses and its main clause names a procedure;
        after "vì" or "đã" (a reason, something done) it is enough that the main clause
        holds a distinctive word of one ("xóa tên em khỏi sổ hộ khẩu vì đã lấy chồng")."""
        return any(side) and (
            any(not all(side[a.start : a.end]) for a in anchors.values())
            or (
                not _CIRCUMSTANCES.isdisjoint(words)
                and any(
                    part == MAIN and word not in GENERIC_WORDS and word in self._idf
                    for word, part in zip(words, side)
                )
            )
        )

    def _score(
        self, key: str, anchors: dict[str, _Anchor], features: set[str]
    ) -> Optional[tuple[Candidate, bool, Optional[str]]]:
        """Start from the procedure's own anchor, one it specialises, or its words alone;
        then add the weight of its distinctive words that the text contains. A procedure
        starting from another's anchor also gets the words of that anchor it lacks ("làm
        tạm trú" counts as much for "tạm trú theo danh sách" as for "tạm trú"), so only
        the words that set it apart decide. The flag is True when the start was an anchor;
        the key, if any, is of the procedure whose anchor it started from with nothing in
        the text setting it apart: it is kept below that one."""
        procedure_words = self._words[key]
        shared = features & procedure_words
        evidence = self._weight(shared)
        starts = [
            (a.score + WORD_BONUS * evidence, a.matched, None)
            for a in anchors.values()
            if a.key == key
        ]
        # one of its names joins the names of two or more other procedures found in the
        # text ("làm khai sinh + đăng ký thường trú" is the liên thông bundle): it starts
        # level with the best of them, and its words decide
        apart_names = [a for a in _apart(anchors) if a.key != key]
        for alias in self._by_key[key]:
            joined = [a for a in apart_names if a.core <= alias.features]
            if len({a.key for a in joined}) >= 2:
                best = max(joined, key=lambda a: a.score)
                bonus = WORD_BONUS * evidence
                starts.append((best.score - SPECIFIC_GAP + bonus, best.matched, None))
        for a in anchors.values():
            if a.key == key or not a.core or not a.core <= procedure_words:
                continue
            # names of this procedure making the anchor specific: the anchor comes first
            # ("tạm trú | theo danh sách"), not as an object ("xác nhận | tạm trú");
            # what sets it apart is a phrase of such a name that the anchor's procedure
            # lacks ("công nhân"), not a lone syllable ("ngoại" is not "nước ngoài",
            # "tỉnh" not "tình trạng") nor a pair with "cho", "ở"
            names = [alias.features for alias in self._by_key[key] if alias.refines(a.core)]
            # (a pair of two words of the anchor's procedure, "con sinh" of "khai sinh cho
            # con", sets nothing apart)
            apart = {
                f
                for f in (shared & frozenset().union(*names)) - self._words[a.key]
                if not set(f.split()) <= self._words[a.key]
            }
            gap = SPECIFIC_GAP if any(map(_is_phrase, apart)) else BARE_GAP
            inherited = (a.words & features & self._words[a.key]) - procedure_words
            bonus = WORD_BONUS * (evidence + self._weight(inherited))
            # with nothing of its own in the text beyond the anchor procedure's words, no
            # word of a name refining the anchor and no phrase of another name ("khai sinh
            # muộn cho con 3 tháng tuổi": nothing of "liên thông"), it stays below that one
            own = self._words[a.key] | GENERIC_WORDS
            bare = not apart and not any(
                _is_phrase(f) and not set(f.split()) <= own for f in shared - self._words[a.key]
            )
            starts.append((a.score - gap + bonus, a.matched, a.key if bare else None))
        if starts:
            score, matched, below = max(starts, key=lambda start: start[:2])
        elif evidence >= WORDS_ONLY_MIN_IDF and self._coverage(key, shared):
            score = WORDS_ONLY_BASE + WORD_BONUS * evidence
            matched, below = " ".join(sorted(shared)), None
        else:
            return None
        candidate = Candidate(self._procedures[key], round(score, 4), matched, bool(starts))
        return candidate, bool(starts), below

    def _weight(self, words: set[str]) -> float:
        return sum(self._idf[w] for w in words)

    def _coverage(self, key: str, shared: set[str]) -> bool:
        """True when the text holds most of one of the names: of its distinctive weight,
        half of its words and pairs ("nhân viên" alone is not "tạm trú cho nhân
        viên"), and two of its words side by side ("mở ... cơ quan" is not "mở quán")."""
        return any(
            self._weight(held) >= WORDS_ONLY_COVERAGE * weight
            and len(held) >= WORDS_ONLY_COVERAGE * len(features)
            and any(map(_is_phrase, held))
            for features, weight in self._name_features.get(key, ())
            for held in [features & shared]
        )

    def _exact(self, normalized: str) -> tuple[dict[str, _Anchor], frozenset[int]]:
        """The best exact name of each procedure in the text, and the positions of the
        words that are only the object of another procedure's name."""
        doc = self._nlp.make_doc(normalized)
        matches = self._matcher(doc)
        spans = [doc[start:end] for _, start, end in matches]
        kept = {(s.start, s.end) for s in filter_spans(spans)}
        found: list[_Anchor] = []
        for match_id, start, end in matches:
            key = self._nlp.vocab.strings[match_id]
            # A span swallowed by a longer alias of another procedure does not count.
            covered = (start, end) not in kept and any(
                s <= start and end <= e and (s, e) != (start, end) for s, e in kept
            )
            length = end - start
            score = round((1.0 if not covered else 0.9) + min(length, 6) * 0.01, 4)
            text = doc[start:end].text
            found.append(_Anchor(key, score, text, _core(text.split()), start, end))
        # an object and the longer names of the same procedure overlapping it ("sao y |
        # giấy khai sinh cho con": "khai sinh cho con" is the same object)
        objects = [a for a in found if _is_object(a, found) or self._is_for(a, found, doc)]
        best: dict[str, _Anchor] = {}
        aside: set[int] = set()
        heads: set[int] = set()
        for anchor in found:
            span = range(anchor.start, anchor.end)
            if any(
                o.key == anchor.key and o.start < anchor.end and anchor.start < o.end
                for o in objects
            ):
                aside.update(span)
                anchor = _lowered(anchor)
            else:
                heads.update(span)
            if anchor.key not in best or anchor.score > best[anchor.key].score:
                best[anchor.key] = anchor
        return best, frozenset(aside - heads)

    def _is_for(self, anchor: _Anchor, others: Sequence[_Anchor], doc) -> bool:
        """True when the name names who another procedure is for: it comes right after
        that name and "cho", and its procedure has no name holding that one ("đăng ký
        thường trú cho | em bé mới sinh", "làm căn cước cho | con mới sinh"; not "khai
        báo tạm trú cho | khách tây", a name of the foreigners' procedure)."""
        return (
            anchor.start > 0
            and doc[anchor.start - 1].text == _FOR
            and any(
                other.key != anchor.key
                and other.end == anchor.start - 1
                and not other.core <= self._words[anchor.key]
                for other in others
            )
        )

    def _fuzzy(self, words: list[str]) -> dict[str, _Anchor]:
        """Best similarity of each plausible alias to a window of about its length.

        A character-trigram index keeps only aliases that share at least half of their
        trigrams with the text (a typo leaves most of them intact); rapidfuzz compares
        them with every window of their length give or take a word in one C++ call per
        length (`cdist`, normalised Indel similarity, cut off below the threshold). A
        window that passes must share a word with a multi-word alias (a typo rarely
        breaks every word) and look like a typo of it word by word (`_typo_of`)."""
        postings = [
            self._trigram_index[gram]
            for gram in _trigrams(" ".join(words))
            if gram in self._trigram_index
        ]
        if not postings:
            return {}
        shared = np.bincount(np.concatenate(postings), minlength=len(self._aliases))
        by_length: dict[int, list[int]] = {}
        for position in np.flatnonzero(shared >= self._trigrams_needed).tolist():
            by_length.setdefault(len(self._aliases[position].words), []).append(position)
        windows: dict[int, list[tuple[str, frozenset[str], int]]] = {}
        hits: list[tuple[float, int, int, int]] = []  # similarity, alias, width, window
        for length, positions in by_length.items():
            texts = [self._aliases[position].text for position in positions]
            for width in {max(length - 1, 1), length, length + 1}:
                if width not in windows:
                    windows[width] = _windows(words, width)
                if not windows[width]:
                    continue
                matrix = cdist(
                    texts,
                    [window[0] for window in windows[width]],
                    scorer=similarity,
                    score_cutoff=FUZZY_THRESHOLD * 100,
                    dtype=np.float64,
                    workers=1,
                )
                for row, column in zip(*matrix.nonzero()):
                    hits.append((float(matrix[row, column]), positions[row], width, column))
        best: dict[str, _Anchor] = {}
        for percent, position, width, column in sorted(hits, key=lambda hit: -hit[0]):
            alias = self._aliases[position]
            window_text, window_words, start = windows[width][column]
            if alias.key in best or (
                len(alias.words) > 1 and alias.word_set.isdisjoint(window_words)
            ):
                continue
            if _typo_of(alias.rare, window_words) and (
                width > len(alias.words) or _typo_of(_rare(window_words), alias.word_set)
            ):
                score = round(percent / 100 * FUZZY_WEIGHT, 4)
                best[alias.key] = _Anchor(
                    alias.key, score, window_text, alias.core, start, start + width
                )
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


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    """Could the folded word be a Vietnamese syllable ("bang", not "bagn", "thucj", "hn")?"""
    return _SYLLABLE_RE.fullmatch(word) is not None


def _untelexed(word: str) -> str:
    """The word without the Telex keys left in it: w after a vowel ("tuw"), doubled
    vowels and dd ("chieeu"), one tone letter at the end or between the vowels and the
    final consonant ("thucj", "thuwjc"); unchanged when there is none."""
    word = _TELEX_W_RE.sub(r"\1", word)
    word = _TELEX_DOUBLES_RE.sub(r"\1", word)
    return _TELEX_TONE_RE.sub(r"\1\3", word, count=1)


def _consonants(word: str) -> str:
    return "".join(letter for letter in word if letter not in _VOWELS)


def _is_subsequence(short: str, long: str) -> bool:
    """True when `long` is `short` with letters added ("sinhh", "kethon")."""
    letters = iter(long)
    return all(letter in letters for letter in short)


def _typo_of(rare: Sequence[str], window_words: frozenset[str]) -> bool:
    """True when the window could be the alias mistyped: letters dropped, doubled, swapped
    or misheard inside words ("chiu" for "chieu", "cuco" for "cuoc", "chu" for "tru"),
    words run together ("kethon"), but no distinctive word replaced by another, so
    "dang ky nuoi" is not "dang ky cuoi" (checked both ways when the window is no
    longer than the alias: "hoa nho" is not "o nho")."""
    return all(any(_looks_like(word, other) for other in window_words) for word in rare)


def _is_phrase(feature: str) -> bool:
    """A pair of words without a function word in it ("cong nhan", "tuc xa", not "tru cho")."""
    return " " in feature and _FUNCTION_WORDS.isdisjoint(feature.split())


def _rare(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(w for w in words if w not in GENERIC_WORDS)


@lru_cache(maxsize=65536)
def _looks_like(word: str, other: str) -> bool:
    """Could `other` be `word` mistyped? Never when either is a short word or `other` a
    common one ("an" is not "dan", "qua" not "quan", "khi" not "khai"); letters added
    or dropped only a few at a time, or words run together ("hon" is not "phuong", but
    "kethon" is "ket hon")."""
    if other == word:
        return True
    if _VOWELS.isdisjoint(other) and len(other) > 1 and other == _consonants(word):
        return True  # its vowels left out: "ket hn" is "ket hon"
    if min(len(word), len(other)) < 3 or other in _NEVER_TYPOS or other in GENERIC_WORDS:
        return False
    short, long = sorted((word, other), key=len)
    return (
        (
            _is_subsequence(short, long)
            and (len(long) - len(short) <= 2 or long.startswith(short) or long.endswith(short))
        )
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


def _windows(words: list[str], width: int) -> list[tuple[str, frozenset[str], int]]:
    """Every run of `width` words that is not only generic words: (text, words, start)."""
    runs = (
        (words[start : start + width], start) for start in range(max(len(words) - width + 1, 1))
    )
    return [
        (" ".join(run), frozenset(run), start)
        for run, start in runs
        if run and not all(w in GENERIC_WORDS for w in run)
    ]


def _expand(normalized: str) -> str:
    """Foreigners named by nationality or "nước ngoài" as one phrase."""
    expanded = _FOREIGNER_RE.sub(r"\1 nuoc ngoai", normalized)
    expanded = _BORN_ABROAD_RE.sub(r"\1 o nuoc ngoai", expanded)
    return _NATIONALITY_RE.sub("quoc tich nuoc ngoai", expanded)


MAIN, TOPIC, SIDE = 0, 1, 2  # what a word of the text is part of


def _side_clauses(words: Sequence[str]) -> list[int]:
    """For each word: MAIN (what the citizen asks for), TOPIC (before "muốn", "rồi",
    "xong": what happened first, or the thing the wish is about, "hợp đồng này muốn
    chứng thực") or SIDE (a purpose, reason, time, something done, a requirement)."""
    side = [MAIN] * len(words)
    wishes = [i for i, w in enumerate(words) if w in _SIDE_BEFORE]
    if wishes:
        side[: wishes[-1] + 1] = [TOPIC] * (wishes[-1] + 1)
    for i, word in enumerate(words):
        pair = (word, words[i + 1] if i + 1 < len(words) else "")
        if pair in _NOT_SIDE or not (
            word in _SIDE_AFTER or pair in _SIDE_AFTER_PAIRS or word == _DONE
        ):
            continue
        end = next((j for j in wishes if j > i), len(words))
        if word == _DONE:
            end = min(end, i + 3)
        side[i:end] = [SIDE] * (end - i)
    return side


def _below_named(ranked: list[Candidate], named: set[str], guesses: set[str]) -> list[Candidate]:
    """The candidates, each guess lowered to just below the lowest procedure the text
    names (see `resolve`), best first."""
    ceiling = min((c.score for c in ranked if c.procedure.key in named), default=0.0) - 0.01
    return sorted(
        (
            replace(c, score=round(min(c.score, ceiling), 4)) if c.procedure.key in guesses else c
            for c in ranked
        ),
        key=lambda c: -c.score,
    )


def _without(words: list[str], objects: frozenset[int]) -> str:
    return " ".join(word for i, word in enumerate(words) if i not in objects)


def _main_words(words: list[str], side: list[int]) -> list[str]:
    """The words outside side clauses; a "|" in place of each keeps pairs from spanning
    one (it is in no name)."""
    kept: list[str] = []
    for word, part in zip(words, side):
        if part != SIDE:
            kept.append(word)
        elif kept and kept[-1] != "|":
            kept.append("|")
    return kept


def _apart(anchors: dict[str, _Anchor]) -> list[_Anchor]:
    """The names found apart in the text ("giấy khai sinh" inside "làm lại giấy khai
    sinh" is not one)."""
    return [
        a
        for a in anchors.values()
        if a.core
        and not any(b is not a and b.start < a.end and a.start < b.end for b in anchors.values())
    ]


def _is_object(anchor: _Anchor, others: Sequence[_Anchor]) -> bool:
    """True when the name starts inside or right after another procedure's name and does
    not refine it: "chứng thực bản sao | giấy khai sinh", "sao y | cccd". A family member
    it adds after "cho" refines nothing ("xin lại giấy khai sinh | cho con" asks for a
    copy, not to register a birth)."""
    return any(
        other.key != anchor.key
        and other.start < anchor.start <= other.end
        and anchor.end > other.end
        and (not other.core <= anchor.words or _family_tail(anchor, other.end))
        for other in others
    )


def _family_tail(anchor: _Anchor, end: int) -> bool:
    """True when the anchor's words after token `end` are "cho" and a family member."""
    tail = anchor.matched.split()[end - anchor.start :]
    return len(tail) > 1 and tail[0] == _FOR and set(tail[1:]) <= _FAMILY


def _lowered(anchor: _Anchor) -> _Anchor:
    return replace(anchor, score=round(anchor.score - SIDE_PENALTY, 4))
