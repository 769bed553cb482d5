"""NegationScopeFeaturizer: which words of a message a negation reaches.

Praise and complaint share their words: "dễ hiểu" / "không dễ hiểu chút nào", "sai" /
"không sai tí nào". Word and character n-grams see the same bag either way; this
featurizer adds one sentence feature per word inside a negation's scope
(`bot.text.negated_words`), so the intent classifier can weigh "dễ hiểu" and
"not dễ hiểu" differently. Sentence features only: entity tagging does not need them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Optional

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.model_files import read_json, write_json
from bot.text import negated_words, normalize

VOCABULARY_FILE = "negated_vocabulary.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class NegationScopeFeaturizer(SparseFeaturizer, GraphComponent):
    """Counts of the words under a negation, over the vocabulary seen in training."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**SparseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        pass

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        vocabulary: Optional[List[str]] = None,
    ) -> None:
        super().__init__(execution_context.node_name, {**self.get_default_config(), **config})
        self._storage = model_storage
        self._resource = resource
        self._set_vocabulary(vocabulary or [])

    def _set_vocabulary(self, vocabulary: List[str]) -> None:
        self.vocabulary = {word: i for i, word in enumerate(vocabulary)}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NegationScopeFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NegationScopeFeaturizer:
        vocabulary = read_json(model_storage, resource, VOCABULARY_FILE, [])
        return cls(config, model_storage, resource, execution_context, vocabulary)

    def train(self, training_data: TrainingData) -> Resource:
        vocabulary = sorted(
            {
                word
                for example in training_data.training_examples
                for word in negated_words(normalize(example.get(TEXT) or ""))
            }
        )
        self._set_vocabulary(vocabulary)
        write_json(self._storage, self._resource, VOCABULARY_FILE, vocabulary)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is None:
                continue  # responses, actions: nothing to negate
            self.add_features_to_message(None, self._features(text), TEXT, message)
        return messages

    def _features(self, text: str) -> scipy.sparse.coo_matrix:
        counts = Counter(
            self.vocabulary[w] for w in negated_words(normalize(text)) if w in self.vocabulary
        )
        columns = np.array(sorted(counts), dtype=np.int64)
        values = np.array([counts[c] for c in columns], dtype=np.float32)
        rows = np.zeros(len(columns), dtype=np.int64)
        shape = (1, max(len(self.vocabulary), 1))
        return scipy.sparse.coo_matrix((values, (rows, columns)), shape=shape)
