"""The one settings module: every path, URL, port, limit and secret comes from here.

Defaults run everything on a laptop (SQLite next to the project, every server but the
public entry on the loopback). Production switches to PostgreSQL, Redis and internal
addresses by setting environment variables, never by changing code. `make run` writes
the secrets below into var/secrets.env on first start (scripts/secrets.sh).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _list(name: str, default: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _env(name, default).split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Runtime configuration, read once from the environment."""

    kb_database_url: str
    kb_source_dir: Path
    # Zalo tokens and de-duplication: their own database, not the knowledge base staff load
    channels_database_url: str
    portal_search_url: str
    hotline: str
    timezone: str
    # `kb check` warns about facts last checked longer ago than this (days)
    kb_stale_after_days: int
    # where each server listens: only the public entry faces citizens
    public_host: str
    public_port: int
    rasa_interface: str
    rasa_port: int
    actions_interface: str
    actions_port: int
    # Rasa's HTTP API is on only with a JWT secret (the staff console's calls)
    rasa_jwt_secret: str
    # the action server answers only Rasa, which sends this token in a header
    action_server_token: str
    # signs widget session ids and keys the pseudonyms of personal sender ids
    secret_key: str
    # portal origins allowed to embed the widget (CORS, socket.io)
    allowed_origins: tuple[str, ...]
    # bounds on what a citizen (or anyone) can send
    max_body_bytes: int
    max_action_body_bytes: int
    max_message_chars: int
    max_json_depth: int
    messages_per_minute: int
    zalo_replay_window: int
    # seconds Rasa waits for the action server before the turn fails (and the citizen
    # gets the apology)
    action_timeout_seconds: float
    # several Rasa processes: socket.io events go through this Redis (python-socketio's
    # AsyncRedisManager), so a message pushed by one process reaches a widget on another
    socketio_redis_url: str

    def derived_key(self, purpose: str) -> bytes:
        """One secret, a separate key per use (widget sessions, pseudonyms)."""
        return hmac.new(self.secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


def load_settings() -> Settings:
    var_dir = PROJECT_ROOT / "var"
    public_port = _int("PUBLIC_PORT", 5005)
    return Settings(
        kb_database_url=_env("KB_DATABASE_URL", f"sqlite:///{var_dir / 'knowledge.db'}"),
        kb_source_dir=Path(_env("KB_SOURCE_DIR", str(PROJECT_ROOT / "data" / "kb"))),
        channels_database_url=_env("CHANNELS_DATABASE_URL", f"sqlite:///{var_dir / 'channels.db'}"),
        portal_search_url=_env(
            "PORTAL_SEARCH_URL",
            "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html",
        ),
        hotline=_env("SUPPORT_HOTLINE", ""),
        timezone=_env("BOT_TIMEZONE", "Asia/Ho_Chi_Minh"),
        kb_stale_after_days=_int("KB_STALE_AFTER_DAYS", 90),
        public_host=_env("PUBLIC_HOST", "0.0.0.0"),
        public_port=public_port,
        rasa_interface=_env("RASA_INTERFACE", "127.0.0.1"),
        rasa_port=_int("RASA_PORT", 5006),
        actions_interface=_env("ACTIONS_INTERFACE", "127.0.0.1"),
        actions_port=_int("ACTIONS_PORT", 5055),
        rasa_jwt_secret=_env("RASA_JWT_SECRET", ""),
        action_server_token=_env("ACTION_SERVER_TOKEN", ""),
        # without a configured key, one per process: sessions then end with the process
        secret_key=_env("BOT_SECRET_KEY", secrets.token_hex(32)),
        allowed_origins=_list(
            "PORTAL_ORIGINS", f"http://localhost:{public_port},http://127.0.0.1:{public_port}"
        ),
        max_body_bytes=_int("MAX_BODY_BYTES", 64 * 1024),
        max_action_body_bytes=_int("MAX_ACTION_BODY_BYTES", 16 * 1024 * 1024),
        max_message_chars=_int("MAX_MESSAGE_CHARS", 2000),
        max_json_depth=_int("MAX_JSON_DEPTH", 32),
        messages_per_minute=_int("MESSAGES_PER_MINUTE", 30),
        zalo_replay_window=_int("ZALO_REPLAY_WINDOW_SECONDS", 300),
        action_timeout_seconds=float(_env("ACTION_TIMEOUT_SECONDS", "4")),
        socketio_redis_url=_env("SOCKETIO_REDIS_URL", ""),
    )


settings = load_settings()
