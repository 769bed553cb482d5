"""Calls to Rasa's HTTP API on the internal address, each with a JWT valid for a minute.

Rasa runs with `--jwt-secret` (HS256); a token with role "admin" may read any
conversation. The username names the staff member, so Rasa's logs say who asked."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, Dict, Optional
from urllib.parse import quote, urlencode

import jwt
from django.conf import settings


class RasaError(RuntimeError):
    pass


def token(staff_id: object) -> str:
    if not settings.RASA_JWT_SECRET:
        raise RasaError("RASA_JWT_SECRET is not set: the console cannot call Rasa's API")
    payload = {
        "user": {"username": f"console:{staff_id}", "role": "admin"},
        "exp": int(time.time()) + 60,
    }
    return jwt.encode(payload, settings.RASA_JWT_SECRET, algorithm="HS256")


def request(
    method: str,
    path: str,
    staff_id: object,
    params: Optional[Dict[str, Any]] = None,
    body: Any = None,
) -> bytes:
    url = settings.RASA_INTERNAL_URL + path + (f"?{urlencode(params)}" if params else "")
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Authorization": f"Bearer {token(staff_id)}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    call = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(call, timeout=settings.RASA_TIMEOUT_SECONDS) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise RasaError(f"Rasa answered {error.code} for {path}") from error
    except (urllib.error.URLError, OSError) as error:
        raise RasaError(f"Rasa is unreachable at {settings.RASA_INTERNAL_URL}: {error}") from error


def conversation_path(sender_id: str, tail: str) -> str:
    """Rasa 3.6 (Sanic 21.12) does not decode its path parameters: "web%3Aabc" would name
    a new conversation, not "web:abc". So ':' and '@', valid in a path segment, go as
    they are (widget ids are "web:<token>")."""
    return f"/conversations/{quote(sender_id, safe=':@')}/{tail}"
