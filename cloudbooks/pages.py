"""What every dashboard page shares: service errors shown on forms, limits answered politely.

The pages call the same services as the API. Those raise domain errors (`cloudbooks.errors`:
`Invalid` naming fields, `Conflict`, `RateLimited` from a brute-force limit); here, once for
every page, they become form errors and friendly pages with the same status codes as the API
would answer, instead of its JSON envelope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import exceptions

from cloudbooks import errors


def names_a_field(exc: Exception) -> bool:
    """A refusal about one field's value, shown next to it: a validation error, or a clash
    with another row (a Conflict whose `details` name the field, e.g. a taken slug)."""
    if isinstance(exc, errors.Invalid | exceptions.ValidationError):
        return True
    return "field" in getattr(exc, "details", {})


def add_service_errors(form: forms.Form, exc: Exception) -> None:
    """Put a service's validation errors next to the form's fields (or on top of the form)."""
    if isinstance(exc, errors.Invalid):
        detail = exc.errors
    elif isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
    else:  # a refusal naming one field in its details (a Conflict)
        field = getattr(exc, "details", {}).get("field")
        message = exc.message if isinstance(exc, errors.DomainError) else str(exc.detail)
        form.add_error(field if field in form.fields else None, message)
        return
    if not isinstance(detail, dict):
        detail = {None: detail}
    for field, issues in detail.items():
        target = field if field in form.fields else None
        for issue in issues if isinstance(issues, list) else [issues]:
            form.add_error(target, str(issue))


def refusal_message(exc: exceptions.APIException) -> str:
    """Plain words for a limit reached or a service down."""
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait:
        minutes = max(1, round(wait / 60))
        when = "a minute" if minutes == 1 else f"{minutes} minutes"
        return f"Too many attempts. Please wait {when} before trying again."
    return str(exc.detail)


def render_refusal(
    request: HttpRequest, template: str, context: dict, exc: exceptions.APIException
) -> HttpResponse:
    """The form page again, with the refusal on top, under the refusal's status (429, 503)."""
    response = render(
        request,
        template,
        {**context, "refusal": refusal_message(exc)},
        status=exc.status_code,
    )
    wait = getattr(exc, "wait", None)
    if wait is not None:
        response["Retry-After"] = str(max(1, int(wait)))
    return response


@contextmanager
def service_errors_as_pages() -> Iterator[None]:
    """A service's 403 and 404 as Django's, so the page handlers answer (403.html, 404.html)."""
    try:
        yield
    except errors.PermissionDenied as exc:
        raise PermissionDenied(exc.message) from None
    except errors.NotFound:
        raise Http404() from None
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied(str(exc.detail)) from None
    except exceptions.NotFound:
        raise Http404() from None
