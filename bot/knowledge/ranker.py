"""A learned second opinion for the resolver: how likely a text is to name each procedure.

It learns from the procedures' own names and from how citizens named them in their own
words (data/kb/mentions): character n-grams (2 to 5 letters, inside words) and words and
word pairs of the resolver's prepared text, TF-IDF weighted, into a multinomial logistic
regression. It hears everyday names, typos and words without diacritics that the
hand-written stages miss; they read what it cannot (side clauses, objects of another
name, procedures we do not have), so it re-ranks and completes their candidates
(`ProcedureResolver.resolve`): a text they find nothing in gets nothing from it.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Mapping, Optional, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

# Inverse regularisation: chosen by training on all mention files but one and scoring the
# one left out (`python -m bench.lookup`); 10 to 50 gave the same ranking within a mention.
STRENGTH = 50.0


class MentionRanker:
    """Trained once from (prepared text, procedure key) pairs; `probabilities` is cheap."""

    def __init__(self, examples: Sequence[tuple[str, str]]) -> None:
        texts = [text for text, _ in examples]
        letters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self._features = FeatureUnion([("letters", letters), ("words", words)])
        self._model = LogisticRegression(C=STRENGTH, max_iter=3000)
        self._model.fit(self._features.fit_transform(texts), [key for _, key in examples])
        self._keys: tuple[str, ...] = tuple(self._model.classes_)
        self.probabilities = lru_cache(maxsize=2048)(self._probabilities)

    @classmethod
    def trained_on(cls, examples: Sequence[tuple[str, str]]) -> Optional[MentionRanker]:
        """A ranker, or None when the examples name fewer than two procedures."""
        examples = [(text, key) for text, key in examples if text]
        return cls(examples) if len({key for _, key in examples}) >= 2 else None

    def _probabilities(self, prepared: str) -> Mapping[str, float]:
        row = self._model.predict_proba(self._features.transform([prepared]))[0]
        return MappingProxyType(dict(zip(self._keys, np.round(row, 6).tolist())))
