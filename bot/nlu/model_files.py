"""Files inside a trained model, for our NLU components' learned state.

Rasa hands each trainable component a resource in the model storage; ours keep what
they learned there as one file: JSON for words and phrases, a NumPy `.npz` (no pickle)
for weights. A model without the file (older, or trained without the component) loads
as `default`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import numpy as np
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


def write_json(storage: ModelStorage, resource: Resource, name: str, value: Any) -> None:
    with storage.write_to(resource) as directory:
        (directory / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def read_json(storage: ModelStorage, resource: Resource, name: str, default: Any) -> Any:
    try:
        with storage.read_from(resource) as directory:
            return json.loads((directory / name).read_text(encoding="utf-8"))
    except (ValueError, FileNotFoundError):
        return default


def write_arrays(storage: ModelStorage, resource: Resource, name: str, **arrays: Any) -> None:
    with storage.write_to(resource) as directory:
        np.savez_compressed(directory / name, **arrays)


def read_arrays(
    storage: ModelStorage, resource: Resource, name: str
) -> Optional[Dict[str, np.ndarray]]:
    try:
        with (
            storage.read_from(resource) as directory,
            np.load(directory / name, allow_pickle=False) as saved,
        ):
            return dict(saved)
    except (ValueError, FileNotFoundError):
        return None
