"""Cursor pagination for every list (docs/api.md): newest first, same cost at any depth."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

# What DRF writes: standard, padded base64. Anything else cannot be one of our cursors.
CURSOR_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$"
_CURSOR = re.compile(CURSOR_PATTERN)


class CursorPagination(pagination.CursorPagination):
    """`?limit=` (1-100, default 20) and an opaque `?cursor=`.

    Unlike DRF's default, a bad `limit` or `cursor` is a 400 naming the parameter, not a
    silent fallback or a 404: a client that sends `limit=500` should learn it got 100.
    """

    page_size = 20
    max_page_size = 100
    page_size_query_param = "limit"
    ordering = "-created_at"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"limit": [f"Must be an integer between 1 and {self.max_page_size}"]}
            )
        return size

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """DRF's parameters, with the bounds of `limit` and the shape of `cursor`."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = "Items per page."
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Opaque: the cursor of a `next` or `previous` link of this list (follow "
                    "the link as it is). A cursor this server did not write is a 400 naming "
                    "`cursor`."
                )
                parameter["schema"].update(pattern=CURSOR_PATTERN)
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """DRF's, with links that look like ours (DRF's example has a stray quote)."""
        paginated = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            paginated["properties"][link]["example"] = (
                "https://api.cloudbooks.com/v1/projects?cursor=cD0y"
            )
        return paginated

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        # DRF's decoder skips characters outside base64, so `?cursor=!` (or an empty cursor)
        # would read as the first page; the schema's pattern says what a cursor looks like.
        if encoded is not None and not _CURSOR.fullmatch(encoded):
            raise ValidationError({"cursor": ["Invalid cursor"]})
        try:
            return super().decode_cursor(request)
        except Exception:  # DRF raises NotFound; a malformed cursor is the client's error.
            raise ValidationError({"cursor": ["Invalid cursor"]}) from None

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor is signed by nobody: its position may be any string a client typed.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, OverflowError):
            if self.cursor_query_param not in request.query_params:
                raise
            raise ValidationError({"cursor": ["Invalid cursor"]}) from None
