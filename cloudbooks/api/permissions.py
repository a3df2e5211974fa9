"""Permissions every endpoint shares."""

from __future__ import annotations

from rest_framework import permissions


class KeyScopePermission(permissions.BasePermission):
    """A `read_only` API key may read and nothing else: stopped here, once, for every view."""

    message = "This API key is read-only; use a read_write key for this request"

    def has_permission(self, request, view) -> bool:
        credential = request.auth
        if credential is None or request.method in permissions.SAFE_METHODS:
            return True
        return not getattr(credential, "read_only", False)
