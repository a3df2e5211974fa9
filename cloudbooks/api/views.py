"""Endpoints and handlers of the API layer itself: health, and Django's error handlers."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

from cloudbooks.api.exceptions import (
    InternalError,
    PayloadTooLarge,
    ServiceUnavailable,
    error_response,
)
from cloudbooks.api.middleware import is_api_path

logger = logging.getLogger("cloudbooks.api")


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database and the cache both answer; 503 in the envelope otherwise."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.error("healthz: database unreachable: %s", exc.__class__.__name__)
        checks["database"] = "unavailable"
    try:
        _probe_cache()
    except Exception as exc:
        logger.error("healthz: cache unreachable: %s", exc.__class__.__name__)
        checks["cache"] = "unavailable"
    if all(state == "ok" for state in checks.values()):
        return JsonResponse({"status": "ok", "checks": checks})
    return error_response(request, ServiceUnavailable(details={"checks": checks}))


def _probe_cache() -> None:
    """Raise unless the cache answers, without sharing any state with other requests.

    A key every process writes and reads back is a race: between one request's write and
    its read another one overwrites it, and a healthy host answers 503 (and is pulled from
    the load balancer). Redis is asked with PING; any other backend (the local-memory cache
    of development) gets a round trip on a key of this request's own.
    """
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # Django's RedisCache and cloudbooks.cache's
        if not backend.get_client(write=True).ping():
            raise RuntimeError("cache did not answer PING")
        return
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("cache did not return what was written")
    finally:
        cache.delete(key)


# Exempt: a 404 changes nothing, and without it a POST to an unknown /v1 path would get
# Django's HTML "CSRF verification failed" page (403) instead of the envelope.
@csrf_exempt
def unknown_endpoint(request: HttpRequest) -> HttpResponse:
    return page_not_found(request, Http404())


# Django's error handlers: the envelope under /v1, Django's usual pages elsewhere.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path_info):
        if isinstance(exception, RequestDataTooBig):
            return error_response(request, PayloadTooLarge())
        return error_response(request, exceptions.ValidationError(["Bad request."]))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(request, exceptions.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(
            request, exceptions.NotFound(f"No such endpoint: {request.method} {request.path}")
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(request, InternalError())
    return defaults.server_error(request)
