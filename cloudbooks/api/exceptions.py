"""The error envelope (docs/api.md, "Errors"): every error, from every layer, leaves through here.

    {"error": {"code", "message", "details", "request_id"}}

DRF calls `exception_handler`; Django's own 400/403/404/500 handlers (`handler400` … in
`cloudbooks/urls.py`) and our middleware call `error_response`, so one function writes
the body whichever layer failed.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response

from cloudbooks import errors
from cloudbooks.api.middleware import current_request_id

logger = logging.getLogger("cloudbooks.api")

CODES_BY_STATUS = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limit_exceeded",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(exceptions.APIException):
    """An API error with an optional `details` object for the envelope."""

    def __init__(self, detail: Any = None, *, details: dict | None = None):
        super().__init__(detail)
        self.details = details or {}


class Conflict(ApiError):
    """The request contradicts the current state (e.g. the last owner leaving)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is larger than the limit.")
    default_code = "payload_too_large"


class LengthRequired(ApiError):
    """A body sent without a Content-Length (chunked): refused, never read as empty."""

    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = _(
        "Send the request body with a Content-Length header; chunked bodies are not accepted."
    )
    default_code = "length_required"


class Unprocessable(ApiError):
    """422: well-formed, but not a request we can take as it is (an Idempotency-Key reused)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The request cannot be processed as it is.")
    default_code = "invalid_request"


class ServiceUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The service is temporarily unavailable. Please retry shortly.")
    default_code = "service_unavailable"


class RateLimitExceeded(exceptions.Throttled):
    """429 with a message of our own and `details` naming the limit that was reached.

    DRF's Throttled appends its own sentence to the message ("Expected available in N
    seconds."), glued to ours without a full stop. Here the message is written whole: the
    caller's sentence, then when to try again, the same number of seconds as `Retry-After`.
    """

    default_detail = _("Rate limit exceeded.")

    def __init__(self, wait: float | None = None, *, message: str | None = None, details=None):
        # Throttled.__init__ is skipped on purpose: it is what writes DRF's sentence.
        wait = None if wait is None else max(1, math.ceil(wait))
        exceptions.APIException.__init__(self, _retry_message(message, wait))
        self.wait = wait
        self.details = details or {}


def _retry_message(message: str | None, wait: int | None) -> str:
    sentence = str(message or RateLimitExceeded.default_detail).strip()
    if not sentence.endswith((".", "!", "?")):
        sentence += "."
    if wait is None:
        return sentence
    return f"{sentence} Try again in {wait} second{'' if wait == 1 else 's'}."


class InternalError(ApiError):
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = _("Something went wrong on our end. The request id identifies it to us.")


# --- Validation errors ---------------------------------------------------------------------


def _flatten(detail: Any, prefix: str = "") -> list[tuple[str | None, Any]]:
    """Turn DRF's nested error detail into (dotted field path, ErrorDetail) pairs, in order."""
    if isinstance(detail, dict):
        pairs: list[tuple[str | None, Any]] = []
        for key, value in detail.items():
            key = str(key)
            if key in ("non_field_errors", "__all__"):
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else key
            pairs.extend(_flatten(value, path))
        return pairs
    if isinstance(detail, list):
        pairs = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                pairs.extend(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                pairs.append((prefix or None, value))
        return pairs
    return [(prefix or None, detail)]


# A service's `Invalid` says what is wrong in its own words: its issue is the message.
DOMAIN_CODE = "domain"


def _validation_message(field: str | None, issue: str, code: str | None) -> str:
    """The envelope's one-line message for the first invalid field.

    "invalid" is the code DRF and Django give a value of the wrong shape (an email, a slug,
    a uuid), so "Invalid <field> format" is true of it. Any other issue is quoted, so the
    message says what is wrong ("No CloudBooks user has this email", a length, a choice):
    our own errors that are not about format carry a code of their own for that reason.
    """
    if field is None or code == DOMAIN_CODE:
        return issue
    if code == "invalid":
        return f"Invalid {field} format"
    if code in ("required", "null"):
        return f"Missing required field: {field}"
    return f"Invalid value for {field}: {issue}"


def validation_payload(detail: Any) -> tuple[str, dict]:
    pairs = _flatten(detail)
    errors = [{"field": field, "issue": str(issue)} for field, issue in pairs]
    if not errors:
        return "Invalid request", {}
    field, first = pairs[0]
    message = _validation_message(field, str(first), getattr(first, "code", None))
    return message, {"field": field, "issue": str(first), "errors": errors}


# --- Bodies and responses ------------------------------------------------------------------


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": current_request_id.get(),
        }
    }


def _describe(exc: exceptions.APIException) -> tuple[str, str, dict]:
    """The (code, message, details) of an API exception."""
    status_code = exc.status_code
    code = CODES_BY_STATUS.get(status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        message, details = validation_payload(exc.detail)
        return code, message, details
    detail = exc.detail
    if isinstance(detail, list | dict):
        message, details = validation_payload(detail)
    else:
        message, details = str(detail), {}
    details = {**details, **getattr(exc, "details", {})}
    return code, message, details


# The one place where the services' domain errors become API errors.
_API_ERRORS: dict[type[errors.DomainError], type[exceptions.APIException]] = {
    errors.NotFound: exceptions.NotFound,
    errors.PermissionDenied: exceptions.PermissionDenied,
    errors.Conflict: Conflict,
    errors.Unavailable: ServiceUnavailable,
}


def _from_domain(exc: errors.DomainError) -> exceptions.APIException:
    if isinstance(exc, errors.Invalid):
        return exceptions.ValidationError(
            {
                field if field is not None else "non_field_errors": [
                    exceptions.ErrorDetail(issue, code=DOMAIN_CODE) for issue in issues
                ]
                for field, issues in exc.errors.items()
            }
        )
    if isinstance(exc, errors.RateLimited):
        return RateLimitExceeded(wait=exc.wait, message=exc.message, details=exc.details)
    for domain_class, api_class in _API_ERRORS.items():
        if isinstance(exc, domain_class):
            api_exc = api_class(exc.message)
            api_exc.details = exc.details
            return api_exc
    return ApiError(exc.message, details=exc.details)


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """Map the non-DRF exceptions we expect; None for a real bug."""
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, RateLimitExceeded):
        # DRF's own throttling (a throttle class, `APIView.throttled`): our wording, not its.
        return RateLimitExceeded(wait=exc.wait, message="Too many requests")
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, errors.DomainError):
        return _from_domain(exc)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ValidationError({"non_field_errors": ["Too many fields in the body."]})
    if isinstance(exc, OperationalError | InterfaceError | RedisConnectionError):
        logger.error("Backing service unavailable: %s", exc.__class__.__name__)
        return ServiceUnavailable()
    if isinstance(exc, RedisTimeoutError):
        logger.error("Cache timed out")
        return ServiceUnavailable()
    return None


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception raised in a view becomes the envelope."""
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        # A bug. Log it with the request id (the filter adds it) and answer without a traceback.
        logger.exception("Unhandled exception in %s", context.get("view").__class__.__name__)
        api_exc = InternalError()
    # Imported here: rest_framework.views reads the DRF settings, which name this module.
    from rest_framework.views import set_rollback

    # Whatever the view wrote before failing is rolled back: an error changes nothing.
    set_rollback()

    code, message, details = _describe(api_exc)
    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, int(api_exc.wait)))
    return Response(error_body(code, message, details), status=api_exc.status_code, headers=headers)


def error_response(request: HttpRequest, exc: exceptions.APIException) -> JsonResponse:
    """The envelope outside DRF: middleware and Django's error handlers."""
    code, message, details = _describe(exc)
    response = JsonResponse(error_body(code, message, details), status=exc.status_code)
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        response["Retry-After"] = str(max(1, int(exc.wait)))
    return response
