"""Content negotiation: the API answers JSON, whatever the client's Accept header says."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Always the first renderer (JSON): a 406 helps no client of a JSON-only API."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
