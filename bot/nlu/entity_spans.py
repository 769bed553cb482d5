"""EntitySpans: DIET's entity guesses moved onto the boundaries the phrases really have.

Without a transformer layer DIET tags each token almost on its own, so it returns
fragments ("chieu" of "ho chieu", "cấp lại" + "cccd"), runs over ("hồ sơ khai sinh"),
and generic words it has seen inside names ("đăng ký", or "trừ" of "bị trừ tiền", which
folds to the "tru" of "tạm trú"). This component runs after DIET and keeps DIET's
judgement of *where* a procedure or group is mentioned, but takes the *edges* from data:

- `procedure` and `beneficiary`: training teaches it every annotated phrase (as folded
  syllables, so "cap lai cccd" and "cấp lại CCCD" are one phrase). A guess becomes the
  longest such phrase in the message that overlaps it; overlapping guesses merge. A guess
  no phrase overlaps is kept only if it is not part of a known phrase ("đăng ký", "tru"
  and "khai" are parts, never names on their own).
- `dossier_code` and `quantity` have regular shapes (`bot.knowledge.dossier`,
  `bot.text.counts_in`): a guess becomes the shaped span it overlaps, and a well-formed
  code or a count of pages or copies DIET missed is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.dossier import code_spans
from bot.nlu.model_files import read_json, write_json
from bot.text import counts_in

PHRASES_FILE = "phrases.json"
NAME = "EntitySpans"

Phrase = Tuple[str, ...]


@dataclass(frozen=True)
class _Occurrence:
    """A known phrase found in a message: first and last token, syllable count."""

    first: int
    last: int
    length: int


def syllables_of(tokens: Sequence[Token]) -> List[Tuple[str, int]]:
    """(folded syllable, token index) for each syllable of the tokens' lemmas."""
    return [
        (syllable, i)
        for i, token in enumerate(tokens)
        for syllable in (token.lemma or token.text.lower()).split()
    ]


def tokens_within(tokens: Sequence[Token], start: int, end: int) -> List[int]:
    return [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end]


def phrase_of(tokens: Sequence[Token], indices: Iterable[int]) -> Phrase:
    return tuple(s for i in indices for s in (tokens[i].lemma or tokens[i].text.lower()).split())


class PhraseBook:
    """The annotated phrases of one entity type, and the parts they are made of."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self.phrases: Set[Phrase] = {p for p in phrases if p}
        self.longest = max((len(p) for p in self.phrases), default=0)
        self.parts: Set[Phrase] = {
            p[i:j]
            for p in self.phrases
            for i in range(len(p))
            for j in range(i + 1, len(p) + 1)
            if (i, j) != (0, len(p))
        }

    def occurrences(self, tokens: Sequence[Token]) -> List[_Occurrence]:
        """Every known phrase in the message that starts and ends on token edges."""
        syllables = syllables_of(tokens)
        found = []
        for i in range(len(syllables)):
            if i and syllables[i - 1][1] == syllables[i][1]:
                continue  # not the first syllable of its token
            for j in range(i + 1, min(len(syllables), i + self.longest) + 1):
                if j < len(syllables) and syllables[j][1] == syllables[j - 1][1]:
                    continue  # would end inside a token
                if tuple(s for s, _ in syllables[i:j]) in self.phrases:
                    found.append(_Occurrence(syllables[i][1], syllables[j - 1][1], j - i))
        return found

    def is_only_a_part(self, phrase: Phrase) -> bool:
        return phrase not in self.phrases and phrase in self.parts


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class EntitySpans(GraphComponent):
    """Puts entity guesses on known phrase and shape boundaries (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"phrase_entities": ["procedure", "beneficiary"]}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        books: Optional[Dict[str, PhraseBook]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.books = books or {}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntitySpans:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EntitySpans:
        stored = read_json(model_storage, resource, PHRASES_FILE, {})
        books = {name: PhraseBook(tuple(p) for p in phrases) for name, phrases in stored.items()}
        return cls(config, model_storage, resource, books)

    def train(self, training_data: TrainingData) -> Resource:
        phrases: Dict[str, Set[Phrase]] = {name: set() for name in self._config["phrase_entities"]}
        for example in training_data.entity_examples:
            tokens = example.get(TOKENS_NAMES[TEXT]) or []
            for entity in example.get(ENTITIES) or []:
                if entity["entity"] in phrases:
                    inside = tokens_within(tokens, entity["start"], entity["end"])
                    phrases[entity["entity"]].add(phrase_of(tokens, inside))
        self.books = {name: PhraseBook(found) for name, found in phrases.items()}
        stored = {name: sorted(list(p) for p in found) for name, found in phrases.items()}
        write_json(self._storage, self._resource, PHRASES_FILE, stored)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            entities = message.get(ENTITIES) or []
            if not text or not tokens:
                continue
            placed: List[Dict[str, Any]] = []
            for name, book in self.books.items():
                guesses = [e for e in entities if e["entity"] == name]
                placed += self._place_phrases(name, book, guesses, text, tokens)
            placed += self._place_codes(
                [e for e in entities if e["entity"] == "dossier_code"], text
            )
            placed += self._place_counts([e for e in entities if e["entity"] == "quantity"], text)
            handled = {*self.books, "dossier_code", "quantity"}
            others = [e for e in entities if e["entity"] not in handled]
            message.set(
                ENTITIES, sorted(others + placed, key=lambda e: e["start"]), add_to_output=True
            )
        return messages

    def _place_phrases(
        self,
        name: str,
        book: PhraseBook,
        guesses: List[Dict[str, Any]],
        text: str,
        tokens: Sequence[Token],
    ) -> List[Dict[str, Any]]:
        known = book.occurrences(tokens)
        spans: Dict[Tuple[int, int], float] = {}
        for guess in guesses:
            inside = [
                i for i, t in enumerate(tokens) if t.start < guess["end"] and guess["start"] < t.end
            ]
            if not inside:
                continue
            first, last = inside[0], inside[-1]
            overlapping = [o for o in known if o.first <= last and first <= o.last]
            if overlapping:
                best = max(overlapping, key=lambda o: (o.length, -o.first))
                first, last = best.first, best.last
            elif book.is_only_a_part(phrase_of(tokens, range(first, last + 1))):
                continue
            confidence = guess.get("confidence_entity", 1.0)
            spans[(first, last)] = max(confidence, spans.get((first, last), 0.0))
        merged = _merge_overlapping(spans)
        return [
            _entity(name, text, tokens[first].start, tokens[last].end, confidence)
            for (first, last), confidence in merged.items()
        ]

    @staticmethod
    def _place_codes(guesses: List[Dict[str, Any]], text: str) -> List[Dict[str, Any]]:
        placed = []
        for start, end, well_formed in code_spans(text):
            hits = [g for g in guesses if g["start"] < end and start < g["end"]]
            if hits or well_formed:
                confidence = max((g.get("confidence_entity", 1.0) for g in hits), default=1.0)
                placed.append(_entity("dossier_code", text, start, end, confidence))
        return placed

    @staticmethod
    def _place_counts(guesses: List[Dict[str, Any]], text: str) -> List[Dict[str, Any]]:
        counts = counts_in(text)
        placed = [_entity("quantity", text, start, end, 1.0) for _, start, end in counts]
        for guess in guesses:
            if not any(guess["start"] < end and start < guess["end"] for _, start, end in counts):
                placed.append(guess)
        return placed


def _merge_overlapping(spans: Dict[Tuple[int, int], float]) -> Dict[Tuple[int, int], float]:
    """Token spans that overlap become one, keeping the higher confidence."""
    merged: List[Tuple[int, int, float]] = []
    for (first, last), confidence in sorted(spans.items()):
        if merged and first <= merged[-1][1]:
            prev_first, prev_last, prev_conf = merged.pop()
            first, last, confidence = prev_first, max(last, prev_last), max(confidence, prev_conf)
        merged.append((first, last, confidence))
    return {(first, last): confidence for first, last, confidence in merged}


def _entity(name: str, text: str, start: int, end: int, confidence: float) -> Dict[str, Any]:
    return {
        "entity": name,
        "start": start,
        "end": end,
        "value": text[start:end],
        "confidence_entity": confidence,
        "extractor": NAME,
    }
