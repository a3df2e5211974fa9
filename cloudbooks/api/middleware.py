"""Request ids, the access log and body limits: the first things every request meets."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

REQUEST_ID_HEADER = "X-Request-Id"
# A client's id is echoed only if it is short and plain, so it is safe in logs and headers.
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)


def is_api_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


class RequestIdMiddleware:
    """Gives every request an id (echoing a sane incoming one) and every response the header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else f"req_{uuid.uuid4().hex}"
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Stamps each log record with the id of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


access_logger = logging.getLogger("cloudbooks.access")


def _served_user_id(request: HttpRequest) -> str | None:
    """The id of the user the request was served for, without loading a user just to log it.

    API views leave their caller on the request (DRF sets `request.user` on it); the
    dashboard's session user is lazy, and read here only if the view already loaded it.
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


class AccessLogMiddleware:
    """One line per request on the `cloudbooks.access` logger (JSON in LOGGING).

    method, path, status, duration_ms, user_id, credential (jwt, api_key, session or none)
    and, through RequestIdLogFilter, request_id. Never a header, the query string or the
    body: they may carry a token or a key. The credential kind is left on the request by
    BearerAuthentication.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if access_logger.isEnabledFor(logging.INFO):
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            user_id = _served_user_id(request)
            credential = getattr(request, "credential_kind", None) or (
                "session" if user_id else "none"
            )
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id,
                    "credential": credential,
                },
            )
        return response


class ApiBodySizeMiddleware:
    """Answers 413 for an API body over the limit before anything reads it.

    DRF's parsers read the request stream directly, so Django's own
    DATA_UPLOAD_MAX_MEMORY_SIZE check on `request.body` never runs for JSON bodies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path_info):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                from cloudbooks.api.exceptions import PayloadTooLarge, error_response

                return error_response(request, PayloadTooLarge())
        return self.get_response(request)
