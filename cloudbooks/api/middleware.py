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
from django.template.loader import render_to_string
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


class BodyLimitMiddleware:
    """Refuses, before anything reads it, a body over API_MAX_BODY_BYTES or of unknown length.

    Every path, not only /v1: Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count the file
    parts of a multipart form (they are spooled to disk whatever their size), and DRF's
    parsers read the stream directly, so neither caps a body. The Content-Length is the cap.

    A body sent with `Transfer-Encoding` (chunked) has no Content-Length, and Django reads
    such a body as empty: a chunked logout would answer 204 without revoking anything, and a
    chunked upload would slip past the cap. So it is refused with 411 Length Required, the
    envelope's `length_required` under /v1 and a plain page elsewhere. HTTP clients send a
    Content-Length for a body they hold in memory, and every body we take is small enough
    for that; a buffering proxy in front (nginx's default) adds one by itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            return _refuse(request, 411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        if length > settings.API_MAX_BODY_BYTES:
            return _refuse(request, 413)
        return self.get_response(request)


def _refuse(request: HttpRequest, status: int) -> HttpResponse:
    # Imported here: exceptions imports this module (for the request id).
    from cloudbooks.api.exceptions import LengthRequired, PayloadTooLarge, error_response

    if is_api_path(request.path_info):
        return error_response(request, LengthRequired() if status == 411 else PayloadTooLarge())
    # A plain page that needs no session or user: the middleware that loads them has not run.
    page = render_to_string(f"{status}.html", {"limit": settings.API_MAX_BODY_BYTES})
    return HttpResponse(page, status=status)
