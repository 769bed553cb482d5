"""The console's one settings module. Everything that differs between a laptop and
production comes from environment variables (see console/README.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

CONSOLE_DIR = Path(__file__).resolve().parents[1]
ROOT = CONSOLE_DIR.parent  # the repository: var/, data/nlu/, and bot.text live there
# The project's one Vietnamese normaliser (bot/text.py, stdlib only) folds search text the
# same way NLU and the knowledge base do; nothing else of the bot is imported.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("CONSOLE_DEBUG")
SECRET_KEY = env("CONSOLE_SECRET_KEY")
KEY_FILE = ROOT / "var" / "console-secret-key"  # written by scripts/run-console.sh
if not SECRET_KEY and KEY_FILE.is_file():
    SECRET_KEY = KEY_FILE.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CONSOLE_SECRET_KEY is required (scripts/run-console.sh generates one into var/)"
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"

ALLOWED_HOSTS = [h for h in env("CONSOLE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CONSOLE_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts",
    "audit",
    "conversations",
    "review",
    "dashboard",
    "handoff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "console.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleLogoutMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [CONSOLE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- databases: the console's own, and Rasa's tracker store (read only) -----------------
DEFAULT_CONSOLE_DB = f"sqlite:///{ROOT / 'var' / 'console.db'}"
DATABASES = {
    "default": dj_database_url.parse(
        env("CONSOLE_DATABASE_URL", DEFAULT_CONSOLE_DB), conn_max_age=60
    ),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Ingest writes while staff read: WAL lets them proceed together; a writer waits for
    # the lock instead of failing at once. This is the console's own file, never Rasa's.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rasa's tracker store, read with plain SELECTs (sqlite: opened with mode=ro).
TRACKER_DB_URL = env("CONSOLE_TRACKER_DB_URL", f"sqlite:///{ROOT / 'var' / 'tracker.db'}")
# Only retention deletes from the tracker store, and only through this separate URL; unset,
# retention deletes from the console alone and says so.
TRACKER_DB_WRITE_URL = env("CONSOLE_TRACKER_DB_WRITE_URL")
INGEST_BATCH = int(env("CONSOLE_INGEST_BATCH", "1000"))
INGEST_RESCAN_IDS = int(env("CONSOLE_INGEST_RESCAN_IDS", "2000"))
INGEST_POLL_SECONDS = float(env("CONSOLE_INGEST_POLL_SECONDS", "1.0"))
# live handoff: a ticket nobody claims within this many minutes goes back to the bot,
# and the citizen is given the portal (and the hotline, when set: the bot's own settings)
HANDOFF_UNCLAIMED_MINUTES = float(env("CONSOLE_HANDOFF_UNCLAIMED_MINUTES", "15"))
# a claim whose officer's console has not polled this long goes back to the queue
HANDOFF_IDLE_RELEASE_MINUTES = float(env("CONSOLE_HANDOFF_IDLE_RELEASE_MINUTES", "2"))
PORTAL_SEARCH_URL = env(
    "PORTAL_SEARCH_URL", "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html"
)
SUPPORT_HOTLINE = env("SUPPORT_HOTLINE", "")
# outside these hours (Vietnam time, "07:30-17:00") on these ISO weekdays ("1-5") a request
# for a person goes straight back to the bot with the portal and hotline; unset: always open
HANDOFF_OFFICE_HOURS = env("CONSOLE_HANDOFF_OFFICE_HOURS", "")
HANDOFF_OFFICE_DAYS = env("CONSOLE_HANDOFF_OFFICE_DAYS", "1-5")

# --- Rasa's HTTP API (loopback), every call with a short-lived HS256 JWT ------------------
RASA_INTERNAL_URL = env("RASA_INTERNAL_URL", "http://127.0.0.1:5006").rstrip("/")
RASA_JWT_SECRET = env("RASA_JWT_SECRET")
RASA_TIMEOUT_SECONDS = float(env("RASA_TIMEOUT_SECONDS", "15"))

# --- what staff see and keep ----------------------------------------------------------------
LOW_CONFIDENCE = float(env("CONSOLE_LOW_CONFIDENCE", "0.5"))
RETENTION_DAYS = int(env("CONSOLE_RETENTION_DAYS", "180"))
INBOX_PAGE_SIZE = int(env("CONSOLE_INBOX_PAGE_SIZE", "50"))
TRANSCRIPT_PAGE_SIZE = int(env("CONSOLE_TRANSCRIPT_PAGE_SIZE", "60"))
# Accepted corrections are exported here (a file per export), and stories here.
NLU_EXPORT_DIR = Path(env("CONSOLE_NLU_EXPORT_DIR", str(ROOT / "data" / "nlu" / "console")))
STORY_EXPORT_DIR = Path(env("CONSOLE_STORY_EXPORT_DIR", str(ROOT / "tests" / "stories")))

# --- accounts, passwords, sessions --------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "conversations:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"
LOCKOUT_FAILURES = int(env("CONSOLE_LOCKOUT_FAILURES", "5"))
LOCKOUT_MINUTES = int(env("CONSOLE_LOCKOUT_MINUTES", "15"))
IDLE_TIMEOUT_SECONDS = int(env("CONSOLE_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Behind TLS (the documented production setup) cookies are Secure. On the plain-HTTP
# loopback of `make run` a browser would drop them, so CONSOLE_INSECURE_COOKIES=1 there.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not env_bool("CONSOLE_INSECURE_COOKIES")
SESSION_COOKIE_NAME = "console_session"
CSRF_COOKIE_NAME = "console_csrftoken"
if env_bool("CONSOLE_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# --- language, time -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"  # transcripts and charts in Vietnam time
USE_I18N = True
USE_TZ = True

# --- static files (whitenoise, served by gunicorn itself) ----------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [CONSOLE_DIR / "static"]
STATIC_ROOT = Path(env("CONSOLE_STATIC_ROOT", str(ROOT / "var" / "console-static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("CONSOLE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
