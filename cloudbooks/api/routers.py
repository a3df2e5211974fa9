"""The one router shape every app uses: `/v1/things` and `/v1/things/` both resolve."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """A SimpleRouter whose routes accept an optional trailing slash, so POSTs never redirect."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
