"""UnknownWordsFallback: a message made mostly of words the assistant never learned is
not understood, however confident the classifier sounds.

A neural classifier still ranks "'; DROP TABLE events; --" or "<img src=x ...>" under
some intent, sometimes with high confidence, because it has nothing else to say. This
component remembers the words of the training data (through `bot.text.normalize`, the
same key the features use) and turns the prediction into `nlu_fallback` when fewer than
`min_known_share` of a message's words are known. Numbers and codes are neither known nor
unknown (a message that is only a dossier code stays with the classifier); a message
with no words at all ("???", emoji) is not understood.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.model_files import read_json, write_json
from bot.text import normalize

VOCABULARY_FILE = "vocabulary.json"


def words_of(text: str) -> List[str]:
    """The normalised words of a message that can be judged: letters only, no digits."""
    return [w for w in normalize(text or "").split() if w.isalpha()]


def known_share(text: str, vocabulary: Set[str]) -> Optional[float]:
    """Share of the message's words in the vocabulary. Only punctuation or emoji: 0.
    Only numbers or codes: None (nothing to judge, the classifier decides)."""
    words = words_of(text)
    if not words:
        return None if any(ch.isdigit() for ch in text or "") else 0.0
    return sum(1 for w in words if w in vocabulary) / len(words)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsFallback(GraphComponent):
    """Falls back when a message is mostly unknown words (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"min_known_share": 0.5}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Optional[Set[str]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary or set()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnknownWordsFallback:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnknownWordsFallback:
        words = read_json(model_storage, resource, VOCABULARY_FILE, [])
        return cls(config, model_storage, resource, set(words))

    def train(self, training_data: TrainingData) -> Resource:
        self.vocabulary = {
            word
            for example in training_data.training_examples
            for word in words_of(example.get(TEXT) or "")
        }
        write_json(self._storage, self._resource, VOCABULARY_FILE, sorted(self.vocabulary))
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            share = known_share(message.get(TEXT) or "", self.vocabulary)
            if share is None or share >= self._config["min_known_share"]:
                continue
            intent = message.get(INTENT) or {}
            if intent.get("name") == DEFAULT_NLU_FALLBACK_INTENT_NAME:
                continue
            fallback = {"name": DEFAULT_NLU_FALLBACK_INTENT_NAME, "confidence": 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)
        return messages
