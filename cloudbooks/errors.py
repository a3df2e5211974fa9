"""Domain errors: what a service raises when a rule refuses an operation.

Services are plain Python: they know nothing of HTTP, DRF or templates. They raise these,
and each interface maps them once — the API to its JSON envelope
(`cloudbooks.api.exceptions`), the dashboard to form errors and error pages
(`cloudbooks.pages`). A message is written for the person who caused it: safe to show as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A rule refused the operation. `message` is safe to show; `details` add structure."""

    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, details: Mapping | None = None):
        self.message = message or self.default_message
        self.details = dict(details or {})
        super().__init__(self.message)


class NotFound(DomainError):
    """No such thing, or one the actor may not know exists (an API 404)."""

    default_message = "Not found."


class PermissionDenied(DomainError):
    """The actor may see the thing but not do this to it (an API 403)."""

    default_message = "You do not have permission to perform this action."


class Conflict(DomainError):
    """The operation contradicts the current state: the last owner leaving, a taken slug."""

    default_message = "The request conflicts with the current state of the resource."


class Invalid(DomainError):
    """Input a rule refuses: `Invalid(field, issue)`, or `Invalid(errors={field: [issues]})`.

    `field` None means the input as a whole. Every problem found can be reported at once, so a
    form shows each next to its field.
    """

    def __init__(
        self,
        field: str | None = None,
        issue: str | None = None,
        *,
        errors: Mapping[str | None, Sequence[str]] | None = None,
    ):
        if errors is None:
            errors = {field: [issue or "Invalid value."]}
        self.errors = {key: list(issues) for key, issues in errors.items()}
        first_field, first_issues = next(iter(self.errors.items()))
        self.field = first_field
        self.issue = first_issues[0]
        super().__init__(self.issue)


class RateLimited(DomainError):
    """Too many attempts (a brute-force limit): retry after `wait` seconds."""

    default_message = "Too many attempts. Please wait before trying again."

    def __init__(self, message: str | None = None, *, wait: int, details: Mapping | None = None):
        self.wait = wait
        super().__init__(message, details=details)


class Unavailable(DomainError):
    """A backing service the rule needs is down; the operation was not done (an API 503)."""

    default_message = "The service is temporarily unavailable. Please retry shortly."
