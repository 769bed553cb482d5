"""WSGI entry for gunicorn: `gunicorn console.wsgi` from the console/ directory."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
application = get_wsgi_application()
