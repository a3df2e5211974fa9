"""Cursor pagination for every list (SPEC §2): newest first, same cost at any depth."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


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
        """DRF's parameters, with the bounds a `limit` outside of which is a 400."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
        return parameters

    def decode_cursor(self, request):
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
