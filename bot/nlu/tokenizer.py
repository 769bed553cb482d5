"""VietnameseTokenizer: underthesea word segmentation with offsets into the original text.

Token boundaries come from underthesea (so "hộ chiếu" is one word for the entity
extractor), except in words typed without diacritics, which go back to syllables;
each token's lemma is `bot.text.normalize` of the word, so the featurizers
see the same thing whether or not the citizen typed diacritics or abbreviations.
underthesea may rewrite text (tone-mark placement, spacing), so offsets are found by
matching folded syllables against a folded copy of the message, never with `str.index`
on the raw segmenter output: a word that cannot be placed is skipped, not fatal.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.text import has_diacritics, normalize, strip_diacritics

logger = logging.getLogger(__name__)

_SYLLABLE_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)
# underthesea's CRF is linear, but a pasted document is not a question: segment only
# the head of very long messages and fall back to plain syllables for the rest.
MAX_SEGMENTED_CHARS = 1000


def _segment(text: str) -> List[str]:
    from underthesea import word_tokenize

    return word_tokenize(text)


class _FoldedText:
    """A lower-case, diacritic-free copy of a text, aligned character by character
    with the original through `origin` (start offsets) and `origin_end`."""

    def __init__(self, text: str) -> None:
        chars: List[str] = []
        self.origin: List[int] = []
        self.origin_end: List[int] = []
        i = 0
        while i < len(text):
            j = i + 1
            while j < len(text) and unicodedata.combining(text[j]):
                j += 1
            for ch in unicodedata.normalize("NFC", text[i:j]):
                folded = strip_diacritics(ch).lower()
                chars.append(folded if len(folded) == 1 else ch)
                self.origin.append(i)
                self.origin_end.append(j)
            i = j
        self.key = "".join(chars)

    def find(self, fragment: str, start: int) -> int:
        return self.key.find(fold_chars(fragment), start)


def fold_chars(text: str) -> str:
    """Per-character fold, same length as NFC(text): the key used to place words."""
    nfc = unicodedata.normalize("NFC", text)
    out = []
    for ch in nfc:
        folded = strip_diacritics(ch).lower()
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _syllables_where_unreliable(words: List[str]) -> List[str]:
    """Split words typed without diacritics back into syllables.

    underthesea learned word boundaries from text with diacritics; without them its
    boundaries are noise ("le phi dang ky thuong tru la bn" → "phi dang", "tru la"), and a
    token that straddles an entity edge can never be tagged right. Syllables keep every
    edge reachable; the word-pair features still see "thuong tru" as a unit."""
    out: List[str] = []
    for word in words:
        if " " in word and not has_diacritics(word):
            out.extend(word.split())
        else:
            out.append(word)
    return out


def vietnamese_tokens(text: str, normalize_lemmas: bool = True) -> List[Token]:
    """Word tokens of `text` with offsets into `text` itself, whatever the segmenter did.

    Lemmas are `normalize`d words; with `normalize_lemmas=False` they are only lower-cased
    (diacritics kept), the baseline bench/nlu_diacritics.py compares against."""
    if not text or not text.strip():
        return []
    head, tail_start = text, len(text)
    if len(text) > MAX_SEGMENTED_CHARS:
        cut = text.rfind(" ", 0, MAX_SEGMENTED_CHARS)
        tail_start = cut if cut > 0 else MAX_SEGMENTED_CHARS
        head = text[:tail_start]
    try:
        # lower case: underthesea reads capitals as names, so "Đăng Ký Kết Hôn Ở Xã Nào"
        # came back as "Đăng Ký Kết" + "Hôn Ở", and no entity edge could fall between them
        words = _segment(unicodedata.normalize("NFC", head).lower())
    except Exception:
        logger.exception("underthesea failed; falling back to syllables")
        words = _SYLLABLE_RE.findall(head)
    words = _syllables_where_unreliable(words) + _SYLLABLE_RE.findall(text[tail_start:])

    folded = _FoldedText(text)
    tokens: List[Token] = []
    cursor = 0
    for word in words:
        start = end = None
        for syllable in word.split():
            position = folded.find(syllable, cursor)
            if position < 0:
                continue
            if start is None:
                start = folded.origin[position]
            last = position + len(fold_chars(syllable)) - 1
            end = folded.origin_end[last]
            cursor = last + 1
        if start is None or end is None:
            continue
        surface = text[start:end]
        if normalize_lemmas:
            lemma = normalize(surface) or fold_chars(surface)
        else:
            lemma = unicodedata.normalize("NFC", surface).lower()
        tokens.append(Token(surface, start, lemma=lemma))
    return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class VietnameseTokenizer(Tokenizer):
    """Rasa graph component: Vietnamese words from underthesea, normalised lemmas."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # features from bot.text.normalize (no diacritics, abbreviations expanded)
            "normalize_lemmas": True,
        }

    @staticmethod
    def required_packages() -> List[str]:
        return ["underthesea"]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        text: Optional[str] = message.get(attribute)
        tokens = vietnamese_tokens(text or "", self._config.get("normalize_lemmas", True))
        return self._apply_token_pattern(tokens)
