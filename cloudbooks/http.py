"""Response rules any view can opt into, on the API and the pages alike."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.utils.cache import patch_cache_control


def no_store(view: Callable) -> Callable:
    """Send `Cache-Control: no-store` with every response of `view`.

    For responses that carry a secret (a token pair, a new API key): no browser, proxy or
    CDN may keep a copy, in its cache or its back/forward history. Works on a function view
    (under or over `login_required` and the like), on a method of a class-based or DRF view
    (`def post(self, request)`), and on a bound method such as an admin view
    (`self.admin_site.admin_view(no_store(self.key_created_view))`).
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = view(*args, **kwargs)
        patch_cache_control(response, no_store=True)
        return response

    return wrapped
