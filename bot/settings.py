"""The one settings module: every path, URL and switch comes from here.

Defaults run everything on a laptop (SQLite next to the project). Production switches
to PostgreSQL by setting environment variables, never by changing code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """Runtime configuration, read once from the environment."""

    kb_database_url: str
    kb_source_dir: Path
    portal_search_url: str
    hotline: str
    timezone: str
    # `kb check` warns about facts last checked longer ago than this (days)
    kb_stale_after_days: int


def load_settings() -> Settings:
    var_dir = PROJECT_ROOT / "var"
    return Settings(
        kb_database_url=_env("KB_DATABASE_URL", f"sqlite:///{var_dir / 'knowledge.db'}"),
        kb_source_dir=Path(_env("KB_SOURCE_DIR", str(PROJECT_ROOT / "data" / "kb"))),
        portal_search_url=_env(
            "PORTAL_SEARCH_URL",
            "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html",
        ),
        hotline=_env("SUPPORT_HOTLINE", ""),
        timezone=_env("BOT_TIMEZONE", "Asia/Ho_Chi_Minh"),
        kb_stale_after_days=int(_env("KB_STALE_AFTER_DAYS", "90")),
    )


settings = load_settings()
