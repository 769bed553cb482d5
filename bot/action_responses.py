"""The action server's answers checked against Rasa's schema, with the schema checked once.

Rasa's `RemoteAction` validates every answer of the action server with
`jsonschema.validate`, which first checks the schema itself against the JSON Schema
meta-schema, on every call. For Rasa's events schema that check costs far more than
validating the answer: under load it was about half of the Rasa server's time
(bench/profile_turn.py). Here the schema is checked once per action class and its
validator kept; each answer is validated as before (the same validator class, the same
best-matching error, the same message), so a malformed answer is still refused.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Dict

from jsonschema import exceptions, validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def response_validator(action_class: type = RemoteAction) -> Validator:
    """The validator of `action_class`'s response schema; the schema is checked here, once."""
    schema = action_class.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result`, without re-checking the schema each time."""
    error = exceptions.best_match(response_validator(type(self)).iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Use `validate_action_result` for every remote action of this process."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
