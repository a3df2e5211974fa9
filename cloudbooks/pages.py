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

from cloudbooks import errors


def names_a_field(exc: errors.DomainError) -> bool:
    """A refusal about one field's value, shown next to it: invalid input, or a clash with
    another row (a Conflict whose `details` name the field, e.g. a taken slug)."""
    return isinstance(exc, errors.Invalid) or "field" in exc.details


def add_service_errors(form: forms.Form, exc: errors.Invalid | errors.Conflict) -> None:
    """Put a service's errors next to the form's fields (or on top of the form)."""
    if isinstance(exc, errors.Invalid):
        problems = exc.errors
    else:  # a refusal naming one field in its details (a Conflict)
        problems = {exc.details.get("field"): [exc.message]}
    for field, issues in problems.items():
        target = field if field in form.fields else None
        for issue in issues:
            form.add_error(target, issue)


# The refusals a form page answers with itself again (429, 503), rather than an error page.
REFUSALS = (errors.RateLimited, errors.Unavailable)


def refusal_status(exc: errors.RateLimited | errors.Unavailable) -> int:
    return 429 if isinstance(exc, errors.RateLimited) else 503


def refusal_message(exc: errors.RateLimited | errors.Unavailable) -> str:
    """Plain words for a limit reached or a service down."""
    if isinstance(exc, errors.RateLimited):
        minutes = max(1, round(exc.wait / 60))
        when = "a minute" if minutes == 1 else f"{minutes} minutes"
        return f"Too many attempts. Please wait {when} before trying again."
    return exc.message


def render_refusal(
    request: HttpRequest,
    template: str,
    context: dict,
    exc: errors.RateLimited | errors.Unavailable,
) -> HttpResponse:
    """The form page again, with the refusal on top, under the refusal's status (429, 503)."""
    response = render(
        request, template, {**context, "refusal": refusal_message(exc)}, status=refusal_status(exc)
    )
    return with_retry_after(response, exc)


def with_retry_after(response: HttpResponse, exc: errors.DomainError) -> HttpResponse:
    """`Retry-After` on the answer to a limit reached, as the API sends it."""
    if isinstance(exc, errors.RateLimited):
        response["Retry-After"] = str(max(1, int(exc.wait)))
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
