"""Settings for the console's own tests: the real settings, with an in-memory database
and a fixed key (never used outside tests)."""

import os

os.environ.setdefault("CONSOLE_SECRET_KEY", "tests-only-secret-key-not-for-production-use-0000")
os.environ.setdefault("CONSOLE_DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("RASA_JWT_SECRET", "tests-only-jwt-secret")

from console.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = [  # Argon2 is slow on purpose; the tests log in hundreds of times
    "django.contrib.auth.hashers.MD5PasswordHasher",
]
STATIC_ROOT = None  # tests serve static files from the apps (no collectstatic)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
