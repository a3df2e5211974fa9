"""OpenAPI generation: every operation documents the envelope for the errors it can give."""

from __future__ import annotations

import inspect
import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from cloudbooks.api.exceptions import CODES_BY_STATUS
from cloudbooks.api.viewsets import PublicAPIView

ERROR_DESCRIPTIONS = {
    400: "Invalid request: validation failure, malformed body or bad query parameter.",
    401: "Credentials missing, malformed, expired or revoked.",
    403: "Authenticated, but the role or the key's scope does not allow it.",
    404: "No such resource, or one the caller may not know exists.",
    409: "The request contradicts the current state.",
    411: "The body was sent chunked; send it with a Content-Length.",
    413: "The body is over the size limit.",
    415: "The body's media type is not JSON, form-encoded or multipart.",
    429: "Rate limit reached; see `Retry-After`.",
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(set(CODES_BY_STATUS.values())))
    message = serializers.CharField()
    details = serializers.DictField(
        help_text="`field` and `issue` name the first invalid field; `errors` lists them all."
    )
    request_id = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()

    class Meta:
        ref_name = "Error"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the error responses every operation can produce."""

    def get_description(self) -> str:
        # The view's own docstring only: our shared bases' docstrings speak to developers,
        # not to API consumers.
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        action_doc = inspect.getdoc(action) if action is not None else None
        own_doc = self.view.__class__.__dict__.get("__doc__")
        return action_doc or (inspect.cleandoc(own_doc) if own_doc else "")

    def _error_statuses(self) -> list[int]:
        method = self.method.upper()
        has_body = method in ("POST", "PUT", "PATCH")
        authenticated = not any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        statuses = []
        if has_body or self._is_list_view():
            statuses.append(400)
        if authenticated:
            statuses += [401, 403]
        elif isinstance(self.view, PublicAPIView):
            # Login and refresh take credentials in the body and answer 401 when they are bad.
            statuses.append(401)
        if "{" in self.path:
            statuses.append(404)
        if has_body:
            statuses += [411, 413, 415]
        statuses.append(429)
        return statuses

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        for status_code in self._error_statuses():
            if str(status_code) not in responses:
                response = self._get_response_for_code(ErrorSerializer, str(status_code))
                response["description"] = ERROR_DESCRIPTIONS[status_code]
                responses[str(status_code)] = response
        return responses


def strip_trailing_slashes(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: document `/v1/users/me`, not `/v1/users/me/` (both work)."""
    result["paths"] = {
        (re.sub(r"(?<=.)/$", "", path)): item for path, item in result.get("paths", {}).items()
    }
    return result


# --- Idempotency-Key (cloudbooks/api/idempotency.py) ------------------------------------------

IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"}
_IDEMPOTENCY_KEY_DESCRIPTION = (
    "Makes a retry of this request safe: 1–255 printable ASCII characters (a UUID is a good "
    "choice), kept 24 hours for your user. A repeat with the same key, path and body gets "
    "the first answer again (same status and body, header `Idempotent-Replayed: true`) and "
    "does not write twice; 5xx answers are not kept, so a retry may succeed. The same key "
    "with another method, path or body is 422; while the first request is still running, "
    "409. The body is compared byte for byte."
)
_IDEMPOTENCY_KEY_IGNORED = (
    "Accepted (1–255 printable ASCII characters, else 400) but without effect: requests "
    "without credentials are never replayed."
)
_IDEMPOTENCY_RESPONSES = {
    "409": "A request with the same `Idempotency-Key` is still being processed.",
    "422": "The `Idempotency-Key` was already used with another method, path or body.",
}


def document_idempotency(result: dict, generator=None, request=None, public=None) -> dict:
    """Declare `Idempotency-Key` on every POST (a postprocessing hook, or call it on a schema).

    Self-contained: it walks the finished OpenAPI document. On every POST it adds the request
    header; on authenticated POSTs (those with `security`) also the `Idempotent-Replayed`
    response header on the documented non-5xx answers, and the 409 and 422 error responses
    (appending to a 409 the operation already documents for another reason).
    """
    for item in result.get("paths", {}).values():
        operation = item.get("post")
        if operation is None:
            continue
        authenticated = bool(operation.get("security"))
        parameters = operation.setdefault("parameters", [])
        if not any(
            p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in parameters
        ):
            parameters.append(
                {
                    "in": "header",
                    "name": "Idempotency-Key",
                    "required": False,
                    "schema": dict(IDEMPOTENCY_KEY_SCHEMA),
                    "description": (
                        _IDEMPOTENCY_KEY_DESCRIPTION if authenticated else _IDEMPOTENCY_KEY_IGNORED
                    ),
                }
            )
        if not authenticated:
            continue
        responses = operation.setdefault("responses", {})
        for status_code, response in responses.items():
            if status_code.isdigit() and int(status_code) < 500:
                response.setdefault("headers", {})["Idempotent-Replayed"] = {
                    "description": "`true` when this is the saved answer to an earlier request "
                    "with the same `Idempotency-Key`; absent otherwise.",
                    "schema": {"type": "string", "enum": ["true"]},
                }
        for status_code, description in _IDEMPOTENCY_RESPONSES.items():
            if status_code in responses:
                existing = responses[status_code].get("description", "")
                if description not in existing:
                    responses[status_code]["description"] = f"{existing} Or: {description}".strip()
            else:
                responses[status_code] = {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    return result
