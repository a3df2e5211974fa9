"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudbooks.settings")

application = get_wsgi_application()

# Import the URLconf, and with it every view, serializer and schema hook, now rather than on
# each worker's first request: under gunicorn's preload_app this happens once in the master,
# and a worker recycled by max_requests starts warm instead of re-importing the whole API.
get_resolver().url_patterns  # noqa: B018
