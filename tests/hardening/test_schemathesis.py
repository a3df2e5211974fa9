"""Schemathesis against /v1/openapi.json: every operation, every check, zero failures.

All of Schemathesis's checks run on every response. Two are waived for one kind of case
each, explained where it is done: `positive_data_acceptance` for a 400 naming a field whose
rule needs the database (`BUSINESS_RULES`), and `negative_data_rejection` for type
mutations of form bodies, which the form encoding turns into valid strings.

The application is called in-process through WSGI (the test's database transaction sees
every write and rolls it back at the end). Each generated request is made by a brand-new
user on the unlimited `enterprise` plan with an organization, a project and a fellow member,
so `DELETE /v1/users/me` in one example cannot pull the floor from under the next one, and
a generated id that is a UUID is replaced by one of that user's real ids so the operations
are exercised past the 404.
"""

from __future__ import annotations

import uuid

import pytest
import requests
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from accounts.models import Plan
from orgs.models import Role
from tests.factories import access_token_for, make_api_key, make_user
from tests.orgs.factories import add_member, make_organization, make_project

# Modest and reproducible: the suite stays quick and a failure comes back on every run.
MAX_EXAMPLES = 25


# Loaded once, at collection, from the application itself (no server, no database needed).
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", WSGIHandler())
# Credentials are the test's own (a fresh user per example), not generated; and no unknown
# query parameters: like most APIs, ours ignores them.
schema.config.generation.update(
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    with_security_parameters=False,
    allow_extra_parameters=False,
    # No example database: a run replays nothing an earlier run (or branch) found.
    database="none",
)
schema.config.checks.update(included_check_names=["all"])


@WSGI_TRANSPORT.serializer("multipart/form-data")
def _multipart_as_real_clients_send_it(ctx, value) -> dict:
    """Multipart bodies encoded by `requests` (as curl and browsers do), not by Werkzeug.

    Werkzeug's test client writes an empty field with no CRLF before the next boundary; a
    real client never does, and Django reads that field as absent.
    """
    _, serialize = REQUESTS_TRANSPORT.get_first_matching_media_type("multipart/form-data")
    parts = serialize(ctx, value)
    prepared = requests.Request(
        "POST",
        "http://localhost/",
        files=parts.get("files"),
        data=parts.get("data"),
        headers=parts.get("headers"),
    ).prepare()
    return {"data": prepared.body, "content_type": prepared.headers["Content-Type"]}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """What Django's test client does: the test's transaction outlives each request.

    A real WSGI handler closes the database connection when a request ends, and with it
    the transaction the test runs in (on PostgreSQL).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _generous_login_limits(settings):
    # Generated login attempts are not a brute-force attack; the limits have their own tests.
    settings.LOGIN_RATE_PER_IP = "100000/m"
    settings.LOGIN_FAILURES_PER_EMAIL = "100000/m"
    settings.LOGIN_FAILURES_PER_ACCOUNT_IP = "100000/m"


def _fresh_world(credential: str) -> tuple[str, dict[str, str]]:
    """A new user with everything the path parameters can name: (Authorization, ids)."""
    enterprise = Plan.objects.get(slug="enterprise")
    user = make_user(plan=enterprise)
    fellow = make_user(plan=enterprise)
    organization = make_organization(owner=user)
    add_member(organization, fellow, Role.MEMBER)
    project = make_project(organization, by=user)
    if credential == "api_key":
        _, token = make_api_key(user)
    else:
        token = access_token_for(user)
    ids = {
        "/v1/organizations/{id}": str(organization.pk),
        "/v1/projects/{id}": str(project.pk),
        "/v1/users/{id}": str(fellow.pk),
        "organization_id": str(organization.pk),
        "user_id": str(fellow.pk),
    }
    return f"Bearer {token}", ids


def _use_real_ids(case, ids: dict[str, str]) -> None:
    """Point a generated UUID at a real resource of the caller; anything else stays as it is."""
    for name, value in (case.path_parameters or {}).items():
        if not _is_uuid(value):
            continue
        if name == "id":
            prefix = case.operation.path.split("{")[0]
            case.path_parameters[name] = ids.get(f"{prefix}{{id}}", value)
        else:
            case.path_parameters[name] = ids.get(name, value)
    if isinstance(case.body, dict) and _is_uuid(case.body.get("organization")):
        case.body["organization"] = ids["organization_id"]


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# Schema-valid values that a rule needing the database or the caller refuses with a 400 on
# the named field: an email that is taken or names nobody, a password the validators reject
# or a wrong current password, a taken slug, an organization that is not the caller's, a
# refresh token that is not one, a cursor the server did not write. Only for these does a
# 400 not count against `positive_data_acceptance`; every other check still runs.
BUSINESS_RULES = {
    # Django's email validator is stricter than the `email` format (no one-letter TLD).
    ("POST", "/v1/auth/login"): {"email"},
    # A cursor is opaque: only the `next`/`previous` links the server wrote are valid.
    ("GET", "/v1/organizations"): {"cursor"},
    ("GET", "/v1/organizations/{organization_id}/members"): {"cursor"},
    ("GET", "/v1/projects"): {"cursor"},
    ("POST", "/v1/auth/logout"): {"refresh"},
    ("PUT", "/v1/users/me"): {"email", "password", "current_password"},
    ("PATCH", "/v1/users/me"): {"email", "password", "current_password"},
    ("POST", "/v1/organizations"): {"slug"},
    ("PUT", "/v1/organizations/{id}"): {"slug"},
    ("PATCH", "/v1/organizations/{id}"): {"slug"},
    ("POST", "/v1/organizations/{organization_id}/members"): {"email"},
    ("POST", "/v1/projects"): {"organization"},
    ("PUT", "/v1/projects/{id}"): {"organization"},
    ("PATCH", "/v1/projects/{id}"): {"organization"},
}


def _refused_by_a_business_rule(case, response) -> bool:
    if response.status_code != 400:
        return False
    fields = BUSINESS_RULES.get((case.method.upper(), case.operation.path), set())
    errors = response.json()["error"]["details"].get("errors", [])
    return bool(errors) and all(error["field"] in fields for error in errors)


FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _type_mutation_lost_on_the_wire(case) -> bool:
    """A negative form body: its values all arrive as text, so "not a string" cannot be seen.

    Schemathesis judges a form body's mutations on the values it generated (`name: {}`),
    but form-encoded and multipart fields are strings on the wire (`name` is "{}", a valid
    name). Type mutations are checked where they survive: in the JSON bodies of the same
    operations.
    """
    media_type = case.media_type or ""
    return media_type.startswith(FORM_MEDIA_TYPES) and case.meta.is_negative_at(
        ParameterLocation.BODY
    )


def _call_and_validate(case, credential: str) -> None:
    authorization, ids = _fresh_world(credential)
    _use_real_ids(case, ids)
    headers = {"Authorization": authorization}
    response = case.call(headers=headers)
    excluded = [positive_data_acceptance] if _refused_by_a_business_rule(case, response) else []
    if _type_mutation_lost_on_the_wire(case):
        excluded.append(negative_data_rejection)
    # The headers again: `ignored_auth` replays the request with them spoiled or removed.
    case.validate_response(
        response, headers=headers, excluded_checks=excluded, transport_kwargs={"headers": headers}
    )


# Every example makes its own user, so sharing the test's database between examples is meant.
SHARED_DATABASE = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@schema.parametrize()
@SHARED_DATABASE
def test_every_operation_conforms_with_an_access_token(case, db):
    _call_and_validate(case, "jwt")


@schema.parametrize()
@SHARED_DATABASE
def test_every_operation_conforms_with_an_api_key(case, db):
    _call_and_validate(case, "api_key")
